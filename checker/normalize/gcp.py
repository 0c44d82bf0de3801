"""Google Cloud: Cloud Storage buckets with their IAM and ACL resources folded in, and the IAM
helpers the other Google modules share (gcp_*.py).

Provider defaults (google provider v5/v6), as read here:
- `public_access_prevention` absent means "inherited": the bucket follows the organization
  policy `storage.publicAccessPrevention`, which the files cannot show, so grants to allUsers /
  allAuthenticatedUsers are taken as effective. Only "enforced" blocks them.
- `uniform_bucket_level_access` absent means false: object and bucket ACLs apply alongside IAM.
  When true, ACLs (google_storage_bucket_acl, *_object_acl, *_access_control, an object's
  predefined_acl) grant nothing; only IAM does.
- Cloud Storage always encrypts at rest (Google-managed keys unless
  `encryption.default_kms_key_name` names a Cloud KMS key) and serves only HTTPS.
- Without a `logging` block no usage logs are written; Data Access audit logs for Cloud Storage
  are off by default in a project.
- Without a lifecycle rule whose action is Delete, objects are kept indefinitely. A
  `retention_policy` is a minimum (objects cannot be deleted before it ends), not a limit, so it
  does not count as retention.
- IAM: `allUsers` is anyone on the internet, `allAuthenticatedUsers` anyone with any Google
  account; both are treated as public.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ..values import PartialJSON, Unknown, is_unknown
from .base import Facts, as_bool, attach, register

PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
BUCKET = ("google_storage_bucket",)
_KEYS = ("name", "id", "url")
for _type in ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding",
              "google_storage_bucket_iam_policy", "google_storage_bucket_acl",
              "google_storage_default_object_acl", "google_storage_object_acl",
              "google_storage_object_access_control", "google_storage_default_object_access_control",
              "google_storage_bucket_object"):
    attach(_type, BUCKET, ("bucket",), _KEYS)

ACL_TYPES = ("google_storage_bucket_acl", "google_storage_default_object_acl", "google_storage_object_acl",
             "google_storage_object_access_control", "google_storage_default_object_access_control",
             "google_storage_bucket_object")
PUBLIC_PREDEFINED_ACLS = ("publicRead", "publicReadWrite", "authenticatedRead")


# -- IAM helpers shared by the Google modules ------------------------------------------------

def public_iam_grant(f: Facts, member_types: Iterable[str], policy_types: Iterable[str] = (),
                     roles: Optional[Iterable[str]] = None):
    """Does an attached IAM member/binding/policy grant a role (one of `roles`, or any) to
    allUsers / allAuthenticatedUsers? Returns (True | Unknown, reason, where) or None."""
    wanted = tuple(roles) if roles is not None else None
    unknown = None
    for raw in f.attached(*member_types):
        a = raw.attributes
        path = "members" if "members" in a else "member"
        members = a.get("members", [a.get("member")])
        role = a.get("role")
        if is_unknown(members):
            unknown = (members, f"{raw.address}: IAM members not known before apply", f.where(path, raw))
            continue
        for member in members or []:
            if is_unknown(member):
                unknown = (member, f"{raw.address}: an IAM member is not known before apply", f.where(path, raw))
            elif member in PUBLIC_MEMBERS:
                matched = _role_matches(role, wanted)
                if matched is True:
                    return True, f"{raw.type} grants {role} to {member}", f.where(path, raw)
                if is_unknown(matched):
                    unknown = (matched, f"{raw.address} grants a role not known before apply to {member}",
                               f.where("role", raw))
    for raw in f.attached(*policy_types):
        found = _policy_grant(raw.attributes.get("policy_data"), wanted)
        if found is None:
            continue
        if found[0] is True:
            return True, f"{raw.type} {found[1]}", f.where("policy_data", raw)
        unknown = (found[0], f"{raw.address}: {found[1]}", f.where("policy_data", raw))
    return unknown


def _role_matches(role: Any, wanted: Optional[tuple]) -> Any:
    if wanted is None:
        return True
    if is_unknown(role):
        return role
    return role in wanted


def _policy_grant(data: Any, wanted: Optional[tuple]):
    """(True | Unknown, reason) when an IAM policy document grants a wanted role to the public."""
    import json
    if data is None:
        return None
    if isinstance(data, PartialJSON):
        document = data.document
    elif is_unknown(data):
        return data, "the IAM policy is not known before apply"
    elif isinstance(data, str):
        try:
            document = json.loads(data)
        except ValueError:
            return Unknown("policy_data is not JSON"), "policy_data is not JSON"
    else:
        document = data
    bindings = document.get("bindings") if isinstance(document, dict) else None
    if is_unknown(bindings):
        return bindings, "the IAM policy's bindings are not known before apply"
    unknown = None
    for binding in bindings or []:
        if not isinstance(binding, dict):
            unknown = (Unknown("an IAM binding is not known before apply"), "an IAM binding is not known")
            continue
        members = binding.get("members")
        if is_unknown(members):
            unknown = (members, "IAM members not known before apply")
            continue
        for member in members or []:
            if is_unknown(member):
                unknown = (member, "an IAM member is not known before apply")
            elif member in PUBLIC_MEMBERS:
                matched = _role_matches(binding.get("role"), wanted)
                if matched is True:
                    return True, f"grants {binding.get('role')} to {member}"
                if is_unknown(matched):
                    unknown = (matched, f"grants a role not known before apply to {member}")
    return unknown


def set_public_from_iam(f: Facts, found, none_reason: str, facet: str = "public") -> None:
    if found is None:
        f.set(facet, False, none_reason, "derived", f.where())
    elif is_unknown(found[0]):
        f.set(facet, found[0], found[1], where=found[2])
    else:
        f.set(facet, True, found[1], "derived", found[2])


def kms_key_owner(f: Facts, path: str, what: str) -> None:
    """encryption.at_rest is always true on Google's managed services; key_owner depends on
    whether a Cloud KMS key is named."""
    key = f.get(path)
    f.set("encryption.at_rest", True, f"{what} always encrypts data at rest", "default", f.where())
    if key is None:
        f.set("encryption.key_owner", "provider", f"no Cloud KMS key ({path} not set): Google-managed keys",
              "default", f.where())
    elif is_unknown(key):
        f.set("encryption.key_owner", "customer", f"{path} names a Cloud KMS key (created elsewhere)",
              where=f.where(path))
    else:
        f.set("encryption.key_owner", "customer", f"{path} = {key}", where=f.where(path))


# -- Cloud Storage -----------------------------------------------------------------------------

@register("google_storage_bucket", "object_store")
def storage_bucket(f: Facts) -> None:
    _public(f)
    kms_key_owner(f, "encryption.default_kms_key_name", "Cloud Storage")
    f.set("encryption.in_transit", True, "Cloud Storage serves only HTTPS", "default", f.where())
    logging = f.get("logging")
    if is_unknown(logging):
        f.set("access_logging", logging, "logging block not known before apply", where=f.where("logging"))
    elif logging:
        f.set("access_logging", True, "usage/access logs delivered to a log bucket", where=f.where("logging"))
    else:
        f.set("access_logging", False, "no logging block: access is recorded only if Data Access audit "
              "logs are enabled for the project (off by default)", "default", f.where())
    _retention(f)
    location = f.get("location")
    f.set("region", location, "bucket location", where=f.where("location"))


def _retention(f: Facts) -> None:
    rules = f.blocks("lifecycle_rule")
    if any(is_unknown(r) for r in rules):
        f.set("retention", next(r for r in rules if is_unknown(r)), "lifecycle rules not known before apply",
              where=f.where("lifecycle_rule"))
        return
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        action = _first(rule.get("action")) or {}
        kind = action.get("type") if isinstance(action, dict) else None
        if is_unknown(kind):
            f.set("retention", kind, "lifecycle action not known before apply",
                  where=f.where(f"lifecycle_rule.{index}.action"))
            return
        if isinstance(kind, str) and kind.lower() == "delete":
            f.set("retention", True, "a lifecycle rule deletes objects", where=f.where(f"lifecycle_rule.{index}"))
            return
    f.set("retention", False, "no lifecycle rule deletes objects: data is kept indefinitely",
          "default", f.where())


def _public(f: Facts) -> None:
    prevention = f.get("public_access_prevention")
    if is_unknown(prevention):
        f.set("public", prevention, "public_access_prevention not known before apply",
              where=f.where("public_access_prevention"))
        return
    if prevention == "enforced":
        f.set("public", False, 'public_access_prevention = "enforced"', where=f.where("public_access_prevention"))
        return
    found = public_iam_grant(f, ("google_storage_bucket_iam_member", "google_storage_bucket_iam_binding"),
                             ("google_storage_bucket_iam_policy",))
    if found is None or found[0] is not True:
        acl = _public_acl(f)
        if acl is not None and (found is None or acl[0] is True):
            found = acl
    note = ("" if prevention is not None else
            " (public_access_prevention not set: \"inherited\" from the organization policy)")
    if found is not None and found[0] is True:
        found = (True, found[1] + note, found[2])
    set_public_from_iam(f, found, "no IAM member or ACL grants allUsers/allAuthenticatedUsers")


def _public_acl(f: Facts):
    ubla = as_bool(f.get("uniform_bucket_level_access"))
    if ubla is True:
        return None     # ACLs are disabled: only IAM grants access
    unknown = None
    for raw in f.attached(*ACL_TYPES):
        a = raw.attributes
        found = None
        entities = a.get("role_entity")
        if is_unknown(entities):
            found = (entities, f"{raw.address}: role_entity not known before apply", "role_entity")
        else:
            for entity in entities or []:
                if is_unknown(entity):
                    found = (entity, f"{raw.address}: an ACL entry is not known before apply", "role_entity")
                elif isinstance(entity, str) and entity.split(":")[-1] in PUBLIC_MEMBERS:
                    found = (True, f"{raw.type} grants {entity}", "role_entity")
                    break
        acl = a.get("predefined_acl")
        if is_unknown(acl) and (found is None or found[0] is not True):
            found = (acl, f"{raw.address}: predefined_acl not known before apply", "predefined_acl")
        elif acl in PUBLIC_PREDEFINED_ACLS:
            found = (True, f"{raw.type} predefined_acl = \"{acl}\"", "predefined_acl")
        entity = a.get("entity")
        if entity in PUBLIC_MEMBERS:
            found = (True, f"{raw.type} grants {a.get('role')} to {entity}", "entity")
        elif is_unknown(entity) and (found is None or found[0] is not True):
            found = (entity, f"{raw.address}: ACL entity not known before apply", "entity")
        if found is None:
            continue
        if found[0] is True:
            if ubla is None:
                return (True, found[1] + " (uniform_bucket_level_access not set: ACLs apply)",
                        f.where(found[2], raw))
            if is_unknown(ubla):
                return (ubla, found[1] + "; uniform_bucket_level_access not known before apply",
                        f.where("uniform_bucket_level_access"))
            return True, found[1], f.where(found[2], raw)
        unknown = (found[0], found[1], f.where(found[2], raw))
    return unknown


def _first(value: Any) -> Any:
    if isinstance(value, list):
        return value[0] if value else None
    return value
