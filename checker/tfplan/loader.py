"""Recognise Terraform plan and state JSON by content and load them (see formats.py).

- `terraform show -json` output: an object with "format_version" and one of "planned_values",
  "resource_changes" (a plan) or "values" (a state). A plan's "prior_state" is not scanned:
  the plan's planned values are what will be deployed.
- a raw state: "version" with "terraform_version" and "resources"/"lineage"; version 4 only.

Anything else returns None (not ours). A file that is ours but malformed is an InputError.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from ..errors import InputError
from ..formats import FormatResult

PLAN_KEYS = ("planned_values", "resource_changes")
OUR_SUFFIXES = (".tfstate", ".tfplan.json", ".tfstate.json", ".tfstate.backup")


def load(path: Path, rel: str, text: str, config) -> Optional[FormatResult]:
    head = text.lstrip()[:1]
    named_ours = path.name.endswith(OUR_SUFFIXES)
    if head != "{" and not named_ours:
        return None
    if '"format_version"' not in text and '"terraform_version"' not in text and not named_ours:
        return None
    try:
        doc = json.loads(text)
    except RecursionError:
        return FormatResult(errors=[InputError("JSON nested too deeply", rel)])
    except ValueError as exc:
        if named_ours:
            line = getattr(exc, "lineno", 0)
            return FormatResult(errors=[InputError(f"not valid JSON: {getattr(exc, 'msg', exc)}", rel, line)])
        return None
    kind = recognise(doc)
    if kind is None:
        if named_ours:
            return FormatResult(errors=[InputError("not a Terraform plan or state (no format_version "
                                                   "or state version)", rel)])
        return None
    result = FormatResult()
    try:
        result.resources = _load(kind, doc, path, rel, result.notes)
    except InputError as exc:
        exc.file = exc.file or rel
        result.resources = []
        result.errors.append(exc)
    except RecursionError:
        result.resources = []
        result.errors.append(InputError("plan or state nested too deeply", rel))
    return result


def recognise(doc: Any) -> Optional[str]:
    """"plan", "show-state", "raw-state" or None."""
    if not isinstance(doc, dict):
        return None
    if "format_version" in doc:
        if any(k in doc for k in PLAN_KEYS):
            return "plan"
        if "values" in doc or "prior_state" in doc:
            return "show-state"
        return None
    if "terraform_version" in doc and "version" in doc and ("resources" in doc or "lineage" in doc
                                                            or "modules" in doc):
        return "raw-state"
    return None


def _load(kind: str, doc: dict, path: Path, rel: str, notes: list) -> list:
    from .plan import plan_resources
    from .state import raw_state_resources, show_state_resources

    source = _source_map(path, rel)
    if kind == "plan":
        return plan_resources(doc, rel, source, notes)
    if kind == "show-state":
        values = doc.get("values")
        if values is None and isinstance(doc.get("prior_state"), dict):
            values = doc["prior_state"].get("values")
        resources = show_state_resources(values, rel, source)
    else:
        version = doc.get("version")
        if version != 4:
            raise InputError(f"state version {version!r} is not supported (only version 4, "
                             "Terraform 0.12 and later)", rel)
        resources = raw_state_resources(doc, rel, source)
    if resources and not source.available:
        notes.append(InputError("state: the .tf files are not beside it, so findings point at the "
                                "state file, not at source lines", rel))
    return resources


def _source_map(path: Path, rel: str):
    from .source import SourceMap
    path = path.resolve()
    depth = len(Path(rel).parts)
    root = path.parents[depth - 1] if 0 < depth <= len(path.parents) and ".." not in Path(rel).parts \
        else path.parent
    return SourceMap(path.parent, root)
