"""The report formatters (json, sarif, junit, github, markdown) on hand-built reports: schema
validity, counts, escaping of hostile input, and that every format names the same findings."""
from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from checker import cli
from checker.model import Evidence, Finding, Location, Report, ScanError, fingerprint
from checker.policy.loader import Policy, load_policies
from checker.report import github, json_report, junit, markdown, sarif

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
HOSTILE = "aws_s3_bucket.x<script>alert(1)</script>|*_[a](b)"
MULTILINE = "line one\nline two: 50%, ok `code` @octocat #1"


def policy(pid: str, severity: str) -> Policy:
    return Policy(
        id=pid, name=f"rule-{pid.lower()}", title=f"Title of {pid}", category="public-access",
        severity=severity, description=f"Why {pid} matters, at some length for the description.",
        remediation={"text": f"Fix {pid} like this.",
                     "snippets": {"aws_s3_bucket": 'resource "aws_s3_bucket" "x" {\n  # ```\n}\n'}},
        references=(f"https://example.com/{pid}",), compliance={"pdpo": ["DPP4(1)(a)"], "gdpr": ["Art. 25"]},
        applies_to={"kinds": ["object_store"]}, folder=Path("."))


def finding(rule_id: str, resource: str, severity: str, **kw) -> Finding:
    kw.setdefault("location", Location("main.tf", 3))
    kw.setdefault("message", f"{resource} has a problem")
    return Finding(rule_id=rule_id, title=kw.pop("title", f"Title of {rule_id}"), category="public-access",
                   severity=severity, status=kw.pop("status", "fail"), resource=resource,
                   resource_type=resource.split(".")[0], personal_data=kw.pop("personal_data", False),
                   remediation=kw.pop("remediation", f"Fix {rule_id} like this."), **kw).with_fingerprint()


@pytest.fixture
def report() -> Report:
    hops = (Evidence("internet"), Evidence("aws_lb.front listens on 0.0.0.0/0", Location("lb.tf", 8)),
            Evidence(f"{HOSTILE} is the target", Location("main.tf", 2)))
    findings = [
        finding("PDG101", HOSTILE, "critical", personal_data=True, message=MULTILINE, path=hops,
                title="Data store: public, readable", location=Location("mod,a/ma:in.tf", 2),
                evidence=(Evidence("acl = public-read", Location("main.tf", 4)),)),
        finding("PDG301", "aws_db_instance.db", "high", status="unknown", location=Location("db.tf", 0),
                message="aws_db_instance.db encryption depends on var.encrypt"),
        finding("PDG401", "aws_lb_listener.http", "medium", suppressed=True,
                suppression={"reason": "accepted <risk>, see TICKET-1", "expires": "2030-01-01",
                             "owner": "@team"}),
        finding("PDG999", "aws_sqs_queue.q", "low", message="no retention set"),
    ]
    errors = [ScanError("broken.tf", 7, "unexpected '}'\nhere"),
              ScanError("/abs/missing", 0, "path does not exist")]
    return Report(findings=findings, errors=errors, resources=[object()] * 12, root="/work/repo",
                  policies=[policy("PDG101", "high"), policy("PDG102", "high"), policy("PDG301", "medium"),
                            policy("PDG401", "low")])


@pytest.fixture
def clean() -> Report:
    return Report(findings=[], errors=[], resources=[object()] * 5, root="/work/repo",
                  policies=[policy("PDG101", "high")])


def pairs(findings) -> set:
    return {(f.rule_id, f.resource) for f in findings}


# --- SARIF ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


def assert_valid(validator, document: dict) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


def test_sarif_is_valid_against_the_official_schema(report, clean, sarif_validator):
    for r in (report, clean):
        assert_valid(sarif_validator, json.loads(sarif.render(r)))


def test_sarif_with_the_real_catalog_is_valid(report, sarif_validator):
    report.policies = load_policies()
    document = json.loads(sarif.render(report))
    assert_valid(sarif_validator, document)
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert all(rule["help"]["markdown"].count("```hcl") >= 1 for rule in rules[:len(report.policies)])


