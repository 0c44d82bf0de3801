"""Inputs other than Terraform HCL: recognised by content, loaded into RawResources.

Each format module exposes `load(path, rel, text, config) -> FormatResult | None`, returning
None when the file is not in its format (non-CloudFormation YAML, unrelated JSON), so that
files are recognised by what they contain, not by their names. Files no format claims are
left alone without noise.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from .discover import read_text
from .errors import InputError

# Modules tried in order; the first that claims a file loads it.
FORMAT_MODULES: list[str] = [
    "checker.tfplan.loader",
    "checker.cloudformation.loader",
]


@dataclass
class FormatResult:
    resources: list = field(default_factory=list)   # RawResource
    errors: list = field(default_factory=list)      # InputError
    notes: list = field(default_factory=list)       # InputError


def load_other_files(files: list[Path], rel_of, config) -> FormatResult:
    total = FormatResult()
    loaders = [importlib.import_module(name).load for name in FORMAT_MODULES]
    if not loaders:
        return total
    for path in files:
        rel = rel_of(path)
        try:
            text = read_text(path, rel)
        except InputError as exc:
            if _may_be_ours(path):
                total.errors.append(exc)
            continue
        if path.name.endswith(".tf.json"):
            _terraform_json(text, rel, total)
            continue
        for loader in loaders:
            try:
                result = loader(path, rel, text, config)
            except InputError as exc:
                result = FormatResult(errors=[exc])
            except (RecursionError, MemoryError):
                result = FormatResult(errors=[InputError("file too complex to load", rel)])
            except Exception as exc:  # noqa: BLE001 - one file must not stop the scan
                result = FormatResult(errors=[InputError(
                    f"could not load ({type(exc).__name__}: {str(exc)[:200]})", rel)])
            if result is not None:
                total.resources += result.resources
                total.errors += result.errors
                total.notes += result.notes
                break
    return total


def _terraform_json(text: str, rel: str, total: FormatResult) -> None:
    """Terraform's JSON syntax (*.tf.json) is not evaluated. Declared resources or module
    calls there would go unchecked, so they fail the scan (exit 2) rather than pass silently."""
    import json
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        total.errors.append(InputError("invalid JSON in a Terraform JSON file", rel))
        return
    declares = isinstance(data, dict) and any(data.get(k) for k in ("resource", "module", "data"))
    message = "Terraform JSON syntax (.tf.json) is not evaluated"
    if declares:
        total.errors.append(InputError(message + "; the resources it declares were not checked", rel))
    else:
        total.notes.append(InputError(message, rel))


def _may_be_ours(path: Path) -> bool:
    """An unreadable file is an error only where a configuration file is expected."""
    return path.suffix in (".template", ".tfstate") or path.name.endswith((".tfplan.json", ".tfstate.json"))
