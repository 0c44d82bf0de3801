"""Find the input files under the paths a user gave, without following symlink loops."""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .paths import relative_to_root

# Folders that hold tool state or dependencies, never the user's configuration.
SKIP_DIRS = frozenset({".git", ".terraform", ".terragrunt-cache", "node_modules", ".venv",
                       "__pycache__", ".pytest_cache", ".mypy_cache", ".tox"})
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class Discovered:
    root: Path                                   # the scan root: paths in reports are relative to it
    terraform_dirs: list = field(default_factory=list)   # directories holding *.tf
    explicit_dirs: set = field(default_factory=set)      # directories the user named
    other_files: list = field(default_factory=list)      # *.json / *.yaml / *.template candidates


def scan_root_for(paths: list[Path]) -> Path:
    resolved = [p.resolve() for p in paths]
    if len(resolved) == 1:
        return resolved[0] if resolved[0].is_dir() else resolved[0].parent
    return Path(os.path.commonpath(resolved)) if resolved else Path.cwd()


def discover(paths: list[Path], exclude=lambda rel: False) -> Discovered:
    root = scan_root_for(paths)
    found = Discovered(root=root)
    tf_dirs: dict[Path, None] = {}
    for path in paths:
        path = path.resolve()
        if path.is_file():
            if path.suffix == ".tf":
                tf_dirs[path.parent] = None
                found.explicit_dirs.add(path.parent)
            else:
                found.other_files.append(path)
            continue
        found.explicit_dirs.add(path)
        seen: set = set()
        for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
            current = Path(dirpath)
            real = current.resolve()
            if real in seen:
                dirnames[:] = []
                continue
            seen.add(real)
            dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
            rel = relative_to_root(current, root)
            if rel and exclude(rel):
                dirnames[:] = []
                continue
            for name in sorted(filenames):
                file_rel = f"{rel}/{name}" if rel else name
                if exclude(file_rel):
                    continue
                if name.endswith(".tf"):
                    tf_dirs[current] = None
                elif name.endswith((".json", ".yaml", ".yml", ".template", ".tfstate")):
                    found.other_files.append(current / name)
    found.terraform_dirs = list(tf_dirs)
    return found


def relative(path: Path, root: Path) -> str:
    """A path as reports show it: relative to the scan root, with forward slashes."""
    return relative_to_root(path, root) or path.name


def read_text(path: Path, rel: str) -> str:
    """Read a configuration file as text, or raise InputError saying why not."""
    from .errors import InputError
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):   # a FIFO or a device (/dev/zero) would never end
            raise InputError("not a regular file; not scanned", rel)
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise InputError(f"file is {size // (1024 * 1024)} MB, over the {MAX_FILE_BYTES // (1024 * 1024)} MB "
                             "limit; not scanned", rel)
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", rel) from None
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), not a configuration file", rel)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError("not valid UTF-8 text", rel, line) from None
    return text.removeprefix("\ufeff")
