"""Policy documentation generated from metadata and the tested fixtures (jinja2).

`docs/policies/` is the output; a test regenerates it and fails when the committed copy is
stale, so the docs can never drift from what the policies do.
"""
from __future__ import annotations

from pathlib import Path

from .fixtures import fixture_cases, load_expected
from .loader import Policy

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _env():
    import jinja2
    # Markdown output: content comes from the catalog, not from scanned files.
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                              keep_trailing_newline=True, autoescape=False,
                              undefined=jinja2.StrictUndefined)


def render_policy(policy: Policy) -> str:
    cases = {case.name: load_expected(case) for case in fixture_cases(policy.folder)}
    return _env().get_template("policy.md.j2").render(p=policy.meta, cases=cases)


def render_all(policies: list[Policy]) -> dict[str, str]:
    """File name -> content for docs/policies/."""
    out = {f"{p.id}.md": render_policy(p) for p in policies}
    out["README.md"] = _env().get_template("policy_index.md.j2").render(policies=policies)
    return out


def write_all(policies: list[Policy], target: Path) -> list[str]:
    target.mkdir(parents=True, exist_ok=True)
    files = render_all(policies)
    for stale in target.glob("*.md"):
        if stale.name not in files:
            stale.unlink()
    for name, content in files.items():
        (target / name).write_text(content, encoding="utf-8")
    return sorted(files)
