"""Hostile input (issue 8, part 3): every nasty file ends in bounded time with exit code 2 and
an error naming the file (and line), never a traceback, never a hang, never a clean pass; the
good files beside it are still scanned and reported.

Every input is generated in tmp_path (nothing large is committed). One subprocess scans a tree
holding all the cases at once (real CLI, hard timeout); each case is then scanned on its own,
in-process, beside a good module, to check its exit code and message in isolation.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main

REPO = Path(__file__).resolve().parents[1]

# A module with known failing findings: must still be reported beside any hostile file.
GOOD = """\
resource "aws_db_instance" "customers" {
  engine              = "postgres"
  publicly_accessible = true
  storage_encrypted   = false
}
"""
GOOD_ADDRESS = "aws_db_instance.customers"


def _deep(opening: str, closing: str, n: int = 100_000) -> str:
    return "locals {\n  x = " + opening * n + "1" + closing * n + "\n}\n"


def _locals_chain(n: int) -> str:
    body = "".join(f"  l{i} = local.l{i + 1}\n" for i in range(n))
    return ("locals {\n" + body + f'  l{n} = "end"\n}}\n'
            'resource "aws_s3_bucket" "b" {\n  bucket = local.l0\n}\n')


BUCKET = 'resource "aws_s3_bucket" "b" {{\n  bucket = {}\n}}\n'

# name -> (files {relative path: text or bytes}, file named in the error, line or None,
#          a fragment of the message)
CASES = {
    "missing_value": ({"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket =\n}\n'},
                      "main.tf", 2, "expected an expression"),
    "missing_brace": ({"main.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "a"\n'},
                      "main.tf", None, "end of file"),
    "extra_brace": ({"main.tf": 'resource "aws_s3_bucket" "b" {\n}\n}\n'}, "main.tf", 3, "unexpected '}'"),
    "bad_label": ({"main.tf": 'resource aws_s3_bucket" "b" {}\n'}, "main.tf", 1, ""),
    "junk": ({"main.tf": '@@@ ### $$$\n'}, "main.tf", 1, "unexpected"),
    "redefined": ({"main.tf": 'locals {\n  a = 1\n  a = 2\n}\n'}, "main.tf", 3, "redefined"),
    "bad_escape": ({"main.tf": 'locals {\n  a = "\\q"\n}\n'}, "main.tf", 2, "escape"),
    "unterminated_heredoc": ({"main.tf": 'locals {\n  x = <<EOT\nhello\n}\n'},
                             "main.tf", 2, "unterminated heredoc"),
    "unterminated_string": ({"main.tf": 'locals {\n  x = "hello\n}\n'}, "main.tf", 2, "unterminated string"),
    "unclosed_template": ({"main.tf": 'locals {\n  x = <<EOT\n${var.a\nEOT\n}\n'}, "main.tf", None, "template"),
    "deep_brackets": ({"main.tf": _deep("[", "]")}, "main.tf", 2, "nesting too deep"),
    "deep_braces": ({"main.tf": _deep("{a=", "}")}, "main.tf", 2, "nesting too deep"),
    "deep_parens": ({"main.tf": _deep("(", ")")}, "main.tf", 2, "nesting too deep"),
    "deep_unbalanced": ({"main.tf": "locals {\n  x = " + "[" * 100_000 + "\n}\n"}, "main.tf", 2, "nesting too deep"),
    "deep_blocks": ({"main.tf": 'resource "aws_s3_bucket" "b" {\n' + "a {\n" * 5000 + "}\n" * 5001},
                    "main.tf", None, "nesting too deep"),
    "operator_chain": ({"main.tf": "locals {\n  x = " + " + ".join(["1"] * 5000) + "\n}\n"},
                       "main.tf", 2, "nesting too deep"),
    "template_nesting": ({"main.tf": 'locals {\n  x = "' + "%{ if true }" * 5000 + '"\n}\n'},
                         "main.tf", None, ""),
    "binary": ({"main.tf": b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4}, "main.tf", None, "binary"),
    "not_utf8": ({"main.tf": b'locals {\n  a = "caf\xe9"\n}\n'}, "main.tf", 2, "UTF-8"),
    "self_module": ({"main.tf": 'module "me" {\n  source = "./"\n}\n'}, "main.tf", 1, "sources itself"),
    "module_cycle": ({"main.tf": 'module "a" {\n  source = "./a"\n}\n',
                      "a/main.tf": 'module "b" {\n  source = "../b"\n}\n',
                      "b/main.tf": 'module "a" {\n  source = "../a"\n}\n'},
                     None, None, "sources itself"),
    "count_1e9": ({"main.tf": 'resource "aws_s3_bucket" "b" {\n  count = 1e9\n}\n'}, "main.tf", 2, "limit"),
    "count_infinite": ({"main.tf": 'resource "aws_s3_bucket" "b" {\n  count = 1e400\n}\n'},
                       "main.tf", 2, "count"),
    "for_each_huge": ({"main.tf": 'resource "aws_s3_bucket" "b" {\n  for_each = toset(flatten('
                                  '[for i in range(1000) : [for j in range(20) : "${i}-${j}"]]))\n}\n'},
                      "main.tf", 2, "limit"),
    "huge_string": ({"main.tf": 'locals {\n  a = join("", [for i in range(1000) : "' + "x" * 1000 + '"])\n'
                                '  b = join(local.a, [for i in range(1000) : "y"])\n}\n'
                                + BUCKET.format("local.b")},
                    "main.tf", 3, "too large"),
    "doubling_strings": ({"main.tf": 'locals {\n  a0 = "xxxxxxxxxxxxxxxx"\n'
                                     + "".join(f'  a{i + 1} = "${{local.a{i}}}${{local.a{i}}}"\n' for i in range(40))
                                     + "}\n" + BUCKET.format("local.a40")},
                         "main.tf", None, "too large"),
    "regex_backtracking": ({"main.tf": BUCKET.format('replace("' + "a" * 60 + 'b", "/(a|aa)+$/", "x")')},
                           "main.tf", 2, "too long"),
    "locals_chain": ({"main.tf": _locals_chain(10_000)}, "main.tf", None, "too deep"),
    "local_cycle": ({"main.tf": 'locals {\n  a = local.b\n  b = local.a\n}\n' + BUCKET.format("local.a")},
                    "main.tf", None, "cycle"),
    "bad_tfvars": ({"main.tf": 'variable "name" {}\n' + BUCKET.format("var.name"),
                    "terraform.tfvars": 'name = "a" "b" {{{\n'}, "terraform.tfvars", 1, ""),
    "binary_tfvars": ({"main.tf": 'variable "name" {}\n' + BUCKET.format("var.name"),
                       "terraform.tfvars": b"\x00\x01\x02garbage"}, "terraform.tfvars", None, "binary"),
    "tf_json": ({"main.tf.json": json.dumps({"resource": {"aws_s3_bucket": {"b": {"bucket": "x"}}}})},
                "main.tf.json", None, "not evaluated"),
}


# Costly ones (seconds each: they run into the work limits), checked once, in one subprocess.
HEAVY = {
    "nested_for": ({"main.tf": 'locals {\n  x = [for a in range(1000) : [for b in range(1000) : '
                               '[for c in range(1000) : c]]]\n}\n' + BUCKET.format("length(local.x)")},
                   "main.tf", 2, "budget"),
    "nested_dynamic": ({"main.tf": 'resource "aws_security_group" "g" {\n'
                                   '  dynamic "ingress" {\n    for_each = range(1000)\n    content {\n'
                                   '      dynamic "x" {\n        for_each = range(1000)\n        content {\n'
                                   '          dynamic "y" {\n            for_each = range(1000)\n'
                                   '            content { z = 1 }\n          }\n        }\n      }\n'
                                   '    }\n  }\n}\n'},
                       "main.tf", None, "budget"),
    "module_explosion": ({"main.tf": 'module "a" {\n  count  = 10000\n  source = "./m1"\n}\n',
                          "m1/main.tf": 'module "b" {\n  count  = 10000\n  source = "../m2"\n}\n',
                          "m2/main.tf": 'resource "null_resource" "r" {\n  count = 10000\n}\n'},
                         None, 2, "instances"),
    "nested_for_in_tfvars": ({"main.tf": 'variable "v" {}\n' + BUCKET.format("var.v"),
                              "terraform.tfvars": 'v = [for a in range(1000) : [for b in range(1000) : '
                                                  '[for c in range(1000) : c]]]\n'},
                             "terraform.tfvars", 1, "budget"),
    "regex_unrolled": ({"main.tf": BUCKET.format('regex("((a{1000}){1000}){1000}", "aaaa")')},
                       "main.tf", 2, "too large"),
    "yamldecode_bomb": ({"main.tf": 'locals {\n  y = yamldecode("a: &a [x,x,x,x,x,x,x,x,x,x]\\n'
                                    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10)
                                              + "]\\n" for i in range(8))
                                    + '")\n}\n' + BUCKET.format("jsonencode(local.y)")},
                        "main.tf", 2, "too large"),
}


def _write(root: Path, files: dict) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _env(tmp_path: Path) -> dict:
    env = dict(os.environ)
    env["PDGUARD_CACHE_DIR"] = str(tmp_path / "cache")
    env.pop("PDGUARD_DEBUG", None)
    return env


def _run_cli(args: list, tmp_path: Path, timeout: float = 120) -> tuple:
    """The real CLI in a subprocess: (exit code, JSON report or None, stderr, seconds)."""
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "checker.cli", "scan", "--format", "json", *map(str, args)],
                          cwd=REPO, env=_env(tmp_path), capture_output=True, text=True, timeout=timeout)
    elapsed = time.monotonic() - started
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr[-3000:]
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = None
    return proc.returncode, report, proc.stderr, elapsed


def _scan(paths: list, monkeypatch, tmp_path: Path) -> tuple:
    """In-process CLI: (exit code, JSON report)."""
    monkeypatch.setenv("PDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    result = CliRunner().invoke(main, ["scan", "--format", "json", *map(str, paths)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout)


def _errors_about(report: dict, case_dir: str) -> list:
    return [e for e in report["errors"] if e["file"].startswith(case_dir + "/") or e["file"] == case_dir]


def _has_good_findings(report: dict) -> bool:
    return any(f["resource"] == GOOD_ADDRESS and f["status"] == "fail" for f in report["findings"])


def _check_case(report: dict, name: str, prefix: str) -> None:
    _files, file, line, fragment = {**CASES, **HEAVY}[name]
    errors = _errors_about(report, prefix)
    assert errors, f"{name}: no error reported: {report['errors']}"
    if file is not None:
        named = [e for e in errors if e["file"] == f"{prefix}/{file}"]
        assert named, f"{name}: no error names {file}: {errors}"
        errors = named
    if line is not None:
        assert any(e["line"] == line for e in errors), f"{name}: expected line {line}: {errors}"
    assert any(fragment.lower() in e["message"].lower() for e in errors), f"{name}: {errors}"


def test_every_hostile_case_in_one_tree(tmp_path):
    tree = tmp_path / "tree"
    _write(tree / "good", {"main.tf": GOOD})
    for name, (files, *_rest) in CASES.items():
        _write(tree / name, files)
    code, report, stderr, elapsed = _run_cli([tree], tmp_path, timeout=240)
    assert code == 2, stderr
    assert report is not None
    for name in CASES:
        _check_case(report, name, name)
    assert _has_good_findings(report)
    assert not _errors_about(report, "good")


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case_alone_beside_a_good_module(name, tmp_path, monkeypatch):
    files = CASES[name][0]
    _write(tmp_path / "scan" / "case", files)
    _write(tmp_path / "scan" / "good", {"main.tf": GOOD})
    code, report = _scan([tmp_path / "scan"], monkeypatch, tmp_path)
    assert code == 2
    _check_case(report, name, "case")
    assert _has_good_findings(report)


def test_hostile_case_alone_is_never_a_clean_pass(tmp_path, monkeypatch):
    """Scanned one by one, without anything else: exit 2 for each."""
    for name, (files, *_rest) in CASES.items():
        case = tmp_path / name
        _write(case, files)
        code, report = _scan([case], monkeypatch, tmp_path)
        assert code == 2, f"{name}: exit {code}, errors {report['errors']}"


def test_inputs_that_run_into_the_work_limits(tmp_path):
    """Nested loops, module count explosions, unrolled regexes, YAML bombs in yamldecode():
    each stops at a limit (an error naming the file), each root module in seconds."""
    tree = tmp_path / "tree"
    _write(tree / "good", {"main.tf": GOOD})
    for name, (files, *_rest) in HEAVY.items():
        _write(tree / name, files)
    code, report, stderr, elapsed = _run_cli([tree], tmp_path, timeout=240)
    assert code == 2, stderr
    for name in HEAVY:
        _check_case(report, name, name)
    assert _has_good_findings(report)
    assert elapsed < 120


def test_huge_file_is_refused_quickly(tmp_path):
    tree = tmp_path / "tree"
    _write(tree / "good", {"main.tf": GOOD})
    big = tree / "big" / "main.tf"
    big.parent.mkdir(parents=True)
    chunk = ('resource "aws_s3_bucket" "b" { bucket = "x" }\n' * 20_000).encode()
    with open(big, "wb") as handle:
        while handle.tell() < 50 * 1024 * 1024:
            handle.write(chunk)
    code, report, stderr, elapsed = _run_cli([tree], tmp_path, timeout=60)
    assert code == 2
    errors = _errors_about(report, "big")
    assert errors and errors[0]["file"] == "big/main.tf" and "MB" in errors[0]["message"]
    assert _has_good_findings(report)
    assert elapsed < 30


def test_many_tokens_is_refused_not_a_hang(tmp_path, monkeypatch):
    """A file of a million newlines (or interpolations): refused by the token limit."""
    _write(tmp_path / "scan" / "case", {"main.tf": "\n" * 600_000 + "locals {}\n"})
    _write(tmp_path / "scan" / "good", {"main.tf": GOOD})
    started = time.monotonic()
    code, report = _scan([tmp_path / "scan"], monkeypatch, tmp_path)
    assert code == 2
    assert any("too large to parse" in e["message"] for e in _errors_about(report, "case"))
    assert _has_good_findings(report)
    assert time.monotonic() - started < 60


def test_yaml_alias_bomb_is_refused(tmp_path):
    bomb = ["AWSTemplateFormatVersion: '2010-09-09'", 'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 12):
        bomb.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    bomb += ["Resources:", "  Bucket:", "    Type: AWS::S3::Bucket", "    Properties:",
             "      BucketName: *a11"]
    tree = tmp_path / "tree"
    _write(tree, {"template.yaml": "\n".join(bomb) + "\n", "good/main.tf": GOOD})
    # Named on its own, and inside a tree beside a good module.
    code, report, stderr, elapsed = _run_cli([tree / "template.yaml"], tmp_path, timeout=60)
    assert code == 2 and any(e["file"] == "template.yaml" for e in report["errors"]), report
    assert elapsed < 30
    code, report, stderr, elapsed = _run_cli([tree], tmp_path, timeout=60)
    assert _has_good_findings(report)
    assert elapsed < 30
    cfn = pytest.importorskip("checker.cloudformation.loader")
    from checker import formats
    if "checker.cloudformation.loader" in formats.FORMAT_MODULES and hasattr(cfn, "load"):
        assert code == 2 and any(e["file"] == "template.yaml" for e in report["errors"]), report


def test_bom_prefixed_file_scans_fine(tmp_path, monkeypatch):
    _write(tmp_path / "scan", {"main.tf": "\ufeff" + GOOD})
    code, report = _scan([tmp_path / "scan"], monkeypatch, tmp_path)
    assert report["errors"] == []
    assert _has_good_findings(report)
    assert code == 1


def test_empty_file_and_directory_named_tf_scan_fine(tmp_path, monkeypatch):
    """Valid Terraform: an empty .tf and a folder called x.tf are no errors."""
    _write(tmp_path / "scan", {"main.tf": GOOD, "empty.tf": "", "comments.tf": "# nothing\n"})
    (tmp_path / "scan" / "folder.tf").mkdir()
    code, report = _scan([tmp_path / "scan"], monkeypatch, tmp_path)
    assert report["errors"] == []
    assert _has_good_findings(report)
    assert code == 1


def test_symlink_loops_terminate(tmp_path, monkeypatch):
    root = tmp_path / "scan"
    _write(root, {"good/main.tf": GOOD})
    (root / "loop").mkdir()
    (root / "loop" / "self").symlink_to(root / "loop", target_is_directory=True)
    (root / "loop" / "up").symlink_to(root, target_is_directory=True)
    (root / "a").symlink_to(root / "b", target_is_directory=True)
    (root / "b").symlink_to(root / "a", target_is_directory=True)
    (root / "good" / "dangling.tf").symlink_to(root / "nowhere.tf")
    _write(root, {"mod/main.tf": 'module "m" {\n  source = "../loop/self/up/loop"\n}\n'})
    started = time.monotonic()
    code, report = _scan([root], monkeypatch, tmp_path)
    assert time.monotonic() - started < 60
    assert _has_good_findings(report)
    assert code in (1, 2)


def test_symlink_loop_alone_is_no_clean_pass(tmp_path, monkeypatch):
    root = tmp_path / "scan"
    root.mkdir()
    (root / "self").symlink_to(root, target_is_directory=True)
    (root / "x.tf").symlink_to(root / "x.tf")   # a link to itself
    code, report = _scan([root], monkeypatch, tmp_path)
    assert code == 2 and report["errors"]


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0,
                    reason="root reads files whatever their permissions")
def test_unreadable_file(tmp_path, monkeypatch):
    _write(tmp_path / "scan", {"good/main.tf": GOOD, "locked/main.tf": BUCKET.format('"x"')})
    locked = tmp_path / "scan" / "locked" / "main.tf"
    locked.chmod(0)
    try:
        code, report = _scan([tmp_path / "scan"], monkeypatch, tmp_path)
    finally:
        locked.chmod(0o644)
    assert code == 2
    assert any(e["file"] == "locked/main.tf" and "cannot read" in e["message"] for e in report["errors"])
    assert _has_good_findings(report)


def test_unrecognised_file_named_explicitly_is_an_error(tmp_path, monkeypatch):
    _write(tmp_path, {"random.json": b"\x89PNG\r\n\x1a\n" + bytes(200), "data.yaml": "a: [1, 2]\n"})
    for name in ("random.json", "data.yaml"):
        code, report = _scan([tmp_path / name], monkeypatch, tmp_path)
        assert code == 2
        assert report["errors"][0]["file"] == name


def test_paths_are_named_by_their_links_inside_resolved_folders(tmp_path):
    from checker.paths import relative_to_root
    root = tmp_path.resolve()
    (root / "real").mkdir()
    (root / "real" / "main.tf").write_text("")
    (root / "alias").symlink_to(root / "real")
    (root / "real" / "link.tf").symlink_to(root / "real" / "main.tf")
    assert relative_to_root(root / "alias" / "main.tf", root) == "real/main.tf"   # folder resolved
    assert relative_to_root(root / "real" / "link.tf", root) == "real/link.tf"    # file: its link
    assert relative_to_root(root, root) == ""
    assert relative_to_root(root.parent / "elsewhere.tf", root) == "../elsewhere.tf"
    (root / "loop").symlink_to(root / "loop")
    assert relative_to_root(root / "loop" / "x.tf", root).endswith("x.tf")       # no exception
