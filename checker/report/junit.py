"""JUnit XML report, for CI dashboards (GitLab, Jenkins, Azure Pipelines...).

One `<testsuite name="pdguard">` (inside `<testsuites>`), one `<testcase>` per finding:
classname is the rule id, name the resource address. A failing finding is a `<failure>`
(type = severity), one that could not be decided or was suppressed is `<skipped>`, and each
input error is a testcase of class `pdguard.input` holding an `<error>`. A clean scan is a
single passing testcase "pdguard scan", so the run still shows up.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ..model import Finding, Report, ScanError
from .common import hop_text, location_text, outcome, suppression_reason, where

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def render(report: Report) -> str:
    suite = ET.Element("testsuite", name="pdguard")
    for finding in report.findings:
        suite.append(_finding_case(finding))
    for error in report.errors:
        suite.append(_error_case(error))
    if not len(suite):
        ET.SubElement(suite, "testcase", classname="pdguard", name="pdguard scan")
    counts = _counts(suite)
    suite.attrib.update(counts)
    root = ET.Element("testsuites", name="pdguard", **counts)
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _finding_case(finding: Finding) -> ET.Element:
    case = _case(finding.rule_id, finding.resource, file=finding.location.file)
    state = outcome(finding)
    if state == "suppressed":
        _child(case, "skipped", message=f"suppressed: {suppression_reason(finding)}")
    elif finding.baseline:
        _child(case, "skipped", message="in the baseline (not new)")
    elif state == "unknown":
        _child(case, "skipped", message=f"could not be decided: {finding.message}")
    else:
        _child(case, "failure", _failure_text(finding),
               message=f"{finding.title}: {finding.message}", type=finding.severity)
    return case


def _failure_text(finding: Finding) -> str:
    lines = [f"{location_text(finding.location)}: {finding.message}"]
    lines += [f"  -> {hop_text(hop)}" for hop in finding.path]
    if finding.remediation:
        lines.append(f"fix: {finding.remediation.strip()}")
    return "\n".join(lines)


def _error_case(error: ScanError) -> ET.Element:
    case = _case("pdguard.input", error.file or "(input)", file=error.file)
    _child(case, "error", f"{where(error.file, error.line)}: {error.message}",
           message=error.message, type="input")
    return case


def _case(classname: str, name: str, file: str) -> ET.Element:
    attrs = {"classname": _xml(classname), "name": _xml(name)}
    if file:
        attrs["file"] = _xml(file)
    return ET.Element("testcase", attrs)


def _child(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
    """A child element; attributes become one line, text keeps its lines."""
    element = ET.SubElement(parent, tag, {k: _xml(" ".join(v.split())) for k, v in attrs.items()})
    if text:
        element.text = _xml(text)
    return element


def _xml(text: str) -> str:
    """ElementTree escapes markup but not characters XML forbids outright: replace those."""
    return _NOT_XML.sub("\ufffd", text)


def _counts(suite: ET.Element) -> dict:
    cases = suite.findall("testcase")
    return {"tests": str(len(cases)),
            "failures": str(sum(c.find("failure") is not None for c in cases)),
            "errors": str(sum(c.find("error") is not None for c in cases)),
            "skipped": str(sum(c.find("skipped") is not None for c in cases))}
