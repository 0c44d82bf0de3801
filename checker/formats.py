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
        for loader in loaders:
            result = loader(path, rel, text, config)
            if result is not None:
                total.resources += result.resources
                total.errors += result.errors
                total.notes += result.notes
                break
    return total


def _may_be_ours(path: Path) -> bool:
    """An unreadable file is an error only where a configuration file is expected."""
    return path.suffix in (".template", ".tfstate") or path.name.endswith((".tfplan.json", ".tfstate.json"))
