"""Amazon SQS, SNS, Kinesis Data Streams, MSK and Amazon MQ: messages in flight and at rest.

Provider defaults stated here:
- aws_sqs_queue: since October 2022 SQS encrypts new queues with SQS-owned keys (SSE-SQS) when
  nothing is configured, and the provider (v4.35+) leaves `sqs_managed_sse_enabled` to the
  service; only `sqs_managed_sse_enabled = false` without `kms_master_key_id` is unencrypted.
  Messages are kept `message_retention_seconds` (default 4 days, at most 14). The HTTP endpoint
  is accepted unless the queue policy denies aws:SecureTransport = false.
- aws_sns_topic: unencrypted unless `kms_master_key_id` is set; SNS does not store messages.
- aws_kinesis_stream: `encryption_type` NONE (unencrypted); records are kept `retention_period`
  hours (default 24).
- aws_msk_cluster: always encrypted at rest (AWS-managed key unless
  `encryption_at_rest_kms_key_arn`); `encryption_in_transit.client_broker` defaults to TLS and
  `in_cluster` to true; brokers are private unless `public_access.type = SERVICE_PROVIDED_EIPS`;
  without `client_authentication` unauthenticated clients are allowed.
- aws_mq_broker: `publicly_accessible` false; always encrypted at rest (AWS-owned key unless
  `encryption_options.use_aws_owned_key = false`); Amazon MQ only offers TLS wire protocols;
  users must log in; general/audit logs off unless `logs`.
"""
from __future__ import annotations

from ..values import is_unknown
from . import aws_iam
from .base import Facts, as_bool, attach, register

attach("aws_sqs_queue_policy", ("aws_sqs_queue",), ("queue_url",), ("id", "url", "name"))
attach("aws_sns_topic_policy", ("aws_sns_topic",), ("arn",))


def _policy(f: Facts, attached_type: str):
    doc, where = None, None
    value = f.get("policy")
    if value is not None:
        doc, where = aws_iam.decode_policy(value), f.where("policy")
    for raw in f.attached(attached_type):
        value = f.get("policy", None, raw)
        if value is not None:
            doc, where = aws_iam.decode_policy(value), f.where("policy", raw)
    return doc, where


def _public_from_policy(f: Facts, doc, where, what: str) -> None:
    grant = aws_iam.public_grant(doc)
    if grant.public is True:
        f.set("public", True, f"{what} policy {grant.reason}", "derived", where)
    elif is_unknown(grant.public):
        f.set("public", grant.public, grant.reason, where=where)
    else:
        f.set("public", False, f"{what} policy: {grant.reason}" if doc is not None
              else f"no {what} policy grants the public", "derived" if doc is not None else "default",
              where or f.where())


def _kms_key(f: Facts, attr: str, managed_alias: str) -> None:
    key = f.get(attr)
    if is_unknown(key) or (isinstance(key, str) and not key.endswith(f"alias/{managed_alias}")):
        f.set("encryption.key_owner", "customer", f"{attr} names a customer-managed key", where=f.where(attr))
    else:
        f.set("encryption.key_owner", "provider", f"AWS-managed {managed_alias} key", where=f.where(attr))


