"""Workflow features: suppressions (inline and configured), the configuration file, baselines,
--diff-base, and the `pdguard hook` / `baseline` / `scan` commands end to end."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker import cli
from checker.api import scan
from checker.config import ScanConfig
from checker.config_file import ConfigError, find_config, load_config, read_config
from checker.hook import module_callers, scan_targets
from checker.suppress import block_end, parse_inline

PUBLIC_PERSONAL = '''resource "aws_s3_bucket" "records" {
  bucket = "records"
  tags   = { DataClassification = "Personal" }
}

resource "aws_s3_bucket_acl" "records" {
  bucket = aws_s3_bucket.records.id
  acl    = "public-read"
}
'''
PLAIN = '''resource "aws_s3_bucket" "assets" {
  bucket = "static-site-assets"
}
'''


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PDGUARD_CACHE_DIR", str(tmp_path / ".cache"))


def write(folder: Path, files: dict) -> Path:
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


def by_rule(report, rule: str, resource: str):
    hits = [f for f in report.findings if f.rule_id == rule and f.resource == resource]
    assert len(hits) == 1, [(f.rule_id, f.resource) for f in report.findings]
    return hits[0]


def kinds(report) -> list:
    return sorted(getattr(n, "kind", "") for n in report.notes if getattr(n, "kind", ""))


# ------------------------------------------------------------------------------ inline

def test_inline_suppression_on_the_argument(tmp_path):
    write(tmp_path, {"main.tf": PUBLIC_PERSONAL.replace(
        '  acl    = "public-read"', '  # pdguard:ignore PDG101 public by design: the export page, ticket OPS-12\n'
                                   '  acl    = "public-read"')})
    report = scan([tmp_path])
    f = by_rule(report, "PDG101", "aws_s3_bucket.records")
    assert f.suppressed and f.suppression["source"] == "inline"
    assert f.suppression["reason"] == "public by design: the export page, ticket OPS-12"
    assert f not in report.active() and report.summary()["suppressions"]["suppressed"] >= 1
    assert kinds(report) == []
    # the other rules on that bucket are not silenced
    assert not by_rule(report, "PDG501", "aws_s3_bucket.records").suppressed


def test_inline_suppression_above_the_resource_and_by_name_trailing(tmp_path):
    from checker.policy.loader import load_policies
    name = next(p.name for p in load_policies(()) if p.id == "PDG501")
    write(tmp_path, {"main.tf": "# pdguard:ignore PDG101,PDG501 archive bucket, reviewed 2026-01\n"
                                + PUBLIC_PERSONAL.replace('"Personal" }', f'"Personal" }} # pdguard:ignore {name} logs elsewhere')})
    report = scan([tmp_path])
    assert by_rule(report, "PDG101", "aws_s3_bucket.records").suppressed     # block starts on the next line
    assert by_rule(report, "PDG501", "aws_s3_bucket.records").suppressed
    assert by_rule(report, "PDG501", "aws_s3_bucket.records").suppression["line"] == 1
    assert not by_rule(report, "PDG401", "aws_s3_bucket.records").suppressed


def test_inline_without_reason_or_with_star_is_not_applied(tmp_path):
    write(tmp_path, {"main.tf": "# pdguard:ignore PDG101\n" + PUBLIC_PERSONAL,
                     "other.tf": "// pdguard:ignore * everything\n" + PLAIN})
    report = scan([tmp_path])
    assert not by_rule(report, "PDG101", "aws_s3_bucket.records").suppressed
    notes = [n for n in report.notes if getattr(n, "kind", "") == "invalid"]
    assert {(n.file, n.line, n.level) for n in notes} == {("main.tf", 1, "error"), ("other.tf", 1, "error")}
    assert "no reason" in notes[0].message or "no reason" in notes[1].message


def test_unused_inline_suppression_is_reported(tmp_path):
    write(tmp_path, {"main.tf": "# pdguard:ignore PDG301 encrypted by the platform\n" + PLAIN})
    report = scan([tmp_path])
    assert kinds(report) == ["unused"]
    assert report.summary()["suppressions"]["unused"] == 1


def test_block_end_skips_strings_comments_and_heredocs():
    lines = ['resource "x" "y" {', '  a = "}"', '  # }', '  b = <<EOT', '}', 'EOT', '  c = { d = 1 }', '}', 'x']
    assert block_end(lines, 1) == 8
    assert parse_inline("x = 1 # pdguard:ignore PDG101 -- why not", "a.tf")[0][0].reason == "why not"


# ------------------------------------------------------------------------------ configuration

def test_config_suppressions_expiry_unused_and_forbidden(tmp_path):
    future = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    write(tmp_path, {"main.tf": PUBLIC_PERSONAL + PLAIN, ".pdguard.yaml": f"""
