"""Normalize: RawResources -> Resources with canonical kinds and facets.

Attachment resources (aws_s3_bucket_acl, _policy, _public_access_block, ...) are folded into
their parent once, here, so that no policy ever joins resources itself.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Optional

from ..model import RawResource, Resource
from ..values import refs_of
from .base import ATTACHMENTS, DATA_STORE_KINDS, TRANSLATORS, TYPES, Facts, get_path


def _register_providers() -> None:
    """Import every provider module of this package: importing one registers its types."""
    import importlib
    import pkgutil
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name not in ("base",):
            importlib.import_module(f"{__name__}.{info.name}")


_register_providers()

_INDEX = re.compile(r"\[[^\]]*\]$")


def base_address(address: str) -> str:
    """`module.m["a"].aws_x.y[0]` -> `module.m["a"].aws_x.y` (the instance key removed)."""
    return _INDEX.sub("", address)


class ReferenceIndex:
    """Who references whom, by exact and by un-indexed address."""

    def __init__(self, raws: Iterable[RawResource]):
        self._by_target: dict[str, list[RawResource]] = defaultdict(list)
        self._by_type: dict[str, list[RawResource]] = defaultdict(list)
        for raw in raws:
            self._by_type[raw.type].append(raw)
            for ref in raw.refs:
                self._by_target[ref].append(raw)

    def of_type(self, native_type: str) -> list[RawResource]:
        return self._by_type.get(native_type, [])

    def referencing(self, address: str) -> list[RawResource]:
        found = list(self._by_target.get(address, ()))
        base = base_address(address)
        if base != address:
            found += [r for r in self._by_target.get(base, ()) if r not in found]
        return found


def normalize(raws: list[RawResource], errors: Optional[list] = None) -> list[Resource]:
    """RawResources -> Resources with facets. A normalizer that fails on a (possibly hostile)
    value is reported in `errors` as an InputError naming the resource's file and line, and
    the resource keeps the facets set before the failure; the scan then exits 2."""
    raws = [_translated(raw) for raw in raws]
    refs = ReferenceIndex(raws)
    resources: dict[str, Resource] = {}
    attachments: list[RawResource] = []
    for raw in raws:
        if raw.mode == "data" and raw.type not in TYPES:
            continue
        if raw.type in ATTACHMENTS:
            attachments.append(raw)
            continue
        spec = TYPES.get(raw.type)
        kind = spec.kind if spec else "other"
        provider = spec.provider if spec else _provider_of(raw.type)
        resources[raw.address] = Resource(raw.address, raw.type, provider, kind, raw)

    parents = _ParentIndex(resources.values())
    for raw in attachments:
        parent = parents.find(raw)
        if parent is not None:
            parent.attached.append(raw)
        else:
            spec = TYPES.get(raw.type)
            resources[raw.address] = Resource(raw.address, raw.type, _provider_of(raw.type),
                                              spec.kind if spec else "attachment", raw)

    for resource in resources.values():
        spec = TYPES.get(resource.type)
        if spec and spec.facets:
            try:
                spec.facets(Facts(resource, refs))
            except Exception as exc:  # noqa: BLE001 - one resource must not stop the scan
                if errors is None:
                    raise
                from ..errors import InputError
                location = resource.raw.location
                errors.append(InputError(f"could not interpret {resource.address} "
                                         f"({type(exc).__name__}: {str(exc)[:200]})",
                                         location.file, location.line))
    return list(resources.values())


def _translated(raw: RawResource) -> RawResource:
    translate = TRANSLATORS.get(raw.type)
    if translate is None:
        return raw
    try:
        return translate(raw) or raw
    except (TypeError, ValueError, AttributeError, KeyError):
        return raw   # not the shape the translator knows: stays a generic resource


def _provider_of(native_type: str) -> str:
    prefix = native_type.split("_", 1)[0]
    return {"azurerm": "azure", "google": "gcp"}.get(prefix, prefix)


class _ParentIndex:
    """Finds the parent of an attachment: by reference first, then by name."""

    def __init__(self, resources: Iterable[Resource]):
        self.by_address: dict[str, Resource] = {}
        self.by_base: dict[str, list[Resource]] = defaultdict(list)
        self.by_value: dict[tuple, list[Resource]] = defaultdict(list)
        for r in resources:
            self.by_address[r.address] = r
            self.by_base[base_address(r.address)].append(r)

    def _index_values(self, parent_types: tuple, keys: tuple) -> None:
        for r in self.by_address.values():
            if r.type in parent_types:
                for key in keys:
                    value = r.attributes.get(key)
                    if isinstance(value, str):
                        self.by_value[(r.type, value)].append(r)

    def find(self, raw: RawResource) -> Optional[Resource]:
        spec = ATTACHMENTS[raw.type]
        for attr in spec.link:
            value = get_path(raw.attributes, attr)
            if value is None:
                continue
            found = self._by_refs(refs_of(value), spec.parent_types, raw.module)
            if found:
                return found
            if isinstance(value, str):
                found = self._by_name(value, spec, raw.module)
                if found:
                    return found
        # Static references of the whole attachment (e.g. through a local).
        return self._by_refs(raw.refs, spec.parent_types, raw.module)

    def _by_refs(self, refs: Iterable[str], parent_types: tuple, module: str) -> Optional[Resource]:
        candidates = []
        for ref in sorted(refs):
            r = self.by_address.get(ref)
            if r is not None and r.type in parent_types:
                return r
            candidates += [c for c in self.by_base.get(ref, ()) if c.type in parent_types]
        return candidates[0] if len(candidates) == 1 else None

    def _by_name(self, value: str, spec, module: str) -> Optional[Resource]:
        if not self.by_value:
            self._index_values(tuple({t for s in ATTACHMENTS.values() for t in s.parent_types}),
                               tuple(dict.fromkeys(("id", "bucket", "name", "arn", "domain_name", "bucket_name")
                                                   + tuple(k for s in ATTACHMENTS.values() for k in s.parent_keys))))
        name = value.rsplit(":", 1)[-1] if value.startswith("arn:") else value
        for parent_type in spec.parent_types:
            matches = self.by_value.get((parent_type, name)) or self.by_value.get((parent_type, value))
            if matches:
                same_module = [m for m in matches if m.raw.module == module]
                return (same_module or matches)[0]
        return None


def is_data_store(resource: Resource) -> bool:
    return resource.kind in DATA_STORE_KINDS


__all__ = ["normalize", "is_data_store", "base_address", "ReferenceIndex"]

