"""docs/policies/ is generated from the catalog: it must never be stale."""
from pathlib import Path

from click.testing import CliRunner

from checker.cli import main
from checker.policy.docs import render_all
from checker.policy.loader import load_policies

DOCS = Path(__file__).resolve().parent.parent / "docs" / "policies"


def test_generated_policy_docs_are_up_to_date():
    expected = render_all(load_policies())
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    stale = sorted(name for name in expected.keys() | committed.keys()
                   if expected.get(name) != committed.get(name))
    assert not stale, f"docs/policies is stale ({', '.join(stale)}): run `pdguard policies docs`"


def test_policies_show_prints_the_same_page():
    policy = load_policies()[0]
    result = CliRunner().invoke(main, ["policies", "show", policy.id])
    assert result.exit_code == 0
    assert result.output == (DOCS / f"{policy.id}.md").read_text(encoding="utf-8")


def test_policies_show_unknown_rule_is_a_usage_error():
    result = CliRunner().invoke(main, ["policies", "show", "PDG999"])
    assert result.exit_code == 2
