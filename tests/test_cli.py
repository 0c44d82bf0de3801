"""The `pdguard` command end to end: reports, the JSON contract, exit codes, errors."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main
from checker.model import CATEGORIES

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "terraform"
FINDING_KEYS = {"rule_id", "title", "category", "severity", "status", "resource", "resource_type",
                "file", "line", "personal_data", "message", "evidence", "fingerprint", "suppressed"}


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_example_text_report_groups_by_resource_and_fails():
    result = invoke("scan", str(EXAMPLE))
    assert result.exit_code == 1
    out = result.output
    assert "aws_db_instance.applicants (aws_db_instance)  [personal data]" in out
    assert "database.tf:" in out and "fix:" in out
    assert out.rstrip().splitlines()[-1].startswith("pdguard: ")


def test_json_report_follows_the_contract():
    result = invoke("scan", str(EXAMPLE), "--format", "json")
    report = json.loads(result.output)
    assert set(report) >= {"findings", "errors", "summary"}
    assert report["errors"] == []
    for finding in report["findings"]:
        assert FINDING_KEYS <= set(finding)
        assert finding["category"] in CATEGORIES
        assert finding["status"] in ("fail", "unknown")
        assert not Path(finding["file"]).is_absolute() and finding["line"] > 0
    addresses = {(f["rule_id"], f["resource"]) for f in report["findings"]}
    assert ("PDG101", "aws_s3_bucket.applicant_records_export") in addresses
    assert ("PDG301", "aws_db_instance.applicants") in addresses
    assert ("PDG201", "aws_api_gateway_method.applications_get") in addresses
    assert ("PDG102", "aws_security_group.db") in addresses
    summary = report["summary"]
    assert summary["total"] == len([f for f in report["findings"] if not f["suppressed"]])
    assert sum(summary["by_severity"].values()) == summary["total"]


def test_module_addresses_in_json(tmp_path):
    report = json.loads(invoke("scan", str(EXAMPLE), "--format", "json", "--select", "PDG501").output)
    # Well-configured module buckets: no logging finding, but the addresses of any finding on
    # module resources carry the module path.
    for f in report["findings"]:
        if f["file"].startswith("modules/"):
            assert f["resource"].startswith('module.buckets["')


@pytest.mark.parametrize("fail_on,code", [("critical", 1), ("none", 0)])
def test_fail_on(fail_on, code):
    assert invoke("scan", str(EXAMPLE), "--fail-on", fail_on).exit_code == code


def test_clean_tree_exits_zero_and_says_so(tmp_path):
    (tmp_path / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "b"\n}\n')
    result = invoke("scan", str(tmp_path), "--fail-on", "high")
    assert result.exit_code == 0


def test_parse_error_is_exit_2_naming_file_and_line(tmp_path):
    (tmp_path / "ok.tf").write_text('resource "aws_db_instance" "db" {\n  engine = "postgres"\n}\n')
    (tmp_path / "broken.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl =\n}\n')
    result = invoke("scan", str(tmp_path), "--format", "json")
    assert result.exit_code == 2
    report = json.loads(result.output)
    (error,) = report["errors"]
    assert error["file"] == "broken.tf" and error["line"] >= 3
    # The readable file is still scanned and reported.
    assert any(f["resource"] == "aws_db_instance.db" for f in report["findings"])


def test_missing_path_is_exit_2(tmp_path):
    assert invoke("scan", str(tmp_path / "nope")).exit_code == 2


def test_var_and_var_file_change_the_verdict(tmp_path):
    (tmp_path / "main.tf").write_text(textwrap.dedent("""
        variable "encrypted" { type = bool }
        resource "aws_db_instance" "db" {
          engine            = "postgres"
          instance_class    = "db.t3.micro"
          storage_encrypted = var.encrypted
        }
    """))
    unknown = json.loads(invoke("scan", str(tmp_path), "--format", "json", "--select", "PDG301").output)
    assert [f["status"] for f in unknown["findings"]] == ["unknown"]
    failing = json.loads(invoke("scan", str(tmp_path), "--format", "json", "--select", "PDG301",
                                "--var", "encrypted=false").output)
    assert [f["status"] for f in failing["findings"]] == ["fail"]
    var_file = tmp_path / "prod.tfvars"
    var_file.write_text("encrypted = true\n")
    passing = json.loads(invoke("scan", str(tmp_path), "--format", "json", "--select", "PDG301",
                                "--var-file", str(var_file)).output)
    assert passing["findings"] == []


def test_output_file(tmp_path):
    out = tmp_path / "report.json"
    result = invoke("scan", str(EXAMPLE), "--format", "json", "-o", str(out))
    assert result.exit_code == 1
    assert json.loads(out.read_text())["findings"]


def test_policies_list():
    result = invoke("policies", "list")
    assert result.exit_code == 0
    assert "PDG101" in result.output and "public-access" in result.output


def test_bad_var_syntax_is_a_usage_error():
    assert CliRunner().invoke(main, ["scan", str(EXAMPLE), "--var", "novalue"]).exit_code == 2


def test_version_starts_without_heavy_imports():
    code = ("import sys; from checker.cli import main\n"
            "heavy = [m for m in ('lark', 'hcl2', 'jsonschema', 'jinja2', 'yaml', 'checker.hcl.functions')"
            " if m in sys.modules]\n"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
