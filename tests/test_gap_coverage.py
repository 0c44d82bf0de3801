"""Coverage gaps closed for issue 3: provider-managed keys, CloudFormation EKS / network ACL /
ECS / Athena translations, AKS and Data Factory, HTTPS listeners without ssl_policy."""
from __future__ import annotations

import textwrap
from pathlib import Path

from checker.api import load
from checker.config import ScanConfig


def graph(root: Path, name: str, text: str):
    (root / name).write_text(textwrap.dedent(text))
    loaded = load([root], ScanConfig())
    assert not loaded.errors, loaded.errors
    return {r.address: r for r in loaded.graph}


def facet(resource, name):
    fact = resource.facets.get(name)
    return None if fact is None else fact.value


def test_cfn_eks_translates_to_the_terraform_shape(tmp_path):
    res = graph(tmp_path, "template.yaml", """
        Resources:
          Cluster:
            Type: AWS::EKS::Cluster
            Properties:
              ResourcesVpcConfig:
                EndpointPublicAccess: true
                PublicAccessCidrs: [198.51.100.0/24]
              EncryptionConfig:
                - Provider: {KeyArn: arn:aws:kms:eu-west-1:111122223333:key/1}
                  Resources: [secrets]
              Logging:
                ClusterLogging:
                  EnabledTypes: [{Type: api}, {Type: audit}]
        """)
    cluster = res["Cluster"]
    assert cluster.type == "aws_eks_cluster" and cluster.kind == "container_cluster"
    assert cluster.attributes["enabled_cluster_log_types"] == ["api", "audit"]
    assert facet(cluster, "public") is False
    assert facet(cluster, "encryption.secrets") is True


def test_cfn_network_acl_entry_port_range_and_egress(tmp_path):
    res = graph(tmp_path, "template.yaml", """
        Resources:
          Acl:
            Type: AWS::EC2::NetworkAcl
            Properties: {VpcId: vpc-1}
          Rdp:
            Type: AWS::EC2::NetworkAclEntry
            Properties:
              NetworkAclId: !Ref Acl
              RuleNumber: 10
              Protocol: 6
              RuleAction: allow
              CidrBlock: 0.0.0.0/0
              PortRange: {From: 3389, To: 3389}
        """)
    rules = facet(res["Acl"], "ingress.rules")
    assert [(r.from_port, r.to_port, r.protocol) for r in rules] == [(3389, 3389, "tcp")]


def test_sam_simple_table_customer_key(tmp_path):
    res = graph(tmp_path, "template.yaml", """
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Table:
            Type: AWS::Serverless::SimpleTable
            Properties:
              SSESpecification: {SSEEnabled: true, KMSMasterKeyId: alias/records}
        """)
    assert facet(res["Table"], "encryption.key_owner") == "customer"


def test_aks_api_server_exposure(tmp_path):
    res = graph(tmp_path, "main.tf", """
        resource "azurerm_kubernetes_cluster" "open" {
          name = "a"
        }
        resource "azurerm_kubernetes_cluster" "limited" {
          name                            = "b"
          api_server_authorized_ip_ranges = ["203.0.113.7/32"]
        }
        resource "azurerm_kubernetes_cluster" "private" {
          name                    = "c"
          private_cluster_enabled = true
          api_server_access_profile {
            authorized_ip_ranges = ["0.0.0.0/0"]
          }
        }
        """)
    open_cluster = res["azurerm_kubernetes_cluster.open"]
    assert facet(open_cluster, "public") is True
    assert open_cluster.facets["public"].source == "default"
    assert facet(res["azurerm_kubernetes_cluster.limited"], "public") is False
    assert facet(res["azurerm_kubernetes_cluster.private"], "public") is False


def test_data_factory_public_endpoint_default(tmp_path):
    res = graph(tmp_path, "main.tf", """
        resource "azurerm_data_factory" "etl" {
          name = "etl"
        }
        """)
    etl = res["azurerm_data_factory.etl"]
    assert etl.kind == "data_pipeline"
    assert facet(etl, "network.public_endpoint") is True
    assert etl.facets["network.public_endpoint"].source == "default"


def test_https_listener_without_ssl_policy_is_encrypted(tmp_path):
    res = graph(tmp_path, "main.tf", """
        resource "aws_lb_listener" "default_policy" {
          load_balancer_arn = "arn:lb"
          port              = 443
          protocol          = "HTTPS"
          certificate_arn   = "arn:cert"
          default_action {
            type             = "forward"
            target_group_arn = "arn:tg"
          }
        }
        resource "aws_lb_listener" "old_policy" {
          load_balancer_arn = "arn:lb"
          port              = 443
          protocol          = "HTTPS"
          ssl_policy        = "ELBSecurityPolicy-2016-08"
          certificate_arn   = "arn:cert"
          default_action {
            type             = "forward"
            target_group_arn = "arn:tg"
          }
        }
        """)
    default = res["aws_lb_listener.default_policy"].facets["encryption.in_transit"]
    assert default.value is True and default.source == "default"
    assert "ELBSecurityPolicy-2016-08" in default.reason
    assert facet(res["aws_lb_listener.old_policy"], "encryption.in_transit") is False


def test_dax_is_not_asked_for_a_customer_key(tmp_path):
    res = graph(tmp_path, "main.tf", """
        resource "aws_dax_cluster" "cache" {
          cluster_name = "c"
          server_side_encryption {
            enabled = true
          }
        }
        """)
    dax = res["aws_dax_cluster.cache"]
    assert facet(dax, "encryption.key_owner") == "provider"
    assert facet(dax, "encryption.customer_key_available") is False
