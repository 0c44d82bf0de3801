"""How pdguard names files: relative to the scan root, with forward slashes.

A symlinked file is named by its link (where the user sees it), inside a folder resolved to
its real path; a folder or file outside the scan root gets a `../` path. Resolving never
raises on a symlink loop (the loop then fails when the file is read, and is reported).
"""
from __future__ import annotations

import os
from pathlib import Path


def real(path: Path) -> Path:
    """path.resolve() that does not raise on a symlink loop."""
    return Path(os.path.realpath(path))


def real_file(path: Path) -> Path:
    """A path with its folder resolved; the last component stays as written (a link's name)."""
    if path.name in ("", ".", ".."):
        return real(path)
    return real(path.parent) / path.name


def relative_to_root(path: Path, root: Path) -> str:
    """`path` as reports show it: relative to `root`, forward slashes; "" for the root."""
    located = real_file(Path(path))
    try:
        rel = located.relative_to(root).as_posix()
    except ValueError:
        rel = Path(os.path.relpath(located, root)).as_posix()
    return "" if rel == "." else rel
