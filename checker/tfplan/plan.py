"""A plan (`terraform show -json PLAN`) -> RawResources of what apply will build.

- Resources and addresses come from `planned_values` (root module and child modules),
  exactly as the plan prints them; values from `resource_changes[].change.after`.
- `after_unknown` marks the values known only after apply. Where the configuration sets that
  value (an expression in the `configuration` section), it becomes UNKNOWN whose refs are the
  resource instances the expression references (so `bucket = aws_s3_bucket.b.id` still links
  the attachment to its bucket). Where the configuration does not set it, the value is
  computed by the provider (ids, ARNs, and settings left at their default such as the owner
  grant or default encryption of a new bucket): it is left out, exactly as in the HCL
  evaluation, so normalizers apply the provider default they document. Without a
  `configuration` section, every unknown value stays UNKNOWN (nothing is guessed).
- Values the configuration does not set and the provider returns as "" (the empty value of an
  optional string) are null, as an absent argument is in HCL.
- `after_sensitive` values are used as the plan gives them; a value redacted by the tool that
  wrote the JSON ("(sensitive value)") is UNKNOWN.
"""
from __future__ import annotations

from typing import Any, Optional

from ..errors import InputError
from ..model import Location, RawResource
from ..values import Unknown, refs_of
from . import addresses
from .references import Configuration, expression_references, is_attribute_expression
from .source import SourceMap

REDACTED = frozenset({"(sensitive value)", "(sensitive)", "<sensitive>"})
MAX_DEPTH = 64
_DROP = object()


def plan_resources(doc: dict, rel: str, source: Optional[SourceMap], notes: list) -> list[RawResource]:
    planned = doc.get("planned_values")
    if planned is not None and not isinstance(planned, dict):
        raise InputError("planned_values is not an object", rel)
    entries = list(walk_modules(_get(planned, "root_module"), rel)) if planned else []
    changes = {}
    for change in _as_list(doc.get("resource_changes"), "resource_changes", rel):
        if isinstance(change, dict) and not change.get("deposed") and isinstance(change.get("address"), str):
            changes[change["address"]] = change
    if planned is None:      # a plan without planned_values: take what the changes create
        entries = [(c, _module_of(c)) for c in changes.values()
                   if isinstance(_get(c, "change"), dict) and c["change"].get("after") is not None]
    config = Configuration(doc.get("configuration"), [e["address"] for e, _ in entries])
    if source is not None:
        source.configuration = config
    out = []
    for entry, module in entries:
        change = _get(changes.get(entry["address"]), "change")
        if isinstance(change, dict) and isinstance(change.get("after"), dict):
            values, unknown, sensitive = change["after"], change.get("after_unknown"), change.get("after_sensitive")
        else:
            values, unknown, sensitive = entry.get("values") or {}, None, entry.get("sensitive_values")
        if not isinstance(values, dict):
            raise InputError(f"values of {entry['address']} are not an object", rel)
        out.append(_resource(entry, module, values, unknown, sensitive, config, rel, source))
    if source is None or not source.available:
        notes.append(InputError("plan: the .tf files are not beside it, so findings point at the plan "
                                "file, not at source lines", rel))
    return out


def walk_modules(module: Any, rel: str, depth: int = 0):
    """(resource entry, module address) for every resource of a planned/state module tree."""
    if module is None:
        return
    if not isinstance(module, dict) or depth > MAX_DEPTH:
        raise InputError("module in planned values is not an object", rel)
    address = module.get("address") or ""
    for entry in _as_list(module.get("resources"), "resources", rel):
        if not isinstance(entry, dict) or not isinstance(entry.get("address"), str) \
                or not isinstance(entry.get("type"), str):
            raise InputError("resource without address or type", rel)
        yield entry, address
    for child in _as_list(module.get("child_modules"), "child_modules", rel):
        yield from walk_modules(child, rel, depth + 1)


