"""Render the personal-data inventory as a terminal table, JSON or CSV."""
from __future__ import annotations

import csv
import io
import json

from ..inventory import COLUMNS, InventoryRow
from .text import _clean

HEADERS = {"public": "public", "authentication": "auth", "encryption.at_rest": "enc@rest",
           "encryption.in_transit": "enc transit", "encryption.key_owner": "key",
           "access_logging": "logging", "retention": "retention", "exposure.internet": "exposed"}
# For these a "yes" is bad; for the others a "no" is.
BAD_WHEN_YES = {"public", "exposure.internet"}


def render_json(rows: list[InventoryRow]) -> str:
    return json.dumps({"stores": [r.to_dict() for r in rows]}, indent=2, ensure_ascii=False) + "\n"


def render_csv(rows: list[InventoryRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["resource", "type", "provider", "file", "line", "personal_data", "why",
                     "region", *[c.replace(".", "_") for c in COLUMNS]])
    for r in rows:
        writer.writerow([_csv_safe(v) for v in (r.address, r.resource_type, r.provider, r.file, r.line,
                                               r.personal_data, r.classification_reason, r.region,
                                               *[r.status[c] for c in COLUMNS])])
    return out.getvalue()


def _csv_safe(value):
    """Spreadsheets execute cells starting with = + - @: resource names come from scanned files."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def render_table(rows: list[InventoryRow]) -> str:
    if not rows:
        return "pdguard: no store of personal data found.\n"
    table = [["store", "personal", *[HEADERS[c] for c in COLUMNS], "region", "where"]]
    for r in rows:
        cells = [_clean(r.address), r.personal_data]
        for c in COLUMNS:
            value = r.status[c]
            bad = (value == "yes") if c in BAD_WHEN_YES else (value == "no")
            cells.append(f"{value}!" if bad else value)
        cells += [_clean(r.region), f"{_clean(r.file)}:{r.line}"]
        table.append(cells)
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append("")
    lines.append("! marks a gap. Why each store holds personal data:")
    for r in rows:
        lines.append(f"  {_clean(r.address)}: {_clean(r.classification_reason)}")
    return "\n".join(lines) + "\n"
