"""Tests are data: every policy's fixtures against its expected outcomes, plus meta-tests."""
from pathlib import Path

import pytest

from checker.policy.fixtures import fixture_cases, load_expected, run_fixtures
from checker.policy.loader import builtin_policy_dir, load_policies, load_policy

POLICY_FOLDERS = sorted(p.parent for p in builtin_policy_dir().glob("*/policy.yaml"))


@pytest.mark.parametrize("folder", POLICY_FOLDERS, ids=[p.name for p in POLICY_FOLDERS])
def test_fixtures_match_expected(folder: Path):
    outcomes = run_fixtures(folder)
    assert outcomes, "policy has no fixtures/<case>/expected.yaml"
    problems = [line for o in outcomes for line in o.mismatches]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("folder", POLICY_FOLDERS, ids=[p.name for p in POLICY_FOLDERS])
def test_every_policy_has_a_failing_and_a_passing_case(folder: Path):
    outcomes = {v for case in fixture_cases(folder) for v in load_expected(case).values()}
    assert "fail" in outcomes, "no failing fixture"
    assert "pass" in outcomes, "no passing fixture"


@pytest.mark.parametrize("folder", POLICY_FOLDERS, ids=[p.name for p in POLICY_FOLDERS])
def test_policy_metadata_matches_the_schema(folder: Path):
    # Scans trust the shipped catalog; this is where it is held to the schema.
    load_policy(folder, validate=True)


def test_catalog_loads_and_ids_are_unique():
    policies = load_policies()
    assert len({p.id for p in policies}) == len(policies) == len(POLICY_FOLDERS)
    assert len({p.name for p in policies}) == len(policies)
