"""The design review: what an architect needs from a scan, gathered once for every output.

Where personal data lives (the inventory), who can reach it and by which path (exposures),
what protects it, which findings touch each store and which PDPO DPP4 / GDPR Art. 32 duties
they concern, what was suppressed and why, and what could not be evaluated. Templates
(HTML, Markdown) only lay this out.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from .inventory import InventoryRow, build
from .model import Finding, Report
from .normalize.base import DATA_STORE_KINDS

PDPO_DUTIES = {
    "DPP4(1)(a)": "kind of data and the harm that could result",
    "DPP4(1)(b)": "physical location where the data is stored",
    "DPP4(1)(c)": "security measures incorporated into the equipment storing the data",
    "DPP4(1)(d)": "integrity, prudence and competence of persons with access",
    "DPP4(1)(e)": "secure transmission of the data",
    "DPP4(2)": "processors engaged to process the data",
}
GDPR_DUTIES = {
    "Art. 32(1)(a)": "pseudonymisation and encryption of personal data",
    "Art. 32(1)(b)": "ongoing confidentiality, integrity, availability and resilience",
    "Art. 32(1)(c)": "restoring availability and access after an incident",
    "Art. 32(1)(d)": "regularly testing and evaluating the measures",
    "Art. 5(1)(e)": "storage limitation",
    "Art. 25": "data protection by design and by default",
}


@dataclass
class StoreSection:
    """One store and everything said about it."""
    row: InventoryRow
    findings: list = field(default_factory=list)      # active findings, most severe first
    exposure: Any = None                              # exposure.Exposure or None
    duties: list = field(default_factory=list)        # (code, text) touched by its findings


@dataclass
class Review:
    title: str
    root: str
    summary: dict
    stores: list                 # StoreSection, personal data first
    critical: list               # PDG100 findings (toxic combinations), their paths first
    other_findings: list         # active findings on resources that are not data stores
    suppressed: list             # Finding
    unknown: list                # Finding with status unknown
    notes: list                  # ScanError-like: what could not be evaluated
    errors: list
    policies: dict               # id -> Policy
    graph: Any = None


def build_review(report: Report, title: str = "") -> Review:
    graph = report.graph
    resources = list(graph) if graph is not None else list(report.resources)
    rows = build(resources, include_all=True)
    exposures = getattr(graph, "exposures", {}) if graph is not None else {}
    policies = {p.id: p for p in report.policies}
    sections: "OrderedDict[str, StoreSection]" = OrderedDict(
        (row.address, StoreSection(row, exposure=exposures.get(row.address))) for row in rows)
    active = [f for f in report.findings if not f.suppressed]
    others = []
    for finding in active:
        section = sections.get(finding.resource)
        if section is None:
            others.append(finding)
            continue
        section.findings.append(finding)
    for section in sections.values():
        section.duties = _duties(section.findings, policies)
    personal = [s for s in sections.values() if s.row.personal_data == "yes"]
    exposed = [s for s in personal if s.row.status.get("exposure.internet") == "yes"]
    critical = [f for f in active if f.rule_id == "PDG100" and f.status == "fail"]
    summary = {
        "resources": len(resources),
        "stores": len(sections),
        "personal_stores": len(personal),
        "exposed_personal_stores": len(exposed),
        "critical_chains": len(critical),
        "findings": len(active),
        "by_severity": report.summary()["by_severity"],
        "suppressed": len(report.findings) - len(active),
        "unknown": sum(1 for f in active if f.status == "unknown"),
        "errors": len(report.errors),
    }
    return Review(
        title=title or f"Personal-data design review: {report.root.rsplit('/', 1)[-1]}",
        root=report.root, summary=summary, stores=list(sections.values()), critical=critical,
        other_findings=others, suppressed=[f for f in report.findings if f.suppressed],
        unknown=[f for f in active if f.status == "unknown"], notes=list(report.notes),
        errors=list(report.errors), policies=policies, graph=graph)


def _duties(findings: list[Finding], policies: dict) -> list[tuple[str, str]]:
    codes: "OrderedDict[str, str]" = OrderedDict()
    for f in findings:
        policy = policies.get(f.rule_id)
        if policy is None:
            continue
        for code in policy.compliance.get("pdpo", []):
            codes.setdefault(f"PDPO {code}", PDPO_DUTIES.get(code, ""))
        for code in policy.compliance.get("gdpr", []):
            codes.setdefault(f"GDPR {code}", GDPR_DUTIES.get(code, ""))
    return list(codes.items())


def duties_of(policy) -> list[tuple[str, str]]:
    if policy is None:
        return []
    return ([(f"PDPO {c}", PDPO_DUTIES.get(c, "")) for c in policy.compliance.get("pdpo", [])]
            + [(f"GDPR {c}", GDPR_DUTIES.get(c, "")) for c in policy.compliance.get("gdpr", [])])


def is_data_store_kind(kind: str) -> bool:
    return kind in DATA_STORE_KINDS
