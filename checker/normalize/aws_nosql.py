"""Amazon Neptune, DocumentDB, DynamoDB, DAX, Redshift, and RDS / Neptune snapshots.

Provider defaults stated here:
- aws_neptune_cluster: `storage_encrypted` false; `iam_database_authentication_enabled` false,
  and IAM database authentication is Neptune's only authentication mechanism, so without it any
  client that reaches port 8182 can query. Instances are private unless `publicly_accessible`.
- aws_docdb_cluster: `storage_encrypted` false; clients must log in (user name and password);
  TLS is on unless the cluster parameter group sets `tls` = disabled (default "enabled").
- aws_dynamodb_table: always encrypted at rest; without `server_side_encryption` with an AWS-owned
  key, with `enabled = true` and no `kms_key_arn` the AWS-managed aws/dynamodb key. Items live
  until deleted unless `ttl.enabled` (point-in-time recovery is a backup, not a retention limit).
- aws_dax_cluster: `server_side_encryption.enabled` false; `cluster_endpoint_encryption_type`
  NONE (clients connect in plain text). Encryption uses an AWS-owned key; DAX has no
  customer-managed key option (facet encryption.customer_key_available = false).
- aws_redshift_cluster: since 2025-01-10 AWS encrypts every new provisioned cluster (with an
  AWS-owned key when none is given) and the provider's v6 `encrypted` default is true; only an
  explicit `encrypted = false` is taken as unencrypted. `publicly_accessible` defaults to true up
  to provider v5 (the provider sends it even though the service now defaults to false) and to
  false from v6: the v5 behaviour is assumed, as for every AWS normalizer here. `require_ssl`
  (cluster parameter group) defaults to false; audit logging is off unless `logging.enable` or
  aws_redshift_logging.
- aws_db_snapshot / aws_db_cluster_snapshot / aws_neptune_cluster_snapshot: encrypted exactly
  when the instance or cluster is; public only when `shared_accounts` contains "all".
"""
from __future__ import annotations

from ..values import Unknown, is_unknown
from . import aws_iam
from .aws_data import set_port
from .aws_storage import key_owner, referenced
from .base import Facts, as_bool, attach, register, register_kind


def _storage_encrypted(f: Facts, attr: str = "storage_encrypted") -> None:
    f.flag("encryption.at_rest", attr, true_when=lambda v: as_bool(v) is True, default=False,
           default_reason=f"{attr} not set: storage is unencrypted by default",
           true_reason=f"{attr} = true", false_reason=f"{attr} = {{value}}")


def _cloudwatch_logs(f: Facts, attr: str, wanted: tuple) -> None:
    exports = f.get(attr)
    if is_unknown(exports):
        f.set("access_logging", exports, f"{attr} not known before apply", where=f.where(attr))
        return
    exports = exports if isinstance(exports, list) else ([exports] if exports else [])
    chosen = [e for e in exports if e in wanted]
    if chosen:
        f.set("access_logging", True, f"exports {', '.join(chosen)} logs", where=f.where(attr))
    else:
        f.set("access_logging", False, f"{attr} does not include {' or '.join(wanted)}: access is not logged",
              "default" if not exports else "explicit", f.where(attr) if exports else f.where())


def _instances_public(f: Facts, instance_type: str) -> None:
    instances = f.referencing(instance_type)
    public = [i for i in instances if as_bool(i.attributes.get("publicly_accessible")) is True]
    unknown = [i for i in instances if is_unknown(i.attributes.get("publicly_accessible"))]
    if public:
        f.set("public", True, f"instance {public[0].address} has publicly_accessible = true",
              where=f.where("publicly_accessible", public[0]))
    elif unknown:
        f.set("public", unknown[0].attributes["publicly_accessible"],
              "publicly_accessible of an instance is not known before apply")
    else:
        f.set("public", False, "no instance is publicly accessible (default false)", "default", f.where())