# ------------------------------------------------------------------ SQS
@register("aws_sqs_queue", "message_queue")
def sqs_queue(f: Facts) -> None:
    key = f.get("kms_master_key_id")
    managed = f.get("sqs_managed_sse_enabled")
    managed = as_bool(managed) if not is_unknown(managed) else managed
    if key is not None:
        f.set("encryption.at_rest", True, "SSE-KMS with kms_master_key_id", where=f.where("kms_master_key_id"))
        _kms_key(f, "kms_master_key_id", "aws/sqs")
    elif is_unknown(managed):
        f.set("encryption.at_rest", managed, "sqs_managed_sse_enabled not known before apply",
              where=f.where("sqs_managed_sse_enabled"))
    elif managed is False:
        f.set("encryption.at_rest", False, "sqs_managed_sse_enabled = false and no kms_master_key_id: "
              "messages are stored unencrypted", where=f.where("sqs_managed_sse_enabled"))
    else:
        explicit = managed is True
        f.set("encryption.at_rest", True, "sqs_managed_sse_enabled = true (SSE-SQS)" if explicit else
              "no encryption configured: SQS encrypts new queues with SQS-owned keys (SSE-SQS) by default "
              "since October 2022", "explicit" if explicit else "default",
              f.where("sqs_managed_sse_enabled") if explicit else f.where())
        f.set("encryption.key_owner", "provider", "SQS-owned key (SSE-SQS)", "default", f.where())
    doc, where = _policy(f, "aws_sqs_queue_policy")
    _public_from_policy(f, doc, where, "queue")
    tls = aws_iam.denies_insecure_transport(doc)
    if tls is True:
        f.set("encryption.in_transit", True, "queue policy denies requests without TLS", where=where)
    elif is_unknown(tls):
        f.set("encryption.in_transit", tls, "queue policy not known before apply", where=where)
    else:
        f.set("encryption.in_transit", False, "no queue policy denies aws:SecureTransport = false: the SQS "
              "HTTP endpoint is accepted", "default", where or f.where())
    seconds = f.get("message_retention_seconds", 345600)
    f.set("retention", True if not is_unknown(seconds) else seconds,
          f"messages are deleted after message_retention_seconds = {seconds}" if f.has("message_retention_seconds")
          else "messages are deleted after 4 days (default message_retention_seconds)",
          "explicit" if f.has("message_retention_seconds") else "default",
          f.where("message_retention_seconds") if f.has("message_retention_seconds") else f.where())


# ------------------------------------------------------------------ SNS
@register("aws_sns_topic", "message_queue")
def sns_topic(f: Facts) -> None:
    key = f.get("kms_master_key_id")
    if key is None:
        f.set("encryption.at_rest", False, "kms_master_key_id not set: SNS topics are unencrypted by default",
              "default", f.where())
    else:
        f.set("encryption.at_rest", True, "kms_master_key_id set",
              where=f.where("kms_master_key_id"))
        _kms_key(f, "kms_master_key_id", "aws/sns")
    doc, where = _policy(f, "aws_sns_topic_policy")
    _public_from_policy(f, doc, where, "topic")


# ------------------------------------------------------------------ Kinesis
@register("aws_kinesis_stream", "message_queue")
def kinesis_stream(f: Facts) -> None:
    f.flag("encryption.at_rest", "encryption_type", true_when=lambda v: str(v).upper() == "KMS", default=False,
           default_reason="encryption_type not set (default NONE): records are stored unencrypted",
           true_reason="encryption_type = KMS", false_reason="encryption_type = {value}: records are stored unencrypted")
    at_rest = f.facets.get("encryption.at_rest")
    if at_rest is not None and at_rest.value is True:
        _kms_key(f, "kms_key_id", "aws/kinesis")
    f.set("public", False, "Kinesis streams are only reachable by IAM principals", "default", f.where())
    f.set("authentication", True, "every request is signed by an IAM principal", "default", f.where())
    hours = f.get("retention_period", 24)
    f.set("retention", True if not is_unknown(hours) else hours,
          f"records expire after {hours} hours" + ("" if f.has("retention_period") else " (default)"),
          "explicit" if f.has("retention_period") else "default",
          f.where("retention_period") if f.has("retention_period") else f.where())


# ------------------------------------------------------------------ MSK
@register("aws_msk_cluster", "message_queue")
def msk_cluster(f: Facts) -> None:
    key = f.get("encryption_info.encryption_at_rest_kms_key_arn")
    f.set("encryption.at_rest", True, "MSK always encrypts broker storage", "default", f.where())
    if key is not None:
        f.set("encryption.key_owner", "customer", "encryption_at_rest_kms_key_arn set",
              where=f.where("encryption_info.encryption_at_rest_kms_key_arn"))
    else:
        f.set("encryption.key_owner", "provider", "AWS-managed aws/kafka key (no encryption_at_rest_kms_key_arn)",
              "default", f.where())
    _msk_transit(f)
    access = f.get("broker_node_group_info.connectivity_info.public_access.type")
    if is_unknown(access):
        f.set("public", access, "public_access.type not known before apply",
              where=f.where("broker_node_group_info.connectivity_info.public_access.type"))
    elif isinstance(access, str) and access.upper() == "SERVICE_PROVIDED_EIPS":
        f.set("public", True, "public_access.type = SERVICE_PROVIDED_EIPS: brokers have public IPs",
              where=f.where("broker_node_group_info.connectivity_info.public_access.type"))
    else:
        f.set("public", False, "brokers are only reachable inside the VPC (public access DISABLED by default)",
              "default", f.where())
    _msk_auth(f)
    _msk_logging(f)


