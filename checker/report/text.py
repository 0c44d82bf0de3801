"""Human-readable terminal output: findings grouped by resource, most severe first, each
with where, why and how to fix. Quiet when all is well."""
from __future__ import annotations

from collections import OrderedDict

from ..model import Report

_MARK = {"critical": "CRITICAL", "high": "HIGH", "medium": "MEDIUM", "low": "LOW", "info": "INFO"}


def render(report: Report, verbose: bool = False) -> str:
    lines: list[str] = []
    groups: "OrderedDict[str, list]" = OrderedDict()
    for f in report.findings:
        if (f.suppressed or f.baseline) and not verbose:
            continue
        groups.setdefault(f.resource, []).append(f)
    for address, findings in groups.items():
        first = findings[0]
        tag = "  [personal data]" if first.personal_data else ""
        lines.append(f"{_clean(address)} ({first.resource_type}){tag}")
        for f in findings:
            status = "UNKNOWN" if f.status == "unknown" else _MARK[f.severity]
            lines.append(f"  {status:<8} {f.rule_id} {f.title}")
            lines.append(f"           {f.location}: {_clean(f.message)}")
            for hop in f.path:
                where = f" ({hop.location})" if hop.location else ""
                lines.append(f"           -> {_clean(hop.message)}{where}")
            if f.remediation and f.status == "fail":
                lines.append(f"           fix: {_clean(f.remediation.strip().splitlines()[0])}")
            if f.suppressed:
                lines.append(f"           suppressed: {_clean(str((f.suppression or {}).get('reason', '')))}")
        lines.append("")
    for e in report.errors:
        where = f"{e.file}:{e.line}" if e.line else e.file
        lines.append(f"error: {where}: {_clean(e.message)}")
    for n in report.notes:
        if getattr(n, "kind", "") and not verbose:   # problems with suppressions: always shown
            where = f"{n.file}:{n.line}" if n.line else n.file
            lines.append(f"{n.level}: {where}: {_clean(n.message)}")
    for f in report.fixed:
        lines.append(f"fixed: {f.rule_id} {_clean(f.resource)} ({f.location}): {_clean(f.title)}")
    if verbose:
        for n in report.notes:
            where = f"{n.file}:{n.line}" if n.line else n.file
            lines.append(f"note: {where}: {_clean(n.message)}")
    lines.append(_summary_line(report))
    return "\n".join(lines) + "\n"


def _summary_line(report: Report) -> str:
    s = report.summary()
    if not s["total"] and not report.errors:
        return f"pdguard: no findings ({s['resources']} resources checked)."
    counts = ", ".join(f"{n} {sev}" for sev, n in s["by_severity"].items() if n)
    parts = [f"{s['total']} finding(s)" + (f" ({counts})" if counts else "")]
    if s["by_status"]["unknown"]:
        parts.append(f"{s['by_status']['unknown']} could not be decided")
    if s["suppressed"]:
        parts.append(f"{s['suppressed']} suppressed")
    if s.get("baseline"):
        parts.append(f"{s['baseline']} in the baseline")
    if report.diff_base:
        parts.append(f"new since {_clean(report.diff_base)}; {len(report.fixed)} fixed")
    if report.errors:
        parts.append(f"{len(report.errors)} error(s)")
    return "pdguard: " + "; ".join(parts) + f" in {s['resources']} resources."


def _clean(text: str) -> str:
    """Scanned files choose resource names: never let them drive the terminal."""
    return "".join(ch if ch.isprintable() or ch == " " else "?" for ch in text)
