"""The resource graph: normalized resources plus typed, indexed edges.

Edges come from references in the configuration (a database naming its security group, an
integration naming its function). Attachments were folded into their parents, so a reference
to an attachment counts as a reference to its parent. Lookups are dictionary indexes: policies
never scan the whole graph.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from .model import Resource
from .normalize import base_address


@dataclass(frozen=True)
class Edge:
    source: str     # address of the resource whose configuration holds the reference
    target: str
    kind: str = "reference"


class Graph:
    def __init__(self, resources: Iterable[Resource]):
        self.resources: dict[str, Resource] = {}
        self._by_kind: dict[str, list[Resource]] = defaultdict(list)
        self._by_type: dict[str, list[Resource]] = defaultdict(list)
        owner: dict[str, str] = {}      # any address (incl. attachments, un-indexed) -> node
        for r in resources:
            self.resources[r.address] = r
            self._by_kind[r.kind].append(r)
            self._by_type[r.type].append(r)
            owner[r.address] = r.address
            for a in r.attached:
                owner.setdefault(a.address, r.address)
        by_base: dict[str, list[str]] = defaultdict(list)
        for address in list(owner):
            by_base[base_address(address)].append(owner[address])
        self.exposures: dict = {}       # store address -> exposure.Exposure (set by exposure.analyse)
        self._out: dict[str, set[str]] = defaultdict(set)
        self._in: dict[str, set[str]] = defaultdict(set)
        for r in self.resources.values():
            for raw in [r.raw, *r.attached]:
                for ref in raw.refs:
                    targets = [owner[ref]] if ref in owner else by_base.get(ref, [])
                    for target in targets:
                        if target != r.address:
                            self._out[r.address].add(target)
                            self._in[target].add(r.address)

    def __len__(self) -> int:
        return len(self.resources)

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources.values())

    def get(self, address: str) -> Optional[Resource]:
        return self.resources.get(address)

    def of_kind(self, *kinds: str) -> list[Resource]:
        return [r for k in kinds for r in self._by_kind.get(k, ())]

    def of_type(self, *types: str) -> list[Resource]:
        return [r for t in types for r in self._by_type.get(t, ())]

    def references(self, resource: Resource, *kinds: str) -> list[Resource]:
        """Resources that `resource` names in its configuration."""
        return self._select(self._out.get(resource.address, ()), kinds)

    def referenced_by(self, resource: Resource, *kinds: str) -> list[Resource]:
        """Resources whose configuration names `resource`."""
        return self._select(self._in.get(resource.address, ()), kinds)

    def neighbours(self, resource: Resource, *kinds: str) -> list[Resource]:
        both = set(self._out.get(resource.address, ())) | set(self._in.get(resource.address, ()))
        return self._select(both, kinds)

    def edges(self) -> Iterator[Edge]:
        for source, targets in self._out.items():
            for target in sorted(targets):
                yield Edge(source, target)

    def _select(self, addresses: Iterable[str], kinds: tuple) -> list[Resource]:
        out = [self.resources[a] for a in sorted(addresses) if a in self.resources]
        return [r for r in out if r.kind in kinds] if kinds else out
