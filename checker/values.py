"""Evaluated values: plain Python data plus UNKNOWN.

An evaluated Terraform/CloudFormation value is one of: None (null), bool, int, float, str,
list, dict (str keys), or an `Unknown`. Unknown stands for anything the files cannot tell:
a computed attribute, a variable without a value, a remote module's output. It remembers why
(`reason`) and which resources it came from (`refs`), so the normalizer can still link a
bucket ACL to its bucket even though the bucket's id is only known after apply.

Unknown refuses to be used as a boolean: a policy that forgot to handle UNKNOWN must crash
(and be reported as a tool error) instead of silently passing.
"""
from __future__ import annotations

from typing import Any, Iterable


class Unknown:
    __slots__ = ("reason", "refs")

    def __init__(self, reason: str = "not known before apply", refs: Iterable[str] = ()):
        self.reason = reason
        self.refs = frozenset(refs)

    def __bool__(self) -> bool:
        raise TypeError(f"UNKNOWN has no truth value ({self.reason})")

    def __repr__(self) -> str:
        refs = f" refs={sorted(self.refs)}" if self.refs else ""
        return f"<UNKNOWN {self.reason}{refs}>"

    def with_refs(self, refs: Iterable[str]) -> "Unknown":
        return Unknown(self.reason, self.refs | frozenset(refs))


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def merge_unknown(*values: Any, reason: str | None = None) -> Unknown:
    """One Unknown standing for an operation over `values`, keeping every ref."""
    refs: set[str] = set()
    reasons = []
    for v in values:
        for u in iter_unknowns(v):
            refs |= u.refs
            if u.reason not in reasons:
                reasons.append(u.reason)
    return Unknown(reason or ("; ".join(reasons[:3]) or "not known before apply"), refs)


MAX_WALK_NODES = 200_000


def iter_unknowns(value: Any):
    """Every Unknown inside `value`. Bounded in depth and in nodes visited: values come from
    hostile files, and a value sharing one sub-list many times is small in memory but huge to
    walk. Past the bound, one Unknown says the rest was not inspected."""
    stack = [(value, 0)]
    visited = 0
    while stack:
        current, depth = stack.pop()
        visited += 1
        if visited > MAX_WALK_NODES:
            yield Unknown("value too large to inspect")
            return
        if isinstance(current, Unknown):
            yield current
        elif depth < 64:
            if isinstance(current, dict):
                stack.extend((v, depth + 1) for v in reversed(list(current.values())))
            elif isinstance(current, list):
                stack.extend((v, depth + 1) for v in reversed(current))


def contains_unknown(value: Any) -> bool:
    return next(iter_unknowns(value), None) is not None


def refs_of(value: Any) -> frozenset[str]:
    """Addresses of the resources an (evaluated) value was derived from."""
    refs: set[str] = set()
    for u in iter_unknowns(value):
        refs |= u.refs
    return frozenset(refs)


class PartialJSON(Unknown):
    """A JSON string whose text is not known before apply, though most of its structure is.

    `jsonencode({... Resource = aws_s3_bucket.b.arn ...})` and rendered IAM policy documents
    keep their decoded structure in `document` (with Unknowns inside) so that a policy can
    still see `"Principal": "*"` when only the resource ARN is unknown. Anything else treats
    it as an ordinary Unknown.
    """
    __slots__ = ("document",)

    def __init__(self, document, reason: str = "JSON with values not known before apply",
                 refs: Iterable[str] = ()):
        super().__init__(reason, refs)
        self.document = document


def decode_json_value(value: Any) -> Any:
    """The decoded structure of a JSON-string attribute (policy documents): a str is parsed,
    PartialJSON gives its document, anything else unknown is returned as is. Raises
    ValueError on text that is not JSON."""
    import json
    if isinstance(value, PartialJSON):
        return value.document
    if isinstance(value, str):
        return json.loads(value)
    return value
