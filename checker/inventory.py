"""The personal-data inventory: every store holding personal data and how it is protected.

What an organisation told to find and remove personal data from public clouds needs first:
where it lives, why pdguard thinks so, and whether it is public, authenticated, encrypted,
logged and kept no longer than needed. Rows are plain data; report/inventory.py renders them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from .model import Resource
from .normalize.base import DATA_STORE_KINDS
from .values import is_unknown

COLUMNS = ("public", "authentication", "encryption.at_rest", "encryption.in_transit",
           "encryption.key_owner", "access_logging", "retention", "exposure.internet")


@dataclass(frozen=True)
class InventoryRow:
    address: str
    resource_type: str
    provider: str
    kind: str
    file: str
    line: int
    personal_data: str          # "yes" | "no" | "unknown"
    classification_reason: str
    region: str
    status: dict                # facet name -> "yes" | "no" | "unknown" | "n/a" | value
    reasons: dict               # facet name -> reason

    def to_dict(self) -> dict:
        return {"resource": self.address, "resource_type": self.resource_type, "provider": self.provider,
                "kind": self.kind, "file": self.file, "line": self.line,
                "personal_data": self.personal_data, "classification_reason": self.classification_reason,
                "region": self.region, **{k.replace(".", "_"): v for k, v in self.status.items()},
                "reasons": {k.replace(".", "_"): v for k, v in self.reasons.items()}}


def build(resources: Iterable[Resource], include_all: bool = False) -> list[InventoryRow]:
    rows = []
    for r in resources:
        if r.kind not in DATA_STORE_KINDS:
            continue
        personal = _state(r.facets.get("personal_data"))
        if personal != "yes" and not include_all:
            continue
        classification = r.facets.get("personal_data")
        region = r.facets.get("region")
        rows.append(InventoryRow(
            address=r.address, resource_type=r.display_type, provider=r.provider, kind=r.kind,
            file=r.location.file, line=r.location.line, personal_data=personal,
            classification_reason=classification.reason if classification else "",
            region=(region.value if region and isinstance(region.value, str) else "unknown"),
            status={name: _state(r.facets.get(name)) for name in COLUMNS},
            reasons={name: r.facets[name].reason for name in COLUMNS if name in r.facets}))
    order = {"yes": 0, "unknown": 1, "no": 2}
    return sorted(rows, key=lambda row: (order[row.personal_data], row.status["exposure.internet"] != "yes",
                                         row.status["public"] != "yes", row.address))


def _state(fact: Any) -> str:
    if fact is None:
        return "n/a"
    value = fact.value
    if is_unknown(value):
        return "unknown"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return str(value)