# ------------------------------------------------------------------ Neptune
@register("aws_neptune_cluster", "nosql_database")
def neptune_cluster(f: Facts) -> None:
    set_port(f, 8182)
    _instances_public(f, "aws_neptune_cluster_instance")
    _storage_encrypted(f)
    key_owner(f, "kms_key_arn", "aws/rds")
    f.flag("authentication", "iam_database_authentication_enabled", true_when=lambda v: as_bool(v) is True,
           default=False, default_reason="iam_database_authentication_enabled not set (default false): IAM "
           "authentication is Neptune's only authentication, so any client reaching port 8182 can query",
           true_reason="IAM database authentication required",
           false_reason="iam_database_authentication_enabled = {value}: IAM authentication is Neptune's only "
           "authentication, so any client reaching port 8182 can query")
    _cloudwatch_logs(f, "enable_cloudwatch_logs_exports", ("audit",))


register_kind("nosql_database", "aws_neptune_cluster_instance", "aws_docdb_cluster_instance")


@register("aws_neptune_cluster_snapshot", "snapshot")
def neptune_cluster_snapshot(f: Facts) -> None:
    _snapshot_of(f, "db_cluster_identifier", ("aws_neptune_cluster",), "storage_encrypted")
    f.set("public", False, "Neptune snapshots are private unless shared", "default", f.where())


# ------------------------------------------------------------------ DocumentDB
@register("aws_docdb_cluster", "nosql_database")
def docdb_cluster(f: Facts) -> None:
    set_port(f, 27017)
    f.set("public", False, "DocumentDB clusters have no public endpoint", "default", f.where())
    _storage_encrypted(f)
    key_owner(f, "kms_key_id", "aws/rds")
    f.set("authentication", True, "clients must log in with a user name and password", "default", f.where())
    _cloudwatch_logs(f, "enabled_cloudwatch_logs_exports", ("audit",))
    groups = referenced(f, "db_cluster_parameter_group_name", "aws_docdb_cluster_parameter_group")
    if not groups:
        name = f.get("db_cluster_parameter_group_name")
        if is_unknown(name):
            f.set("encryption.in_transit", name, "cluster parameter group not known before apply",
                  where=f.where("db_cluster_parameter_group_name"))
        else:
            f.set("encryption.in_transit", True, "TLS required (parameter tls defaults to enabled)", "default",
                  f.where())
        return
    group = groups[0]
    for param in group.attributes.get("parameter") or []:
        if isinstance(param, dict) and param.get("name") == "tls":
            value = param.get("value")
            if is_unknown(value):
                f.set("encryption.in_transit", value, "tls parameter not known before apply")
            else:
                f.set("encryption.in_transit", str(value).lower() != "disabled",
                      f"parameter group {group.address} sets tls = {value}", where=f.where("parameter", group))
            return
    f.set("encryption.in_transit", True, f"parameter group {group.address} keeps tls enabled (default)",
          "default", f.where("", group))


# ------------------------------------------------------------------ DynamoDB, DAX
attach("aws_dynamodb_resource_policy", ("aws_dynamodb_table",), ("resource_arn",))


