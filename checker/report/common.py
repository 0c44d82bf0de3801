"""Small helpers the report formatters share: what a finding's outcome is, how severe it
reads to a CI system, and how a location or an exposure hop is written in plain text."""
from __future__ import annotations

from typing import Optional

from ..model import Evidence, Finding, Location, severity_rank

# critical/high break the build, medium warns, low/info only inform: the three levels that
# SARIF (error/warning/note) and GitHub annotations (error/warning/notice) both know.
_LEVELS = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}


def severity_level(severity: str) -> str:
    """"error", "warning" or "note" for a severity."""
    return _LEVELS[severity]


def outcome(finding: Finding) -> str:
    """"suppressed", "unknown" (could not be decided) or "fail"; suppression wins."""
    if finding.suppressed:
        return "suppressed"
    return "unknown" if finding.status == "unknown" else "fail"


def suppression_reason(finding: Finding) -> str:
    return str((finding.suppression or {}).get("reason", "") or "no reason given")


def where(file: str, line: int) -> str:
    """"file:line", or just the file when the line is not known (0)."""
    return f"{file}:{line}" if line and line > 0 else file


def location_text(location: Optional[Location]) -> str:
    return where(location.file, location.line) if location else ""


def hop_text(hop: Evidence) -> str:
    """One step of evidence or of an exposure path: "message (file:line)"."""
    return f"{hop.message} ({location_text(hop.location)})" if hop.location else hop.message


def ranked(findings: list) -> list:
    """Most severe first; within a severity, findings on personal data first; otherwise the
    report's own order (stable)."""
    return sorted(findings, key=lambda f: (-severity_rank(f.severity), not f.personal_data))
