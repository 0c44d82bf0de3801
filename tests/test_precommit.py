"""The pre-commit hook, for real: a git repository whose .pre-commit-config.yaml names this
checkout by path and rev, `pre-commit install`, a risky commit refused with a readable
message, then a clean one accepted.

pre-commit clones the hook repository and pip-installs it into a virtualenv of its own, so
this needs the package index (or the machine's wheel cache). The checkout's current files
(committed or not) are copied into a temporary repository and committed, so the hook runs
the code under test.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pre_commit")

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("checker", "policies", "pyproject.toml", "setup.py", "README.md", ".pre-commit-hooks.yaml", "LICENSE")

BUCKET = '''resource "aws_s3_bucket" "assets" {
  bucket = "static-site-assets"
  tags   = { Name = "assets" }
}
'''
RISKY_TAGS = '''resource "aws_s3_bucket" "assets" {
  bucket = "static-site-assets"
  tags   = { Name = "assets", DataClassification = "Personal" }
}
'''
RISKY_ACL = '''resource "aws_s3_bucket_acl" "assets" {
  bucket = aws_s3_bucket.assets.id
  acl    = "public-read"
}
'''


def git(cwd: Path, *args: str, env=None, check=True) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env=env,
                          check=check, timeout=600)


def _env(tmp: Path) -> dict:
    env = dict(os.environ)
    env.update(PRE_COMMIT_HOME=str(tmp / "pre-commit-home"), PDGUARD_CACHE_DIR=str(tmp / "pdguard-cache"),
               GIT_AUTHOR_NAME="Test", GIT_AUTHOR_EMAIL="test@example.com",
               GIT_COMMITTER_NAME="Test", GIT_COMMITTER_EMAIL="test@example.com",
               GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


def hook_repository(tmp: Path, env: dict) -> tuple[Path, str]:
    """This checkout's current files, committed in a repository of their own."""
    src = tmp / "pdguard-src"
    src.mkdir()
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, env=env)
    names = [n for n in listed.stdout.decode().split("\0") if n] if listed.returncode == 0 else []
    if not names:  # not a git checkout (an unpacked archive): the files that make the package
        names = [str(p.relative_to(ROOT)) for name in SHIPPED for p in
                 ([ROOT / name] if (ROOT / name).is_file() else (ROOT / name).rglob("*"))
                 if p.is_file() and "__pycache__" not in p.parts]
    for name in names:
        path = ROOT / name
        parts = Path(name).parts
        if "venv" in parts[0] or "__pycache__" in parts or "site-packages" in parts:
            continue   # a virtualenv left in the checkout is not part of the package
        if path.is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, src / name)
    git(src, "init", "-q", env=env)
    git(src, "add", "-A", env=env)
    git(src, "commit", "-q", "-m", "pdguard under test", env=env)
    return src, git(src, "rev-parse", "HEAD", env=env).stdout.strip()


def test_hook_refuses_risky_commit_and_accepts_clean_one(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    env = _env(tmp_path)
    src, rev = hook_repository(tmp_path, env)

    user = tmp_path / "infra"
    user.mkdir()
    git(user, "init", "-q", env=env)
    (user / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {src.as_posix()}\n    rev: {rev}\n    hooks:\n      - id: pdguard\n")
    (user / "storage").mkdir()
    (user / "storage" / "main.tf").write_text(BUCKET)
    install = subprocess.run([sys.executable, "-m", "pre_commit", "install"], cwd=user, env=env,
                             capture_output=True, text=True, timeout=300)
    assert install.returncode == 0, install.stdout + install.stderr
    # First commit: builds the hook's environment (pip install of pdguard from the clone).
    git(user, "add", "-A", env=env)
    first = git(user, "commit", "-m", "storage bucket", env=env, check=False)
    assert first.returncode == 0, first.stdout + first.stderr

    # Risky change: the bucket now holds personal data, and a sibling file makes it public.
    # Only acl.tf's sibling main.tf says "personal": the hook must check the whole module.
    (user / "storage" / "main.tf").write_text(RISKY_TAGS)
    git(user, "add", "-A", env=env)
    git(user, "commit", "-q", "--no-verify", "-m", "classify", env=env)
    (user / "storage" / "acl.tf").write_text(RISKY_ACL)
    git(user, "add", "-A", env=env)
    risky = git(user, "commit", "-m", "make records public", env=env, check=False)
    output = risky.stdout + risky.stderr
    assert risky.returncode != 0, output
    assert "PDG101" in output and "aws_s3_bucket.assets" in output, output
    assert "acl.tf:3" in output, output                # points at the deciding argument
    assert "commit refused" in output, output
    assert git(user, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "2"

    # Clean change: no public ACL, no personal data: the commit goes through.
    (user / "storage" / "acl.tf").unlink()
    (user / "storage" / "main.tf").write_text(BUCKET.replace("\"assets\" }", "\"assets\", Team = \"web\" }"))
    git(user, "add", "-A", env=env)
    clean = git(user, "commit", "-m", "private again", env=env, check=False)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert git(user, "rev-list", "--count", "HEAD", env=env).stdout.strip() == "3"
