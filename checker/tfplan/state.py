"""A state -> RawResources of what is deployed.

Two inputs: `terraform show -json` on a state (`values.root_module` with child modules), and a
raw `terraform.tfstate` of version 4 (`resources[].instances[]` with `index_key`, under
`module`). Every attribute is known. Nested blocks are already lists of dicts, as the HCL
evaluation gives them. The provider's "" (an optional string left empty) becomes null, as an
absent argument is in HCL; otherwise values are used as stored.

References: the state holds concrete ids instead of expressions, so a value equal to another
resource's `id` or `arn` (a bucket policy's `bucket`, a database's `vpc_security_group_ids`)
is a reference to that resource, as are the instance's recorded `dependencies`.
"""
from __future__ import annotations

import json
from typing import Any, Optional

from ..errors import InputError
from ..model import Location, RawResource
from . import addresses
from .plan import MAX_DEPTH, walk_modules
from .source import SourceMap

ID_KEYS = ("id", "arn")
NOT_REFERENCES = frozenset({"tags", "tags_all", "id", "arn"})


def show_state_resources(values: Any, rel: str, source: Optional[SourceMap]) -> list[RawResource]:
    """`terraform show -json` of a state: {"values": {"root_module": ...}}."""
    if values is None:
        return []
    if not isinstance(values, dict):
        raise InputError("values is not an object", rel)
    items = []
    for entry, module in walk_modules(values.get("root_module"), rel):
        attributes = entry.get("values") or {}
        if not isinstance(attributes, dict):
            raise InputError(f"values of {entry['address']} are not an object", rel)
        deps = entry.get("depends_on") if isinstance(entry.get("depends_on"), list) else []
        mode = entry.get("mode") if entry.get("mode") in ("managed", "data") else "managed"
        items.append((entry["address"], entry["type"], mode, attributes, deps))
    return _build(items, rel, source)


def raw_state_resources(doc: dict, rel: str, source: Optional[SourceMap]) -> list[RawResource]:
    """A terraform.tfstate of version 4."""
    resources = doc.get("resources")
    if not isinstance(resources, list):
        raise InputError("state has no resources list", rel)
    items = []
    for resource in resources:
        if not isinstance(resource, dict) or not isinstance(resource.get("type"), str) \
                or not isinstance(resource.get("name"), str):
            raise InputError("state resource without type or name", rel)
        mode = resource.get("mode", "managed")
        module = resource.get("module") or ""
        if not isinstance(module, str):
            raise InputError("state resource module is not a string", rel)
        base = (f"{module}." if module else "") + ("data." if mode == "data" else "") \
            + f"{resource['type']}.{resource['name']}"
        instances = resource.get("instances") or []
        if not isinstance(instances, list):
            raise InputError(f"instances of {base} is not a list", rel)
        for instance in instances:
            if not isinstance(instance, dict):
                raise InputError(f"instance of {base} is not an object", rel)
            if instance.get("deposed"):
                continue
            attributes = instance.get("attributes")
            if attributes is None and isinstance(instance.get("attributes_flat"), dict):
                raise InputError("flat-map state attributes (Terraform 0.11) are not supported", rel)
            if not isinstance(attributes, dict):
                raise InputError(f"attributes of {base} are not an object", rel)
            address = base + _key_suffix(instance.get("index_key"))
            deps = instance.get("dependencies") if isinstance(instance.get("dependencies"), list) else []
            items.append((address, resource["type"], "data" if mode == "data" else "managed",
                          attributes, deps))
    return _build(items, rel, source)


def _key_suffix(key: Any) -> str:
    if key is None:
        return ""
    if isinstance(key, int) and not isinstance(key, bool):
        return f"[{key}]"
    return f"[{json.dumps(str(key), ensure_ascii=False)}]"


def _build(items: list, rel: str, source: Optional[SourceMap]) -> list[RawResource]:
    by_id: dict[str, str] = {}
    bases: dict[str, list[str]] = {}
    for address, _type, _mode, attributes, _deps in items:
        for key in ID_KEYS:
            value = attributes.get(key)
            if isinstance(value, str) and len(value) >= 3:
                by_id.setdefault(value, address)
        try:
            bases.setdefault(_unkeyed(address), []).append(address)
        except ValueError:
            raise InputError(f"resource address {address!r} is not a Terraform address", rel) from None
    out = []
    for address, native_type, mode, attributes, deps in items:
        calls = addresses.module_steps(address)
        refs = set()
        for name, value in attributes.items():
            if name not in NOT_REFERENCES:
                refs |= {by_id[s] for s in _strings(value) if s in by_id}
        refs |= _dependencies(deps, calls, bases)
        refs.discard(address)
        local_steps = addresses.split(address)[2 * len(calls):]
        local = addresses.join([(n, "") for n, _ in local_steps])
        location, lines = Location(rel, 1), {}
        found = source.locate(calls, local) if source is not None else None
        if found:
            location, lines = Location(found[0], found[1]), found[2]
        out.append(RawResource(address=address, type=native_type, attributes=_clean(attributes, 0),
                               location=location, attr_lines=lines, refs=frozenset(refs),
                               module=addresses.module_prefix(calls).rstrip("."), mode=mode,
                               source_format="state"))
    return out


def _unkeyed(address: str) -> str:
    """Every instance key removed: `module.a["x"].aws_b.c[0]` -> `module.a.aws_b.c`."""
    return addresses.join([(n, "") for n, _ in addresses.split(address)])


def _dependencies(deps: list, calls, bases: dict) -> set:
    """`dependencies` name resources without instance keys (`module.a.aws_b.c`): the instances
    meant are those in the same module instances as the dependent resource."""
    out = set()
    for dep in deps:
        if not isinstance(dep, str):
            continue
        try:
            unkeyed = _unkeyed(dep)
        except ValueError:
            continue
        candidates = bases.get(unkeyed, [])
        own = addresses.module_prefix(calls)
        same = [c for c in candidates if c.startswith(own)] if own else candidates
        out |= set(same or candidates)
    return out


def _strings(value: Any, depth: int = 0):
    if isinstance(value, str):
        yield value
    elif depth < MAX_DEPTH:
        if isinstance(value, list):
            for item in value:
                yield from _strings(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                yield from _strings(item, depth + 1)


def _clean(value: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        return None
    if isinstance(value, dict):
        return {k: (None if v == "" else _clean(v, depth + 1)) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v, depth + 1) for v in value]
    return value
