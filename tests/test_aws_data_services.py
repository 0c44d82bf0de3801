"""AWS data-store normalizers (EBS, OpenSearch, Neptune, DynamoDB, SQS, MSK, EMR, ...): facets
the policy fixtures do not show — Unknown handling, key ownership, cross-resource links."""
from __future__ import annotations

import textwrap
from pathlib import Path

from checker.normalize import normalize
from checker.terraform.loader import load_terraform
from checker.values import is_unknown


def resources(root: Path, text: str) -> dict:
    (root / "main.tf").write_text(textwrap.dedent(text))
    result = load_terraform([root], {root}, root)
    assert not result.errors, result.errors
    return {r.address: r for r in normalize(result.resources)}


def facet(resource, name):
    fact = resource.facets.get(name)
    return None if fact is None else fact.value


UNKNOWN_SETTINGS = """
variable "x" {}
variable "l" { type = list(string) }
resource "aws_ebs_volume" "a" { encrypted = var.x }
resource "aws_ebs_snapshot" "a" { volume_id = aws_ebs_volume.a.id }
resource "aws_instance" "a" {
  ami = "ami-1"
  root_block_device { encrypted = var.x }
}
resource "aws_elasticsearch_domain" "a" {
  access_policies = var.x
  encrypt_at_rest { enabled = var.x }
  domain_endpoint_options { enforce_https = var.x }
  log_publishing_options {
    log_type                 = var.x
    cloudwatch_log_group_arn = "arn"
  }
}
resource "aws_neptune_cluster" "a" {
  storage_encrypted                   = var.x
  iam_database_authentication_enabled = var.x
}
resource "aws_neptune_cluster_snapshot" "a" { db_cluster_identifier = aws_neptune_cluster.a.id }
resource "aws_dynamodb_table" "a" {
  server_side_encryption { enabled = var.x }
  ttl { enabled = var.x }
}
resource "aws_redshift_cluster" "a" {
  encrypted           = var.x
  publicly_accessible = var.x
}
resource "aws_db_snapshot" "a" {
  db_instance_identifier = var.x
  shared_accounts        = var.l
}
resource "aws_sqs_queue" "a" {
  sqs_managed_sse_enabled = var.x
  policy                  = var.x
}
resource "aws_msk_cluster" "a" {
  encryption_info {
    encryption_in_transit { client_broker = var.x }
  }
}
resource "aws_emr_security_configuration" "a" { configuration = var.x }
resource "aws_workspaces_workspace" "a" {
  root_volume_encryption_enabled = var.x
  user_volume_encryption_enabled = true
}
"""


def test_unknown_settings_give_unknown_facets(tmp_path):
    r = resources(tmp_path, UNKNOWN_SETTINGS)
    unknown = [
        ("aws_ebs_volume.a", "encryption.at_rest"), ("aws_ebs_snapshot.a", "encryption.at_rest"),
        ("aws_instance.a", "encryption.at_rest"),
        ("aws_elasticsearch_domain.a", "public"), ("aws_elasticsearch_domain.a", "authentication"),
        ("aws_elasticsearch_domain.a", "encryption.at_rest"), ("aws_elasticsearch_domain.a", "encryption.in_transit"),
        ("aws_elasticsearch_domain.a", "access_logging"),
        ("aws_neptune_cluster.a", "encryption.at_rest"), ("aws_neptune_cluster.a", "authentication"),
        ("aws_neptune_cluster_snapshot.a", "encryption.at_rest"),
        ("aws_dynamodb_table.a", "encryption.key_owner"), ("aws_dynamodb_table.a", "retention"),
        ("aws_redshift_cluster.a", "public"), ("aws_redshift_cluster.a", "encryption.at_rest"),
        ("aws_db_snapshot.a", "public"), ("aws_db_snapshot.a", "encryption.at_rest"),
        ("aws_sqs_queue.a", "encryption.at_rest"), ("aws_sqs_queue.a", "public"),
        ("aws_msk_cluster.a", "encryption.in_transit"),
        ("aws_emr_security_configuration.a", "encryption.at_rest"),
        ("aws_workspaces_workspace.a", "encryption.at_rest"),
    ]
    for address, name in unknown:
        assert is_unknown(facet(r[address], name)), (address, name, r[address].facets.get(name))
    assert facet(r["aws_dynamodb_table.a"], "encryption.at_rest") is True


