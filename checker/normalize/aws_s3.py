"""Amazon S3: a bucket and everything attached to it, folded into one object store.

Provider defaults stated here (AWS provider v4+/v5, S3 since 2023-01): objects are encrypted
at rest with S3-managed keys when nothing is configured; HTTP (non-TLS) requests are accepted
unless a bucket policy denies aws:SecureTransport = false; no access logging and no lifecycle
expiry unless configured. A missing public-access block is not assumed on: the configuration
that sets a public ACL or policy is what will be applied.
"""
from __future__ import annotations

from typing import Any

from ..values import is_unknown
from . import aws_iam
from .base import Facts, as_bool, attach, register

BUCKET = ("aws_s3_bucket",)
attach("aws_s3_bucket_acl", BUCKET, ("bucket",))
attach("aws_s3_bucket_policy", BUCKET, ("bucket",))
attach("aws_s3_bucket_public_access_block", BUCKET, ("bucket",))
attach("aws_s3_bucket_server_side_encryption_configuration", BUCKET, ("bucket",))
attach("aws_s3_bucket_logging", BUCKET, ("bucket",))
attach("aws_s3_bucket_lifecycle_configuration", BUCKET, ("bucket",))
attach("aws_s3_bucket_versioning", BUCKET, ("bucket",))
attach("aws_s3_bucket_website_configuration", BUCKET, ("bucket",))
attach("aws_s3_bucket_ownership_controls", BUCKET, ("bucket",))
attach("aws_s3_bucket_object_lock_configuration", BUCKET, ("bucket",))
attach("aws_s3_bucket_cors_configuration", BUCKET, ("bucket",))
attach("aws_s3_object", BUCKET, ("bucket",))
attach("aws_s3_bucket_object", BUCKET, ("bucket",))

PUBLIC_ACLS = {"public-read": "grants READ to AllUsers", "public-read-write": "grants READ and WRITE to AllUsers",
               "authenticated-read": "grants READ to AuthenticatedUsers (any AWS account)",
               "website": "grants READ to AllUsers"}
PUBLIC_GROUPS = ("acs.amazonaws.com/groups/global/AllUsers",
                 "acs.amazonaws.com/groups/global/AuthenticatedUsers")


@register("aws_s3_bucket", "object_store")
def s3_bucket(f: Facts) -> None:
    block = _public_access_block(f)
    acl = _acl_grant(f)
    policy_doc, policy_where = _policy(f)
    policy = aws_iam.public_grant(policy_doc)
    _public(f, block, acl, policy, policy_where)
    _encryption(f)
    _transit(f, policy_doc, policy_where)
    _logging(f)
    _retention(f)
    f.set_region()


# ------------------------------------------------------------------ public access
def _public_access_block(f: Facts) -> dict:
    """Which protections are on: {"acls": bool|Unknown, "policy": ...} with where."""
    out = {"acls": False, "policy": False, "acls_where": None, "policy_where": None}
    sources = [(raw, "") for raw in f.attached("aws_s3_bucket_public_access_block")]
    sources += [(raw, "") for raw in f.all_of_type("aws_s3_account_public_access_block")]
    for raw, _ in sources:
        for key, attrs in (("acls", ("ignore_public_acls", "block_public_acls")),
                           ("policy", ("restrict_public_buckets", "block_public_policy"))):
            for attr in attrs:
                value = as_bool(f.get(attr, None, raw))
                if value is True:
                    out[key] = True
                    out[f"{key}_where"] = f.where(attr, raw)
                    break
                if is_unknown(value) and out[key] is False:
                    out[key] = value
                    out[f"{key}_where"] = f.where(attr, raw)
    return out


def _acl_grant(f: Facts):
    """(public: bool|Unknown, reason, where) from the bucket's canned ACL or grants."""
    candidates = [(f.raw, "acl")] + [(raw, "acl") for raw in f.attached("aws_s3_bucket_acl")]
    for raw, attr in candidates:
        acl = f.get(attr, None, raw)
        if is_unknown(acl):
            return acl, f"the ACL is not known before apply ({acl.reason})", f.where(attr, raw)
        if isinstance(acl, str) and acl in PUBLIC_ACLS:
            return True, f'ACL "{acl}" {PUBLIC_ACLS[acl]}', f.where(attr, raw)
    grant_paths = [(f.raw, "grant")] + [(raw, "access_control_policy.grant")
                                        for raw in f.attached("aws_s3_bucket_acl")]
    for raw, path in grant_paths:
        for grant in f.blocks(path, raw):
            if is_unknown(grant):
                return grant, "a grant is not known before apply", f.where(path, raw)
            uri = _grantee_uri(grant)
            if is_unknown(uri):
                return uri, "a grantee is not known before apply", f.where(path, raw)
            if isinstance(uri, str) and any(g in uri for g in PUBLIC_GROUPS):
                group = uri.rsplit("/", 1)[-1]
                perms = grant.get("permissions", grant.get("permission"))
                return True, f"grant of {perms} to the {group} group", f.where(path, raw)
    return False, "no public ACL", None


def _grantee_uri(grant: Any) -> Any:
    if not isinstance(grant, dict):
        return None
    if "uri" in grant:
        return grant["uri"]
    grantee = grant.get("grantee")
    if isinstance(grantee, list) and grantee:
        grantee = grantee[0]
    return grantee.get("uri") if isinstance(grantee, dict) else grantee


