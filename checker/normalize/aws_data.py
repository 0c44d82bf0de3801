"""AWS databases and other data stores (RDS, Aurora, ...): their shared facets.

Provider defaults (AWS provider v5): `publicly_accessible` false, `storage_encrypted` false
for aws_db_instance and aws_rds_cluster (unless restored from an encrypted snapshot or
replicating an encrypted source, which the files cannot show), engines accept non-TLS
connections unless the parameter group forces TLS.
"""
from __future__ import annotations

from ..values import Unknown, is_unknown
from .base import Facts, as_bool, attach, register, register_kind

attach("aws_db_instance_role_association", ("aws_db_instance",), ("db_instance_identifier",))

ENGINE_PORTS = (("aurora-postgresql", 5432), ("postgres", 5432), ("aurora-mysql", 3306), ("aurora", 3306),
                ("mysql", 3306), ("mariadb", 3306), ("oracle", 1521), ("sqlserver", 1433),
                ("docdb", 27017), ("neptune", 8182))

# Parameters that make an engine refuse unencrypted connections.
TLS_PARAMETERS = {"rds.force_ssl": "1", "require_secure_transport": "1"}


@register("aws_db_instance", "sql_database")
def db_instance(f: Facts) -> None:
    set_port(f)
    f.set_region()
    _publicly_accessible(f)
    if f.get("replicate_source_db") is not None and f.get("storage_encrypted") is None:
        f.set("encryption.at_rest", f.get("kms_key_id") is not None or _unknown_inherited(f),
              "a read replica inherits its source's encryption", "derived", f.where("replicate_source_db"))
    else:
        f.flag("encryption.at_rest", "storage_encrypted", true_when=lambda v: as_bool(v) is True,
               default=False, default_reason="storage_encrypted not set: RDS storage is unencrypted by default",
               true_reason="storage_encrypted = true", false_reason="storage_encrypted = {value}")
    _key_owner(f)
    _parameter_group_tls(f, "parameter_group_name")
    _logs(f, "enabled_cloudwatch_logs_exports")
    f.set("authentication", True, "database engines require a user name and password", "default", f.where())
    iam_auth = as_bool(f.get("iam_database_authentication_enabled"))
    if iam_auth is True:
        f.set("authentication.iam", True, "IAM database authentication enabled",
              where=f.where("iam_database_authentication_enabled"))


@register("aws_rds_cluster", "sql_database")
def rds_cluster(f: Facts) -> None:
    set_port(f)
    f.set_region()
    # Cluster instances carry publicly_accessible; the cluster is public when one of them is.
    instances = f.referencing("aws_rds_cluster_instance")
    public = [i for i in instances if as_bool(i.attributes.get("publicly_accessible")) is True]
    unknown = [i for i in instances if is_unknown(i.attributes.get("publicly_accessible"))]
    if public:
        inst = public[0]
        f.set("public", True, f"cluster instance {inst.address} has publicly_accessible = true",
              where=f.where("publicly_accessible", inst))
    elif unknown:
        f.set("public", unknown[0].attributes["publicly_accessible"],
              "publicly_accessible of a cluster instance is not known before apply")
    else:
        f.set("public", False, "no cluster instance is publicly accessible", "default", f.where())
    engine_mode = f.get("engine_mode")
    f.flag("encryption.at_rest", "storage_encrypted", true_when=lambda v: as_bool(v) is True,
           default=engine_mode == "serverless",
           default_reason=("storage_encrypted not set: Aurora Serverless v1 is always encrypted"
                           if engine_mode == "serverless" else
                           "storage_encrypted not set: cluster storage is unencrypted by default"),
           true_reason="storage_encrypted = true", false_reason="storage_encrypted = {value}")
    _key_owner(f)
    _parameter_group_tls(f, "db_cluster_parameter_group_name")
    _logs(f, "enabled_cloudwatch_logs_exports")
    f.set("authentication", True, "database engines require a user name and password", "default", f.where())


register_kind("sql_database", "aws_rds_cluster_instance")