def _msk_transit(f: Facts) -> None:
    base = "encryption_info.encryption_in_transit"
    client = f.get(f"{base}.client_broker", "TLS")
    in_cluster = f.get(f"{base}.in_cluster", True)
    if is_unknown(client) or is_unknown(in_cluster):
        f.set("encryption.in_transit", client if is_unknown(client) else in_cluster,
              "encryption_in_transit not known before apply", where=f.where(base))
        return
    if str(client).upper() != "TLS":
        f.set("encryption.in_transit", False, f"client_broker = {client}: clients may connect in plain text",
              where=f.where(f"{base}.client_broker"))
    elif as_bool(in_cluster) is False:
        f.set("encryption.in_transit", False, "in_cluster = false: brokers replicate in plain text",
              where=f.where(f"{base}.in_cluster"))
    else:
        explicit = f.has(f"{base}.client_broker")
        f.set("encryption.in_transit", True, "client_broker = TLS" + ("" if explicit else " (default)"),
              "explicit" if explicit else "default", f.where(f"{base}.client_broker") if explicit else f.where())


def _msk_auth(f: Facts) -> None:
    auth = f.get("client_authentication")
    if is_unknown(auth):
        f.set("authentication", auth, "client_authentication not known before apply", where=f.where("client_authentication"))
        return
    if not auth:
        f.set("authentication", False, "no client_authentication: unauthenticated clients may produce and consume",
              "default", f.where())
        return
    unauth = as_bool(f.get("client_authentication.unauthenticated"))
    if unauth is True:
        f.set("authentication", False, "client_authentication.unauthenticated = true",
              where=f.where("client_authentication.unauthenticated"))
    elif is_unknown(unauth):
        f.set("authentication", unauth, "unauthenticated not known before apply")
    else:
        f.set("authentication", True, "client authentication (SASL/IAM/SCRAM or TLS) required",
              where=f.where("client_authentication"))


def _msk_logging(f: Facts) -> None:
    logs = f.get("logging_info.broker_logs")
    if is_unknown(logs):
        f.set("access_logging", logs, "broker logs not known before apply", where=f.where("logging_info"))
        return
    block = logs[0] if isinstance(logs, list) and logs else (logs if isinstance(logs, dict) else {})
    for target in ("cloudwatch_logs", "firehose", "s3"):
        dest = block.get(target) if isinstance(block, dict) else None
        dest = dest[0] if isinstance(dest, list) and dest else dest
        if isinstance(dest, dict) and as_bool(dest.get("enabled")) is True:
            f.set("access_logging", True, f"broker logs delivered to {target}", where=f.where("logging_info"))
            return
    f.set("access_logging", False, "no broker logs enabled", "default", f.where())


# ------------------------------------------------------------------ Amazon MQ
@register("aws_mq_broker", "message_queue")
def mq_broker(f: Facts) -> None:
    f.flag("public", "publicly_accessible", true_when=lambda v: as_bool(v) is True, default=False,
           default_reason="publicly_accessible not set (default false)",
           true_reason="publicly_accessible = true: the broker has a public endpoint",
           false_reason="publicly_accessible = {value}")
    f.set("encryption.at_rest", True, "Amazon MQ always encrypts broker storage", "default", f.where())
    own = as_bool(f.get("encryption_options.use_aws_owned_key", True))
    if own is False:
        f.set("encryption.key_owner", "customer", "use_aws_owned_key = false (KMS key)",
              where=f.where("encryption_options.use_aws_owned_key"))
    elif own is True:
        f.set("encryption.key_owner", "provider", "AWS-owned key", "default", f.where())
    f.set("encryption.in_transit", True, "Amazon MQ endpoints only offer TLS wire protocols", "default", f.where())
    f.set("authentication", True, "broker users must log in", "default", f.where())
    unknown = None
    for attr in ("logs.audit", "logs.general"):
        value = f.get(attr)
        value = as_bool(value) if not is_unknown(value) else value
        if value is True:
            f.set("access_logging", True, f"{attr} = true", where=f.where(attr))
            return
        if is_unknown(value):
            unknown = (value, attr)
    if unknown:
        f.set("access_logging", unknown[0], f"{unknown[1]} not known before apply", where=f.where(unknown[1]))
    else:
        f.set("access_logging", False, "logs.audit and logs.general not enabled (default false)", "default", f.where())
