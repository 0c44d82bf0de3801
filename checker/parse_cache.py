"""Parsed Terraform files, cached by content (see cache.py), so a re-run — the pre-commit hook
on one changed file of a module — does not parse large unchanged files again.

The key is the file's text, its path as reported and pdguard's code. Syntax errors are not
cached: they are reported every time. Only files whose parse took MIN_PARSE_SECONDS or more are
written: loading a syntax tree from the cache costs about half of parsing it, plus a fixed
~0.4 ms of file-system work per entry, so caching a small file costs more than it can save.
"""
from __future__ import annotations

import time
from pathlib import Path

from . import cache

MIN_PARSE_SECONDS = 0.002   # ~8 KB of ordinary Terraform


def parse(path: Path, rel: str):
    """Drop-in for the Terraform loader's parse function: (path, rel) -> ast.File."""
    from .discover import read_text
    return parse_text(read_text(path, rel), rel)


def parse_text(text: str, rel: str):
    """parse_hcl(text, rel), cached when it is worth it."""
    digest = cache.key("parsed", [rel.encode(), text.encode("utf-8", "surrogatepass")])
    tree = cache.get("parsed", digest)
    if tree is cache.MISS:
        from .hcl.parser import parse_hcl
        start = time.perf_counter()
        tree = parse_hcl(text, rel)
        if time.perf_counter() - start >= MIN_PARSE_SECONDS:
            cache.put("parsed", digest, tree)
    return tree
