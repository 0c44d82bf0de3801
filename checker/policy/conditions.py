"""Three-valued evaluation of declarative policy conditions.

A condition is True, False or None (UNKNOWN) — Kleene logic: `all` is False as soon as one
part is False, `any` is True as soon as one part is True, and UNKNOWN otherwise when a part
is unknown. Every facet or attribute consulted leaves a piece of evidence.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Optional

from ..model import Evidence, Location, Resource
from ..normalize.base import get_path
from ..values import is_unknown

_ABSENT = object()


def evaluate(cond: dict, resource: Resource, evidence: list) -> Optional[bool]:
    if "all" in cond:
        results = [evaluate(c, resource, evidence) for c in cond["all"]]
        return False if False in results else (None if None in results else True)
    if "any" in cond:
        results = [evaluate(c, resource, evidence) for c in cond["any"]]
        return True if True in results else (None if None in results else False)
    if "not" in cond:
        inner = evaluate(cond["not"], resource, evidence)
        return None if inner is None else not inner
    if "facet" in cond:
        return _facet(cond, resource, evidence)
    return _attribute(cond, resource, evidence)


def facets_used(cond: dict) -> set:
    """Facet names a condition reads: a resource without them is not in the policy's scope."""
    if "facet" in cond:
        return {cond["facet"]}
    out: set = set()
    for key in ("all", "any"):
        for c in cond.get(key, ()):
            out |= facets_used(c)
    if "not" in cond:
        out |= facets_used(cond["not"])
    return out


def _facet(cond: dict, resource: Resource, evidence: list) -> Optional[bool]:
    fact = resource.facets.get(cond["facet"])
    if "present" in cond:
        return (fact is not None) == cond["present"]
    if fact is None:
        return None
    evidence.append(Evidence(fact.reason, fact.where))
    if "set_by" in cond:
        # Where the value came from: written in the files, a provider default, derived.
        return fact.source in cond["set_by"]
    return _compare(fact.value, cond)


def _attribute(cond: dict, resource: Resource, evidence: list) -> Optional[bool]:
    path = cond["attribute"]
    value = get_path(resource.attributes, path, _ABSENT)
    where = Location(resource.location.file, resource.raw.line_of(path))
    if "present" in cond:
        if is_unknown(value):
            return None
        return (value is not _ABSENT and value is not None) == cond["present"]
    if value is _ABSENT:
        value = None
    evidence.append(Evidence(f"{path} = {_show(value)}", where))
    return _compare(value, cond)


def _compare(value: Any, cond: dict) -> Optional[bool]:
    if is_unknown(value):
        return None
    if "is" in cond:
        return value == cond["is"]
    if "in" in cond:
        return value in cond["in"]
    if "not_empty" in cond:
        if isinstance(value, (list, tuple)):
            known = [v for v in value if not is_unknown(v)]
            return True if known else (None if value else False)
        return bool(value)
    if "matches" in cond:
        return isinstance(value, str) and _regex(cond["matches"]).search(value) is not None
    if "contains" in cond:
        if isinstance(value, (list, tuple, str, dict)):
            if any(is_unknown(v) for v in (value if isinstance(value, (list, tuple)) else ())):
                return True if cond["contains"] in value else None
            return cond["contains"] in value
        return False
    if "gt" in cond or "lt" in cond:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return False
        return number > cond["gt"] if "gt" in cond else number < cond["lt"]
    raise ValueError(f"condition has no operator: {cond}")


@lru_cache(maxsize=256)
def _regex(pattern: str) -> re.Pattern:
    return re.compile(pattern)


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f'"{value}"'
    return text if len(text) < 80 else text[:77] + "..."
