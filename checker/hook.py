"""`pdguard hook FILES...`: what the pre-commit hook runs on the files a commit changes.

A changed `.tf` or `.tfvars` stands for its whole module (attachments and references live in
sibling files), so each file is mapped to its directory. When that directory is a local
module called (`source = "./..."` / `"../..."`) by another directory of the repository, the
caller is scanned instead, up to the root module, so the module is evaluated with its real
inputs. Other changed files (CloudFormation templates, plan JSON) are scanned as they are.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterable

from .discover import SKIP_DIRS

_SOURCE = re.compile(r'^\s*source\s*=\s*"(\.\.?[/\\][^"]*)"', re.MULTILINE)
TERRAFORM_SUFFIXES = (".tf", ".tfvars", ".tfvars.json", ".tf.json")


def module_callers(top: Path) -> dict:
    """Local module directory -> the directories that call it, for every .tf under `top`.

    Every hook run needs this map, and reading every .tf of a large repository costs more than
    the scan itself (3,000 files: ~0.2-0.4 s). So the `source` strings found in each file are
    kept in the cache, keyed by the repository, and reused while the file's size and
    modification time (in nanoseconds) are unchanged; only new or changed files are read.
    """
    from . import cache
    digest = cache.key("module-sources", [str(top).encode("utf-8", "surrogatepass")])
    known = cache.get("module-sources", digest)
    if not isinstance(known, dict):
        known = {}
    seen: dict = {}
    callers: dict = {}
    pending = [str(top)]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as entries:
                entries = list(entries)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            try:
                is_folder = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_folder:
                if name not in SKIP_DIRS:
                    pending.append(entry.path)
            elif name.endswith(".tf"):
                try:
                    info = entry.stat()
                except OSError:
                    continue
                stamp = (info.st_size, info.st_mtime_ns)
                known_entry = known.get(entry.path)
                if known_entry is None or known_entry[0] != stamp:
                    known_entry = (stamp, _local_sources(entry.path))
                seen[entry.path] = known_entry
                if known_entry[1]:
                    here = Path(folder).resolve()
                    for source in known_entry[1]:
                        target = (here / source.replace("\\", "/")).resolve()
                        if target != here:
                            callers.setdefault(target, set()).add(here)
    if seen != known:
        cache.put("module-sources", digest, seen)
    return callers


def _local_sources(path: str) -> tuple:
    """The local module sources (`source = "./..."`) written in a .tf file."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
    except OSError:
        return ()
    return tuple(_SOURCE.findall(text)) if "source" in text else ()


def scan_targets(files: Iterable, top: Path) -> list:
    """The paths to scan for a set of changed files: module roots and other files."""
    top = top.resolve()
    dirs: dict = {}
    others: dict = {}
    for name in files:
        path = Path(name).resolve()
        if not path.exists():
            continue   # deleted by the commit
        if path.name.endswith(TERRAFORM_SUFFIXES):
            dirs[path.parent] = None
        else:
            others[path] = None
    if not dirs:
        return list(others)
    callers = module_callers(top) if dirs else {}
    roots: dict = {}
    for directory in dirs:
        roots.update(dict.fromkeys(_roots_of(directory, callers)))
    return sorted(roots) + [p for p in others if p.parent not in roots]


def _roots_of(directory: Path, callers: dict) -> list:
    """The root modules that (transitively) call `directory`; itself when none does."""
    out, seen, todo = [], set(), [directory]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        parents = callers.get(current)
        if parents:
            todo.extend(sorted(parents))
        else:
            out.append(current)
    return out


def repository_top(start: Path) -> Path:
    """The folder holding `.git` above `start` (pre-commit runs at the top), else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


def header(targets: list, top: Path, root: str) -> str:
    """"pdguard: checked storage/ (file names below are relative to storage/)"."""
    def show(path) -> str:
        path = Path(path)
        text = path.relative_to(top).as_posix() if path.is_relative_to(top) else str(path)
        return (text.rstrip("/") + "/" if path.is_dir() else text).replace("./", "") or "./"
    base = show(root)
    note = f" (file names below are relative to {base})" if base not in ("./", ".") else ""
    return f"pdguard: checked {', '.join(show(t) for t in targets)}{note}"
