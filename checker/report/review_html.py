"""The design review as one self-contained HTML file: no network, styles and script inline.

Everything taken from scanned files goes through jinja2's autoescaping or markupsafe.escape;
the inline script runs under a Content-Security-Policy nonce, so even markup that slipped
through could not execute.
"""
from __future__ import annotations

import secrets
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..diagram import render_svg
from ..inventory import COLUMNS
from ..review import Review, duties_of

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
BAD_WHEN_YES = {"public", "exposure.internet"}


def render(review: Review) -> str:
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    template = env.get_template("review.html.j2")
    return template.render(r=review, version=__version__, nonce=secrets.token_hex(16),
                           svg=Markup(render_svg(review)), columns=COLUMNS, link=_link,
                           link_parts=_link_parts, verdict=_verdict,
                           finding_table=lambda findings: _finding_table(findings, review))


def _verdict(column: str, value: str) -> str:
    if value == "unknown":
        return "unknown"
    if value in ("yes", "no"):
        bad = (value == "yes") if column in BAD_WHEN_YES else (value == "no")
        return "bad" if bad else "good"
    return ""


def _link(location) -> Markup:
    if location is None:
        return Markup("")
    return _link_parts(location.file, location.line)


def _link_parts(file: str, line: int) -> Markup:
    text = f"{file}:{line}" if line else file
    return Markup('<a href="{}"><code>{}</code></a>').format(f"{file}#L{line}" if line else file, text)


def _finding_table(findings: list, review: Review) -> Markup:
    rows = []
    for f in findings:
        policy = review.policies.get(f.rule_id)
        status = "unknown" if f.status == "unknown" else f.severity
        evidence = Markup("").join(
            Markup("<li>{}{}</li>").format(e.message, Markup(" — ") + _link(e.location) if e.location else "")
            for e in (*f.path, *f.evidence))
        snippet = ""
        if policy is not None and f.status == "fail":
            snippets = policy.remediation.get("snippets", {})
            code = snippets.get(f.resource_type) or next(iter(snippets.values()), "")
            snippet = Markup("<details><summary>How to fix</summary><p>{}</p><pre><code>{}</code></pre></details>").format(
                policy.remediation.get("text", ""), code)
        duties = ", ".join(code for code, _ in duties_of(policy))
        rows.append(Markup(
            "<tr><td><span class=\"sev {}\">{}</span></td><td><strong>{}</strong><br><span class=\"muted\">{}</span></td>"
            "<td>{}<ul>{}</ul>{}</td><td>{}</td><td>{}</td></tr>").format(
                status, status, f.rule_id, f.title, f.message, evidence, snippet, duties, _link(f.location)))
    return Markup("<table class=\"sortable\"><thead><tr><th>severity</th><th>rule</th><th>why</th>"
                  "<th>duties</th><th>where</th></tr></thead><tbody>{}</tbody></table>").format(
                      Markup("").join(rows))

