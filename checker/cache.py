"""pdguard's on-disk cache: content-addressed pickles in the user's cache directory.

`$PDGUARD_CACHE_DIR` (set it to `off` to disable), else `$XDG_CACHE_HOME/pdguard`, else
`~/.cache/pdguard`. Keys are hashes of everything a value depends on (file contents, pdguard's
code), so a changed file can never be served a stale entry. Safe to delete at any time; any
failure to read or write falls back to computing. Bounded: when the cache grows past
MAX_BYTES the least recently used entries are removed.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import Any, Iterable, Optional

MAX_BYTES = 256 * 1024 * 1024
_DISABLED = ("", "0", "off", "none", "false")
_MISS = object()
_code_salt: Optional[bytes] = None


def cache_dir() -> Optional[Path]:
    explicit = os.environ.get("PDGUARD_CACHE_DIR")
    if explicit is not None:
        return None if explicit.strip().lower() in _DISABLED else Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "pdguard"


def code_salt() -> bytes:
    """Identifies pdguard's own code: a changed evaluator must not read old results."""
    global _code_salt
    if _code_salt is None:
        from . import __version__
        package = Path(__file__).resolve().parent
        parts = [__version__]
        for path in sorted(package.rglob("*.py")):
            try:
                st = path.stat()
                parts.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
            except OSError:
                parts.append(str(path))
        _code_salt = hashlib.sha256("\n".join(parts).encode()).digest()
    return _code_salt


def key(kind: str, parts: Iterable[bytes]) -> str:
    digest = hashlib.sha256(kind.encode() + b"\x00" + code_salt())
    for part in parts:
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.hexdigest()


def get(kind: str, digest: str) -> Any:
    """The cached value, or cache.MISS."""
    folder = cache_dir()
    if folder is None:
        return _MISS
    entry = folder / kind / digest[:2] / f"{digest}.pickle"
    try:
        with open(entry, "rb") as handle:
            value = pickle.load(handle)
        os.utime(entry)   # recently used: pruned last
        return value
    except Exception:  # noqa: BLE001 - missing, truncated, or written by another Python
        return _MISS


def put(kind: str, digest: str, value: Any) -> None:
    folder = cache_dir()
    if folder is None:
        return
    import tempfile   # only writers need it (a re-run served from the cache writes nothing)
    entry = folder / kind / digest[:2] / f"{digest}.pickle"
    tmp = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, entry)
        tmp = None
        _maybe_prune(folder)
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        pass
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass


MISS = _MISS


def _maybe_prune(folder: Path) -> None:
    """At most once a minute, remove least recently used entries past MAX_BYTES."""
    stamp = folder / ".pruned"
    try:
        if stamp.exists() and time.time() - stamp.stat().st_mtime < 60:
            return
        stamp.touch()
        entries = []
        for path in folder.rglob("*.pickle"):
            st = path.stat()
            entries.append((st.st_mtime, st.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= MAX_BYTES:
                break
            path.unlink(missing_ok=True)
            total -= size
    except OSError:
        pass
