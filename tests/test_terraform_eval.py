"""Terraform evaluation, feature by feature: the addresses and values Terraform would give."""
from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from checker.terraform.loader import load_terraform
from checker.values import PartialJSON, is_unknown


def write(root: Path, files: dict) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def evaluate(root: Path, **kwargs) -> dict:
    result = load_terraform([d for d in sorted({p.parent for p in root.rglob("*.tf")})], {root},
                            root, **kwargs)
    assert not result.errors, result.errors
    return {r.address: r for r in result.resources}


def test_variables_tfvars_auto_tfvars_var_file_and_cli(tmp_path):
    write(tmp_path, {
        "main.tf": """
            variable "a" { default = "from-default" }
            variable "b" { default = "from-default" }
            variable "c" { default = "from-default" }
            variable "d" { default = "from-default" }
            variable "e" {}
            resource "null_resource" "r" {
              triggers = { a = var.a, b = var.b, c = var.c, d = var.d, e = var.e }
            }
        """,
        "terraform.tfvars": 'a = "tfvars"\nb = "tfvars"\n',
        "x.auto.tfvars": 'b = "auto"\nc = "auto"\n',
        "extra.tfvars.json": json.dumps({"c": "var-file", "d": "var-file"}),
    })
    res = evaluate(tmp_path, var_files=[tmp_path / "extra.tfvars.json"], cli_vars={"d": "cli"})
    triggers = res["null_resource.r"].attributes["triggers"]
    assert triggers["a"] == "tfvars"
    assert triggers["b"] == "auto"
    assert triggers["c"] == "var-file"
    assert triggers["d"] == "cli"
    assert is_unknown(triggers["e"])


def test_locals_templates_heredoc_conditionals_and_functions(tmp_path):
    write(tmp_path, {"main.tf": """
        variable "env" { default = "prod" }
        locals {
          prefix = "${var.env}-app"
          tags   = merge({ Owner = "hr" }, { Env = upper(var.env) })
          multi  = var.env == "prod" ? 3 : 1
          names  = [for i in range(local.multi) : format("%s-%02d", local.prefix, i)]
          subnet = cidrsubnet("10.0.0.0/16", 8, 2)
        }
        resource "aws_s3_bucket" "b" {
          bucket = "${local.prefix}-records"
          tags   = local.tags
          policy = <<-EOT
            {"Name": "${local.prefix}"}
          EOT
        }
        resource "null_resource" "n" {
          triggers = { names = join(",", local.names), subnet = local.subnet }
        }
    """})
    res = evaluate(tmp_path)
    bucket = res["aws_s3_bucket.b"].attributes
    assert bucket["bucket"] == "prod-app-records"
    assert bucket["tags"] == {"Owner": "hr", "Env": "PROD"}
    assert json.loads(bucket["policy"]) == {"Name": "prod-app"}
    triggers = res["null_resource.n"].attributes["triggers"]
    assert triggers == {"names": "prod-app-00,prod-app-01,prod-app-02", "subnet": "10.0.2.0/24"}


def test_count_and_for_each_addresses(tmp_path):
    write(tmp_path, {"main.tf": """
        variable "buckets" { default = { hr = "Personal", www = "Public" } }
        resource "aws_s3_bucket" "b" {
          for_each = var.buckets
          bucket   = "corp-${each.key}"
          tags     = { DataClassification = each.value }
        }
        resource "aws_subnet" "s" {
          count      = 2
          cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
        }
        resource "aws_instance" "none" {
          count = 0
        }
        resource "aws_iam_user" "u" {
          for_each = toset(["alice", "bob"])
          name     = each.value
        }
    """})
    res = evaluate(tmp_path)
    assert res['aws_s3_bucket.b["hr"]'].attributes["bucket"] == "corp-hr"
    assert res['aws_s3_bucket.b["www"]'].attributes["tags"] == {"DataClassification": "Public"}
    assert res["aws_subnet.s[1]"].attributes["cidr_block"] == "10.0.1.0/24"
    assert not any(a.startswith("aws_instance.none") for a in res)
    assert res['aws_iam_user.u["bob"]'].attributes["name"] == "bob"