suppressions:
  - {{rule: PDG501, resource: "aws_s3_bucket.rec*", reason: logged by CloudTrail data events, expires: "{future}", owner: data-team}}
  - {{rule: PDG601, resource: aws_s3_bucket.records, reason: kept by law, expires: 2020-01-01}}
  - {{rule: PDG301, resource: aws_s3_bucket.nothing, reason: stale entry}}
  - {{rule: PDG101, resource: aws_s3_bucket.records, reason: wants to hide it}}
suppress:
  forbid_rules: [PDG101]
"""})
    config = load_config([tmp_path])
    assert config.source == tmp_path / ".pdguard.yaml"
    report = scan([tmp_path], config)
    logged = by_rule(report, "PDG501", "aws_s3_bucket.records")
    assert logged.suppressed and logged.suppression["source"] == "config"
    assert logged.suppression["owner"] == "data-team" and logged.suppression["expires"] == future
    assert not by_rule(report, "PDG601", "aws_s3_bucket.records").suppressed       # expired
    assert not by_rule(report, "PDG101", "aws_s3_bucket.records").suppressed       # forbidden
    assert kinds(report) == ["expired", "forbidden", "unused"]
    counts = report.summary()["suppressions"]
    assert (counts["suppressed"], counts["expired"], counts["unused"]) == (1, 1, 1)


def test_forbid_severity_stops_inline_suppression(tmp_path):
    write(tmp_path, {"main.tf": "# pdguard:ignore PDG101 no\n" + PUBLIC_PERSONAL,
                     "pyproject.toml": '[project]\nname = "x"\n\n[tool.pdguard]\nsuppress = { forbid_severities = ["critical"] }\n'})
    report = scan([tmp_path], load_config([tmp_path]))
    f = by_rule(report, "PDG101", "aws_s3_bucket.records")
    assert f.severity == "critical" and not f.suppressed
    note = next(n for n in report.notes if getattr(n, "kind", "") == "forbidden")
    assert note.file == "main.tf" and note.line == 1 and "forbid_severities" in note.message


def test_config_keys_reach_the_scan(tmp_path):
    write(tmp_path, {"infra/main.tf": PUBLIC_PERSONAL + 'variable "name" {}\nresource "aws_s3_bucket" "named" {\n  bucket = var.name\n}\n',
                     "infra/prod.tfvars": 'name = "from-var-file"\n',
                     "pyproject.toml": '[tool.pdguard]\nselect = ["PDG1", "PDG5"]\nignore = ["PDG102"]\n'
                                       'severity = { PDG501 = "low" }\nfail_on = "critical"\n'
                                       'var_files = ["infra/prod.tfvars"]\n\n[[tool.pdguard.suppressions]]\n'
                                       'rule = "PDG101"\nresource = "x"\nreason = "r"\nexpires = 2999-01-01\n'})
    (tmp_path / ".git").mkdir()
    config = load_config([tmp_path / "infra"])       # found in a parent, up to the git root
    assert config.fail_on == "critical" and config.severity_overrides == {"PDG501": "low"}
    assert config.var_files == [str(tmp_path / "infra/prod.tfvars")]
    assert config.suppressions[0]["expires"] == "2999-01-01"          # a bare TOML date
    report = scan([tmp_path / "infra"], config)
    rules = {f.rule_id for f in report.findings}
    assert rules and all(r.startswith(("PDG1", "PDG5")) and r != "PDG102" for r in rules)
    assert by_rule(report, "PDG501", "aws_s3_bucket.records").severity == "low"
    # flags win over the file
    flagged = load_config([tmp_path / "infra"], config=ScanConfig(select=["PDG6"]), fail_on="medium")
    assert flagged.select == ["PDG6"] and flagged.fail_on == "medium"


def test_config_search_stops_at_the_git_root(tmp_path):
    write(tmp_path, {".pdguard.yaml": "fail_on: low\n", "repo/infra/main.tf": PLAIN})
    (tmp_path / "repo" / ".git").mkdir()
    assert find_config([tmp_path / "repo" / "infra"]) is None


@pytest.mark.parametrize("text, where", [
    ("selct: [PDG101]\n", "(top level): unknown key(s) 'selct'"),
    ("suppressions:\n  - {rule: PDG101, resource: x}\n", "suppressions[0]: 'reason' is a required property"),
    ("suppressions:\n  - {rule: PDG101, resource: x, reason: '  '}\n", "suppressions[0].reason: must not be empty"),
    ("suppressions:\n  - {rule: PDG101, resource: x, reason: r, expires: 31/12/2026}\n",
     "suppressions[0].expires: '31/12/2026' is not a date"),
    ("suppressions:\n  - {rule: '*', resource: x, reason: r}\n", "suppressions[0].rule"),
    ("severity: {PDG101: urgent}\n", "severity.PDG101: 'urgent' is not one of"),
    ("suppress: {forbid_severities: [critical, huge]}\n", "suppress.forbid_severities[1]"),
    ("fail_on: [high\n", "invalid YAML"),
])
def test_schema_errors_name_the_file_and_key(tmp_path, text, where):
    path = write(tmp_path, {".pdguard.yaml": text}) / ".pdguard.yaml"
    with pytest.raises(ConfigError) as info:
        read_config(path)
    assert where in str(info.value) and info.value.file == str(path)


def test_invalid_config_exits_2(tmp_path):
    write(tmp_path, {"main.tf": PLAIN, ".pdguard.yaml": "fail_on: sometimes\n"})
    result = CliRunner().invoke(cli.main, ["scan", str(tmp_path)])
    assert result.exit_code == 2
    assert ".pdguard.yaml: fail_on: 'sometimes' is not one of" in result.output
    missing = CliRunner().invoke(cli.main, ["scan", str(tmp_path), "--config", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "configuration file not found" in missing.output


# ------------------------------------------------------------------------------ baseline

def test_baseline_command_and_scan_with_baseline(tmp_path):
    infra = write(tmp_path / "infra", {"main.tf": PUBLIC_PERSONAL})
    runner = CliRunner()
    out = tmp_path / "baseline.json"
    result = runner.invoke(cli.main, ["baseline", str(infra), "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert {e["rule_id"] for e in doc["findings"]} >= {"PDG101", "PDG501"}
    assert all(e["resource"] == "aws_s3_bucket.records" and len(e["fingerprint"]) == 16 for e in doc["findings"])

    # nothing new: exit 0, findings still listed with baseline: true
    result = runner.invoke(cli.main, ["scan", str(infra), "--baseline", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["findings"] and all(f["baseline"] is True for f in report["findings"])
    assert report["summary"]["total"] == 0 and report["summary"]["baseline"] == len(report["findings"])

    # a resource moved to another file keeps its fingerprint; a new public bucket is new
    (infra / "main.tf").unlink()
    write(infra, {"moved.tf": "\n\n" + PUBLIC_PERSONAL,
                  "new.tf": PUBLIC_PERSONAL.replace("records", "exports")})
    result = runner.invoke(cli.main, ["scan", str(infra), "--baseline", str(out), "--format", "json"])
    assert result.exit_code == 1
    new = [f for f in json.loads(result.output)["findings"] if not f.get("baseline")]
    assert new and {f["resource"] for f in new} == {"aws_s3_bucket.exports"}

    bad = tmp_path / "bad.json"
    bad.write_text("[]")
    result = runner.invoke(cli.main, ["scan", str(infra), "--baseline", str(bad)])
    assert result.exit_code == 2 and "not a pdguard baseline" in result.output


# ------------------------------------------------------------------------------ --diff-base

def _git(cwd, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True, text=True).stdout


PRIVATE_PERSONAL = PUBLIC_PERSONAL.replace("public-read", "private")


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    root = tmp_path / "repo"
    write(root, {"infra/storage.tf": PRIVATE_PERSONAL, "infra/web.tf": PLAIN})
    _git(root, "init", "-q")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    return root


def _diff(root: Path, *extra):
    result = CliRunner().invoke(cli.main, ["scan", str(root / "infra"), "--diff-base", "HEAD", "--format", "json", *extra])
    return result, json.loads(result.output) if result.output.startswith("{") else None


def test_diff_base_reports_exactly_the_new_public_bucket(repo):
    status_before = _git(repo, "status", "--porcelain")
    (repo / "infra/storage.tf").write_text(PUBLIC_PERSONAL)
    result, doc = _diff(repo)
    assert result.exit_code == 1, result.output
    new = {(f["rule_id"], f["resource"]) for f in doc["findings"]}
    public_rules = {r for r, _ in new}
    assert ("PDG101", "aws_s3_bucket.records") in new
    assert {res for _, res in new} == {"aws_s3_bucket.records"}
    assert public_rules <= {"PDG100", "PDG101", "PDG102", "PDG103"}     # only exposure, nothing pre-existing
    assert doc["fixed"] == [] and doc["diff_base"] == "HEAD"
    # the working tree, the index and the repository's worktrees are untouched
    assert _git(repo, "status", "--porcelain") == status_before + " M infra/storage.tf\n"
    assert _git(repo, "worktree", "list").count("\n") == 1


def test_diff_base_moving_a_resource_reports_nothing_and_fixes_are_listed(repo):
    (repo / "infra/storage.tf").unlink()
    write(repo, {"infra/moved/../archive.tf": "# moved\n\n" + PRIVATE_PERSONAL})
    result, doc = _diff(repo)
    assert result.exit_code == 0, result.output
    assert doc["findings"] == [] and doc["fixed"] == []

    (repo / "infra/web.tf").unlink()          # removing the plain bucket fixes its findings
    result, doc = _diff(repo)
    assert doc["findings"] == []
    assert {f["resource"] for f in doc["fixed"]} == {"aws_s3_bucket.assets"}
    text = CliRunner().invoke(cli.main, ["scan", str(repo / "infra"), "--diff-base", "HEAD"]).output
    assert "fixed: " in text and "aws_s3_bucket.assets" in text
    md = CliRunner().invoke(cli.main, ["scan", str(repo / "infra"), "--diff-base", "HEAD", "--format", "markdown"]).output
    assert "Fixed by this change" in md


def test_diff_base_bad_ref_is_a_usage_error(repo):
    result = CliRunner().invoke(cli.main, ["scan", str(repo / "infra"), "--diff-base", "no-such-ref"])
    assert result.exit_code == 2 and "git" in result.output


# ------------------------------------------------------------------------------ hook

def test_hook_maps_changed_files_to_module_roots(tmp_path):
    write(tmp_path, {
        "envs/prod/main.tf": 'module "store" {\n  source = "../../modules/store"\n}\n',
        "modules/store/main.tf": PLAIN, "modules/store/vars.tfvars": "",
        "other/main.tf": PLAIN, "README.md": "x"})
    callers = module_callers(tmp_path)
    assert callers[(tmp_path / "modules/store").resolve()] == {(tmp_path / "envs/prod").resolve()}
    targets = scan_targets([tmp_path / "modules/store/main.tf", tmp_path / "modules/store/vars.tfvars",
                            tmp_path / "other/main.tf", tmp_path / "deleted.tf"], tmp_path)
    assert targets == sorted([(tmp_path / "envs/prod").resolve(), (tmp_path / "other").resolve()])


def test_hook_command_quiet_when_clean_and_refuses_risky(tmp_path, monkeypatch):
    write(tmp_path, {"storage/main.tf": PLAIN, "storage/acl.tf": ""})
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    below = runner.invoke(cli.main, ["hook", "storage/acl.tf"])     # a medium finding: shown, passes
    assert below.exit_code == 0 and "PDG401" in below.output and "refused" not in below.output
    write(tmp_path, {"network/main.tf": 'variable "cidr" {\n  default = "10.0.0.0/16"\n}\n'})
    clean = runner.invoke(cli.main, ["hook", "network/main.tf"])
    assert clean.exit_code == 0 and clean.output == ""
    assert runner.invoke(cli.main, ["hook"]).exit_code == 0            # no files: nothing to do
    write(tmp_path, {"storage/main.tf": PUBLIC_PERSONAL})
    risky = runner.invoke(cli.main, ["hook", "storage/main.tf"])
    assert risky.exit_code == 1
    assert "PDG101" in risky.output and "commit refused" in risky.output
    assert risky.output.startswith("pdguard: checked storage/")


# ------------------------------------------------------------------------------ every format

def test_suppressed_findings_are_in_every_format(tmp_path):
    write(tmp_path, {"main.tf": PUBLIC_PERSONAL.replace(
        '  acl    = "public-read"', '  acl    = "public-read" # pdguard:ignore PDG101 accepted, ticket 7'),
        ".pdguard.yaml": "suppressions:\n  - {rule: PDG501, resource: '*', reason: central logging}\n"})
    runner = CliRunner()
    sarif = json.loads(runner.invoke(cli.main, ["scan", str(tmp_path), "--format", "sarif"]).output)
    kinds_ = {r["ruleId"]: r["suppressions"][0]["kind"] for r in sarif["runs"][0]["results"] if r.get("suppressions")}
    assert kinds_ == {"PDG101": "inSource", "PDG501": "external"}
    doc = json.loads(runner.invoke(cli.main, ["scan", str(tmp_path), "--format", "json"]).output)
    assert {f["rule_id"] for f in doc["findings"] if f["suppressed"]} == {"PDG101", "PDG501"}
    assert doc["summary"]["suppressions"]["suppressed"] == 2
    text = runner.invoke(cli.main, ["scan", str(tmp_path)]).output
    assert "2 suppressed" in text


def test_cloudformation_metadata_suppression(tmp_path):
    write(tmp_path, {"template.yaml": """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Records:
    Type: AWS::S3::Bucket
    Metadata:
      pdguard:
        ignore:
          - {rule: PDG101, reason: open data set, no personal data}
          - {rule: PDG401}
    Properties:
      BucketName: open-data
      AccessControl: PublicRead
