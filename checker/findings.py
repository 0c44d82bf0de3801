"""Turn policy evaluations into report findings: severity in context, ordering, fingerprints."""
from __future__ import annotations

from .config import ScanConfig
from .model import SEVERITIES, Finding, severity_rank


def from_evaluations(evaluations, config: ScanConfig) -> list[Finding]:
    out = []
    for ev in evaluations:
        if ev.status == "pass":
            continue
        policy, resource = ev.policy, ev.resource
        personal = _personal(resource)
        severity = (config.severity_overrides.get(policy.id)
                    or contextual_severity(policy.severity, policy.category, resource))
        out.append(Finding(
            rule_id=policy.id, title=policy.title, category=policy.category, severity=severity,
            status=ev.status, resource=resource.address, resource_type=resource.display_type,
            location=ev.location, personal_data=personal, message=ev.message,
            evidence=ev.evidence, path=ev.path, remediation=policy.remediation.get("text", ""),
        ).with_fingerprint())
    return sort_findings(out)


def _personal(resource) -> bool:
    fact = resource.facets.get("personal_data")
    return fact is not None and fact.value is True


def contextual_severity(base: str, category: str, resource) -> str:
    """The same gap ranks one step higher on a store of personal data, and one more when the
    store is reachable from the internet. Public access to a store explicitly classified as
    public (a website's assets) is only informational: it is public on purpose."""
    if category == "public-access" and _intended_public(resource):
        return "info"
    rank = severity_rank(base)
    if _personal(resource):
        rank += 1
        exposed = resource.facets.get("exposure.internet")
        if category != "public-access" and exposed is not None and exposed.value is True:
            rank += 1
    return SEVERITIES[min(rank, len(SEVERITIES) - 1)]


def _intended_public(resource) -> bool:
    fact = resource.facets.get("personal_data")
    return fact is not None and fact.value is False and fact.source == "explicit" and "public" in fact.reason.lower()


def sort_findings(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=lambda f: (-severity_rank(f.severity), f.status != "fail",
                                           not f.personal_data, f.location.file, f.location.line,
                                           f.resource, f.rule_id))
