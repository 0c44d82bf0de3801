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
@click.option("--cfn-param", "cfn_params", multiple=True, metavar="KEY=VALUE",
              help="A CloudFormation template parameter value (repeatable).")
@click.option("--cfn-params-file", "cfn_param_files", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help='CloudFormation parameters: [{"ParameterKey": .., "ParameterValue": ..}] or {"Key": "Value"} JSON.')
@click.option("--policy-dir", "policy_dirs", multiple=True, type=click.Path(exists=True, file_okay=False),
              help="A folder of your own policies, in the same format as the catalog.")
@click.option("--select", multiple=True, metavar="RULE", help="Only these rules (id, name or id prefix).")
@click.option("--ignore", multiple=True, metavar="RULE", help="Skip these rules (id, name or id prefix).")
@click.option("-v", "--verbose", is_flag=True, help="Also show notes (values pdguard could not evaluate).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False),
              help="Configuration file (default: .pdguard.yaml or [tool.pdguard] in pyproject.toml, "
                   "searched from the scan root up to the git root).")
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False),
              help="Findings in this baseline file (see `pdguard baseline`) are listed but do not fail.")
@click.option("--diff-base", metavar="GIT_REF",
              help="Also scan GIT_REF; report only findings the change introduced, and those it fixed.")
def scan(paths, fmt, output, fail_on, fail_on_unknown, var_files, variables, cfn_params, cfn_param_files,
         policy_dirs, select, ignore, verbose, config_file, baseline_file, diff_base) -> None:
    """Scan Terraform in PATHS for exposed, unauthenticated or unencrypted personal data."""
    from .api import scan as run_scan
    from .config import ScanConfig
    from .errors import InputError

    config = ScanConfig(var_files=list(var_files), variables=_parse_vars(variables),
                        policy_dirs=list(policy_dirs), select=list(select), ignore=list(ignore),
                        cfn_params=_parse_vars(cfn_params), cfn_param_files=list(cfn_param_files))
    try:
        config = _with_config_file(config, paths, config_file, fail_on, fail_on_unknown)
        fail_on_unknown = config.fail_on_unknown
        report = run_scan(paths, config)
        _flag_unscanned_files(report, paths)
        if baseline_file:
            from . import baseline
            baseline.apply(report, baseline.read(baseline_file))
        if diff_base:
            from . import gitdiff
            base, _ = gitdiff.scan_base(paths, diff_base, config)
            gitdiff.compare(report, base, diff_base)
    except InputError as exc:
        click.echo(f"pdguard: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - fail closed, without a traceback (PDGUARD_DEBUG=1 shows it)
        _internal_error(exc)
    text = _render(report, fmt, verbose)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        if fmt != "text":
            click.echo(_render(report, "text", verbose), nl=False, err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(exit_code(report, config.fail_on, fail_on_unknown))


def _flag_unscanned_files(report, paths) -> None:
    """A file named on the command line that no loader read is an error, not a clean pass."""
    import os
    from pathlib import Path
    from .model import ScanError
    mentioned = {r.location.file for r in report.resources if getattr(r, "location", None)}
    mentioned |= {e.file for e in report.errors} | {n.file for n in report.notes}
    for name in paths:
        path = Path(name)
        if not path.is_file() or path.name.endswith(".tf"):
            continue
        try:
            rel = path.resolve().relative_to(Path(report.root)).as_posix()
        except ValueError:
            rel = os.path.relpath(path.resolve(), report.root)
        if rel not in mentioned and path.name not in mentioned:
            report.errors.append(ScanError(rel, 0, "not a Terraform, CloudFormation, plan or state file "
                                                   "that pdguard can read; nothing in it was scanned"))


def _internal_error(exc: BaseException) -> None:
    import os
    if os.environ.get("PDGUARD_DEBUG"):
        raise exc
    click.echo(f"pdguard: error: internal error ({type(exc).__name__}: {str(exc)[:300]}); "
               "nothing was reported clean. Set PDGUARD_DEBUG=1 to see where.", err=True)
    sys.exit(EXIT_ERROR)


def _with_config_file(config, paths, config_file, fail_on, fail_on_unknown):
    """Flags over the configuration file (issue: `config_file` module)."""
    from .config_file import load_config
    return load_config(paths, config_file, config, fail_on=fail_on, fail_on_unknown=fail_on_unknown)


@main.command("baseline")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", default=".pdguard-baseline.json", show_default=True,
              type=click.Path(dir_okay=False, writable=True), help="The baseline file to write.")
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE")
def baseline_cmd(paths, output, config_file, var_files, variables) -> None:
    """Record today's findings in PATHS so that `scan --baseline` fails only on new ones."""
    from . import baseline
    from .api import scan as run_scan
    from .config import ScanConfig
    from .errors import InputError

    config = ScanConfig(var_files=list(var_files), variables=_parse_vars(variables))
    try:
        config = _with_config_file(config, paths, config_file, None, False)
        report = run_scan(paths, config)
    except InputError as exc:
        click.echo(f"pdguard: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    for e in report.errors:
        click.echo(f"pdguard: error: {e.file}:{e.line}: {e.message}", err=True)
    if report.errors:
        click.echo("pdguard: baseline not written: fix the input errors first", err=True)
        sys.exit(EXIT_ERROR)
    count = baseline.write(report, output)
    click.echo(f"pdguard: wrote {count} finding(s) to {output}")


@main.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=str))
@click.option("--config", "config_file", type=click.Path(dir_okay=False), help="Configuration file.")
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None, help="Severity that fails the commit.")
def hook(files, config_file, fail_on) -> None:
    """Pre-commit hook: check the modules of the changed FILES; quiet when all is well."""
    from pathlib import Path
    from .api import scan as run_scan
    from .config import ScanConfig
    from .errors import InputError
    from .hook import repository_top, scan_targets

    targets = scan_targets(files, repository_top(Path.cwd()))
    if not targets:
        sys.exit(EXIT_CLEAN)
    try:
        config = _with_config_file(ScanConfig(), [Path.cwd()], config_file, fail_on, False)
        report = run_scan(targets, config)
    except InputError as exc:
        click.echo(f"pdguard: error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    code = exit_code(report, config.fail_on, config.fail_on_unknown)
    if report.active() or report.errors or any(
            getattr(n, "kind", "") in ("expired", "forbidden", "invalid") for n in report.notes):
        from .hook import header
        from .report import text
        click.echo(header(targets, repository_top(Path.cwd()), report.root))
        click.echo(text.render(report), nl=False)
    if code == EXIT_FINDINGS:
        click.echo("pdguard: commit refused: fix the findings above, or suppress one with "
                   "`# pdguard:ignore RULE reason` on the line above it.")
    sys.exit(code)


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


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the review here (default: standard output).")
@click.option("--format", "fmt", type=click.Choice(["html", "markdown"]), default=None,
              help="html (default, or from the output's .md suffix) or markdown.")
@click.option("--title", default="", help="Title of the review.")
@click.option("--var-file", "var_files", multiple=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--var", "variables", multiple=True, metavar="NAME=VALUE")
def report(paths, output, fmt, title, var_files, variables) -> None:
    """Write a design review for architects: where personal data lives, who can reach it, and
    what protects it (self-contained HTML, or Markdown)."""
    from .api import scan as run_scan
    from .config import ScanConfig
    from .review import build_review

    fmt = fmt or ("markdown" if output and output.endswith((".md", ".markdown")) else "html")
    config = ScanConfig(var_files=list(var_files), variables=_parse_vars(variables))
    review = build_review(run_scan(paths, config), title)
    if fmt == "html":
        from .report.review_html import render
    else:
        from .report.review_markdown import render
    text = render(review)
    if output:
        with open(output, "w", encoding="utf-8") as handle:
            handle.write(text)
        click.echo(f"pdguard: wrote {output}: {review.summary['personal_stores']} personal-data store(s), "
                   f"{review.summary['exposed_personal_stores']} exposed, "
                   f"{review.summary['critical_chains']} critical chain(s)", err=True)
    else:
        click.echo(text, nl=False)
    sys.exit(EXIT_ERROR if review.errors else EXIT_CLEAN)


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
    """Regenerate the catalog's Markdown documentation, and its index (catalog.json)."""
    from pathlib import Path
    from .policy.docs import write_all
    from .policy.loader import write_catalog_index
    written = write_all(_load_or_exit(()), Path(output))
    click.echo(f"wrote {len(written)} pages to {output}")
    try:
        click.echo(f"wrote the catalog index {write_catalog_index()}")
    except OSError as exc:
        click.echo(f"pdguard: could not write the catalog index: {exc}", err=True)


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