def test_instance_keeps_network_facets_and_adds_block_devices(tmp_path):
    r = resources(tmp_path, """
        resource "aws_instance" "web" {
          ami                         = "ami-1"
          associate_public_ip_address = true
          ebs_block_device {
            device_name = "/dev/sdg"
            encrypted   = false
          }
        }
        resource "aws_instance" "ami_only" {
          ami = "ami-1"
        }
    """)
    web = r["aws_instance.web"]
    assert facet(web, "public_ip") is True
    assert facet(web, "encryption.at_rest") is False
    assert "encryption.at_rest" not in r["aws_instance.ami_only"].facets


def test_key_owner(tmp_path):
    r = resources(tmp_path, """
        resource "aws_dynamodb_table" "cmk" {
          name = "a"
          server_side_encryption {
            enabled     = true
            kms_key_arn = "arn:aws:kms:ap-east-1:111122223333:key/abcd"
          }
        }
        resource "aws_dynamodb_table" "managed" {
          name = "b"
          server_side_encryption {
            enabled     = true
            kms_key_arn = "alias/aws/dynamodb"
          }
        }
        resource "aws_dynamodb_table" "owned" {
          name = "c"
        }
        resource "aws_sqs_queue" "managed" {
          kms_master_key_id = "alias/aws/sqs"
        }
        resource "aws_ebs_volume" "cmk" {
          availability_zone = "a"
          encrypted         = true
          kms_key_id        = "arn:aws:kms:ap-east-1:111122223333:key/abcd"
        }
    """)
    assert facet(r["aws_dynamodb_table.cmk"], "encryption.key_owner") == "customer"
    assert facet(r["aws_dynamodb_table.managed"], "encryption.key_owner") == "provider"
    assert facet(r["aws_dynamodb_table.owned"], "encryption.key_owner") == "provider"
    assert facet(r["aws_sqs_queue.managed"], "encryption.key_owner") == "provider"
    assert facet(r["aws_ebs_volume.cmk"], "encryption.key_owner") == "customer"


def test_emr_configuration_reported_on_the_cluster_that_uses_it(tmp_path):
    r = resources(tmp_path, """
        resource "aws_emr_security_configuration" "plain" {
          name          = "plain"
          configuration = jsonencode({ EncryptionConfiguration = { EnableAtRestEncryption = false,
                                                                   EnableInTransitEncryption = false } })
        }
        resource "aws_emr_cluster" "etl" {
          name                   = "etl"
          release_label          = "emr-7.0.0"
          service_role           = "role"
          security_configuration = aws_emr_security_configuration.plain.name
        }
        resource "aws_emr_cluster" "bare" {
          name          = "bare"
          release_label = "emr-7.0.0"
          service_role  = "role"
        }
    """)
    assert "encryption.at_rest" not in r["aws_emr_security_configuration.plain"].facets
    assert facet(r["aws_emr_cluster.etl"], "encryption.at_rest") is False
    assert facet(r["aws_emr_cluster.etl"], "encryption.in_transit") is False
    assert facet(r["aws_emr_cluster.bare"], "encryption.at_rest") is False


def test_search_domain_policy_folded_by_domain_name(tmp_path):
    r = resources(tmp_path, """
        resource "aws_opensearch_domain" "logs" {
          domain_name = "logs"
        }
        resource "aws_opensearch_domain_policy" "logs" {
          domain_name     = "logs"
          access_policies = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*",
                                                        Action = "es:*", Resource = "*" }] })
        }
    """)
    domain = r["aws_opensearch_domain.logs"]
    assert facet(domain, "public") is True
    assert facet(domain, "authentication") is False
    assert facet(domain, "port") == 443
