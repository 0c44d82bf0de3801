"""Run policies over the graph: one Evaluation per (policy, resource in scope).

The engine selects resources through the graph's indexes, evaluates declarative conditions
or the policy's Python check, and isolates crashes: a policy that raises yields an UNKNOWN
evaluation and a tool error, never an aborted scan and never a pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Optional

from ..graph import Graph
from ..model import Evidence, Location, Resource, ScanError
from . import conditions
from .loader import Policy


@dataclass(frozen=True)
class Result:
    """What a Python check returns for one resource."""
    status: str                       # "pass" | "fail" | "unknown"
    message: str = ""
    evidence: tuple = ()              # of Evidence
    location: Optional[Location] = None
    path: tuple = ()                  # exposure path (Evidence per hop)


@dataclass(frozen=True)
class Evaluation:
    policy: Policy
    resource: Resource
    status: str
    message: str
    evidence: tuple
    location: Location
    path: tuple = ()


@dataclass
class EngineOutput:
    evaluations: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def run(policies: Iterable[Policy], graph: Graph) -> EngineOutput:
    out = EngineOutput()
    for policy in policies:
        for resource in in_scope(policy, graph):
            try:
                evaluation = evaluate(policy, resource, graph)
            except Exception as exc:  # noqa: BLE001 - isolate every policy crash
                import traceback
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                out.errors.append(ScanError(
                    resource.location.file, resource.location.line,
                    f"policy {policy.id} crashed on {resource.address}: {type(exc).__name__}: {exc} "
                    f"({frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}); reported as UNKNOWN"))
                evaluation = Evaluation(policy, resource, "unknown",
                                        f"{policy.id} could not be evaluated (policy error: {exc})",
                                        (), resource.location)
            if evaluation is not None:
                out.evaluations.append(evaluation)
    return out


def in_scope(policy: Policy, graph: Graph) -> list[Resource]:
    scope = policy.applies_to
    candidates: list[Resource] = []
    if "types" in scope:
        candidates += graph.of_type(*scope["types"])
    if "kinds" in scope:
        candidates += [r for r in graph.of_kind(*scope["kinds"]) if r not in candidates]
    if scope.get("personal_data_only"):
        candidates = [r for r in candidates if _is_personal(r)]
    needed = conditions.facets_used(policy.fail_when) if policy.fail_when else set()
    return [r for r in candidates if needed <= r.facets.keys()]


def _is_personal(resource: Resource) -> bool:
    fact = resource.facets.get("personal_data")
    return fact is not None and fact.value is True


def evaluate(policy: Policy, resource: Resource, graph: Graph) -> Optional[Evaluation]:
    when = policy.applies_to.get("when")
    if when is not None and conditions.evaluate(when, resource, []) is False:
        return None
    if policy.check is not None:
        result = policy.check(resource, graph)
        if result is None:
            return None
        if result.status not in ("pass", "fail", "unknown"):
            raise ValueError(f"check returned status {result.status!r}")
        location = result.location or _first_location(result.evidence) or resource.location
        return Evaluation(policy, resource, result.status, result.message or policy.title,
                          tuple(result.evidence), location, tuple(result.path))
    evidence: list[Evidence] = []
    verdict = conditions.evaluate(policy.fail_when, resource, evidence)
    status = {True: "fail", False: "pass", None: "unknown"}[verdict]
    reasons = "; ".join(dict.fromkeys(e.message for e in evidence))
    if status == "unknown":
        message = f"cannot tell whether {resource.address} is affected: {reasons}"
    elif status == "pass":
        message = f"{resource.address} passes: {reasons}"
    else:
        message = (policy.message or "{title}: {reason}").format(
            title=policy.title, reason=reasons, resource=resource.address)
    return Evaluation(policy, resource, status, message, tuple(evidence),
                      _first_location(evidence) or resource.location)


def _first_location(evidence: Iterable[Evidence]) -> Optional[Location]:
    for e in evidence:
        if e.location is not None:
            return e.location
    return None