def _resource(entry: dict, module: str, values: dict, unknown: Any, sensitive: Any,
              config: Configuration, rel: str, source: Optional[SourceMap]) -> RawResource:
    address = entry["address"]
    try:
        calls = addresses.module_steps(module or address)
        local_steps = addresses.split(address)[2 * len(calls):]
    except ValueError:
        raise InputError(f"resource address {address!r} is not a Terraform address", rel) from None
    own_key = local_steps[-1][1] if local_steps else ""
    local = addresses.join([(n, "") if i == len(local_steps) - 1 else (n, k)
                            for i, (n, k) in enumerate(local_steps)])
    expressions = config.resource_expressions(calls, local) if config.available else None

    def resolve(refs) -> frozenset:
        return frozenset(config.resolve(refs, calls, own_key))

    ctx = _Merge(expressions is not None, resolve)
    attributes = ctx.merge(values, unknown, sensitive, expressions if expressions is not None else None, 0)
    if not isinstance(attributes, dict):
        attributes = {}
    refs = set(resolve(expression_references(expressions or {}))) | set(refs_of(attributes))
    refs.discard(address)
    location, lines = Location(rel, 1), {}
    found = source.locate(calls, local) if source is not None else None
    if found:
        location, lines = Location(found[0], found[1]), found[2]
    mode = entry.get("mode") if entry.get("mode") in ("managed", "data") else (
        "data" if local.startswith("data.") else "managed")
    return RawResource(address=address, type=entry["type"], attributes=attributes, location=location,
                       attr_lines=lines, refs=frozenset(refs), module=addresses.module_prefix(calls).rstrip("."),
                       mode=mode, source_format="plan")


class _Merge:
    def __init__(self, configured: bool, resolve):
        self.configured = configured     # the configuration section describes this resource
        self.resolve = resolve

    def merge(self, value: Any, unknown: Any, sensitive: Any, expr: Any, depth: int) -> Any:
        if depth > MAX_DEPTH:
            return Unknown("value nested too deeply")
        if unknown is True:
            if expr is None and self.configured:
                return _DROP
            return Unknown("known after apply", self.resolve(expression_references(expr)))
        if sensitive is True and isinstance(value, str) and value in REDACTED:
            return Unknown("sensitive value redacted from the plan")
        if value is None and _has_true(unknown):
            value = {} if isinstance(unknown, dict) else []
        if isinstance(value, dict):
            out = {}
            keys = list(value) + [k for k in (unknown if isinstance(unknown, dict) else ()) if k not in value]
            for key in keys:
                merged = self.merge(value.get(key), _at(unknown, key), _at(sensitive, key),
                                    _child(expr, key), depth + 1)
                if merged is not _DROP:
                    out[key] = merged
            return out
        if isinstance(value, list):
            count = max(len(value), len(unknown) if isinstance(unknown, list) else 0)
            out = []
            for i in range(count):
                item = value[i] if i < len(value) else None
                merged = self.merge(item, _at(unknown, i), _at(sensitive, i), _child(expr, i), depth + 1)
                out.append(Unknown("known after apply") if merged is _DROP else merged)
            return out
        if value == "" and (expr is None or not self.configured):
            return None
        return value


def _child(expr: Any, key: Any) -> Any:
    """The expression of a value's element: an argument covers its whole value; a block body
    gives its arguments; a list of blocks gives the block at that index."""
    if expr is None or is_attribute_expression(expr):
        return expr
    if isinstance(expr, list):
        if not expr:
            return None
        if isinstance(key, int):
            return expr[key] if key < len(expr) else expr[-1]
        return _child(expr[0], key)
    if isinstance(expr, dict):
        return expr if isinstance(key, int) else expr.get(key)
    return None


def _at(mask: Any, key: Any) -> Any:
    if isinstance(mask, dict) and isinstance(key, str):
        return mask.get(key)
    if isinstance(mask, list) and isinstance(key, int) and key < len(mask):
        return mask[key]
    return None


def _has_true(mask: Any, depth: int = 0) -> bool:
    if mask is True:
        return True
    if depth > MAX_DEPTH:
        return False
    if isinstance(mask, dict):
        return any(_has_true(v, depth + 1) for v in mask.values())
    if isinstance(mask, list):
        return any(_has_true(v, depth + 1) for v in mask)
    return False


def _module_of(change: dict) -> str:
    module = change.get("module_address")
    return module if isinstance(module, str) else ""


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _as_list(value: Any, what: str, rel: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"{what} is not a list", rel)
    return value