@register("aws_dynamodb_table", "nosql_database")
def dynamodb_table(f: Facts) -> None:
    enabled = f.get("server_side_encryption.enabled")
    enabled = as_bool(enabled) if not is_unknown(enabled) else enabled
    key = f.get("server_side_encryption.kms_key_arn")
    if enabled is True:
        f.set("encryption.at_rest", True, "server_side_encryption.enabled = true (SSE with AWS KMS)",
              where=f.where("server_side_encryption.enabled"))
    else:
        f.set("encryption.at_rest", True, "DynamoDB always encrypts tables at rest (with an AWS-owned key "
              "unless server_side_encryption says otherwise)", "default", f.where())
    if is_unknown(enabled):
        f.set("encryption.key_owner", enabled, "server_side_encryption.enabled not known before apply",
              where=f.where("server_side_encryption.enabled"))
    elif enabled is True and key is not None and not (isinstance(key, str) and key.endswith("alias/aws/dynamodb")):
        f.set("encryption.key_owner", "customer", "server_side_encryption with a customer-managed KMS key",
              where=f.where("server_side_encryption.kms_key_arn"))
    elif enabled is True:
        f.set("encryption.key_owner", "provider", "server_side_encryption with the AWS-managed aws/dynamodb key",
              where=f.where("server_side_encryption.enabled"))
    else:
        f.set("encryption.key_owner", "provider", "encrypted with an AWS-owned key (server_side_encryption "
              "not enabled)", "default", f.where())
    f.set("authentication", True, "every request is signed by an IAM principal", "default", f.where())
    doc, where = None, None
    for raw in f.attached("aws_dynamodb_resource_policy"):
        doc, where = aws_iam.decode_policy(f.get("policy", None, raw)), f.where("policy", raw)
    grant = aws_iam.public_grant(doc)
    f.set("public", grant.public if grant.public is not False else False,
          f"resource policy {grant.reason}" if doc is not None else "no resource policy grants the public",
          "derived" if doc is not None else "default", where or f.where())
    f.flag("retention", "ttl.enabled", true_when=lambda v: as_bool(v) is True, default=False,
           default_reason="no TTL: items are kept until deleted (point-in-time recovery is a backup, "
           "not a retention limit)", true_reason="TTL expires items", false_reason="ttl.enabled = {value}")


@register("aws_dax_cluster", "cache")
def dax_cluster(f: Facts) -> None:
    set_port(f, 8111)
    f.flag("encryption.at_rest", "server_side_encryption.enabled", true_when=lambda v: as_bool(v) is True,
           default=False, default_reason="server_side_encryption not enabled (default false): the cache is "
           "stored unencrypted", true_reason="server_side_encryption.enabled = true",
           false_reason="server_side_encryption.enabled = {value}")
    # DAX encrypts with an AWS-owned key and offers no customer-managed key: PDG302 (which asks
    # for one) skips resources whose service has no such option.
    f.set("encryption.key_owner", "provider", "DAX encrypts with an AWS-owned key", "default", f.where())
    f.set("encryption.customer_key_available", False, "DAX offers no customer-managed key option",
          "default", f.where())
    f.flag("encryption.in_transit", "cluster_endpoint_encryption_type", true_when=lambda v: str(v).upper() == "TLS",
           default=False, default_reason="cluster_endpoint_encryption_type not set (default NONE): clients "
           "connect in plain text", true_reason="cluster_endpoint_encryption_type = TLS",
           false_reason="cluster_endpoint_encryption_type = {value}")
    f.set("authentication", True, "DAX requests are signed by IAM principals", "default", f.where())


# ------------------------------------------------------------------ Redshift
attach("aws_redshift_logging", ("aws_redshift_cluster",), ("cluster_identifier",), ("cluster_identifier", "id"))


@register("aws_redshift_cluster", "data_warehouse")
def redshift_cluster(f: Facts) -> None:
    set_port(f, 5439)
    f.flag("public", "publicly_accessible", true_when=lambda v: as_bool(v) is True, default=True,
           default_reason="publicly_accessible not set: AWS provider up to v5 sends true (the cluster gets a "
           "public endpoint); from provider v6 the default is false",
           true_reason="publicly_accessible = true: the cluster has a public endpoint",
           false_reason="publicly_accessible = {value}")
    f.flag("encryption.at_rest", "encrypted", true_when=lambda v: as_bool(v) is True, default=True,
           default_reason="encrypted not set: AWS encrypts every new provisioned cluster since 2025-01-10 "
           "(provider v6 default true)", true_reason="encrypted = true", false_reason="encrypted = {value}")
    key_owner(f, "kms_key_id", "aws/redshift")
    f.set("authentication", True, "clients must log in with a user name and password (or IAM)", "default", f.where())
    _redshift_logging(f)
    _redshift_ssl(f)


