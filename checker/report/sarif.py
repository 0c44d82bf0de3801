"""SARIF 2.1.0 report, for GitHub code scanning and other SARIF viewers.

One run: the tool with one rule per policy that ran, one result per finding, and one
invocation whose notifications are the input errors. Conventions:

- `level` follows severity (critical/high error, medium warning, low/info note) for findings
  of kind "fail". Findings that could not be decided are kind "review", and the spec (3.27.10)
  then requires level "none".
- Locations are relative to the `%SRCROOT%` base, the scan root; lines unknown (0) get no
  region, since `startLine` must be at least 1.
- The resource address is the logical location; the exposure path becomes a code flow.
- `partialFingerprints["pdguard/v1"]` is pdguard's fingerprint (rule + address).
- Rules carry `security-severity` (GitHub's 0-10 scale) and the category as a tag.
- A suppressed finding carries a suppression: "inSource" when it was written in the scanned
  files (`suppression["source"] == "inline"`), "external" otherwise.
"""
from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import Optional
from urllib.parse import quote

from .. import __version__
from ..model import Evidence, Finding, Location, Report, ScanError, fingerprint
from .common import outcome, severity_level, suppression_reason

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "pdguard/v1"
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "0.0"}


def render(report: Report) -> str:
    return json.dumps(to_sarif(report), indent=2, ensure_ascii=False) + "\n"


def to_sarif(report: Report) -> dict:
    rules, index = _rules(report)
    run = {
        "tool": {"driver": {"name": "pdguard", "version": __version__, "semanticVersion": __version__,
                            "rules": rules}},
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(report.root)}},
        "invocations": [_invocation(report.errors)],
        "results": [_result(f, index[f.rule_id]) for f in report.findings],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


# --- rules ---------------------------------------------------------------------------------

def _rules(report: Report) -> tuple[list, dict]:
    """A descriptor per policy that ran, then one per rule only findings name (a policy the
    report does not carry), and each rule id's index in that list."""
    rules = [_policy_rule(p) for p in report.policies]
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    for f in report.findings:
        if f.rule_id not in index:
            index[f.rule_id] = len(rules)
            rules.append(_finding_rule(f))
    return rules, index


def _policy_rule(policy) -> dict:
    rule = {
        "id": policy.id,
        "name": policy.name,
        "shortDescription": {"text": policy.title},
        "fullDescription": {"text": policy.description},
        "help": _help(policy),
        "defaultConfiguration": {"level": severity_level(policy.severity)},
        "properties": _rule_properties(policy.category, policy.severity),
    }
    if policy.references:
        rule["helpUri"] = policy.references[0]
    return rule


def _finding_rule(finding: Finding) -> dict:
    rule = {
        "id": finding.rule_id,
        "shortDescription": {"text": finding.title},
        "defaultConfiguration": {"level": severity_level(finding.severity)},
        "properties": _rule_properties(finding.category, finding.severity),
    }
    if finding.remediation:
        rule["help"] = {"text": finding.remediation, "markdown": finding.remediation}
    return rule


def _rule_properties(category: str, severity: str) -> dict:
    return {"category": category, "tags": [category, "security", "personal-data"],
            "security-severity": SECURITY_SEVERITY[severity]}


def _help(policy) -> dict:
    """The remediation text, then a fix snippet per resource type; references and compliance
    in the Markdown form."""
    remediation = policy.remediation or {}
    text = str(remediation.get("text", "")).strip()
    snippets = remediation.get("snippets") or {}
    plain = [text] + [f"{kind}:\n{code.rstrip()}" for kind, code in snippets.items()]
    markdown = [text] + [f"**{kind}**\n\n{_fenced(code)}" for kind, code in snippets.items()]
    if policy.references:
        markdown.append("References:\n\n" + "\n".join(f"- <{ref}>" for ref in policy.references))
    if policy.compliance:
        markdown.append("Compliance: " + "; ".join(
            f"{scheme.upper()} {', '.join(items)}" for scheme, items in policy.compliance.items()))
    return {"text": "\n\n".join(plain), "markdown": "\n\n".join(markdown)}


def _fenced(code: str) -> str:
    """An HCL code block whose fence is longer than any backtick run inside."""
    longest = max((len(run) for run in re.findall("`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}hcl\n{code.rstrip()}\n{fence}"


# --- results -------------------------------------------------------------------------------

def _result(finding: Finding, rule_index: int) -> dict:
    decided = finding.status != "unknown"
    result = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": "fail" if decided else "review",
        "level": severity_level(finding.severity) if decided else "none",
        "message": {"text": finding.message or finding.title},
        "locations": [_location(finding.location, logical=finding.resource)],
        "partialFingerprints": {
            FINGERPRINT_KEY: finding.fingerprint or fingerprint(finding.rule_id, finding.resource)},
        "properties": {
            "personal_data": finding.personal_data, "resource_type": finding.resource_type,
            "severity": finding.severity, "status": finding.status,
            "evidence": [e.to_dict() for e in finding.evidence],
            "path": [e.to_dict() for e in finding.path],
        },
    }
    if finding.path:
        result["codeFlows"] = [_code_flow(finding.path)]
    if outcome(finding) == "suppressed":
        result["suppressions"] = [_suppression(finding)]
    if finding.baseline:
        result["baselineState"] = "unchanged"       # in the --baseline file
    return result


def _code_flow(path: tuple) -> dict:
    """The exposure path, internet first, as one thread flow."""
    return {"message": {"text": "exposure path"},
            "threadFlows": [{"locations": [{"location": _hop_location(hop)} for hop in path]}]}


def _hop_location(hop: Evidence) -> dict:
    location = _location(hop.location) if hop.location else {}
    location["message"] = {"text": hop.message}
    return location


def _suppression(finding: Finding) -> dict:
    suppression = finding.suppression or {}
    kind = "inSource" if suppression.get("source") == "inline" else "external"
    out = {"kind": kind, "status": "accepted", "justification": suppression_reason(finding)}
    extra = {key: str(suppression[key]) for key in ("expires", "owner") if suppression.get(key)}
    if extra:
        out["properties"] = extra
    return out


# --- locations and errors ------------------------------------------------------------------

def _location(location: Location, logical: Optional[str] = None) -> dict:
    out = {"physicalLocation": _physical(location.file, location.line)}
    if logical:
        out["logicalLocations"] = [{"fullyQualifiedName": logical, "kind": "resource"}]
    return out


def _physical(file: str, line: int) -> dict:
    out = {"artifactLocation": _artifact(file)}
    if line and line >= 1:
        out["region"] = {"startLine": line}
    return out


def _artifact(file: str) -> dict:
    """A URI relative to %SRCROOT% for scanned files; an absolute file URI for a path given
    absolute (an argument that does not exist, say)."""
    posix = file.replace("\\", "/")
    if posixpath.isabs(posix):
        return {"uri": PurePosixPath(posix).as_uri()}
    return {"uri": quote(posix, safe="/"), "uriBaseId": SRCROOT}


def _root_uri(root: str) -> str:
    uri = Path(root or ".").absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _invocation(errors: list) -> dict:
    return {"executionSuccessful": not errors,
            "toolExecutionNotifications": [_notification(e) for e in errors]}


def _notification(error: ScanError) -> dict:
    out = {"level": "error", "message": {"text": error.message}}
    if error.file:
        out["locations"] = [{"physicalLocation": _physical(error.file, error.line)}]
    return out
