"""Google Cloud data stores: Cloud SQL, Memorystore for Redis, BigQuery datasets and tables.

Provider defaults (google provider v5/v6), as read here:

Cloud SQL (google_sql_database_instance)
- `settings.ip_configuration.ipv4_enabled` defaults to true: the instance gets a public IP.
  A public IP admits only the networks listed in `authorized_networks` (plus the Cloud SQL Auth
  Proxy / connectors, which authenticate with IAM); an entry 0.0.0.0/0 or ::/0 opens the
  database port to the internet. `ipv4_enabled = false` (private_network only) means no public
  IP: authorized_networks then admit nobody, though CIS GCP 6.5 still reports 0.0.0.0/0 there
  (facet allowlist.internet, policy PDG181).
- `ssl_mode` absent means ALLOW_UNENCRYPTED_AND_ENCRYPTED unless the legacy `require_ssl`
  (default false; removed in provider v6) is true. ENCRYPTED_ONLY and
  TRUSTED_CLIENT_CERTIFICATE_REQUIRED refuse plaintext connections.
- Data is always encrypted at rest; `encryption_key_name` names a customer-managed KMS key.
- Data access is logged only with database flags: PostgreSQL `cloudsql.enable_pgaudit` or
  `log_connections` = on, MySQL `cloudsql_mysql_audit` or `general_log` = on, SQL Server a
  `sql_server_audit_config` block. Cloud Audit Logs record admin activity only by default.
- Port by `database_version`: POSTGRES_* 5432, MYSQL_* 3306, SQLSERVER_* 1433.
- Engines require a user and password (or IAM database authentication).

Memorystore for Redis (google_redis_instance)
- Reachable only from its `authorized_network` (VPC); no public endpoint.
- `auth_enabled` defaults to false: any client in the network can read and write.
- `transit_encryption_mode` defaults to "DISABLED"; "SERVER_AUTHENTICATION" enables TLS.
- Always encrypted at rest; `customer_managed_key` names a KMS key. Port 6379.

BigQuery (google_bigquery_dataset, google_bigquery_table)
- `access` blocks with `special_group = "allAuthenticatedUsers"` or `iam_member` allUsers /
  allAuthenticatedUsers, and google_bigquery_dataset_iam_* / google_bigquery_dataset_access /
  google_bigquery_table_iam_* granting them, make the data public.
- Always encrypted at rest; `default_encryption_configuration.kms_key_name` (table:
  `encryption_configuration.kms_key_name`) names a customer-managed key. HTTPS-only API.
- BigQuery Data Access audit logs are on by default and cannot be disabled.
- Without `default_table_expiration_ms` / `default_partition_expiration_ms` tables never expire.
- `location` defaults to "US".
"""
from __future__ import annotations

from typing import Any

from ..values import is_unknown
from .base import Facts, as_bool, attach, register
from ..network import covers_internet
from .gcp import PUBLIC_MEMBERS, kms_key_owner, public_iam_grant, set_public_from_iam

VERSION_PORTS = (("POSTGRES", 5432), ("MYSQL", 3306), ("SQLSERVER", 1433))
TLS_MODES = ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")
# database flag -> values that turn access logging on
LOGGING_FLAGS = {"cloudsql.enable_pgaudit": ("on", "true"), "log_connections": ("on", "true"),
                 "cloudsql_mysql_audit": ("on", "force_plus_permanent"), "general_log": ("on", "true")}
IP = "settings.0.ip_configuration.0"


# -- Cloud SQL ---------------------------------------------------------------------------------

@register("google_sql_database_instance", "sql_database")
def sql_instance(f: Facts) -> None:
    _sql_port(f)
    _sql_public(f)
    _sql_tls(f)
    kms_key_owner(f, "encryption_key_name", "Cloud SQL")
    _sql_logging(f)
    f.set("authentication", True, "database engines require a user name and password (or IAM)",
          "default", f.where())
    region = f.get("region")
    if region is not None:
        f.set("region", region, "instance region", where=f.where("region"))


def _sql_port(f: Facts) -> None:
    version = f.get("database_version")
    if is_unknown(version):
        f.set("port", version, "database_version not known before apply", where=f.where("database_version"))
        return
    for prefix, port in VERSION_PORTS:
        if isinstance(version, str) and version.upper().startswith(prefix):
            f.set("port", port, f"default port of {version}", "default", f.where("database_version"))
            return


