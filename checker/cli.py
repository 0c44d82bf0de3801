"""The `pdguard` command. Thin: parse options, call checker.api.scan, format, exit.

Exit codes (DESIGN.md): 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage or
configuration error, or input that could not be parsed. Heavy modules are imported inside
the commands so that `pdguard --version` and the pre-commit hook start fast.
"""
from __future__ import annotations

import sys

import click

from . import __version__

SEVERITY_CHOICE = click.Choice(["info", "low", "medium", "high", "critical", "none"], case_sensitive=False)
EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _parse_vars(values: tuple) -> dict:
    out = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--var")
        out[name.strip()] = value
    return out


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="pdguard")
def main() -> None:
    """pdguard: find personal data that cloud configuration leaves public, unauthenticated or
    unencrypted."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "junit", "github", "markdown"]),
              default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the report here.")
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None,
              help="Exit 1 when a failing finding is at or above this severity (default: high; none = never).")
@click.option("--fail-on-unknown", is_flag=True, help="Also exit 1 for findings that could not be decided.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="A Terraform variables file (repeatable, later wins).")
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE", help="A Terraform variable (repeatable).")
@click.option("--policy-dir", "policy_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A folder of your own policies, in the same format as the catalog.")
@click.option("--select", multiple=True, metavar="RULE", help="Only these rules (id, name or id prefix).")
@click.option("--ignore", multiple=True, metavar="RULE", help="Skip these rules (id, name or id prefix).")
@click.option("-v", "--verbose", is_flag=True, help="Also show notes (values pdguard could not evaluate).")
def scan(paths, fmt, output, fail_on, fail_on_unknown, var_files, variables, policy_dirs, select,
         ignore, verbose) -> None:
    """Scan Terraform in PATHS for exposed, unauthenticated or unencrypted personal data."""
    from .api import scan as run_scan
    from .config import ScanConfig
    from .errors import InputError

    config = ScanConfig(var_files=list(var_files), variables=_parse_vars(variables),
                        policy_dirs=list(policy_dirs), select=list(select), ignore=list(ignore))
    if fail_on:
        config.fail_on = fail_on.lower()
    try:
        report = run_scan(paths, config)
    except InputError as exc:
        click.echo(f"pdguard: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    text = _render(report, fmt, verbose)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        if fmt != "text":
            click.echo(_render(report, "text", verbose), nl=False, err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(exit_code(report, config.fail_on, fail_on_unknown))


def _render(report, fmt: str, verbose: bool) -> str:
    if fmt == "text":
        from .report import text
        return text.render(report, verbose=verbose)
    import importlib
    modules = {"json": "json_report", "sarif": "sarif", "junit": "junit", "github": "github",
               "markdown": "markdown"}
    return importlib.import_module(f".report.{modules[fmt]}", __package__).render(report)


def exit_code(report, fail_on: str, fail_on_unknown: bool = False) -> int:
    from .model import severity_rank
    if report.errors:
        return EXIT_ERROR
    if fail_on == "none":
        return EXIT_CLEAN
    threshold = severity_rank(fail_on)
    for f in report.active():
        if severity_rank(f.severity) >= threshold and (f.status == "fail" or fail_on_unknown):
            return EXIT_FINDINGS
    return EXIT_CLEAN


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write the inventory here.")
@click.option("--all", "include_all", is_flag=True, help="Every data store, not only those holding personal data.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE")
def inventory(paths, fmt, output, include_all, var_files, variables) -> None:
    """List every store of personal data with how it is protected."""
    from .api import load
    from .config import ScanConfig
    from .inventory import build
    from .report import inventory as render

    config = ScanConfig(var_files=list(var_files), variables=_parse_vars(variables))
    loaded = load(paths, config)
    rows = build(loaded.graph, include_all)
    text = {"table": render.render_table, "json": render.render_json, "csv": render.render_csv}[fmt](rows)
    if output:
        with open(output, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    else:
        click.echo(text, nl=False)
    for error in loaded.errors:
        click.echo(f"pdguard: error: {error.file}:{error.line}: {error.message}", err=True)
    sys.exit(EXIT_ERROR if loaded.errors else EXIT_CLEAN)


@main.group()
def policies() -> None:
    """Inspect the policy catalog."""


@policies.command("list")
@click.option("--policy-dir", "policy_dirs", multiple=True, type=click.Path(exists=True, file_okay=False))
def policies_list(policy_dirs) -> None:
    """List every policy: id, severity, category, title."""
    for p in _load_or_exit(policy_dirs):
        click.echo(f"{p.id:<8} {p.severity:<9} {p.category:<24} {p.title}")


@policies.command("show")
@click.argument("rule")
@click.option("--policy-dir", "policy_dirs", multiple=True, type=click.Path(exists=True, file_okay=False))
def policies_show(rule, policy_dirs) -> None:
    """Print a policy's documentation: why, how to fix, tested examples."""
    from .policy.docs import render_policy
    for p in _load_or_exit(policy_dirs):
        if p.matches(rule) and (rule in (p.id, p.name) or rule in p.aliases):
            click.echo(render_policy(p), nl=False)
            return
    click.echo(f"pdguard: error: no policy {rule!r} (see `pdguard policies list`)", err=True)
    sys.exit(EXIT_ERROR)


@policies.command("docs")
@click.option("-o", "--output", default="docs/policies", show_default=True,
              type=click.Path(file_okay=False), help="Folder to write the Markdown pages to.")
def policies_docs(output) -> None:
    """Regenerate the catalog's Markdown documentation."""
    from pathlib import Path
    from .policy.docs import write_all
    written = write_all(_load_or_exit(()), Path(output))
    click.echo(f"wrote {len(written)} pages to {output}")


@policies.command("test")
@click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
def policies_test(folders) -> None:
    """Run policy folders' fixtures against their expected.yaml (your own policies too)."""
    from pathlib import Path
    from .policy.fixtures import run_fixtures
    failed = 0
    targets = []
    for folder in map(Path, folders):
        targets += [folder] if (folder / "policy.yaml").is_file() else sorted(
            p.parent for p in folder.glob("*/policy.yaml"))
    for folder in targets:
        outcomes = run_fixtures(folder)
        problems = [line for o in outcomes for line in o.mismatches] or ([] if outcomes else ["no fixtures"])
        evaluated = sum(len(o.actual) for o in outcomes)
        click.echo(f"{'FAIL' if problems else 'ok  '} {folder.name} ({len(outcomes)} case(s), {evaluated} resources)")
        for line in problems:
            click.echo(f"     {line}")
        failed += bool(problems)
    click.echo(f"{len(targets) - failed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


def _load_or_exit(policy_dirs):
    from .errors import InputError
    from .policy.loader import load_policies
    try:
        return load_policies(tuple(policy_dirs))
    except InputError as exc:
        click.echo(f"pdguard: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)


if __name__ == "__main__":  # pragma: no cover
    main()
