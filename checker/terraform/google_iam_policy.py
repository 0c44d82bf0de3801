"""Render `data "google_iam_policy"` to the `policy_data` JSON the Google provider produces.

The provider builds `policy_data` from the `binding` (and `audit_config`) blocks locally,
without calling Google, so pdguard can too: `{"bindings": [{"role": ..., "members": [...],
"condition": {...}}], "auditConfigs": [...]}`. Members are a set in the provider, so they are
sorted here. When parts are unknown (a member known only after apply) the result is a
PartialJSON whose structure — roles and the members that are known — stays readable.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..values import PartialJSON, contains_unknown, is_unknown, refs_of


def render(view: Mapping, address: str) -> Any:
    configured = set(view)   # iterating a resource view yields only what the config sets
    bindings = []
    for block in _as_list(view["binding"] if "binding" in configured else None):
        bindings.append(_binding(block) if isinstance(block, Mapping) else block)
    document: dict = {}
    if bindings:
        document["bindings"] = bindings
    audits = []
    for block in _as_list(view["audit_config"] if "audit_config" in configured else None):
        if not isinstance(block, Mapping):
            audits.append(block)
            continue
        logs = [{"logType": log.get("log_type"),
                 **({"exemptedMembers": log["exempted_members"]} if log.get("exempted_members") else {})}
                for log in _as_list(block.get("audit_log_configs")) if isinstance(log, Mapping)]
        audits.append({"service": block.get("service"), "auditLogConfigs": logs})
    if audits:
        document["auditConfigs"] = audits
    if contains_unknown(document):
        return PartialJSON(document, f"IAM policy {address} has values known only after apply",
                           refs_of(document))
    return json.dumps(document, separators=(",", ":"))


def _binding(block: Mapping) -> dict:
    out: dict = {}
    condition = _as_list(block.get("condition"))
    if condition and isinstance(condition[0], Mapping):
        out["condition"] = {k: v for k, v in condition[0].items() if v is not None}
    members = block.get("members")
    if isinstance(members, list) and not contains_unknown(members):
        members = sorted(members, key=str)
    out["members"] = members
    out["role"] = block.get("role")
    return out


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if is_unknown(value):
        return [value]
    return [value]
