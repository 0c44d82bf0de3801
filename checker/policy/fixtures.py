"""Run a policy's fixtures and compare every outcome with the expectations.

A policy folder holds `fixtures/<case>/`: configuration files plus `expected.yaml`, mapping each
resource address to `fail`, `pass` or `unknown`. Strict both ways: a resource the policy
evaluated but the expectations do not list fails the run, and so does an expected resource the
policy never evaluated. The same runner serves the catalog's tests and users' own policies
(`pdguard policies test DIR`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class FixtureOutcome:
    policy_id: str
    case: str
    expected: dict
    actual: dict
    errors: list = field(default_factory=list)

    @property
    def mismatches(self) -> list[str]:
        out = [f"{self.case}: {addr}: expected {want}, got {self.actual.get(addr, 'not evaluated')}"
               for addr, want in self.expected.items() if self.actual.get(addr) != want]
        out += [f"{self.case}: {addr}: evaluated as {got} but not listed in expected.yaml"
                for addr, got in self.actual.items() if addr not in self.expected]
        out += [f"{self.case}: error: {e.file}:{e.line}: {e.message}" for e in self.errors]
        return out


def fixture_cases(policy_folder: Path) -> list[Path]:
    return sorted(p.parent for p in (policy_folder / "fixtures").glob("*/expected.yaml"))


def load_expected(case: Path) -> dict:
    data = yaml.safe_load((case / "expected.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): v for k, v in data.items()}


def run_fixtures(policy_folder: Path) -> list[FixtureOutcome]:
    from ..api import load
    from ..config import ScanConfig
    from .engine import run
    from .loader import load_policy

    policy = load_policy(policy_folder)
    outcomes = []
    for case in fixture_cases(policy_folder):
        loaded = load([case], ScanConfig())
        output = run([policy], loaded.graph)
        actual = {ev.resource.address: ev.status for ev in output.evaluations}
        outcomes.append(FixtureOutcome(policy.id, case.name, load_expected(case), actual,
                                       loaded.errors + output.errors))
    return outcomes