"""})
    report = scan([tmp_path])
    assert by_rule(report, "PDG101", "Records").suppressed
    assert by_rule(report, "PDG101", "Records").suppression["source"] == "inline"
    assert kinds(report) == ["invalid"]


def test_sarif_with_suppressions_validates_against_the_schema(tmp_path):
    import jsonschema
    write(tmp_path, {"main.tf": "# pdguard:ignore PDG101 accepted\n" + PUBLIC_PERSONAL,
                     ".pdguard.yaml": "suppressions:\n  - {rule: PDG501, resource: '*', reason: r, owner: me, expires: '2999-01-01'}\n"})
    sarif = json.loads(CliRunner().invoke(cli.main, ["scan", str(tmp_path), "--format", "sarif"]).output)
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(sarif)


def test_baseline_findings_in_every_format(tmp_path):
    import jsonschema
    infra = write(tmp_path / "infra", {"main.tf": PUBLIC_PERSONAL})
    runner = CliRunner()
    out = tmp_path / "b.json"
    assert runner.invoke(cli.main, ["baseline", str(infra), "-o", str(out)]).exit_code == 0
    write(infra, {"new.tf": PUBLIC_PERSONAL.replace("records", "exports")})

    def run(fmt):
        result = runner.invoke(cli.main, ["scan", str(infra), "--baseline", str(out), "--format", fmt])
        assert result.exit_code == 1
        return result.output

    doc = json.loads(run("json"))
    new = sorted((f["rule_id"], f["resource"]) for f in doc["findings"] if not f.get("baseline"))
    old = sorted((f["rule_id"], f["resource"]) for f in doc["findings"] if f.get("baseline"))
    sarif = json.loads(run("sarif"))
    schema = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft7Validator(schema).validate(sarif)
    results = sarif["runs"][0]["results"]
    assert sorted((r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
                  for r in results if r.get("baselineState") == "unchanged") == old
    github = run("github")
    assert "aws_s3_bucket.exports" in github and "aws_s3_bucket.records" not in github
    markdown = run("markdown")
    assert "aws\\_s3\\_bucket.exports" in markdown and "aws\\_s3\\_bucket.records" not in markdown
    assert run("junit").count("in the baseline") == len(old)
    text = run("text")
    assert "aws_s3_bucket.exports" in text and "aws_s3_bucket.records" not in text
    assert f"{len(old)} in the baseline" in text and len(new) > 0


def test_module_callers_follow_changed_files_through_the_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "repo"
    (repo / "modules" / "store").mkdir(parents=True)
    (repo / "modules" / "store" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    (repo / "prod").mkdir()
    (repo / "prod" / "main.tf").write_text('module "s" {\n  source = "../modules/store"\n}\n')
    (repo / "dir.tf").mkdir()   # a folder with a .tf name is walked, not read
    (repo / "dir.tf" / "main.tf").write_text('module "t" {\n  source = "../modules/store"\n}\n')
    store = (repo / "modules" / "store").resolve()
    assert module_callers(repo)[store] == {(repo / "prod").resolve(), (repo / "dir.tf").resolve()}
    assert list((tmp_path / "cache").rglob("*.pickle"))        # the sources were kept
    (repo / "staging").mkdir()
    (repo / "staging" / "main.tf").write_text('module "s" {\n  source = "../modules/store"\n}\n')
    (repo / "prod" / "main.tf").write_text('resource "aws_s3_bucket" "p" {}\n')   # no longer calls
    assert module_callers(repo)[store] == {(repo / "staging").resolve(), (repo / "dir.tf").resolve()}
    monkeypatch.setenv("PDGUARD_CACHE_DIR", "off")
    assert module_callers(repo)[store] == {(repo / "staging").resolve(), (repo / "dir.tf").resolve()}
