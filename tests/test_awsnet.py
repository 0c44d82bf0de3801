"""AWS front doors and network controls: rule semantics and facets the fixtures do not show."""
from __future__ import annotations

import textwrap
from pathlib import Path

from checker.normalize import normalize
from checker.normalize.aws_compute import elb_policy_min_tls
from checker.network import covers_internet
from checker.normalize.aws_network import IngressRule
from checker.terraform.loader import load_terraform
from checker.values import Unknown, is_unknown


def resources(root: Path, text: str) -> dict:
    (root / "main.tf").write_text(textwrap.dedent(text))
    result = load_terraform([root], {root}, root)
    assert not result.errors, result.errors
    return {r.address: r for r in normalize(result.resources)}


def test_unknown_protocol_is_not_guessed_tcp():
    rule = IngressRule(22, 22, Unknown("var.protocol"), "0.0.0.0/0", None)
    assert is_unknown(rule.covers(22))
    assert rule.from_internet is True
    assert "not known" in rule.describe()


def test_port_ranges_and_all_protocols():
    assert IngressRule(20, 25, "tcp", "::/0", None).covers(22) is True
    assert IngressRule(20, 25, "tcp", "::/0", None).covers(80) is False
    assert IngressRule(0, 0, "tcp", "0.0.0.0/0", None).covers(22) is False   # tcp port 0 only
    assert IngressRule(0, 0, "-1", "0.0.0.0/0", None).covers(22) is True
    assert IngressRule(53, 53, "udp", "0.0.0.0/0", None).covers(53) is False
    assert IngressRule(Unknown("x"), 22, "tcp", "0.0.0.0/0", None).covers(22) is not True


def test_internet_cidr_spellings():
    assert covers_internet("0.0.0.0/0") is True
    assert covers_internet("::/0") is True
    assert covers_internet("0::/0") is True
    assert covers_internet("10.0.0.0/8") is False
    assert is_unknown(covers_internet(Unknown("x")))
    assert covers_internet(" * ") is True and covers_internet("Internet") is True   # Azure
    assert covers_internet("not a range") is False and covers_internet(None) is False


def test_acl_deny_shadowing():
    deny = IngressRule(22, 22, "tcp", "0.0.0.0/0", None)
    allow = IngressRule(0, 65535, "tcp", "0.0.0.0/0", None, ((deny, True),))
    assert allow.covers(22) is False
    assert allow.covers(3389) is True
    maybe = IngressRule(0, 65535, "tcp", "0.0.0.0/0", None, ((deny, False),))
    assert is_unknown(maybe.covers(22))


def test_elb_policy_minimum_tls():
    assert elb_policy_min_tls("ELBSecurityPolicy-2016-08") == "1.0"
    assert elb_policy_min_tls("ELBSecurityPolicy-TLS-1-1-2017-01") == "1.1"
    assert elb_policy_min_tls("ELBSecurityPolicy-TLS-1-2-Ext-2018-06") == "1.2"
    assert elb_policy_min_tls("ELBSecurityPolicy-TLS13-1-2-2021-06") == "1.2"
    assert elb_policy_min_tls("ELBSecurityPolicy-TLS13-1-0-2021-06") == "1.0"
    assert elb_policy_min_tls("ELBSecurityPolicy-FS-1-2-Res-2020-10") == "1.2"
    assert elb_policy_min_tls("ELBSecurityPolicy-FS-2018-06") == "1.0"
    assert elb_policy_min_tls("my-policy") is None


def test_public_ip_load_balancer_scheme_and_stage_logging(tmp_path):
    res = resources(tmp_path, """
        resource "aws_subnet" "public" {
          vpc_id                  = "vpc-1"
          cidr_block              = "10.0.1.0/24"
          map_public_ip_on_launch = true
        }
        resource "aws_subnet" "private" {
          vpc_id     = "vpc-1"
          cidr_block = "10.0.2.0/24"
        }
        resource "aws_instance" "in_public" {
          ami       = "ami-1"
          subnet_id = aws_subnet.public.id
        }
        resource "aws_instance" "in_private" {
          ami       = "ami-1"
          subnet_id = aws_subnet.private.id
        }
        resource "aws_instance" "asks" {
          ami                         = "ami-1"
          subnet_id                   = aws_subnet.private.id
          associate_public_ip_address = true
        }
        resource "aws_lb" "external" {}
        resource "aws_lb" "internal" {
          internal = true
        }
        resource "aws_lb" "gateway" {
          load_balancer_type = "gateway"
        }
        resource "aws_api_gateway_stage" "no_log" {
          stage_name = "prod"
        }
        resource "aws_apigatewayv2_stage" "logged" {
          name = "prod"
          access_log_settings {
            destination_arn = "arn:aws:logs:eu-west-1:123456789012:log-group:api"
            format          = "json"
          }
        }
        resource "aws_api_gateway_rest_api" "private" {
          endpoint_configuration {
            types = ["PRIVATE"]
          }
        }
        resource "aws_api_gateway_method" "m" {
          rest_api_id   = aws_api_gateway_rest_api.private.id
          resource_id   = "r"
          http_method   = "GET"
          authorization = "AWS_IAM"
        }
    """)
    fact = lambda address, name: res[address].facets[name].value   # noqa: E731
    assert fact("aws_instance.in_public", "public_ip") is True
    assert fact("aws_instance.in_private", "public_ip") is False
    assert fact("aws_instance.asks", "public_ip") is True
    assert fact("aws_subnet.public", "public_ip") is True
    assert res["aws_subnet.private"].facets["public_ip"].source == "default"
    assert fact("aws_lb.external", "public") is True
    assert fact("aws_lb.internal", "public") is False
    assert fact("aws_lb.gateway", "public") is False
    assert fact("aws_api_gateway_stage.no_log", "access_logging") is False
    assert fact("aws_apigatewayv2_stage.logged", "access_logging") is True
    assert fact("aws_api_gateway_rest_api.private", "public") is False
    assert fact("aws_api_gateway_method.m", "public") is False


def test_policy_conditions_with_null_or_unknown_keys_do_not_crash():
    from checker.normalize import aws_iam
    from checker.values import Unknown, is_unknown
    doc = {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                          "Condition": {"Bool": {None: "false"}}}]}
    assert aws_iam.denies_insecure_transport(doc) is False
    unknown_key = Unknown("variable not known")
    doc["Statement"][0]["Condition"] = {"Bool": {unknown_key: "false"}}
    assert is_unknown(aws_iam.denies_insecure_transport(doc))
    assert aws_iam.condition_restricts({"StringEquals": {None: "x"}}) is False
    assert is_unknown(aws_iam.condition_restricts({"StringEquals": {unknown_key: "x"}}))
    assert aws_iam.condition_restricts({None: {"aws:SourceVpc": "vpc-1"}}) is False
