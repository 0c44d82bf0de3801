"""A cache of parsed Terraform files, keyed by content hash, so a re-run (the pre-commit hook
on one changed file of a module) parses only what changed.

Entries are pickled `checker.hcl.ast.File`s under `$PDGUARD_CACHE_DIR`, else
`$XDG_CACHE_HOME/pdguard` or `~/.cache/pdguard`. The key is the file's text, its path as
reported, pdguard's version and the parser's own source (so a changed parser never reads a
stale tree). `PDGUARD_CACHE_DIR=off` disables the cache; any cache failure falls back to
parsing. Syntax errors are not cached.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Optional

_DISABLED = ("", "0", "off", "none", "false")
_salt: Optional[bytes] = None


def cache_dir() -> Optional[Path]:
    explicit = os.environ.get("PDGUARD_CACHE_DIR")
    if explicit is not None:
        return None if explicit.strip().lower() in _DISABLED else Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pdguard"


def _parser_salt() -> bytes:
    global _salt
    if _salt is None:
        from . import __version__
        here = Path(__file__).parent / "hcl"
        parts = [__version__]
        for name in ("parser.py", "ast.py"):
            try:
                st = (here / name).stat()
                parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
            except OSError:
                parts.append(name)
        _salt = "\x00".join(parts).encode()
    return _salt


def parse(path: Path, rel: str):
    """Drop-in for the Terraform loader's parse function: (path, rel) -> ast.File."""
    from .discover import read_text
    return parse_text(read_text(path, rel), rel)


def parse_text(text: str, rel: str):
    """parse_hcl(text, rel), cached."""
    folder = cache_dir()
    entry = None
    if folder is not None:
        digest = hashlib.sha256(_parser_salt() + b"\x00" + rel.encode() + b"\x00" + text.encode()).hexdigest()
        entry = folder / "parsed" / digest[:2] / f"{digest}.pickle"
        try:
            with open(entry, "rb") as handle:
                return pickle.load(handle)
        except Exception:  # missing, truncated or from another Python: parse again
            pass
    from .hcl.parser import parse_hcl
    tree = parse_hcl(text, rel)
    if entry is not None:
        _store(entry, tree)
    return tree


def _store(entry: Path, tree) -> None:
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(tree, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
    except (OSError, pickle.PicklingError, RecursionError):
        try:
            os.unlink(tmp)  # type: ignore[possibly-undefined]
        except (OSError, NameError):
            pass
