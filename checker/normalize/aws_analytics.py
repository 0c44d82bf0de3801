"""Amazon Athena and EMR: query engines whose results and working data land on storage.

Provider defaults stated here:
- aws_athena_database without `encryption_configuration`, and aws_athena_workgroup without
  `configuration.result_configuration.encryption_configuration`: query results are written to
  S3 without Athena requesting encryption (the bucket's own default applies, if any).
- aws_emr_security_configuration: `EnableAtRestEncryption` and `EnableInTransitEncryption`
  default false; at-rest encryption without a LocalDiskEncryptionConfiguration key provider
  leaves the nodes' local disks (HDFS, spill) unencrypted.
- aws_emr_cluster without `security_configuration`: nothing is encrypted (local disks, HDFS,
  and traffic between nodes). A security configuration used by a cluster in scope is reported
  on the cluster; one used by none is reported on its own.
"""
from __future__ import annotations

from typing import Optional

from ..model import RawResource
from ..values import Unknown, decode_json_value, is_unknown
from .aws_storage import referenced
from .base import Facts, as_bool, register


# ------------------------------------------------------------------ Athena
@register("aws_athena_database", "data_warehouse")
def athena_database(f: Facts) -> None:
    _athena(f, "encryption_configuration")


@register("aws_athena_workgroup", "data_warehouse")
def athena_workgroup(f: Facts) -> None:
    _athena(f, "configuration.result_configuration.encryption_configuration")


def _athena(f: Facts, path: str) -> None:
    config = f.get(path)
    if is_unknown(config):
        f.set("encryption.at_rest", config, "encryption_configuration not known before apply", where=f.where(path))
        return
    option = f.get(f"{path}.encryption_option")
    if not config or option is None:
        f.set("encryption.at_rest", False, "no encryption_configuration: query results are written to S3 "
              "without Athena encryption", "default", f.where())
        return
    shown = "encryption_option not known before apply" if is_unknown(option) else option
    f.set("encryption.at_rest", True, f"query results encrypted ({shown}: every Athena option encrypts)",
          where=f.where(f"{path}.encryption_option"))
    key = f.get(f"{path}.kms_key_arn", f.get(f"{path}.kms_key"))
    if key is not None:
        f.set("encryption.key_owner", "customer", "kms_key_arn set", where=f.where(path))
    elif isinstance(option, str) and option.upper() == "SSE_S3":
        f.set("encryption.key_owner", "provider", "SSE_S3 (S3-managed keys)", where=f.where(path))


# ------------------------------------------------------------------ EMR
@register("aws_emr_security_configuration", "data_warehouse")
def emr_security_configuration(f: Facts) -> None:
    if f.referencing("aws_emr_cluster"):
        return   # reported on the clusters that use it
    _emr_encryption(f, f.raw, f.where("configuration"))


@register("aws_emr_cluster", "data_warehouse")
def emr_cluster(f: Facts) -> None:
    configs = referenced(f, "security_configuration", "aws_emr_security_configuration")
    name = f.get("security_configuration")
    if configs:
        _emr_encryption(f, configs[0], f.where("security_configuration"))
    elif name is None:
        f.set("encryption.at_rest", False, "no security_configuration: local disks and HDFS are unencrypted",
              "default", f.where())
        f.set("encryption.in_transit", False, "no security_configuration: nodes exchange data in plain text",
              "default", f.where())
    else:
        reason = "security configuration not in the scanned files"
        f.set("encryption.at_rest", Unknown(reason), reason, where=f.where("security_configuration"))
        f.set("encryption.in_transit", Unknown(reason), reason, where=f.where("security_configuration"))


def _emr_encryption(f: Facts, config: RawResource, where) -> None:
    try:
        doc = decode_json_value(config.attributes.get("configuration"))
    except ValueError:
        doc = Unknown("configuration is not valid JSON")
    if is_unknown(doc) or not isinstance(doc, dict):
        value = doc if is_unknown(doc) else Unknown("configuration is not a JSON object")
        f.set("encryption.at_rest", value, f"{config.address} configuration not known", where=where)
        f.set("encryption.in_transit", value, f"{config.address} configuration not known", where=where)
        return
    enc = doc.get("EncryptionConfiguration") or {}
    if is_unknown(enc):
        f.set("encryption.at_rest", enc, "EncryptionConfiguration not known before apply", where=where)
        f.set("encryption.in_transit", enc, "EncryptionConfiguration not known before apply", where=where)
        return
    at_rest = _json_bool(enc.get("EnableAtRestEncryption"))
    if is_unknown(at_rest):
        f.set("encryption.at_rest", at_rest, "EnableAtRestEncryption not known before apply", where=where)
    elif at_rest is not True:
        f.set("encryption.at_rest", False, f"{config.address}: EnableAtRestEncryption is "
              f"{'false' if at_rest is False else 'not set (default false)'}", where=where)
    else:
        local = (enc.get("AtRestEncryptionConfiguration") or {}).get("LocalDiskEncryptionConfiguration") or {}
        provider = local.get("EncryptionKeyProviderType") if isinstance(local, dict) else None
        if is_unknown(provider):
            f.set("encryption.at_rest", provider, "local disk key provider not known before apply", where=where)
        elif not provider:
            f.set("encryption.at_rest", False, f"{config.address}: no LocalDiskEncryptionConfiguration key "
                  "provider: local disks (HDFS, spill) are unencrypted", where=where)
        else:
            f.set("encryption.at_rest", True, f"{config.address}: at-rest and local disk encryption ({provider})",
                  where=where)
    in_transit = _json_bool(enc.get("EnableInTransitEncryption"))
    if is_unknown(in_transit):
        f.set("encryption.in_transit", in_transit, "EnableInTransitEncryption not known before apply", where=where)
    else:
        f.set("encryption.in_transit", in_transit is True, f"{config.address}: EnableInTransitEncryption is "
              f"{'true' if in_transit is True else 'false' if in_transit is False else 'not set (default false)'}",
              where=where)


def _json_bool(value) -> Optional[object]:
    if is_unknown(value) or isinstance(value, bool) or value is None:
        return value
    return as_bool(value)
