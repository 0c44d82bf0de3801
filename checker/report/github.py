"""GitHub Actions workflow commands: one annotation per unsuppressed finding and per input
error, e.g. `::error file=main.tf,line=12,title=PDG101 Data store...::aws_s3_bucket.x is public`.

critical/high are `error`, medium `warning`, low/info and findings that could not be decided
`notice`. Every value is escaped as the runner expects, so a hostile name or message cannot
end the command early or start another one. Files are given under the scan root when it is
absolute: the runner makes paths inside the workspace relative to the repository.
"""
from __future__ import annotations

import posixpath

from ..model import Finding, Report, ScanError
from .common import hop_text, outcome, severity_level

_COMMAND = {"error": "error", "warning": "warning", "note": "notice"}


def render(report: Report) -> str:
    lines = [_finding_line(f, report.root) for f in report.findings
             if outcome(f) != "suppressed" and not f.baseline]
    lines += [_error_line(e, report.root) for e in report.errors]
    return "".join(line + "\n" for line in lines)


def _finding_line(finding: Finding, root: str) -> str:
    decided = outcome(finding) == "fail"
    level = severity_level(finding.severity) if decided else "note"
    lines = [_headline(finding) if decided else f"could not be decided: {_headline(finding)}"]
    lines += [f"-> {hop_text(hop)}" for hop in finding.path]
    if decided and finding.remediation:
        lines.append(f"Fix: {finding.remediation.strip()}")
    return command(_COMMAND[level], "\n".join(lines), file=_path(root, finding.location.file),
                   line=finding.location.line, title=f"{finding.rule_id} {finding.title}")


def _headline(finding: Finding) -> str:
    """The message, naming the resource if the message does not."""
    if finding.resource in finding.message:
        return finding.message
    return f"{finding.resource}: {finding.message}"


def _error_line(error: ScanError, root: str) -> str:
    return command("error", error.message, file=_path(root, error.file) if error.file else "",
                   line=error.line, title="pdguard: input could not be read")


def command(name: str, message: str, **properties) -> str:
    """`::name key=value,...::message`, leaving out empty properties and lines below 1."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items()
                     if value and not (key == "line" and int(value) < 1))
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _path(root: str, file: str) -> str:
    posix_root = root.replace("\\", "/")
    if not posixpath.isabs(posix_root) or posixpath.isabs(file):
        return file
    return posixpath.normpath(posixpath.join(posix_root, file.replace("\\", "/")))
