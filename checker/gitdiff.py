"""`--diff-base REF`: report only what a change introduces, and what it fixes.

The base revision of the git repository holding the scan paths is exported with
`git archive REF` into a temporary folder (the working tree, index and refs are never
touched), the same relative paths are scanned there with the same configuration, and
findings are compared by fingerprint (rule + resource address, so moving code between files
or lines changes nothing). Head findings already in the base are dropped; base findings
missing from head are the `fixed` list.
"""
from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Iterable

from .errors import InputError
from .model import Report


def _git(cwd: Path, *args: str, binary: bool = False):
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise InputError("--diff-base needs git, which is not installed") from None
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {' '.join(args)}: {message[-1] if message else 'failed'}")
    return proc.stdout if binary else proc.stdout.decode("utf-8", "replace")


def repository_root(path: Path) -> Path:
    start = path if path.is_dir() else path.parent
    return Path(_git(start, "rev-parse", "--show-toplevel").strip()).resolve()


def export_revision(repo: Path, ref: str, target: Path) -> None:
    """Write the tree of `ref` into `target` (no checkout, no worktree)."""
    commit = _git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
    data = _git(repo, "archive", "--format=tar", commit, binary=True)
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        if hasattr(tarfile, "data_filter"):
            archive.extractall(target, filter=_skip_unsafe)
        else:  # Python without extraction filters: regular files and folders only
            members = [m for m in archive.getmembers() if (m.isfile() or m.isdir()) and _inside(m.name)]
            archive.extractall(target, members=members)  # noqa: S202


def _skip_unsafe(member, dest):
    """tarfile's "data" filter, skipping (not failing on) links that leave the tree."""
    try:
        return tarfile.data_filter(member, dest)
    except tarfile.FilterError:
        return None


def _inside(name: str) -> bool:
    parts = Path(name).parts
    return not Path(name).is_absolute() and ".." not in parts


def scan_base(paths: Iterable, ref: str, config, scan=None) -> tuple[Report, Path]:
    """Scan the same paths as they are in `ref`. Returns the base report and the repo root."""
    from .api import scan as default_scan
    scan = scan or default_scan
    paths = [Path(p).resolve() for p in paths]
    repo = repository_root(paths[0])
    tmp = Path(tempfile.mkdtemp(prefix="pdguard-base-"))
    try:
        export_revision(repo, ref, tmp)
        base_paths = []
        for p in paths:
            try:
                rel = p.relative_to(repo)
            except ValueError:
                raise InputError(f"{p} is not inside the git repository {repo}") from None
            if (tmp / rel).exists():
                base_paths.append(tmp / rel)
        if not base_paths:
            return Report(findings=[], errors=[]), repo
        return scan(base_paths, config), repo
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def compare(head: Report, base: Report, ref: str) -> Report:
    """Keep only head findings not in base; record base findings gone from head as fixed."""
    base_prints = {f.fingerprint for f in base.findings}
    head_prints = {f.fingerprint for f in head.findings}
    head.findings = [f for f in head.findings if f.fingerprint not in base_prints]
    head.fixed = [f for f in base.findings if f.fingerprint not in head_prints and not f.suppressed]
    head.diff_base = ref
    return head