def test_references_between_resources_and_computed_attributes(tmp_path):
    write(tmp_path, {"main.tf": """
        resource "aws_s3_bucket" "b" { bucket = "records" }
        resource "aws_s3_bucket_acl" "a" {
          bucket = aws_s3_bucket.b.id
          acl    = "private"
        }
        resource "aws_s3_bucket_logging" "l" {
          bucket        = aws_s3_bucket.b.bucket
          target_bucket = "logs"
        }
    """})
    res = evaluate(tmp_path)
    acl = res["aws_s3_bucket_acl.a"]
    assert is_unknown(acl.attributes["bucket"])
    assert "aws_s3_bucket.b" in acl.attributes["bucket"].refs
    assert "aws_s3_bucket.b" in acl.refs
    assert res["aws_s3_bucket_logging.l"].attributes["bucket"] == "records"


def test_dynamic_blocks(tmp_path):
    write(tmp_path, {"main.tf": """
        variable "rules" {
          default = [
            { port = 5432, cidr = "0.0.0.0/0" },
            { port = 22, cidr = "10.0.0.0/8" },
          ]
        }
        resource "aws_security_group" "sg" {
          ingress {
            from_port = 443
            to_port   = 443
            protocol  = "tcp"
          }
          dynamic "ingress" {
            for_each = var.rules
            iterator = rule
            content {
              from_port   = rule.value.port
              to_port     = rule.value.port
              protocol    = "tcp"
              cidr_blocks = [rule.value.cidr]
            }
          }
        }
    """})
    ingress = evaluate(tmp_path)["aws_security_group.sg"].attributes["ingress"]
    assert [b["from_port"] for b in ingress] == [443, 5432, 22]
    assert ingress[1]["cidr_blocks"] == ["0.0.0.0/0"]


def test_iam_policy_document_rendering(tmp_path):
    write(tmp_path, {"main.tf": """
        resource "aws_s3_bucket" "b" { bucket = "records" }
        data "aws_iam_policy_document" "known" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["arn:aws:s3:::records/*"]
            principals {
              type        = "*"
              identifiers = ["*"]
            }
          }
        }
        data "aws_iam_policy_document" "partial" {
          statement {
            actions   = ["s3:GetObject"]
            resources = ["${aws_s3_bucket.b.arn}/*"]
            principals {
              type        = "AWS"
              identifiers = ["*"]
            }
          }
        }
        resource "aws_s3_bucket_policy" "p1" {
          bucket = aws_s3_bucket.b.id
          policy = data.aws_iam_policy_document.known.json
        }
        resource "aws_s3_bucket_policy" "p2" {
          bucket = aws_s3_bucket.b.id
          policy = data.aws_iam_policy_document.partial.json
        }
    """})
    res = evaluate(tmp_path)
    known = json.loads(res["aws_s3_bucket_policy.p1"].attributes["policy"])
    assert known["Statement"][0]["Principal"] == "*"
    assert known["Statement"][0]["Action"] == "s3:GetObject"
    assert known["Statement"][0]["Effect"] == "Allow"
    partial = res["aws_s3_bucket_policy.p2"].attributes["policy"]
    assert isinstance(partial, PartialJSON)
    assert partial.document["Statement"][0]["Principal"] == {"AWS": "*"}