def set_port(f: Facts, default: int | None = None) -> None:
    """The TCP port the service listens on: `port`, else the engine's default."""
    port = f.get("port")
    if port is not None:
        f.set("port", port, f"port = {port}", where=f.where("port"))
        return
    engine = f.get("engine")
    if isinstance(engine, str):
        for prefix, number in ENGINE_PORTS:
            if engine.startswith(prefix):
                f.set("port", number, f"default port of {engine}", "default", f.where("engine"))
                return
    if default is not None:
        f.set("port", default, f"default port {default}", "default", f.where())
    elif is_unknown(engine):
        f.set("port", engine, "engine not known before apply")


def _publicly_accessible(f: Facts) -> None:
    f.flag("public", "publicly_accessible", true_when=lambda v: as_bool(v) is True, default=False,
           default_reason="publicly_accessible not set (default false): no public endpoint",
           true_reason="publicly_accessible = true: the instance gets a public IP and DNS name",
           false_reason="publicly_accessible = {value}")


def _unknown_inherited(f: Facts) -> Unknown:
    return Unknown("encryption inherited from the replication source")


def _key_owner(f: Facts) -> None:
    key = f.get("kms_key_id")
    if key is not None:
        f.set("encryption.key_owner", "customer", "kms_key_id names a customer-managed key",
              where=f.where("kms_key_id"))
    elif f.facets.get("encryption.at_rest") and f.facets["encryption.at_rest"].value is True:
        f.set("encryption.key_owner", "provider", "encrypted with the AWS-managed aws/rds key",
              "default", f.where())


def _parameter_group_tls(f: Facts, attr: str) -> None:
    groups = f.all_of_type("aws_db_parameter_group", "aws_rds_cluster_parameter_group")
    name = f.get(attr)
    chosen = [g for g in groups if (name is not None and not is_unknown(name)
                                    and g.attributes.get("name") == name)
              or g.address in f.raw.refs]
    engine = str(f.get("engine") or "")
    if not chosen:
        if name is not None and is_unknown(name):
            f.set("encryption.in_transit", name, "parameter group not known before apply", where=f.where(attr))
        elif _forces_tls_by_default(engine, f.get("engine_version")):
            f.set("encryption.in_transit", True, "default parameter group of PostgreSQL 15 or later: "
                  "rds.force_ssl defaults to 1", "default", f.where("engine_version") if f.has("engine_version")
                  else f.where("engine"))
        else:
            f.set("encryption.in_transit", False, "no parameter group forcing TLS: the engine also accepts "
                  "unencrypted connections", "default", f.where(attr) if name else f.where())
        return
    group = chosen[0]
    for param in group.attributes.get("parameter") or []:
        if not isinstance(param, dict):
            continue
        pname, value = param.get("name"), param.get("value")
        if isinstance(pname, str) and pname.lower() in TLS_PARAMETERS:
            if is_unknown(value):
                f.set("encryption.in_transit", value, f"{pname} not known before apply")
            else:
                on = str(value).lower() in ("1", "on", "true")
                f.set("encryption.in_transit", on, f"parameter group {group.address} sets {pname} = {value}",
                      where=f.where("parameter", group))
            return
    f.set("encryption.in_transit", False,
          f"parameter group {group.address} does not set rds.force_ssl / require_secure_transport"
          f"{' (' + engine + ')' if engine else ''}: unencrypted connections are accepted",
          where=f.where("", group))


def _forces_tls_by_default(engine: str, version) -> bool:
    """RDS for PostgreSQL 15 and later defaults rds.force_ssl to 1 in its default parameter
    group; an instance without engine_version gets the newest major version, which does too."""
    if engine != "postgres" or is_unknown(version):
        return False
    if version is None:
        return True
    try:
        return int(str(version).split(".")[0]) >= 15
    except ValueError:
        return False


def _logs(f: Facts, attr: str) -> None:
    exports = f.get(attr)
    if is_unknown(exports):
        f.set("access_logging", exports, f"{attr} not known before apply", where=f.where(attr))
    elif exports:
        f.set("access_logging", True, f"exports logs to CloudWatch: {', '.join(map(str, exports))}",
              where=f.where(attr))
    else:
        f.set("access_logging", False, f"{attr} not set: connections and queries are not logged",
              "default", f.where())