def _sql_public(f: Facts) -> None:
    ipv4 = f.get(f"{IP}.ipv4_enabled")
    ipv4 = as_bool(ipv4) if not is_unknown(ipv4) and ipv4 is not None else ipv4
    networks = f.blocks(f"{IP}.authorized_networks")
    open_entry, unknown_entry = None, None
    for index, block in enumerate(networks):
        value = block.get("value") if isinstance(block, dict) else block
        if is_unknown(value):
            unknown_entry = unknown_entry or (value, index)
        elif covers_internet(value) is True:
            open_entry = open_entry or (value, index)
    where_open = f.where(f"{IP}.authorized_networks.{open_entry[1]}.value") if open_entry else None
    if open_entry:
        f.set("allowlist.internet", True, f"authorized_networks admits {open_entry[0]}", where=where_open)
    elif unknown_entry:
        f.set("allowlist.internet", unknown_entry[0], "an authorized network is not known before apply",
              where=f.where(f"{IP}.authorized_networks.{unknown_entry[1]}"))
    else:
        f.set("allowlist.internet", False, "no authorized network admits the whole internet", "derived",
              f.where(f"{IP}.authorized_networks") if networks else f.where())

    if ipv4 is False:
        f.set("public", False, "ipv4_enabled = false: no public IP (private IP only)",
              where=f.where(f"{IP}.ipv4_enabled"))
        return
    ipv4_text = ("ipv4_enabled = true" if ipv4 is True else
                 "ipv4_enabled not set (default true): the instance has a public IP")
    if is_unknown(ipv4):
        if open_entry or unknown_entry:
            f.set("public", ipv4, "ipv4_enabled not known before apply", where=f.where(f"{IP}.ipv4_enabled"))
        else:
            f.set("public", False, "no authorized network admits the internet", "derived", f.where())
        return
    if open_entry:
        f.set("public", True, f"{ipv4_text} and authorized_networks admits {open_entry[0]}", "derived",
              where_open)
    elif unknown_entry:
        f.set("public", unknown_entry[0], f"{ipv4_text}; an authorized network is not known before apply",
              where=f.where(f"{IP}.authorized_networks.{unknown_entry[1]}"))
    else:
        f.set("public", False, f"{ipv4_text}, but no authorized network admits the internet (only IAM-"
              "authenticated Cloud SQL connectors can connect)", "derived", f.where())


def _sql_tls(f: Facts) -> None:
    mode = f.get(f"{IP}.ssl_mode")
    if is_unknown(mode):
        f.set("encryption.in_transit", mode, "ssl_mode not known before apply", where=f.where(f"{IP}.ssl_mode"))
        return
    if mode is not None:
        f.set("encryption.in_transit", mode in TLS_MODES,
              f'ssl_mode = "{mode}"' + ("" if mode in TLS_MODES else ": plaintext connections are accepted"),
              where=f.where(f"{IP}.ssl_mode"))
        return
    f.flag("encryption.in_transit", f"{IP}.require_ssl", true_when=lambda v: as_bool(v) is True, default=False,
           default_reason="neither ssl_mode (default ALLOW_UNENCRYPTED_AND_ENCRYPTED) nor require_ssl "
                          "(default false) is set: plaintext connections are accepted",
           true_reason="require_ssl = true",
           false_reason="require_ssl = {value}: plaintext connections are accepted")


def _sql_logging(f: Facts) -> None:
    audit = f.get("settings.0.sql_server_audit_config")
    if audit:
        if is_unknown(audit):
            f.set("access_logging", audit, "sql_server_audit_config not known before apply",
                  where=f.where("settings.0.sql_server_audit_config"))
        else:
            f.set("access_logging", True, "SQL Server audit configured",
                  where=f.where("settings.0.sql_server_audit_config"))
        return
    unknown = None
    for index, flag in enumerate(f.blocks("settings.0.database_flags")):
        if is_unknown(flag):
            unknown = flag
            continue
        if not isinstance(flag, dict):
            continue
        name, value = flag.get("name"), flag.get("value")
        if is_unknown(name):
            unknown = name
            continue
        if isinstance(name, str) and name.lower() in LOGGING_FLAGS:
            if is_unknown(value):
                unknown = value
                continue
            if str(value).lower() in LOGGING_FLAGS[name.lower()]:
                f.set("access_logging", True, f"database flag {name} = {value}",
                      where=f.where(f"settings.0.database_flags.{index}"))
                return
    if unknown is not None:
        f.set("access_logging", unknown, "a database flag is not known before apply",
              where=f.where("settings.0.database_flags"))
        return
    f.set("access_logging", False, "no audit or connection-logging database flag (cloudsql.enable_pgaudit, "
          "log_connections, cloudsql_mysql_audit, general_log): data access is not logged", "default", f.where())


# -- Memorystore for Redis ---------------------------------------------------------------------