def test_local_modules_with_for_each_inputs_and_outputs(tmp_path):
    write(tmp_path, {
        "main.tf": """
            locals { stores = { hr = "Personal", www = "Public" } }
            module "bucket" {
              source         = "./modules/bucket"
              for_each       = local.stores
              name           = "corp-${each.key}"
              classification = each.value
            }
            resource "aws_s3_bucket_policy" "p" {
              bucket = module.bucket["hr"].id
              policy = "{}"
            }
            output "names" { value = { for k, m in module.bucket : k => m.name } }
        """,
        "modules/bucket/main.tf": """
            variable "name" { type = string }
            variable "classification" { default = "Internal" }
            variable "versioned" { default = true }
            resource "aws_s3_bucket" "this" {
              bucket = var.name
              tags   = { DataClassification = var.classification }
            }
            resource "aws_s3_bucket_versioning" "this" {
              count  = var.versioned ? 1 : 0
              bucket = aws_s3_bucket.this.id
              versioning_configuration { status = "Enabled" }
            }
            output "id" { value = aws_s3_bucket.this.id }
            output "name" { value = aws_s3_bucket.this.bucket }
        """,
    })
    res = evaluate(tmp_path)
    hr = res['module.bucket["hr"].aws_s3_bucket.this']
    assert hr.attributes["bucket"] == "corp-hr"
    assert hr.attributes["tags"] == {"DataClassification": "Personal"}
    assert hr.location.file == "modules/bucket/main.tf"
    assert 'module.bucket["www"].aws_s3_bucket_versioning.this[0]' in res
    policy_bucket = res["aws_s3_bucket_policy.p"].attributes["bucket"]
    assert 'module.bucket["hr"].aws_s3_bucket.this' in policy_bucket.refs
    # The child directory is evaluated only through the call, not again as a root.
    assert "aws_s3_bucket.this" not in res


def test_remote_module_is_not_fetched_but_noted(tmp_path):
    write(tmp_path, {"main.tf": """
        module "vpc" {
          source = "terraform-aws-modules/vpc/aws"
        }
        resource "aws_db_subnet_group" "g" { subnet_ids = module.vpc.private_subnets }
    """})
    result = load_terraform([tmp_path], {tmp_path}, tmp_path)
    (group,) = result.resources
    assert is_unknown(group.attributes["subnet_ids"])
    assert any("not evaluated" in n.message for n in result.notes)


def test_remote_module_from_modules_json(tmp_path):
    write(tmp_path, {
        "main.tf": 'module "store" {\n  source = "example/store/aws"\n  name = "x"\n}\n',
        ".terraform/modules/store/main.tf": 'variable "name" {}\nresource "aws_s3_bucket" "b" { bucket = var.name }\n',
        ".terraform/modules/modules.json": json.dumps(
            {"Modules": [{"Key": "", "Source": "", "Dir": "."},
                         {"Key": "store", "Source": "example/store/aws", "Dir": ".terraform/modules/store"}]}),
    })
    result = load_terraform([tmp_path], {tmp_path}, tmp_path)
    assert [r.address for r in result.resources] == ["module.store.aws_s3_bucket.b"]
    assert result.resources[0].attributes["bucket"] == "x"


def test_lines_are_kept(tmp_path):
    write(tmp_path, {"main.tf": """
        resource "aws_db_instance" "db" {
          engine = "postgres"

          publicly_accessible = true
        }
    """})
    db = evaluate(tmp_path)["aws_db_instance.db"]
    assert db.location.line == 2
    assert db.line_of("publicly_accessible") == 5


