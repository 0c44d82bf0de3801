"""Run a policy's fixtures and compare every outcome with `expected.yaml`.

Strict both ways: a resource the policy evaluated but the expectations do not list fails the
run, and so does an expected resource the policy never evaluated. The same runner serves the
catalog's tests and users' own policies (`pdguard policies test DIR`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


@dataclass
class FixtureOutcome:
    policy_id: str
    expected: dict
    actual: dict
    errors: list = field(default_factory=list)

    @property
    def mismatches(self) -> list[str]:
        out = [f"{addr}: expected {want}, got {self.actual.get(addr, 'not evaluated')}"
               for addr, want in self.expected.items() if self.actual.get(addr) != want]
        out += [f"{addr}: evaluated as {got} but not listed in expected.yaml"
                for addr, got in self.actual.items() if addr not in self.expected]
        out += [f"error: {e.file}:{e.line}: {e.message}" for e in self.errors]
        return out


def run_fixtures(policy_folder: Path) -> FixtureOutcome:
    from ..api import load
    from ..config import ScanConfig
    from .engine import run
    from .loader import load_policy

    policy = load_policy(policy_folder)
    expected = yaml.safe_load((policy_folder / "expected.yaml").read_text(encoding="utf-8")) or {}
    loaded = load([policy_folder / "fixtures"], ScanConfig())
    output = run([policy], loaded.graph)
    actual = {ev.resource.address: ev.status for ev in output.evaluations}
    return FixtureOutcome(policy.id, {str(k): v for k, v in expected.items()}, actual,
                          loaded.errors + output.errors)
