"""Personal-data awareness: classification with reasons, exposure paths, severity in context,
and the inventory."""
from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path

from click.testing import CliRunner

from checker.api import load, scan
from checker.cli import main
from checker.config import ScanConfig
from checker.inventory import build

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "terraform"


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "main.tf").write_text(textwrap.dedent(text))
    return tmp_path


def classes(tmp_path: Path, text: str, **config) -> dict:
    graph = load([write(tmp_path, text)], ScanConfig(**config)).graph
    return {r.address: r.facets.get("personal_data") for r in graph}


def test_classification_signals_and_reasons(tmp_path):
    facts = classes(tmp_path, """
        resource "aws_s3_bucket" "a" {
          bucket = "x1"
          tags   = { DataClassification = "Confidential-PII" }
        }
        resource "aws_s3_bucket" "b" {
          bucket = "x2"
          tags   = { contains_pii = "true" }
        }
        resource "aws_s3_bucket" "c" { bucket = "hkid-card-scans" }
        resource "aws_s3_bucket" "patientRecords" { bucket = "x3" }
        resource "aws_s3_bucket" "d" {
          bucket = "customer-portal-assets"
          tags   = { Sensitivity = "Public" }
        }
        resource "aws_s3_bucket" "e" { bucket = "build-artifacts" }
        resource "google_storage_bucket" "f" {
          name     = "g1"
          location = "asia-east2"
          labels   = { data_classification = "restricted" }
        }
        resource "aws_security_group" "customers" { name = "customers" }
    """)
    assert facts["aws_s3_bucket.a"].value is True and "Confidential-PII" in facts["aws_s3_bucket.a"].reason
    assert facts["aws_s3_bucket.b"].value is True
    assert facts["aws_s3_bucket.c"].value is True and "hkid" in facts["aws_s3_bucket.c"].reason
    assert facts["aws_s3_bucket.patientRecords"].value is True
    # Explicitly public beats a personal-sounding name.
    assert facts["aws_s3_bucket.d"].value is False
    assert facts["aws_s3_bucket.e"].unknown
    assert facts["google_storage_bucket.f"].value is True
    # Only data stores are classified.
    assert facts["aws_security_group.customers"] is None


def test_data_map_overrides_everything(tmp_path):
    facts = classes(tmp_path, """
        resource "aws_s3_bucket" "customers" { bucket = "customers" }
        resource "aws_s3_bucket" "logs" { bucket = "app-logs" }
    """, data_map={"aws_s3_bucket.customers": False, "app-logs": True})
    assert facts["aws_s3_bucket.customers"].value is False
    assert "data map" in facts["aws_s3_bucket.customers"].reason
    assert facts["aws_s3_bucket.logs"].value is True


def test_user_vocabulary_extends_the_words(tmp_path):
    facts = classes(tmp_path, 'resource "aws_s3_bucket" "x" { bucket = "licensee-register" }\n',
                    personal_words=["licensee"])
    assert facts["aws_s3_bucket.x"].value is True


def test_schema_columns_classify(tmp_path):
    facts = classes(tmp_path, """
        resource "google_bigquery_table" "t" {
          dataset_id = "d"
          table_id   = "t"
          schema     = jsonencode([{ name = "date_of_birth", type = "DATE" }])
        }
    """)
    # BigQuery tables are data stores only once a normalizer registers them; the classifier
    # itself must read schemas wherever they are.
    from checker.classify import Vocabulary, _schema, _WordMatcher
    graph = load([tmp_path], ScanConfig()).graph
    table = graph.get("google_bigquery_table.t")
    fact = _schema(table, _WordMatcher(Vocabulary()))
    assert fact is not None and "date_of_birth" in fact.reason
    assert facts["google_bigquery_table.t"] is None or facts["google_bigquery_table.t"].value is True