def test_errors_name_file_and_line(tmp_path):
    write(tmp_path, {"good.tf": 'resource "aws_s3_bucket" "ok" { bucket = "ok" }\n',
                     "bad.tf": 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl = \n}\n'})
    result = load_terraform([tmp_path], {tmp_path}, tmp_path)
    assert [r.address for r in result.resources] == ["aws_s3_bucket.ok"]
    (error,) = result.errors
    assert error.file == "bad.tf" and error.line >= 3


@pytest.mark.parametrize("count", ["1e9", "-1"])
def test_unreasonable_count_is_an_error(tmp_path, count):
    write(tmp_path, {"main.tf": f'resource "aws_s3_bucket" "b" {{\n  count = {count}\n}}\n'})
    result = load_terraform([tmp_path], {tmp_path}, tmp_path)
    assert result.errors and result.errors[0].file == "main.tf"


def test_module_sourcing_itself_is_an_error(tmp_path):
    write(tmp_path, {"main.tf": 'module "me" {\n  source = "./"\n}\n'})
    result = load_terraform([tmp_path], {tmp_path}, tmp_path)
    assert any("itself" in e.message for e in result.errors)


def test_unknown_count_evaluates_a_representative(tmp_path):
    write(tmp_path, {"main.tf": """
        variable "n" { type = number }
        resource "aws_db_instance" "db" {
          count             = var.n
          storage_encrypted = false
        }
    """})
    result = load_terraform([tmp_path], {tmp_path}, tmp_path)
    assert [r.address for r in result.resources] == ["aws_db_instance.db"]
    assert any("count" in n.message for n in result.notes)


def test_file_and_templatefile_read_inside_the_tree(tmp_path):
    write(tmp_path, {
        "main.tf": """
            module "bucket" {
              source = "./modules/bucket"
              name   = "records"
            }
        """,
        "modules/bucket/main.tf": """
            variable "name" {}
            resource "aws_s3_bucket" "b" { bucket = var.name }
            resource "aws_s3_bucket_policy" "p" {
              bucket = aws_s3_bucket.b.id
              policy = templatefile("${path.module}/policy.json.tpl", { name = var.name })
            }
            resource "aws_s3_bucket_policy" "outside" {
              bucket = aws_s3_bucket.b.id
              policy = file("/etc/hostname")
            }
        """,
        "modules/bucket/policy.json.tpl": '{"Statement": [{"Effect": "Allow", "Principal": "*", '
                                          '"Resource": "arn:aws:s3:::${name}/*"}]}',
    })
    res = evaluate(tmp_path)
    policy = json.loads(res['module.bucket.aws_s3_bucket_policy.p'].attributes["policy"])
    assert policy["Statement"][0]["Resource"] == "arn:aws:s3:::records/*"
    assert is_unknown(res['module.bucket.aws_s3_bucket_policy.outside'].attributes["policy"])


def test_cached_evaluation_sees_a_changed_template(tmp_path, monkeypatch):
    monkeypatch.setenv("PDGUARD_CACHE_DIR", str(tmp_path / "cache"))
    write(tmp_path / "src", {
        "main.tf": 'resource "null_resource" "r" {\n  triggers = { t = file("value.txt") }\n}\n',
        "value.txt": "one",
    })
    assert evaluate(tmp_path / "src")["null_resource.r"].attributes["triggers"]["t"] == "one"
    (tmp_path / "src" / "value.txt").write_text("two")
    assert evaluate(tmp_path / "src")["null_resource.r"].attributes["triggers"]["t"] == "two"


def test_a_whole_resource_used_as_a_value_is_unknown_naming_it(tmp_path):
    import pickle
    write(tmp_path, {"main.tf": """
        resource "random_string" "s" {
          length = 8
        }
        resource "azurerm_container_group" "g" {
          environment_variables = { PASS = random_string.s }
        }
    """})
    resources = evaluate(tmp_path)
    value = resources["azurerm_container_group.g"].attributes["environment_variables"]["PASS"]
    assert is_unknown(value) and "random_string.s" in value.refs
    pickle.dumps(resources["azurerm_container_group.g"])   # results travel between processes


def test_roots_evaluated_in_worker_processes_give_the_same_result(tmp_path, monkeypatch):
    import checker.parallel
    for n in range(6):
        write(tmp_path, {f"env{n}/main.tf": f"""
            module "store" {{
              source = "../modules/store"
              name   = "env{n}"
            }}
        """})
    write(tmp_path, {"modules/store/main.tf": """
        variable "name" {}
        resource "aws_s3_bucket" "b" {
          bucket = "${var.name}-data"
        }
    """})
    dirs = sorted({p.parent for p in tmp_path.rglob("*.tf")})

    def buckets():
        result = load_terraform(dirs, {tmp_path}, tmp_path)
        assert not result.errors
        return [(r.location.file, r.address, r.attributes["bucket"]) for r in result.resources]

    import checker.terraform.loader as loader
    monkeypatch.setenv("PDGUARD_CACHE_DIR", "off")   # evaluate both times
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 10**12)
    serial = buckets()
    monkeypatch.setattr(loader, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(checker.parallel.os, "sched_getaffinity", lambda pid: {0, 1, 2},
                        raising=False)
    used = []
    real_two_phase = checker.parallel.two_phase

    def spy(shares, *args):
        results = real_two_phase(shares, *args)
        used.append((len(shares), results is not None))
        return results
    monkeypatch.setattr(checker.parallel, "two_phase", spy)
    assert buckets() == serial
    if hasattr(os, "fork"):
        assert used == [(3, True)]
    assert [bucket for _, _, bucket in serial] == [f"env{n}-data" for n in range(6)]
