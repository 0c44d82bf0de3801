"""Oracle Cloud Infrastructure Object Storage buckets.

Provider defaults (oci provider v5/v6), as read here:
- `access_type` defaults to "NoPublicAccess"; "ObjectRead" lets anyone read (and list) objects,
  "ObjectReadWithoutList" lets anyone read an object whose name they know.
- Object Storage always encrypts at rest (AES-256, Oracle-managed keys unless `kms_key_id`
  names a Vault key) and is served over HTTPS only.
- Without `object_events_enabled` / a logging configuration nothing records reads here; OCI
  service logs are configured outside the bucket, so access logging is not stated.
"""
from __future__ import annotations

from ..values import is_unknown
from .base import Facts, register

PUBLIC_ACCESS = {"ObjectRead": "anyone can list and read its objects",
                 "ObjectReadWithoutList": "anyone can read an object whose name they know"}


@register("oci_objectstorage_bucket", "object_store")
def objectstorage_bucket(f: Facts) -> None:
    access = f.get("access_type")
    if is_unknown(access):
        f.set("public", access, "access_type not known before apply", where=f.where("access_type"))
    elif access in PUBLIC_ACCESS:
        f.set("public", True, f'access_type = "{access}": {PUBLIC_ACCESS[access]}', where=f.where("access_type"))
    elif access is None:
        f.set("public", False, 'access_type not set (default "NoPublicAccess")', "default", f.where())
    else:
        f.set("public", False, f'access_type = "{access}"', where=f.where("access_type"))
    f.set("encryption.at_rest", True, "Object Storage always encrypts at rest", "default", f.where())
    key = f.get("kms_key_id")
    if key is None:
        f.set("encryption.key_owner", "provider", "kms_key_id not set: Oracle-managed keys", "default", f.where())
    else:
        f.set("encryption.key_owner", "customer", "kms_key_id names a Vault key", where=f.where("kms_key_id"))
    f.set("encryption.in_transit", True, "Object Storage is served over HTTPS only", "default", f.where())
