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
    """Local module directory -> the directories that call it, for every .tf under `top`."""
    callers: dict = {}
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        here = Path(dirpath)
        for name in filenames:
            if not name.endswith(".tf"):
                continue
            try:
                text = (here / name).read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if "source" not in text:
                continue
            for source in _SOURCE.findall(text):
                target = (here / source.replace("\\", "/")).resolve()
                if target != here.resolve():
                    callers.setdefault(target, set()).add(here.resolve())
    return callers


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