@register("google_redis_instance", "cache")
def redis_instance(f: Facts) -> None:
    f.set("port", 6379, "Memorystore for Redis listens on 6379", "default", f.where())
    f.set("public", False, "Memorystore has no public endpoint: reachable only from its authorized_network",
          "default", f.where())
    f.flag("authentication", "auth_enabled", true_when=lambda v: as_bool(v) is True, default=False,
           default_reason="auth_enabled not set (default false): any client in the network can read and write",
           true_reason="auth_enabled = true", false_reason="auth_enabled = {value}: no AUTH string required")
    f.flag("encryption.in_transit", "transit_encryption_mode",
           true_when=lambda v: str(v).upper() == "SERVER_AUTHENTICATION", default=False,
           default_reason='transit_encryption_mode not set (default "DISABLED"): clients talk in clear text',
           true_reason='transit_encryption_mode = "SERVER_AUTHENTICATION"',
           false_reason="transit_encryption_mode = {value}")
    kms_key_owner(f, "customer_managed_key", "Memorystore")
    region = f.get("region")
    if region is not None:
        f.set("region", region, "instance region", where=f.where("region"))


# -- BigQuery ----------------------------------------------------------------------------------

DATASET = ("google_bigquery_dataset",)
_DS_KEYS = ("dataset_id", "id")
for _type in ("google_bigquery_dataset_iam_member", "google_bigquery_dataset_iam_binding",
              "google_bigquery_dataset_iam_policy", "google_bigquery_dataset_access"):
    attach(_type, DATASET, ("dataset_id",), _DS_KEYS)
TABLE = ("google_bigquery_table",)
for _type in ("google_bigquery_table_iam_member", "google_bigquery_table_iam_binding",
              "google_bigquery_table_iam_policy"):
    attach(_type, TABLE, ("table_id",), ("table_id", "id"))


@register("google_bigquery_dataset", "data_warehouse")
def bigquery_dataset(f: Facts) -> None:
    found = _access_blocks(f, f.blocks("access"), "access", f.raw)
    for raw in f.attached("google_bigquery_dataset_access"):
        if found is not None and found[0] is True:
            break
        other = _access_blocks(f, [raw.attributes], "", raw)
        if other is not None and (found is None or other[0] is True):
            found = other
    if found is None or found[0] is not True:
        iam = public_iam_grant(f, ("google_bigquery_dataset_iam_member", "google_bigquery_dataset_iam_binding"),
                               ("google_bigquery_dataset_iam_policy",))
        if iam is not None and (found is None or iam[0] is True):
            found = iam
    set_public_from_iam(f, found, "no access entry or IAM grant to allUsers/allAuthenticatedUsers")
    kms_key_owner(f, "default_encryption_configuration.kms_key_name", "BigQuery")
    f.set("encryption.in_transit", True, "the BigQuery API is served over HTTPS only", "default", f.where())
    f.set("access_logging", True, "BigQuery Data Access audit logs are always on", "default", f.where())
    expiry = [a for a in ("default_table_expiration_ms", "default_partition_expiration_ms") if f.has(a)
              and f.get(a) is not None]
    if expiry:
        value = f.get(expiry[0])
        f.set("retention", value if is_unknown(value) else True, f"{expiry[0]} = {value}",
              where=f.where(expiry[0]))
    else:
        f.set("retention", False, "no default_table_expiration_ms: tables are kept indefinitely", "default",
              f.where())
    location = f.get("location")
    f.set("region", "US" if location is None else location,
          "location not set (default US)" if location is None else "dataset location",
          "default" if location is None else "explicit", f.where("location") if location is not None else f.where())


@register("google_bigquery_table", "data_warehouse")
def bigquery_table(f: Facts) -> None:
    # Tables inherit their dataset's access, logging and expiry; here only what a table adds.
    found = public_iam_grant(f, ("google_bigquery_table_iam_member", "google_bigquery_table_iam_binding"),
                             ("google_bigquery_table_iam_policy",))
    set_public_from_iam(f, found, "no table IAM grant to allUsers/allAuthenticatedUsers (access is the dataset's)")
    kms_key_owner(f, "encryption_configuration.kms_key_name", "BigQuery")
    f.set("encryption.in_transit", True, "the BigQuery API is served over HTTPS only", "default", f.where())


def _access_blocks(f: Facts, blocks: list, prefix: str, raw):
    unknown = None
    for index, block in enumerate(blocks):
        path = f"{prefix}.{index}" if prefix else ""
        if is_unknown(block):
            unknown = (block, "an access entry is not known before apply", f.where(path, raw))
            continue
        if not isinstance(block, dict):
            continue
        for attr in ("special_group", "iam_member"):
            value = block.get(attr)
            where = f.where(f"{path}.{attr}" if path else attr, raw)
            if is_unknown(value):
                unknown = (value, f"access {attr} not known before apply", where)
            elif value in PUBLIC_MEMBERS:
                return True, f"access {attr} = \"{value}\" with role {_show(block.get('role'))}", where
    return unknown


def _show(value: Any) -> str:
    return "(not known)" if is_unknown(value) else str(value)

