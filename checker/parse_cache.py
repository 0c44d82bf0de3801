"""Parsed Terraform files, cached by content (see cache.py), so a re-run — the pre-commit hook
on one changed file of a module — parses only what changed.

The key is the file's text, its path as reported and pdguard's code. Syntax errors are not
cached: they are reported every time.
"""
from __future__ import annotations

from pathlib import Path

from . import cache


def parse(path: Path, rel: str):
    """Drop-in for the Terraform loader's parse function: (path, rel) -> ast.File."""
    from .discover import read_text
    return parse_text(read_text(path, rel), rel)


def parse_text(text: str, rel: str):
    """parse_hcl(text, rel), cached."""
    digest = cache.key("parsed", [rel.encode(), text.encode("utf-8", "surrogatepass")])
    tree = cache.get("parsed", digest)
    if tree is cache.MISS:
        from .hcl.parser import parse_hcl
        tree = parse_hcl(text, rel)
        cache.put("parsed", digest, tree)
    return tree
