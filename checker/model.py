"""The normalized model every stage shares: resources, facts, findings, the report.

Loaders produce `RawResource`s (native type, evaluated attributes, lines). Normalizers turn
them into `Resource`s with a canonical kind and facets (`Fact`s). Policies produce
`Finding`s. Formatters read a `Report`. Nothing here knows a file format or a policy.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any, Optional

from .values import Unknown, is_unknown

SEVERITIES = ("info", "low", "medium", "high", "critical")
CATEGORIES = (
    "public-access", "missing-authentication", "unencrypted-at-rest", "unencrypted-in-transit",
    "no-access-logging", "no-retention", "data-residency", "other",
)


def severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity)


@dataclass(frozen=True, slots=True)
class Location:
    file: str   # relative to the scan root
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(slots=True)
class RawResource:
    """One resource instance as a loader evaluated it, before normalization."""
    address: str              # as `terraform plan` prints it; CloudFormation logical id
    type: str                 # native type: aws_s3_bucket, AWS::S3::Bucket
    attributes: dict          # evaluated configuration; nested blocks are lists of dicts
    location: Location
    attr_lines: dict = field(default_factory=dict)   # "versioning.0.enabled" -> line
    refs: frozenset = frozenset()                    # addresses this resource's config references
    module: str = ""                                 # "module.a.module.b" ('' = root)
    mode: str = "managed"                            # managed | data
    source_format: str = "terraform"                 # terraform | cloudformation | plan | state
    region: Any = None           # region of the provider configuration it uses, when known
    source_type: str = ""        # the type as the input names it when `type` is a translation
                                 # (AWS::S3::Bucket for a template normalized as aws_s3_bucket)

    def line_of(self, path: str) -> int:
        """Line of an attribute path ("a.0.b"), falling back to its nearest parent, then the
        resource itself."""
        while path:
            if path in self.attr_lines:
                return self.attr_lines[path]
            path = path.rpartition(".")[0]
        return self.location.line


@dataclass(frozen=True, slots=True)
class Fact:
    """One facet of a resource: a value with its provenance.

    value: True/False/str/number, or Unknown. source: "explicit" (written in the files),
    "default" (the provider's behaviour when absent), "derived" (computed from several
    settings or resources), "unknown". `where` points at the setting that decided it.
    """
    value: Any
    reason: str
    source: str = "explicit"
    where: Optional[Location] = None

    @property
    def unknown(self) -> bool:
        return is_unknown(self.value)

    def is_(self, expected: Any) -> Optional[bool]:
        """Three-valued comparison: None when the fact is unknown."""
        if is_unknown(self.value):
            return None
        return self.value == expected


def unknown_fact(reason: str, where: Optional[Location] = None) -> Fact:
    return Fact(Unknown(reason), reason, "unknown", where)


@dataclass(slots=True)
class Resource:
    """A normalized node of the graph: canonical kind plus facets shared across providers."""
    address: str
    type: str
    provider: str
    kind: str
    raw: RawResource
    facets: dict = field(default_factory=dict)      # name -> Fact
    attached: list = field(default_factory=list)    # RawResources folded into this one

    @property
    def location(self) -> Location:
        return self.raw.location

    @property
    def attributes(self) -> dict:
        return self.raw.attributes

    @property
    def display_type(self) -> str:
        """The resource type as the user wrote it."""
        return self.raw.source_type or self.type

    def fact(self, name: str) -> Optional[Fact]:
        return self.facets.get(name)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One step of why: a statement and where it comes from."""
    message: str
    location: Optional[Location] = None

    def to_dict(self) -> dict:
        out = {"message": self.message}
        if self.location:
            out.update(file=self.location.file, line=self.location.line)
        return out


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    title: str
    category: str
    severity: str
    status: str                 # "fail" | "unknown"
    resource: str
    resource_type: str
    location: Location
    personal_data: bool
    message: str
    evidence: tuple = ()        # of Evidence
    path: tuple = ()            # exposure path: Evidence per hop, internet first
    remediation: str = ""
    suppressed: bool = False
    suppression: Optional[dict] = None
    fingerprint: str = ""
    baseline: bool = False      # in the --baseline file: listed, not failing

    def with_fingerprint(self) -> "Finding":
        return replace(self, fingerprint=fingerprint(self.rule_id, self.resource))

    def to_dict(self) -> dict:
        out = {
            "rule_id": self.rule_id, "title": self.title, "category": self.category,
            "severity": self.severity, "status": self.status, "resource": self.resource,
            "resource_type": self.resource_type, "file": self.location.file,
            "line": self.location.line, "personal_data": self.personal_data,
            "message": self.message, "evidence": [e.to_dict() for e in self.evidence],
            "fingerprint": self.fingerprint, "suppressed": self.suppressed,
        }
        if self.path:
            out["path"] = [e.to_dict() for e in self.path]
        if self.suppression:
            out["suppression"] = self.suppression
        if self.baseline:
            out["baseline"] = True
        return out


def fingerprint(rule_id: str, address: str) -> str:
    """Stable across moves between files and lines: only the rule and the resource address."""
    return hashlib.sha256(f"{rule_id}\x00{address}".encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ScanError:
    file: str
    line: int
    message: str

    def to_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "message": self.message}


@dataclass
class Report:
    findings: list            # of Finding, sorted most severe first
    errors: list              # of ScanError (input that could not be read: exit 2)
    resources: list = field(default_factory=list)    # of Resource (inventory, reports)
    notes: list = field(default_factory=list)        # of ScanError-like diagnostics that do not fail
    root: str = "."
    policies: list = field(default_factory=list)     # metadata of the policies that ran
    fixed: list = field(default_factory=list)        # of Finding: in the --diff-base revision only
    diff_base: str = ""                              # the --diff-base revision, if any
    graph: Any = None                                # the Graph (edges, exposures) for reviews

    def active(self) -> list:
        return [f for f in self.findings if not f.suppressed and not f.baseline]

    def summary(self) -> dict:
        by_sev = {s: 0 for s in reversed(SEVERITIES)}
        by_cat: dict = {}
        by_status = {"fail": 0, "unknown": 0}
        suppressed = baseline = 0
        for f in self.findings:
            if f.suppressed:
                suppressed += 1
                continue
            if f.baseline:
                baseline += 1
                continue
            by_sev[f.severity] += 1
            by_cat[f.category] = by_cat.get(f.category, 0) + 1
            by_status[f.status] += 1
        return {"total": sum(by_status.values()), "by_severity": by_sev,
                "by_category": dict(sorted(by_cat.items())), "by_status": by_status,
                "suppressed": suppressed, "errors": len(self.errors),
                "resources": len(self.resources), "baseline": baseline, "fixed": len(self.fixed),
                "suppressions": {"suppressed": suppressed, **{kind: sum(
                    1 for n in self.notes if getattr(n, "kind", "") == kind)
                    for kind in ("expired", "unused", "forbidden", "invalid")}}}

    def to_dict(self) -> dict:
        return {
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
            "summary": self.summary(),
            **({"fixed": [f.to_dict() for f in self.fixed], "diff_base": self.diff_base}
               if self.diff_base else {}),
            **({"suppression_notes": notes} if (notes := [
                n.to_dict() for n in self.notes if getattr(n, "kind", "")]) else {}),
        }
