"""Markdown summary for a pull-request comment.

Clean: one line. Otherwise a heading with counts, a table of the unsuppressed findings (most
severe first, personal data first within a severity, at most 50 rows), a collapsed
`<details>` per listed finding with its message, exposure path and fix, a line counting
undecided and suppressed findings, and the input errors.

Everything that comes from the scanned files (addresses, messages, file names, reasons) is
escaped, so it renders as text: it cannot open HTML, links, images, emphasis or code, break
a table row, start a block, @-mention anyone or reference an issue.
"""
from __future__ import annotations

import html
import re

from ..model import Finding, Report
from .common import hop_text, location_text, outcome, ranked, where

MAX_ROWS = 50
_ICON = {"critical": "🔴", "high": "🟠", "medium": "🟡", "low": "🔵", "info": "⚪"}
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def render(report: Report) -> str:
    shown = ranked(report.active())
    summary = report.summary()
    if not shown and not report.errors:
        return _clean_line(summary) + (f"\n{_fixed(report)}\n" if report.fixed else "")
    parts = [_heading(summary), _table(shown), _details(shown[:MAX_ROWS]),
             _other_counts(summary), _errors(report.errors), _fixed(report)]
    return "\n\n".join(part for part in parts if part) + "\n"


def _clean_line(summary: dict) -> str:
    suppressed = f" ({summary['suppressed']} suppressed)" if summary["suppressed"] else ""
    return f"✅ pdguard: no findings in {summary['resources']} resources{suppressed}.\n"


def _heading(summary: dict) -> str:
    failing = summary["by_status"]["fail"]
    icon = "❌" if failing or summary["errors"] else "⚠️"
    counts = ", ".join(f"{n} {sev}" for sev, n in summary["by_severity"].items() if n)
    text = f"{summary['total']} finding{'s' if summary['total'] != 1 else ''}"
    if counts:
        text += f" ({counts})"
    if summary["errors"]:
        text += f", {summary['errors']} input error{'s' if summary['errors'] != 1 else ''}"
    return f"### {icon} pdguard: {text} in {summary['resources']} resources"


# --- table ---------------------------------------------------------------------------------

def _table(findings: list) -> str:
    if not findings:
        return ""
    rows = ["| Severity | Rule | Resource | File | Personal data |", "|---|---|---|---|:-:|"]
    rows += [_row(f) for f in findings[:MAX_ROWS]]
    if len(findings) > MAX_ROWS:
        rows.append(f"\n… and {len(findings) - MAX_ROWS} more")
    return "\n".join(rows)


def _row(finding: Finding) -> str:
    severity = f"{_ICON[finding.severity]} {finding.severity}"
    if outcome(finding) == "unknown":
        severity += " (undecided)"
    cells = [severity, f"{escape(finding.rule_id)} {escape(finding.title)}", escape(finding.resource),
             escape(location_text(finding.location)), "✓" if finding.personal_data else ""]
    return "| " + " | ".join(cells) + " |"


# --- details -------------------------------------------------------------------------------

def _details(findings: list) -> str:
    return "\n\n".join(_detail(f) for f in findings)


def _detail(finding: Finding) -> str:
    """A collapsed block. The summary line is raw HTML (HTML-escaped); the body, after a blank
    line, is Markdown (Markdown-escaped)."""
    summary = escape_html(f"{finding.severity} {finding.rule_id} {finding.resource}")
    decided = outcome(finding) == "fail"
    lead = "" if decided else "Could not be decided: "
    body = [f"**{escape(location_text(finding.location))}**: {lead}{escape(finding.message)}"]
    if finding.path:
        body.append("Exposure path: " + " → ".join(escape(hop_text(h)) for h in finding.path))
    if finding.remediation and decided:
        body.append(f"**Fix:** {escape(finding.remediation.strip())}")
    return f"<details><summary>{summary}</summary>\n\n" + "\n\n".join(body) + "\n\n</details>"


# --- footer --------------------------------------------------------------------------------

def _other_counts(summary: dict) -> str:
    unknown, suppressed = summary["by_status"]["unknown"], summary["suppressed"]
    parts = []
    if unknown:
        parts.append(f"{unknown} could not be decided (they depend on values known only after apply)")
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    return ("_" + "; ".join(parts) + "._") if parts else ""


def _fixed(report: Report) -> str:
    """With --diff-base: the findings of the base revision this change removes."""
    if not report.fixed:
        return ""
    lines = [f"**Fixed by this change** ({len(report.fixed)}):", ""]
    lines += [f"- ✅ {escape(f.rule_id)} {escape(f.title)}: {escape(f.resource)}" for f in report.fixed[:MAX_ROWS]]
    return "\n".join(lines)


def _errors(errors: list) -> str:
    if not errors:
        return ""
    lines = [f"**{len(errors)} input error{'s' if len(errors) != 1 else ''}** (not scanned):", ""]
    lines += [f"- **{escape(where(e.file, e.line))}**: {escape(e.message)}" for e in errors]
    return "\n".join(lines)


# --- escaping ------------------------------------------------------------------------------

def escape_html(text: str) -> str:
    """Text for raw HTML: entities for & < > " ' and, should a renderer read Markdown there
    after all, for its punctuation too; line breaks folded into spaces."""
    text = html.escape(" ".join(_defuse_references(str(text)).split()))
    return _MD_SPECIAL.sub(lambda m: f"&#{ord(m.group(1))};", text)


def escape(text: str) -> str:
    """Text for Markdown, inline or in a table cell: HTML entities for & < >, a backslash
    before every character that could start emphasis, code, a link or an image or end a
    cell, and `<br>` for line breaks (a new line could otherwise start a block)."""
    text = html.escape(_defuse_references(str(text)), quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _NEWLINES.sub("<br>", text)


def _defuse_references(text: str) -> str:
    """On GitHub `@name` notifies a user or team and `#123` links (and back-links) an issue:
    a zero-width space after the sign keeps both plain text."""
    return text.replace("@", "@\u200b").replace("#", "#\u200b")
