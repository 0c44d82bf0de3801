"""Baselines: accept today's findings, fail only on new ones.

`pdguard baseline PATH... -o .pdguard-baseline.json` writes the fingerprints of the current
findings (with rule and resource, for the humans reviewing the file). `pdguard scan
--baseline FILE` marks findings whose fingerprint is in the file as `baseline` (listed, not
failing). A fingerprint is the rule and the resource address only, so moving a resource to
another file or line keeps it in the baseline; renaming the resource does not.
"""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from .errors import InputError
from .model import Report

FORMAT_VERSION = 1


def to_json(report: Report) -> str:
    entries = {}
    for f in report.findings:
        entries[f.fingerprint] = {"fingerprint": f.fingerprint, "rule_id": f.rule_id,
                                  "resource": f.resource, "file": f.location.file}
    doc = {"tool": "pdguard", "version": FORMAT_VERSION,
           "findings": [entries[k] for k in sorted(entries, key=lambda k: (entries[k]["rule_id"],
                                                                           entries[k]["resource"]))]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write(report: Report, path) -> int:
    text = to_json(report)
    Path(path).write_text(text, encoding="utf-8")
    return len(json.loads(text)["findings"])


def read(path) -> set:
    """The fingerprints of a baseline file; InputError when it is not one."""
    shown = str(path)
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"cannot read baseline: {exc.strerror or exc}", shown) from None
    except ValueError as exc:
        raise InputError(f"baseline is not valid JSON: {exc}", shown) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise InputError("not a pdguard baseline (expected an object with a `findings` list)", shown)
    out = set()
    for i, entry in enumerate(doc["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise InputError(f"findings[{i}] has no fingerprint", shown)
        out.add(entry["fingerprint"])
    return out


def apply(report: Report, fingerprints: set) -> Report:
    """Mark the findings already in the baseline."""
    report.findings = [replace(f, baseline=True) if f.fingerprint in fingerprints else f
                       for f in report.findings]
    return report
