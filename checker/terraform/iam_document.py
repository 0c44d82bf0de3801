"""Render `data "aws_iam_policy_document"` to the JSON the AWS provider would produce.

The provider computes `json` from the blocks without calling AWS, so pdguard can too. When
parts are unknown (a bucket ARN known only after apply) the result is a PartialJSON: still
unknown as text, but its structure — principals, actions, conditions — stays readable.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ..values import PartialJSON, Unknown, contains_unknown, is_unknown, refs_of

EXTRA_ATTRIBUTES = {"aws_iam_policy_document": ("json", "minified_json"),
                    "google_iam_policy": ("policy_data",)}   # google_iam_policy.py


def render(resource_type: str, view: Mapping, address: str) -> Any:
    if resource_type == "google_iam_policy":
        from .google_iam_policy import render as render_google
        return render_google(view, address)
    configured = set(view)   # iterating a resource view yields only what the config sets

    def get(name: str) -> Any:
        return view[name] if name in configured else None

    document: dict = {"Version": _known(get("version")) or "2012-10-17"}
    policy_id = _known(get("policy_id"))
    if policy_id:
        document["Id"] = policy_id
    statements = []
    for source in _as_list(get("source_policy_documents")) + _as_list(get("source_json")):
        statements.extend(_statements_of(source))
    for stmt in _as_list(get("statement")):
        statements.append(_statement(stmt) if isinstance(stmt, Mapping) else stmt)
    for override in _as_list(get("override_policy_documents")) + _as_list(get("override_json")):
        statements.extend(_statements_of(override))
    document["Statement"] = statements
    if contains_unknown(document):
        return PartialJSON(document, f"policy document {address} has values known only after apply",
                           refs_of(document))
    return json.dumps(document, sort_keys=False, separators=(",", ":"))


def _known(value: Any) -> Any:
    return None if is_unknown(value) else value


def _as_list(value: Any) -> list:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def _statements_of(document: Any) -> list:
    if isinstance(document, PartialJSON):
        document = document.document
    elif isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return [Unknown("source policy document is not JSON")]
    elif is_unknown(document):
        return [document]
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    return statements if isinstance(statements, list) else [statements]


def _one_or_many(values: Any) -> Any:
    if isinstance(values, list) and len(values) == 1:
        return values[0]
    return values


def _statement(stmt: Mapping) -> dict:
    out: dict = {}
    if stmt.get("sid"):
        out["Sid"] = stmt["sid"]
    effect = stmt.get("effect")
    out["Effect"] = "Allow" if effect is None else effect
    for key, name in (("actions", "Action"), ("not_actions", "NotAction"),
                      ("resources", "Resource"), ("not_resources", "NotResource")):
        value = stmt.get(key)
        if value is not None:
            out[name] = _one_or_many(sorted(value, key=str) if isinstance(value, list)
                                     and not contains_unknown(value) else value)
    for key, name in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        blocks = stmt.get(key)
        if blocks:
            out[name] = _principals(blocks)
    conditions = stmt.get("condition")
    if conditions:
        out["Condition"] = _conditions(conditions)
    return out


def _principals(blocks: list) -> Any:
    merged: dict = {}
    for block in blocks:
        if not isinstance(block, Mapping):
            return block
        ptype, identifiers = block.get("type"), block.get("identifiers")
        if ptype == "*":
            return "*"
        if is_unknown(ptype):
            return ptype
        ids = identifiers if isinstance(identifiers, list) else [identifiers]
        merged.setdefault(ptype, []).extend(ids)
    return {k: _one_or_many(v) for k, v in merged.items()}


def _conditions(blocks: list) -> dict:
    out: dict = {}
    for block in blocks:
        if not isinstance(block, Mapping):
            continue
        test, variable, values = block.get("test"), block.get("variable"), block.get("values")
        if is_unknown(test) or is_unknown(variable):
            out.setdefault("UNKNOWN", {})[str(len(out))] = Unknown("condition not known")
            continue
        out.setdefault(test, {})[variable] = _one_or_many(values)
    return out
