"""Terraform plan and state JSON as inputs (checker/tfplan).

The fixtures under tests/fixtures/tfplan and tests/fixtures/equivalence_plan were produced once
with Terraform 1.11 and the AWS provider 5.x (`terraform plan -refresh=false`, `terraform show
-json`); the states were written by hand in the v4 format and converted by `terraform show
-json`. Terraform is never run here.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from checker.api import load, scan
from checker.config import ScanConfig
from checker.tfplan import addresses
from checker.tfplan.loader import load as load_file
from checker.values import is_unknown

FIXTURES = Path(__file__).parent / "fixtures"
TFPLAN = FIXTURES / "tfplan"
EQUIVALENCE = FIXTURES / "equivalence_plan"


def _load_file(path: Path, rel: str = ""):
    return load_file(path.resolve(), rel or path.name, path.read_text(encoding="utf-8"), None)


def _raws(path: Path) -> dict:
    result = _load_file(path)
    assert result is not None and not result.errors
    return {r.address: r for r in result.resources}


def _findings(paths) -> set:
    report = scan([Path(p) for p in paths], ScanConfig())
    assert not report.errors, report.errors
    return {(f.rule_id, f.resource, f.status) for f in report.findings}


# ---------------------------------------------------------------- recognition
def test_recognises_plan_show_state_and_raw_state():
    plan = _load_file(TFPLAN / "modules" / "plan.json")
    show = _load_file(TFPLAN / "state_show" / "state.json")
    raw = _load_file(TFPLAN / "state_raw" / "terraform.tfstate")
    assert {r.source_format for r in plan.resources} == {"plan"}
    assert {r.source_format for r in show.resources} == {"state"}
    assert {r.source_format for r in raw.resources} == {"state"}
    assert len(show.resources) == len(raw.resources) == 4


def test_unrelated_json_is_ignored_silently(tmp_path):
    for name, text in (("package.json", '{"name": "x", "version": "1.0.0"}'),
                       ("schema.json", '{"format_version": "1.0", "provider_schemas": {}}'),
                       ("list.json", "[1, 2]"), ("broken.json", "{not json"),
                       ("values.yaml", "a: 1\n")):
        path = tmp_path / name
        path.write_text(text)
        assert _load_file(path) is None, name
    report = scan([tmp_path], ScanConfig())
    assert not report.errors


@pytest.mark.parametrize("doc, message", [
    ({"format_version": "1.2", "planned_values": [1]}, "planned_values"),
    ({"format_version": "1.2", "planned_values": {"root_module": {"resources": {"a": 1}}}}, "resources"),
    ({"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"values": {}}]}}}, "address"),
    ({"format_version": "1.2", "resource_changes": 5}, "resource_changes"),
    ({"version": 3, "terraform_version": "0.11.14", "modules": []}, "version 3"),
    ({"version": 4, "terraform_version": "1.5.0", "resources": [{"type": "aws_s3_bucket"}]}, "type or name"),
])
def test_malformed_plan_or_state_is_an_input_error(tmp_path, doc, message):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    result = _load_file(path)
    assert result is not None and result.errors and not result.resources
    assert message in result.errors[0].message
    report = scan([tmp_path], ScanConfig())
    assert report.errors and report.errors[0].file == "plan.json"


def test_unreadable_state_file_is_an_error(tmp_path):
    (tmp_path / "terraform.tfstate").write_text("{ truncated")
    report = scan([tmp_path], ScanConfig())
    assert [e.file for e in report.errors] == ["terraform.tfstate"]


def test_deep_nesting_is_bounded(tmp_path):
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1.2", "planned_values": ' + "[" * 100000 + "]" * 100000 + "}")
    result = _load_file(path)
    assert result is not None and result.errors


# ---------------------------------------------------------------- plans
def test_addresses_exactly_as_in_the_plan_with_modules_count_for_each():
    raws = _raws(TFPLAN / "modules" / "plan.json")
    assert set(raws) == {
        "aws_s3_bucket.logs[0]", "aws_s3_bucket.logs[1]",
        "aws_s3_bucket_acl.logs[0]", "aws_s3_bucket_acl.logs[1]",
        "aws_s3_bucket_public_access_block.hr",
        'module.store["hr"].aws_s3_bucket.this', 'module.store["payroll"].aws_s3_bucket.this',
        'module.store["hr"].aws_s3_bucket_server_side_encryption_configuration.this',
        'module.store["payroll"].aws_s3_bucket_server_side_encryption_configuration.this',
        'module.store["hr"].module.policy.aws_s3_bucket_policy.this',
        'module.store["payroll"].module.policy.aws_s3_bucket_policy.this',
    }
    assert raws['module.store["hr"].module.policy.aws_s3_bucket_policy.this'].module == \
        'module.store["hr"].module.policy'


def test_after_unknown_becomes_unknown_with_the_referenced_instances():
    raws = _raws(TFPLAN / "modules" / "plan.json")
    acl = raws["aws_s3_bucket_acl.logs[1]"]
    assert acl.attributes["acl"] == "private"
    assert is_unknown(acl.attributes["bucket"])
    # bucket = aws_s3_bucket.logs[count.index].id: the instance with the same key
    assert acl.attributes["bucket"].refs == {"aws_s3_bucket.logs[1]"}
    # through a module output, a module variable, and nested module instances
    block = raws["aws_s3_bucket_public_access_block.hr"]
    assert block.refs == {'module.store["hr"].aws_s3_bucket.this'}
    policy = raws['module.store["payroll"].module.policy.aws_s3_bucket_policy.this']
    assert policy.attributes["bucket"].refs == {'module.store["payroll"].aws_s3_bucket.this'}


def test_computed_values_the_configuration_does_not_set_are_left_out():
    raws = _raws(TFPLAN / "modules" / "plan.json")
    bucket = raws["aws_s3_bucket.logs[0]"]
    # grant, acl, server_side_encryption_configuration, arn ... are unknown in the plan
    for name in ("grant", "acl", "arn", "id", "server_side_encryption_configuration", "policy"):
        assert name not in bucket.attributes
    assert bucket.attributes["bucket"] == "acme-logs-0"


def test_attachments_link_through_configuration_without_false_positives():
    graph = load([TFPLAN / "modules" / "plan.json"], ScanConfig()).graph
    logs = graph.get("aws_s3_bucket.logs[1]")
    assert [a.address for a in logs.attached] == ["aws_s3_bucket_acl.logs[1]"]
    assert logs.fact("public").value is False
    hr = graph.get('module.store["hr"].aws_s3_bucket.this')
    assert {a.type for a in hr.attached} == {
        "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block"}
    assert hr.fact("encryption.at_rest").value is True
    assert hr.fact("encryption.key_owner").value == "provider"   # aws:kms without a key id
    # The policy text is only known after apply and the .tf files are not scanned: unknown.
    assert hr.fact("public").value is False      # the public access block neutralises it
    payroll = graph.get('module.store["payroll"].aws_s3_bucket.this')
    assert payroll.fact("public").unknown


def test_unknown_policy_gives_unknown_not_a_finding():
    found = _findings([TFPLAN / "unknown_arn" / "plan.json"])
    assert ("PDG101", "aws_s3_bucket.records", "unknown") in found
    assert not any(f[1] == "aws_s3_bucket.records" and f[0] in ("PDG101", "PDG100") and f[2] == "fail"
                   for f in found)


def test_source_lines_mapped_back_to_tf_files():
    raws = _raws(TFPLAN / "modules" / "plan.json")
    acl = raws["aws_s3_bucket_acl.logs[0]"]
    assert (acl.location.file, acl.location.line) == ("main.tf", 16)
    assert acl.line_of("acl") == 19
    sse = raws['module.store["hr"].aws_s3_bucket_server_side_encryption_configuration.this']
    assert sse.location.file == "modules/store/main.tf"
    assert sse.line_of("rule.0.apply_server_side_encryption_by_default.0.sse_algorithm") == 11
    policy = raws['module.store["hr"].module.policy.aws_s3_bucket_policy.this']
    assert (policy.location.file, policy.location.line) == ("modules/policy/main.tf", 4)


def test_without_tf_files_findings_point_at_the_plan_with_a_note(tmp_path):
    shutil.copy(TFPLAN / "unknown_arn" / "plan.json", tmp_path / "plan.json")
    result = _load_file(tmp_path / "plan.json")
    assert {r.location.file for r in result.resources} == {"plan.json"}
    assert len(result.notes) == 1 and "not beside" in result.notes[0].message


def test_plan_beside_its_tf_files_is_one_resource_and_keeps_policy_structure(tmp_path):
    shutil.copy(TFPLAN / "unknown_arn" / "plan.json", tmp_path / "plan.json")
    shutil.copy(TFPLAN / "unknown_arn" / "main.tf.txt", tmp_path / "main.tf")
    report = scan([tmp_path], ScanConfig())
    assert not report.errors
    addresses_seen = [r.address for r in report.resources]
    assert len(addresses_seen) == len(set(addresses_seen))
    assert all(r.raw.source_format == "plan" for r in report.resources)
    public = {(f.rule_id, f.resource, f.status, f.location.file) for f in report.findings
              if f.rule_id == "PDG101"}
    assert ("PDG101", "aws_s3_bucket.records", "fail", "main.tf") in public


# ---------------------------------------------------------------- state
def test_state_audit_raw_and_show_json_agree():
    raw = _findings([TFPLAN / "state_raw" / "terraform.tfstate"])
    show = _findings([TFPLAN / "state_show" / "state.json"])
    assert raw == show
    assert ("PDG101", "aws_s3_bucket.records", "fail") in raw
    assert ("PDG301", "aws_db_instance.customers", "fail") in raw
    assert ("PDG102", "aws_security_group.db", "fail") in raw


def test_state_links_by_ids_and_normalizes_empty_strings():
    graph = load([TFPLAN / "state_raw" / "terraform.tfstate"], ScanConfig()).graph
    bucket = graph.get("aws_s3_bucket.records")
    assert [a.address for a in bucket.attached] == ["aws_s3_bucket_policy.records"]
    # kms_master_key_id = "" in state is no key: S3-managed keys
    assert bucket.fact("encryption.key_owner").value == "provider"
    assert bucket.fact("access_logging").value is False
    db = graph.get("aws_db_instance.customers")
    assert graph.get("aws_security_group.db") in graph.references(db)
    assert db.raw.attributes["kms_key_id"] is None


def test_raw_state_index_keys_and_modules(tmp_path):
    state = {"version": 4, "terraform_version": "1.9.0", "serial": 1, "lineage": "x", "outputs": {},
             "resources": [
                 {"module": 'module.store["hr"]', "mode": "managed", "type": "aws_s3_bucket", "name": "this",
                  "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                  "instances": [{"schema_version": 0, "attributes": {"id": "hr-bucket", "bucket": "hr-bucket", "acl": "public-read"}}]},
                 {"mode": "managed", "type": "aws_s3_bucket", "name": "logs",
                  "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                  "instances": [{"index_key": 0, "schema_version": 0, "attributes": {"id": "l0", "bucket": "logs-0"}},
                                {"index_key": "b", "schema_version": 0, "attributes": {"id": "l1", "bucket": "logs-1"}}]},
                 {"mode": "data", "type": "aws_caller_identity", "name": "me",
                  "provider": 'provider["registry.terraform.io/hashicorp/aws"]',
                  "instances": [{"schema_version": 0, "attributes": {"id": "111122223333"}}]},
             ]}
    (tmp_path / "terraform.tfstate").write_text(json.dumps(state))
    raws = _raws(tmp_path / "terraform.tfstate")
    assert set(raws) == {'module.store["hr"].aws_s3_bucket.this', "aws_s3_bucket.logs[0]",
                         'aws_s3_bucket.logs["b"]', "data.aws_caller_identity.me"}
    assert raws["data.aws_caller_identity.me"].mode == "data"
    found = _findings([tmp_path])
    assert ("PDG101", 'module.store["hr"].aws_s3_bucket.this', "fail") in found


# ---------------------------------------------------------------- equivalence
def test_same_system_as_hcl_and_as_plan_gives_the_same_findings():
    hcl = _findings([EQUIVALENCE / "hcl"])
    plan = _findings([EQUIVALENCE / "plan"])
    assert hcl == plan
    assert {(rule, address) for rule, address, _ in hcl} >= {
        ("PDG101", "aws_s3_bucket.records"), ("PDG101", "aws_db_instance.customers"),
        ("PDG301", "aws_db_instance.customers"), ("PDG102", "aws_security_group.db")}


def test_same_kinds_and_facets_as_hcl():
    def facets(path):
        graph = load([path], ScanConfig()).graph
        return {r.address: (r.kind, {n: f.value for n, f in r.facets.items()
                                     if not is_unknown(f.value) and n != "region"}) for r in graph}
    hcl, plan = facets(EQUIVALENCE / "hcl"), facets(EQUIVALENCE / "plan")
    assert hcl.keys() == plan.keys()
    for address in hcl:
        assert hcl[address][0] == plan[address][0], address
        assert _comparable(hcl[address][1]) == _comparable(plan[address][1]), address


def _comparable(facets: dict) -> dict:
    return {n: [(r.from_port, r.to_port, r.protocol, r.source) for r in v] if isinstance(v, list) else v
            for n, v in facets.items()}


def test_address_split_and_join():
    text = 'module.store["a.b]"].module.p.aws_s3_bucket.this[0].id'
    steps = addresses.split(text)
    assert steps[1] == ("store", '["a.b]"]')
    assert addresses.join(steps) == text
    assert addresses.module_steps('module.store["a.b]"].module.p.aws_s3_bucket.this[0]') == \
        [("store", '["a.b]"]'), ("p", "")]
    with pytest.raises(ValueError):
        addresses.split("aws_x.y[0")