def test_example_exposure_paths_and_toxic_combinations():
    report = scan([EXAMPLE])
    by_rule = {}
    for f in report.findings:
        by_rule.setdefault(f.rule_id, []).append(f)
    toxic = {f.resource: f for f in by_rule["PDG100"]}
    export = toxic["aws_s3_bucket.applicant_records_export"]
    assert export.severity == "critical" and export.personal_data
    assert export.path[0].message.startswith("the internet")
    db = toxic["aws_db_instance.applicants"]
    hops = [h.message for h in db.path]
    assert any("aws_security_group.db" in h and "0.0.0.0/0" in h for h in hops)
    assert all(h.location is not None for h in db.path[1:])
    # Single-resource findings stay, beside the combination.
    assert any(f.resource == "aws_db_instance.applicants" for f in by_rule["PDG301"])


def test_severity_in_context(tmp_path):
    report = scan([write(tmp_path, """
        resource "aws_db_instance" "payroll" {
          engine         = "postgres"
          instance_class = "db.t3.micro"
        }
        resource "aws_db_instance" "metrics" {
          engine         = "postgres"
          instance_class = "db.t3.micro"
        }
        resource "aws_s3_bucket" "www" {
          bucket = "www"
          acl    = "public-read"
          tags   = { DataClassification = "Public" }
        }
    """)], ScanConfig(select=["PDG301", "PDG101"]))
    sev = {(f.rule_id, f.resource): f.severity for f in report.findings}
    assert sev[("PDG301", "aws_db_instance.payroll")] == "high"       # personal: one step up
    assert sev[("PDG301", "aws_db_instance.metrics")] == "medium"     # base
    assert sev[("PDG101", "aws_s3_bucket.www")] == "info"             # public on purpose
    assert report.findings[0].resource == "aws_db_instance.payroll"   # sorted by severity


def test_logging_and_retention_only_on_personal_data(tmp_path):
    report = scan([write(tmp_path, """
        resource "aws_s3_bucket" "passport_scans" { bucket = "passport-scans" }
        resource "aws_s3_bucket" "tmp" { bucket = "tmp-build" }
    """)], ScanConfig(select=["PDG501", "PDG601"]))
    assert {(f.rule_id, f.resource) for f in report.findings} == {
        ("PDG501", "aws_s3_bucket.passport_scans"), ("PDG601", "aws_s3_bucket.passport_scans")}


def test_inventory_of_the_example():
    rows = {r.address: r for r in build(load([EXAMPLE], ScanConfig()).graph)}
    assert rows["aws_db_instance.applicants"].status["public"] == "yes"
    assert rows["aws_db_instance.applicants"].status["encryption.at_rest"] == "no"
    assert rows["aws_db_instance.applicants"].region == "ap-east-1"
    scans = rows['module.buckets["id_scans"].aws_s3_bucket.this']
    assert scans.status["encryption.key_owner"] == "customer"
    assert scans.status["access_logging"] == "yes" and scans.status["retention"] == "yes"
    assert "aws_s3_bucket.www" not in rows          # not personal
    assert all(r.personal_data == "yes" for r in rows.values())


def test_inventory_cli_formats(tmp_path):
    runner = CliRunner()
    table = runner.invoke(main, ["inventory", str(EXAMPLE)])
    assert table.exit_code == 0 and "aws_db_instance.applicants" in table.output
    data = json.loads(runner.invoke(main, ["inventory", str(EXAMPLE), "--format", "json"]).output)
    assert {s["resource"] for s in data["stores"]} >= {"aws_db_instance.applicants"}
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, ["inventory", str(EXAMPLE), "--format", "csv"]).output)))
    assert rows and rows[0]["personal_data"] == "yes"
    everything = json.loads(runner.invoke(main, ["inventory", str(EXAMPLE), "--format", "json", "--all"]).output)
    assert len(everything["stores"]) > len(data["stores"])


def test_inventory_csv_neutralises_formulas():
    from checker.report.inventory import _csv_safe
    assert _csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _csv_safe("@SUM(A1)") == "'@SUM(A1)"
    assert _csv_safe("aws_s3_bucket.x") == "aws_s3_bucket.x"
