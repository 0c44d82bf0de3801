"""Normalization snapshot: every resource of the bundled example with its kind and facets
(value, provenance, the line that decided it). A change in what pdguard understands of a real
configuration shows up here as a readable diff.

Regenerate after an intended change:  PDGUARD_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_normalize_snapshot.py
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from checker.api import load
from checker.config import ScanConfig
from checker.values import is_unknown

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = Path(__file__).resolve().parent / "snapshots" / "example_facets.json"


def _value(value):
    if is_unknown(value):
        return "UNKNOWN"
    if isinstance(value, (bool, int, float, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_value(v) for v in value] if all(isinstance(v, (bool, int, float, str)) for v in value) \
            else f"<{len(value)} item(s)>"
    return f"<{type(value).__name__}>"


def snapshot() -> dict:
    graph = load([ROOT / "examples" / "terraform"], ScanConfig()).graph
    out = {}
    for r in sorted(graph, key=lambda r: r.address):
        out[r.address] = {
            "kind": r.kind,
            "where": f"{r.location.file}:{r.location.line}",
            "attached": sorted(a.address for a in r.attached),
            "facets": {name: [_value(f.value), f.source, f.where.line if f.where else None]
                       for name, f in sorted(r.facets.items())},
        }
    return out


def test_example_normalizes_as_recorded():
    current = snapshot()
    if os.environ.get("PDGUARD_UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    changed = sorted(a for a in current.keys() | recorded.keys() if current.get(a) != recorded.get(a))
    assert not changed, (f"normalization of {', '.join(changed[:5])} changed; if intended, regenerate with "
                         "PDGUARD_UPDATE_SNAPSHOTS=1")
