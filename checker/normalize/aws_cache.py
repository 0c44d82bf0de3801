"""Amazon ElastiCache (Redis OSS / Valkey / Memcached).

Provider defaults: `transit_encryption_enabled` and `at_rest_encryption_enabled` false for
replication groups created by the AWS provider (ElastiCache turns them on by default only for
Valkey/Redis 7.2+ serverless caches); no AUTH token, so any client that reaches the port is in.
Memcached supports neither authentication nor encryption at rest. At-rest encryption without
`kms_key_id` uses a key ElastiCache manages (encryption.key_owner "provider").
"""
from __future__ import annotations

from ..values import is_unknown
from .aws_data import set_port
from .base import Facts, as_bool, register


@register("aws_elasticache_replication_group", "cache")
def replication_group(f: Facts) -> None:
    set_port(f, 6379)
    _redis(f)


@register("aws_elasticache_cluster", "cache")
def cache_cluster(f: Facts) -> None:
    engine = f.get("engine")
    if f.get("replication_group_id") is not None:
        # Settings live on the replication group it belongs to.
        return
    set_port(f, 11211 if engine == "memcached" else 6379)
    if engine == "memcached":
        f.set("authentication", False, "Memcached has no authentication: any client reaching the port can read",
              "default", f.where("engine"))
        f.set("encryption.at_rest", False, "Memcached cannot encrypt at rest", "default", f.where("engine"))
        f.flag("encryption.in_transit", "transit_encryption_enabled", true_when=lambda v: as_bool(v) is True,
               default=False, default_reason="transit_encryption_enabled not set (default false)",
               true_reason="transit_encryption_enabled = true", false_reason="transit_encryption_enabled = {value}")
        return
    _redis(f)


def _redis(f: Facts) -> None:
    f.flag("encryption.at_rest", "at_rest_encryption_enabled", true_when=lambda v: as_bool(v) is True,
           default=False, default_reason="at_rest_encryption_enabled not set (default false)",
           true_reason="at_rest_encryption_enabled = true", false_reason="at_rest_encryption_enabled = {value}")
    f.flag("encryption.in_transit", "transit_encryption_enabled", true_when=lambda v: as_bool(v) is True,
           default=False, default_reason="transit_encryption_enabled not set (default false): clients talk in clear text",
           true_reason="transit_encryption_enabled = true", false_reason="transit_encryption_enabled = {value}")
    token = f.get("auth_token")
    groups = f.get("user_group_ids")
    groups = None if is_unknown(groups) else groups
    if is_unknown(token) and not groups:
        f.set("authentication", token, "auth_token not known before apply", where=f.where("auth_token"))
    elif token is not None or groups:
        f.set("authentication", True, "AUTH token or RBAC user groups required",
              where=f.where("auth_token" if token is not None else "user_group_ids"))
    else:
        f.set("authentication", False, "no auth_token and no user_group_ids: any client that reaches the "
              "port can read and write every key", "default", f.where())
    if f.get("kms_key_id") is not None:
        f.set("encryption.key_owner", "customer", "kms_key_id set", where=f.where("kms_key_id"))
    else:
        f.set("encryption.key_owner", "provider", "no kms_key_id: ElastiCache uses a service-managed key "
              "when at-rest encryption is on", "default", f.where())