def _redshift_logging(f: Facts) -> None:
    attached = f.attached("aws_redshift_logging")
    if attached:
        f.set("access_logging", True, "audit logging configured (aws_redshift_logging)", where=f.where("", attached[0]))
        return
    f.flag("access_logging", "logging.enable", true_when=lambda v: as_bool(v) is True, default=False,
           default_reason="no audit logging (logging.enable / aws_redshift_logging): connections and queries "
           "are not logged", true_reason="audit logging enabled", false_reason="logging.enable = {value}")


def _redshift_ssl(f: Facts) -> None:
    groups = referenced(f, "cluster_parameter_group_name", "aws_redshift_parameter_group")
    name = f.get("cluster_parameter_group_name")
    if not groups:
        if is_unknown(name):
            f.set("encryption.in_transit", name, "cluster parameter group not known before apply",
                  where=f.where("cluster_parameter_group_name"))
        else:
            f.set("encryption.in_transit", False, "no parameter group sets require_ssl (default false): clients "
                  "may connect without TLS", "default", f.where("cluster_parameter_group_name") if name else f.where())
        return
    group = groups[0]
    for param in group.attributes.get("parameter") or []:
        if isinstance(param, dict) and param.get("name") == "require_ssl":
            value = param.get("value")
            if is_unknown(value):
                f.set("encryption.in_transit", value, "require_ssl not known before apply")
            else:
                f.set("encryption.in_transit", str(value).lower() in ("true", "1", "on"),
                      f"parameter group {group.address} sets require_ssl = {value}", where=f.where("parameter", group))
            return
    f.set("encryption.in_transit", False, f"parameter group {group.address} does not set require_ssl "
          "(default false): clients may connect without TLS", where=f.where("", group))


# ------------------------------------------------------------------ RDS snapshots
@register("aws_db_snapshot", "snapshot")
def db_snapshot(f: Facts) -> None:
    _snapshot_of(f, "db_instance_identifier", ("aws_db_instance",), "storage_encrypted")
    _shared(f)


@register("aws_db_cluster_snapshot", "snapshot")
def db_cluster_snapshot(f: Facts) -> None:
    _snapshot_of(f, "db_cluster_identifier", ("aws_rds_cluster", "aws_docdb_cluster"), "storage_encrypted")
    _shared(f)


def _snapshot_of(f: Facts, attr: str, types: tuple, enc_attr: str) -> None:
    sources = referenced(f, attr, *types)
    if not sources:
        f.set("encryption.at_rest", Unknown("the snapshot's source is not in the scanned files"),
              "a snapshot is encrypted when its source is; the source is not in scope", where=f.where(attr))
        return
    src = sources[0]
    value = src.attributes.get(enc_attr)
    value = as_bool(value) if not is_unknown(value) else value
    if src.type == "aws_rds_cluster" and value is None and src.attributes.get("engine_mode") == "serverless":
        value = True
    if src.type == "aws_db_instance" and value is None and src.attributes.get("replicate_source_db") is not None:
        value = Unknown("a read replica inherits its source's encryption")
    if is_unknown(value):
        f.set("encryption.at_rest", value, f"encryption of {src.address} not known before apply", where=f.where(attr))
    elif value is True:
        f.set("encryption.at_rest", True, f"snapshot of {src.address}, which is encrypted", "derived", f.where(attr))
    else:
        f.set("encryption.at_rest", False, f"snapshot of {src.address}, which is not encrypted ("
              f"{enc_attr} {'= false' if value is False else 'not set, default false'})", "derived", f.where(attr))


def _shared(f: Facts) -> None:
    accounts = f.get("shared_accounts")
    if is_unknown(accounts):
        f.set("public", accounts, "shared_accounts not known before apply", where=f.where("shared_accounts"))
    elif isinstance(accounts, list) and "all" in accounts:
        f.set("public", True, 'shared_accounts contains "all": any AWS account can restore the snapshot',
              where=f.where("shared_accounts"))
    else:
        f.set("public", False, "not shared publicly" + (f" (shared with {len(accounts)} account(s))"
              if accounts else ""), "default" if not accounts else "explicit", f.where())
