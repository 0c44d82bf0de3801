"""Alibaba Cloud Object Storage Service (OSS) buckets.

Provider defaults (alicloud provider v1.2xx), as read here:
- `acl` defaults to "private"; "public-read" lets anyone read objects, "public-read-write" lets
  anyone also write them. Newer configurations set it with a separate alicloud_oss_bucket_acl
  resource (folded in here). An OSS Block Public Access setting (`alicloud_oss_bucket_public_access_block`,
  `block_public_access = true`) overrides public ACLs.
- Without a `logging` block no access logs are written.
- Without a lifecycle rule with an `expiration`, objects are kept indefinitely.
- Encryption at rest is stated only when `server_side_encryption_rule` is set (the default
  depends on the bucket's creation date and region, which the files cannot show).
"""
from __future__ import annotations

from ..values import is_unknown
from .base import Facts, as_bool, attach, register

BUCKET = ("alicloud_oss_bucket",)
attach("alicloud_oss_bucket_acl", BUCKET, ("bucket",), ("bucket", "id"))
attach("alicloud_oss_bucket_public_access_block", BUCKET, ("bucket",), ("bucket", "id"))
attach("alicloud_oss_bucket_logging", BUCKET, ("bucket",), ("bucket", "id"))
PUBLIC_ACLS = {"public-read": "anyone can read its objects",
               "public-read-write": "anyone can read and write its objects"}


@register("alicloud_oss_bucket", "object_store")
def oss_bucket(f: Facts) -> None:
    _public(f)
    logging = f.get("logging") or f.attached("alicloud_oss_bucket_logging")
    if is_unknown(logging):
        f.set("access_logging", logging, "logging not known before apply", where=f.where("logging"))
    else:
        f.set("access_logging", bool(logging), "access logs written to a log bucket" if logging else
              "no logging block: access to objects is not logged", "explicit" if logging else "default",
              f.where("logging") if logging else f.where())
    rules = f.blocks("lifecycle_rule")
    expiring = [r for r in rules if isinstance(r, dict) and r.get("expiration")]
    if any(is_unknown(r) for r in rules):
        f.set("retention", next(r for r in rules if is_unknown(r)), "lifecycle rules not known before apply",
              where=f.where("lifecycle_rule"))
    else:
        f.set("retention", bool(expiring), "a lifecycle rule expires objects" if expiring else
              "no lifecycle rule expires objects: data is kept indefinitely",
              "explicit" if expiring else "default", f.where("lifecycle_rule") if expiring else f.where())
    sse = f.get("server_side_encryption_rule")
    if sse and not is_unknown(sse):
        key = f.get("server_side_encryption_rule.kms_master_key_id")
        f.set("encryption.at_rest", True, "server_side_encryption_rule set", where=f.where("server_side_encryption_rule"))
        f.set("encryption.key_owner", "customer" if key is not None else "provider",
              "kms_master_key_id names a KMS key" if key is not None else "OSS-managed keys",
              where=f.where("server_side_encryption_rule"))


def _public(f: Facts) -> None:
    for raw in f.attached("alicloud_oss_bucket_public_access_block"):
        blocked = as_bool(raw.attributes.get("block_public_access"))
        if blocked is True:
            f.set("public", False, "block_public_access = true overrides public ACLs",
                  where=f.where("block_public_access", raw))
            return
    acls = [(raw.attributes.get("acl"), f.where("acl", raw)) for raw in f.attached("alicloud_oss_bucket_acl")]
    if f.get("acl") is not None:
        acls.append((f.get("acl"), f.where("acl")))
    for acl, where in acls:
        if is_unknown(acl):
            f.set("public", acl, "acl not known before apply", where=where)
            return
        if acl in PUBLIC_ACLS:
            f.set("public", True, f'acl = "{acl}": {PUBLIC_ACLS[acl]}', where=where)
            return
    if acls:
        f.set("public", False, f'acl = "{acls[-1][0]}"', where=acls[-1][1])
    else:
        f.set("public", False, 'acl not set (default "private")', "default", f.where())
