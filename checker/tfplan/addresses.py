"""Terraform addresses and references as strings: split, join, resolve.

`module.store["hr"].aws_s3_bucket.this[0].id` splits into steps
[("module", ""), ("store", '["hr"]'), ("aws_s3_bucket", ""), ("this", "[0]"), ("id", "")]:
a name and the instance key written after it (kept as text, as Terraform prints it).
"""
from __future__ import annotations

from typing import Optional

NOT_RESOURCES = frozenset({"var", "local", "count", "each", "self", "path", "terraform", "module", "data"})


def split(text: str) -> list[tuple[str, str]]:
    """Steps of an address or reference; ValueError on text that is not one."""
    steps: list[tuple[str, str]] = []
    i, n = 0, len(text)
    while i < n:
        start = i
        while i < n and text[i] not in ".[":
            i += 1
        name = text[start:i]
        key_start = i
        while i < n and text[i] == "[":
            i = _bracket_end(text, i)
        key = text[key_start:i]
        if not name and not (key and steps):
            raise ValueError(f"not an address: {text!r}")
        if not name:
            prev_name, prev_key = steps.pop()
            name, key = prev_name, prev_key + key
        steps.append((name, key))
        if i < n:
            if text[i] != ".":
                raise ValueError(f"not an address: {text!r}")
            i += 1
    return steps


def _bracket_end(text: str, i: int) -> int:
    """Index after the `]` closing the `[` at i (quoted strings may hold brackets)."""
    i += 1
    quoted = False
    while i < len(text):
        c = text[i]
        if quoted:
            if c == "\\":
                i += 1
            elif c == '"':
                quoted = False
        elif c == '"':
            quoted = True
        elif c == "]":
            return i + 1
        i += 1
    raise ValueError(f"unclosed bracket in {text!r}")


def join(steps) -> str:
    return ".".join(name + key for name, key in steps)


def module_steps(address: str) -> list[tuple[str, str]]:
    """The module instance path of a module or resource address: [("store", '["hr"]'), ...]."""
    steps = split(address) if address else []
    out = []
    i = 0
    while i + 1 < len(steps) and steps[i] == ("module", ""):
        out.append(steps[i + 1])
        i += 2
    return out


def module_prefix(calls) -> str:
    """`module.a["x"].module.b.` for [("a", '["x"]'), ("b", "")]; '' for the root."""
    return "".join(f"module.{name}{key}." for name, key in calls)


def resource_base(address: str) -> str:
    """The address without the resource's own instance key (module keys kept)."""
    steps = split(address)
    if steps:
        steps[-1] = (steps[-1][0], "")
    return join(steps)


def resource_of_reference(steps: list[tuple[str, str]]) -> Optional[tuple[str, str]]:
    """(`aws_x.y` or `data.aws_x.y`, key) named by a reference inside one module, or None."""
    if not steps:
        return None
    root = steps[0][0]
    if root == "data":
        if len(steps) >= 3:
            return f"data.{steps[1][0]}.{steps[2][0]}", steps[2][1]
        return None
    if root in NOT_RESOURCES or len(steps) < 2 or "_" not in root:
        return None
    return f"{root}.{steps[1][0]}", steps[1][1]
