"""A plan or state scanned together with the .tf files it was made from.

When a plan/state resource was mapped to the same .tf block that the HCL loader evaluated
(same address, same file), it is one resource, not two: the plan's (or state's) version is
kept, because its values are the ones Terraform resolved (variables given at plan time,
deployed settings). A plan value that is only known after apply but whose structure the HCL
evaluation still knows (a policy document built with jsonencode around an unknown ARN, kept
as PartialJSON) takes that structure, so `Principal = "*"` is still seen.
"""
from __future__ import annotations

from dataclasses import replace

from ..values import PartialJSON, is_unknown


def combine(hcl: list, others: list) -> list:
    from_files = {(r.address, r.location.file): r for r in others
                  if r.source_format in ("plan", "state")}
    if not from_files:
        return hcl + others
    kept = []
    replaced = {}
    for raw in hcl:
        twin = from_files.get((raw.address, raw.location.file))
        if twin is None:
            kept.append(raw)
        else:
            replaced[id(twin)] = raw
    out = kept
    for raw in others:
        source = replaced.get(id(raw))
        out.append(_fill(raw, source) if source is not None and raw.source_format == "plan" else raw)
    return out


def _fill(plan_raw, hcl_raw):
    attributes = dict(plan_raw.attributes)
    changed = False
    for name, value in plan_raw.attributes.items():
        hcl_value = hcl_raw.attributes.get(name)
        if is_unknown(value) and isinstance(hcl_value, PartialJSON):
            attributes[name] = PartialJSON(hcl_value.document, hcl_value.reason, hcl_value.refs | value.refs)
            changed = True
    return replace(plan_raw, attributes=attributes) if changed else plan_raw