def _policy(f: Facts):
    for raw in [f.raw] + f.attached("aws_s3_bucket_policy"):
        value = f.get("policy", None, raw)
        if value is not None:
            return aws_iam.decode_policy(value), f.where("policy", raw)
    return None, None


def _public(f: Facts, block: dict, acl, policy: aws_iam.Grant, policy_where) -> None:
    acl_public, acl_reason, acl_where = acl
    verdicts = []
    if acl_public is not False:
        verdicts.append(_neutralised(acl_public, acl_reason, acl_where, block["acls"],
                                     block["acls_where"], "ignore_public_acls/block_public_acls"))
    if policy.public is not False:
        verdicts.append(_neutralised(policy.public, f"bucket policy {policy.reason}", policy_where,
                                     block["policy"], block["policy_where"],
                                     "restrict_public_buckets/block_public_policy"))
    for value, reason, where in verdicts:
        if value is True:
            f.set("public", True, reason, "derived", where)
            return
    for value, reason, where in verdicts:
        if is_unknown(value):
            f.set("public", value, reason, where=where)
            return
    reasons = [v[1] for v in verdicts] or ["no public ACL and no bucket policy granting the public"]
    f.set("public", False, "; ".join(reasons), "derived")


def _neutralised(public, reason, where, blocked, blocked_where, setting):
    if blocked is True:
        return False, f"{reason}, but the public access block ({setting}) neutralises it", blocked_where
    if is_unknown(public):
        return public, reason, where
    if is_unknown(blocked):
        return blocked, f"{reason}; whether the public access block applies is not known", where
    return True, reason, where


# ------------------------------------------------------------------ encryption
def _encryption(f: Facts) -> None:
    configs = [(f.raw, "server_side_encryption_configuration.rule.apply_server_side_encryption_by_default")]
    configs += [(raw, "rule.apply_server_side_encryption_by_default")
                for raw in f.attached("aws_s3_bucket_server_side_encryption_configuration")]
    for raw, path in configs:
        algorithm = f.get(f"{path}.sse_algorithm", None, raw)
        if algorithm is None:
            continue
        where = f.where(f"{path}.sse_algorithm", raw)
        if is_unknown(algorithm):
            f.set("encryption.at_rest", algorithm, "encryption algorithm not known before apply", where=where)
            return
        key = f.get(f"{path}.kms_master_key_id", None, raw)
        f.set("encryption.at_rest", True, f"server-side encryption with {algorithm}", where=where)
        customer = algorithm.startswith("aws:kms") and key is not None
        f.set("encryption.key_owner", "customer" if customer else "provider",
              "customer-managed KMS key" if customer else f"{algorithm} with an AWS-managed key",
              where=where)
        return
    f.set("encryption.at_rest", True, "no encryption configured: S3 encrypts new objects with "
          "S3-managed keys (SSE-S3) by default since January 2023", "default", f.where())
    f.set("encryption.key_owner", "provider", "S3-managed keys (default)", "default", f.where())


def _transit(f: Facts, policy_doc, policy_where) -> None:
    tls_only = aws_iam.denies_insecure_transport(policy_doc)
    if tls_only is True:
        f.set("encryption.in_transit", True, "bucket policy denies requests without TLS "
              "(aws:SecureTransport = false)", where=policy_where)
    elif is_unknown(tls_only):
        f.set("encryption.in_transit", tls_only, "bucket policy not known before apply", where=policy_where)
    else:
        f.set("encryption.in_transit", False, "no bucket policy denies plain-HTTP requests "
              "(aws:SecureTransport = false): S3 accepts them by default", "default", policy_where or f.where())


# ------------------------------------------------------------------ logging, retention
def _logging(f: Facts) -> None:
    if f.get("logging"):
        f.set("access_logging", True, "server access logging configured", where=f.where("logging"))
        return
    attached = f.attached("aws_s3_bucket_logging")
    if attached:
        f.set("access_logging", True, "server access logging configured (aws_s3_bucket_logging)",
              where=f.where("target_bucket", attached[0]))
        return
    f.set("access_logging", False, "no server access logging: reads of the data leave no trace",
          "default", f.where())


def _retention(f: Facts) -> None:
    rules = [(f.raw, r, "lifecycle_rule") for r in f.blocks("lifecycle_rule")]
    for raw in f.attached("aws_s3_bucket_lifecycle_configuration"):
        rules += [(raw, r, "rule") for r in f.blocks("rule", raw)]
    unknown = None
    for raw, rule, path in rules:
        if is_unknown(rule):
            unknown = (rule, raw, path)
            continue
        enabled = rule.get("enabled", rule.get("status", True))
        if enabled in (False, "Disabled", "false"):
            continue
        expiration = rule.get("expiration") or rule.get("noncurrent_version_expiration")
        if expiration:
            f.set("retention", True, "a lifecycle rule expires objects", where=f.where(path, raw))
            return
    if unknown:
        f.set("retention", unknown[0], "lifecycle rules not known before apply",
              where=f.where(unknown[2], unknown[1]))
        return
    f.set("retention", False, "no lifecycle rule expires objects: data is kept indefinitely",
          "default", f.where())
