"""Google Cloud: Cloud Storage buckets with their IAM and ACL resources folded in."""
from __future__ import annotations

from typing import Any

from ..values import is_unknown
from . import aws_iam  # noqa: F401  (keeps registration order stable)
from .base import Facts, attach, register

PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
BUCKET = ("google_storage_bucket",)
attach("google_storage_bucket_iam_member", BUCKET, ("bucket",), ("name", "id", "url"))
attach("google_storage_bucket_iam_binding", BUCKET, ("bucket",), ("name", "id", "url"))
attach("google_storage_bucket_iam_policy", BUCKET, ("bucket",), ("name", "id", "url"))
attach("google_storage_bucket_acl", BUCKET, ("bucket",), ("name", "id", "url"))
attach("google_storage_default_object_acl", BUCKET, ("bucket",), ("name", "id", "url"))
attach("google_storage_object_access_control", BUCKET, ("bucket",), ("name", "id", "url"))
attach("google_storage_default_object_access_control", BUCKET, ("bucket",), ("name", "id", "url"))
attach("google_storage_bucket_object", BUCKET, ("bucket",), ("name", "id", "url"))


@register("google_storage_bucket", "object_store")
def storage_bucket(f: Facts) -> None:
    _public(f)
    kms = f.get("encryption.default_kms_key_name")
    if kms is not None:
        f.set("encryption.at_rest", True, "encrypted with a customer-managed key", where=f.where("encryption"))
        f.set("encryption.key_owner", "customer", "default_kms_key_name set", where=f.where("encryption"))
    else:
        f.set("encryption.at_rest", True, "Cloud Storage always encrypts at rest (Google-managed keys)",
              "default", f.where())
        f.set("encryption.key_owner", "provider", "Google-managed keys", "default", f.where())
    f.set("encryption.in_transit", True, "Cloud Storage serves only HTTPS", "default", f.where())
    if f.get("logging"):
        f.set("access_logging", True, "usage/access logs delivered to a log bucket", where=f.where("logging"))
    else:
        f.set("access_logging", False, "no logging block: access is recorded only if Data Access audit "
              "logs are enabled for the project", "default", f.where())
    rules = [r for r in f.blocks("lifecycle_rule") if isinstance(r, dict)]
    deletes = [r for r in rules if str((_first(r.get("action")) or {}).get("type", "")).lower() == "delete"]
    if deletes or f.get("retention_policy"):
        f.set("retention", True, "a lifecycle rule deletes objects", where=f.where("lifecycle_rule"))
    else:
        f.set("retention", False, "no lifecycle rule deletes objects: data is kept indefinitely",
              "default", f.where())
    location = f.get("location")
    f.set("region", location if isinstance(location, str) else location, "bucket location",
          where=f.where("location"))


def _public(f: Facts) -> None:
    prevention = f.get("public_access_prevention")
    if prevention == "enforced":
        f.set("public", False, 'public_access_prevention = "enforced"', where=f.where("public_access_prevention"))
        return
    found = _public_members(f)
    if found is None:
        f.set("public", False, "no IAM member or ACL grants allUsers/allAuthenticatedUsers", "derived", f.where())
    elif is_unknown(found[0]):
        f.set("public", found[0], found[1], where=found[2])
    else:
        f.set("public", True, found[1], "derived", found[2])


def _public_members(f: Facts):
    unknown = None
    for raw in f.attached("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"):
        members = raw.attributes.get("members", [raw.attributes.get("member")])
        if is_unknown(members):
            unknown = (members, "IAM members not known before apply", f.where("members", raw))
            continue
        for member in members or []:
            if is_unknown(member):
                unknown = (member, "an IAM member is not known before apply", f.where("member", raw))
            elif member in PUBLIC_MEMBERS:
                return True, f"{raw.type} grants {raw.attributes.get('role')} to {member}", f.where("member", raw)
    for raw in f.attached("google_storage_bucket_iam_policy"):
        data = raw.attributes.get("policy_data")
        text = data.document if hasattr(data, "document") else data
        if isinstance(text, str) and any(m in text for m in PUBLIC_MEMBERS):
            return True, "bucket IAM policy grants a role to allUsers/allAuthenticatedUsers", f.where("policy_data", raw)
    for raw in f.attached("google_storage_bucket_acl", "google_storage_default_object_acl"):
        entities = raw.attributes.get("role_entity") or []
        if not is_unknown(entities) and any(isinstance(e, str) and e.split(":")[-1] in PUBLIC_MEMBERS
                                            for e in entities):
            return True, f"{raw.type} grants access to all users", f.where("role_entity", raw)
        if raw.attributes.get("predefined_acl") in ("publicRead", "publicReadWrite"):
            return True, f"predefined_acl = {raw.attributes['predefined_acl']}", f.where("predefined_acl", raw)
    for raw in f.attached("google_storage_object_access_control", "google_storage_default_object_access_control"):
        if raw.attributes.get("entity") in PUBLIC_MEMBERS:
            return True, f"{raw.type} grants {raw.attributes.get('role')} to {raw.attributes['entity']}", \
                f.where("entity", raw)
    return unknown


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value