def test_sarif_rules_are_the_policies_that_ran_plus_unknown_rules(report):
    run = json.loads(sarif.render(report))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == ["PDG101", "PDG102", "PDG301", "PDG401", "PDG999"]
    first = rules[0]
    assert first["name"] == "rule-pdg101" and first["shortDescription"]["text"] == "Title of PDG101"
    assert first["properties"]["security-severity"] == "8.0"
    assert first["properties"]["tags"] == ["public-access", "security", "personal-data"]
    assert first["defaultConfiguration"]["level"] == "error"
    assert "Fix PDG101 like this." in first["help"]["text"]
    assert "````hcl" in first["help"]["markdown"]   # fence longer than the ``` inside the snippet
    assert first["helpUri"] == "https://example.com/PDG101"
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_results(report):
    run = json.loads(sarif.render(report))["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    fail, unknown, suppressed, low = (by_rule[k] for k in ("PDG101", "PDG301", "PDG401", "PDG999"))
    assert (fail["kind"], fail["level"]) == ("fail", "error")
    assert (unknown["kind"], unknown["level"]) == ("review", "none")
    assert (low["kind"], low["level"]) == ("fail", "note")
    assert fail["message"]["text"] == MULTILINE
    physical = fail["locations"][0]["physicalLocation"]
    # percent-encoded: a colon in the first segment would read as a URI scheme
    assert physical["artifactLocation"] == {"uri": "mod%2Ca/ma%3Ain.tf", "uriBaseId": "%SRCROOT%"}
    assert physical["region"] == {"startLine": 2}
    assert fail["locations"][0]["logicalLocations"] == [{"fullyQualifiedName": HOSTILE, "kind": "resource"}]
    assert fail["partialFingerprints"] == {"pdguard/v1": fingerprint("PDG101", HOSTILE)}
    assert fail["properties"]["personal_data"] is True
    assert [h["message"] for h in fail["properties"]["path"]][0] == "internet"
    assert len(fail["codeFlows"][0]["threadFlows"][0]["locations"]) == 3
    assert "region" not in unknown["locations"][0]["physicalLocation"]   # line 0
    assert suppressed["suppressions"] == [{"kind": "external", "status": "accepted",
                                           "justification": "accepted <risk>, see TICKET-1",
                                           "properties": {"expires": "2030-01-01", "owner": "@team"}}]
    assert "suppressions" not in fail


def test_sarif_run_metadata(report, clean):
    document = json.loads(sarif.render(report))
    assert document["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert document["version"] == "2.1.0"
    run = document["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/repo/"}}
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notes = invocation["toolExecutionNotifications"]
    assert [n["level"] for n in notes] == ["error", "error"]
    assert notes[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": 7}
    assert notes[1]["locations"][0]["physicalLocation"] == {"artifactLocation": {"uri": "file:///abs/missing"}}
    assert json.loads(sarif.render(clean))["runs"][0]["invocations"][0]["executionSuccessful"] is True


# --- JUnit ---------------------------------------------------------------------------------

def suite_of(text: str) -> ET.Element:
    root = ET.fromstring(text.encode("utf-8"))
    return root if root.tag == "testsuite" else root.find("testsuite")


def test_junit_counts_and_outcomes(report):
    suite = suite_of(junit.render(report))
    assert suite.get("name") == "pdguard"
    assert {k: suite.get(k) for k in ("tests", "failures", "errors", "skipped")} == \
        {"tests": "6", "failures": "2", "errors": "2", "skipped": "2"}
    cases = {(c.get("classname"), c.get("name")): c for c in suite.findall("testcase")}
    failure = cases[("PDG101", HOSTILE)].find("failure")
    assert failure.get("type") == "critical"
    assert "mod,a/ma:in.tf:2" in failure.text and "line two" in failure.text
    assert "Fix PDG101 like this." in failure.text and "lb.tf:8" in failure.text
    skipped = cases[("PDG301", "aws_db_instance.db")].find("skipped")
    assert skipped.get("message").startswith("could not be decided:")
    assert cases[("PDG401", "aws_lb_listener.http")].find("skipped").get("message") == \
        "suppressed: accepted <risk>, see TICKET-1"
    error = cases[("pdguard.input", "broken.tf")].find("error")
    assert error.get("message") == "unexpected '}' here" and "broken.tf:7" in error.text


def test_junit_survives_characters_xml_cannot_hold():
    r = Report(findings=[finding("PDG101", "aws_s3_bucket.b", "high", message="bell\x07 & <tag>")], errors=[])
    failure = suite_of(junit.render(r)).find("testcase/failure")
    assert "& <tag>" in failure.text and "\x07" not in failure.text


def test_junit_clean_run_has_one_passing_case(clean):
    suite = suite_of(junit.render(clean))
    cases = suite.findall("testcase")
    assert [(c.get("classname"), c.get("name")) for c in cases] == [("pdguard", "pdguard scan")]
    assert not list(cases[0])
    counts = [suite.get(k) for k in ("tests", "failures", "errors", "skipped")]
    assert counts == ["1", "0", "0", "0"]


# --- GitHub --------------------------------------------------------------------------------

COMMAND = re.compile(r"^::(error|warning|notice)(?: ([^:]*))?::(.*)$")


def parse_command(line: str) -> tuple:
    match = COMMAND.match(line)
    assert match, line
    props = dict(p.split("=", 1) for p in match.group(2).split(",")) if match.group(2) else {}
    return match.group(1), {k: unescape_github(v) for k, v in props.items()}, unescape_github(match.group(3))


def unescape_github(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def test_github_escaping():
    assert github.escape_data("50%\r\nx:y,z") == "50%25%0D%0Ax:y,z"
    assert github.escape_property("50%\r\nx:y,z") == "50%25%0D%0Ax%3Ay%2Cz"


def test_github_annotations(report):
    lines = github.render(report).splitlines()
    assert len(lines) == 3 + 2   # suppressed finding left out; two input errors
    assert all(COMMAND.match(line) for line in lines)   # newlines in data cannot start a new command
    level, props, data = parse_command(lines[0])
    assert level == "error"
    assert props == {"file": "/work/repo/mod,a/ma:in.tf", "line": "2",
                     "title": "PDG101 Data store: public, readable"}
    assert "title=PDG101 Data store%3A public%2C readable" in lines[0]
    assert "file=/work/repo/mod%2Ca/ma%3Ain.tf" in lines[0]
    assert data.startswith(f"{HOSTILE}: {MULTILINE}") and "Fix: Fix PDG101 like this." in data
    assert "line one%0Aline two: 50%25, ok" in lines[0]
    level, props, data = parse_command(lines[1])
    assert (level, "line" in props) == ("notice", False) and data.startswith("could not be decided:")
    assert parse_command(lines[2])[0] == "notice"   # low
    level, props, data = parse_command(lines[3])
    assert (level, props["file"], props["line"]) == ("error", "/work/repo/broken.tf", "7")
    assert data == "unexpected '}'\nhere"
    assert parse_command(lines[4])[1]["file"] == "/abs/missing"


def test_github_levels_follow_severity():
    levels = {}
    for severity in ("critical", "high", "medium", "low", "info"):
        r = Report(findings=[finding("PDG101", "aws_s3_bucket.b", severity)], errors=[])
        levels[severity] = parse_command(github.render(r).strip())[0]
    assert levels == {"critical": "error", "high": "error", "medium": "warning",
                      "low": "notice", "info": "notice"}


def test_github_relative_root_keeps_files_relative():
    r = Report(findings=[finding("PDG101", "aws_s3_bucket.b", "high")], errors=[], root=".")
    assert parse_command(github.render(r).strip())[1]["file"] == "main.tf"


# --- Markdown ------------------------------------------------------------------------------

CELL_SPLIT = re.compile(r"(?<!\\)\|")


def unescape_markdown(text: str) -> str:
    text = re.sub(r"\\(.)", r"\1", text.replace("<br>", "\n"))
    return html.unescape(text).replace("\u200b", "")


def table_rows(text: str) -> list:
    rows = [line for line in text.splitlines() if line.startswith("| ") and not line.startswith("| Severity")]
    return [[cell.strip() for cell in CELL_SPLIT.split(row)[1:-1]] for row in rows]


def test_markdown_clean_is_one_line(clean):
    assert markdown.render(clean) == "✅ pdguard: no findings in 5 resources.\n"


def test_markdown_summary(report):
    text = markdown.render(report)
    assert text.startswith(
        "### ❌ pdguard: 3 findings (1 critical, 1 high, 1 low), 2 input errors in 12 resources\n")
    rows = table_rows(text)
    assert all(len(row) == 5 for row in rows)   # a hostile | did not add a cell
    assert [row[0] for row in rows] == ["🔴 critical", "🟠 high (undecided)", "🔵 low"]
    assert unescape_markdown(rows[0][2]) == HOSTILE and rows[0][4] == "✓"
    assert unescape_markdown(rows[0][3]) == "mod,a/ma:in.tf:2"
    assert text.count("<details><summary>") == 3
    assert "1 could not be decided" in text and "1 suppressed" in text
    assert "broken.tf:7" in text and "unexpected '}'<br>here" in text


def test_markdown_escapes_everything_from_scanned_files(report):
    text = markdown.render(report)
    for raw in ("<script>", "</script>", "[a](b)", "|*_[", "`code`", "@octocat", " #1", "<risk>"):
        assert raw not in text, raw
    assert "&lt;script&gt;" in text
    assert "line one<br>line two" in text
    assert not any(line.startswith("line two") for line in text.splitlines())
    summary = re.search(r"<summary>(.*?)</summary>", text).group(1)
    assert html.unescape(summary).replace("\u200b", "") == f"critical PDG101 {HOSTILE}"


def test_markdown_personal_data_first_within_a_severity():
    r = Report(findings=[finding("PDG101", "aws_s3_bucket.logs", "high"),
                         finding("PDG101", "aws_s3_bucket.people", "high", personal_data=True),
                         finding("PDG101", "aws_s3_bucket.top", "critical")], errors=[])
    assert [unescape_markdown(row[2]) for row in table_rows(markdown.render(r))] == \
        ["aws_s3_bucket.top", "aws_s3_bucket.people", "aws_s3_bucket.logs"]


def test_markdown_table_is_limited():
    r = Report(findings=[finding("PDG101", f"aws_s3_bucket.b{i}", "high") for i in range(60)], errors=[])
    text = markdown.render(r)
    assert len(table_rows(text)) == markdown.MAX_ROWS
    assert "… and 10 more" in text
    assert text.count("<details>") == markdown.MAX_ROWS


def test_markdown_only_suppressed_is_clean():
    r = Report(findings=[finding("PDG101", "aws_s3_bucket.b", "high", suppressed=True,
                                 suppression={"reason": "ok"})], errors=[], resources=[object()])
    assert markdown.render(r) == "✅ pdguard: no findings in 1 resources (1 suppressed).\n"


# --- every format names the same findings -------------------------------------------------

def names_in_json(text: str) -> set:
    return {(f["rule_id"], f["resource"]) for f in json.loads(text)["findings"]}


def names_in_sarif(text: str) -> set:
    return {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"])
            for r in json.loads(text)["runs"][0]["results"]}


def names_in_junit(text: str) -> set:
    return {(c.get("classname"), c.get("name")) for c in suite_of(text).findall("testcase")
            if c.get("classname") != "pdguard.input"}


def names_in_github(text: str, resources: set) -> set:
    out = set()
    for line in text.splitlines():
        _, props, data = parse_command(line)
        rule = props["title"].split(" ")[0]
        data = data.removeprefix("could not be decided: ")
        out |= {(rule, res) for res in resources if data.startswith(res)}
    return out


def names_in_markdown(text: str) -> set:
    return {(row[1].split(" ")[0], unescape_markdown(row[2])) for row in table_rows(text)}


def test_every_format_names_the_same_findings(report):
    everything, active = pairs(report.findings), pairs(report.active())
    resources = {f.resource for f in report.findings}
    assert names_in_json(json_report.render(report)) == everything
    assert names_in_sarif(sarif.render(report)) == everything
    assert names_in_junit(junit.render(report)) == everything
    assert names_in_github(github.render(report), resources) == active
    assert names_in_markdown(markdown.render(report)) == active


# --- the CLI -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "markdown"])
def test_cli_formats(fmt, report, monkeypatch, tmp_path):
    monkeypatch.setattr("checker.api.scan", lambda paths, config: report)
    result = CliRunner().invoke(cli.main, ["scan", str(tmp_path), "--format", fmt])
    assert result.exit_code == cli.EXIT_ERROR, result.output   # the report has input errors
    assert result.output == cli._render(report, fmt, False)
