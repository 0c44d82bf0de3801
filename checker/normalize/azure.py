"""Azure Storage: accounts (with their attachments folded in) and their blob containers.

Provider defaults, per azurerm major version (stated in each facet's reason too):
- `allow_nested_items_to_be_public` (v3+; `allow_blob_public_access` in v2): the provider sends
  true when it is absent, in v3 and v4 alike (Azure's own default for new accounts is false,
  but Terraform overrides it). A container is anonymous only when its `container_access_type`
  is "blob" or "container" and the account allows it.
- `https_traffic_only_enabled` (v4; `enable_https_traffic_only` in v2/v3): default true.
- `min_tls_version`: default "TLS1_2" in v3 and v4 (it was "TLS1_0" in v2). The files rarely
  pin the provider and v3+ is what is deployed today, so the v3/v4 default is used.
- `public_network_access_enabled`: default true (v3, v4). Without `network_rules` (inline or
  azurerm_storage_account_network_rules) the firewall's default action is "Allow": the endpoint
  answers the whole internet. Every request still needs a key, a SAS or an Entra ID token, so
  this is the facet `network.public_endpoint`, not `public` (anonymous reads, container level).
- `shared_access_key_enabled`: default true (facet `authentication.shared_key`).
- Data is always encrypted at rest (Microsoft-managed keys unless `customer_managed_key` or an
  azurerm_storage_account_customer_managed_key names a Key Vault key).
- No access log unless a diagnostic setting (azurerm_monitor_diagnostic_setting whose
  target_resource_id is the account or one of its services) sends log categories, or queue
  analytics logging (`queue_properties.logging`) is on; azurerm has no blob analytics logging
  argument. Metrics alone are not an access log.
- No retention unless an azurerm_storage_management_policy rule (enabled, the default) has a
  delete action. Soft delete (`delete_retention_policy`) keeps deleted data longer: not retention.
"""
from __future__ import annotations

from typing import Any, Optional

from ..model import RawResource
from ..values import is_unknown
from .base import Facts, as_bool, attach, register

ACCOUNT = ("azurerm_storage_account",)
attach("azurerm_storage_account_network_rules", ACCOUNT, ("storage_account_id", "storage_account_name"))
attach("azurerm_storage_account_customer_managed_key", ACCOUNT, ("storage_account_id",))
attach("azurerm_storage_management_policy", ACCOUNT, ("storage_account_id",))

PUBLIC_ACCESS_TYPES = {"blob": "anyone can read blobs by URL", "container": "anyone can list and read all blobs"}
WEAK_TLS = ("TLS1_0", "TLS1_1")
DELETE_ACTIONS = ("delete_after_days_since_modification_greater_than",
                  "delete_after_days_since_creation_greater_than",
                  "delete_after_days_since_last_access_time_greater_than")


@register("azurerm_storage_account", "object_store")
def storage_account(f: Facts) -> None:
    nested = _nested_public(f, f.raw)
    f.set("public.allowed", nested[0], nested[1], nested[2], f.where(nested[3]) if nested[3] else f.where())
    f.set("public", False, "the account itself serves no anonymous reads; see its containers", "derived", f.where())
    _public_endpoint(f)
    f.set("authentication", True, "every request needs an account key, a SAS token or an Entra ID token",
          "default", f.where())
    f.flag("authentication.shared_key", "shared_access_key_enabled", true_when=lambda v: as_bool(v) is not False,
           default=True, default_reason="shared_access_key_enabled not set (default true): account keys "
           "and SAS tokens are accepted", true_reason="shared_access_key_enabled = {value}",
           false_reason="shared_access_key_enabled = {value}: only Entra ID tokens are accepted")
    _transit(f)
    f.set("encryption.at_rest", True, "Azure Storage always encrypts data at rest", "default", f.where())
    _key_owner(f)
    _logging(f)
    _retention(f)
    location = f.get("location")
    f.set("region", location, f"location = {location}" if not is_unknown(location) else
          "location not known before apply", where=f.where("location"))


def _public_endpoint(f: Facts) -> None:
    enabled = as_bool(f.get("public_network_access_enabled"))
    if is_unknown(enabled):
        f.set("network.public_endpoint", enabled, "public_network_access_enabled not known before apply",
              where=f.where("public_network_access_enabled"))
        return
    if enabled is False:
        f.set("network.public_endpoint", False, "public_network_access_enabled = false: private endpoints only",
              where=f.where("public_network_access_enabled"))
        return
    prefix = ("public_network_access_enabled = true" if enabled is True else
              "public_network_access_enabled not set (default true)")
    sources = [(f.raw, "network_rules.default_action")]
    sources += [(raw, "default_action") for raw in f.attached("azurerm_storage_account_network_rules")]
    for raw, path in reversed(sources):
        action = f.get(path, None, raw)
        if action is None:
            continue
        where = f.where(path, raw)
        if is_unknown(action):
            f.set("network.public_endpoint", action, f"{prefix}; network rules' default action not known",
                  where=where)
        elif str(action).lower() == "deny":
            ips = f.get(path.rsplit(".", 1)[0] + ".ip_rules" if "." in path else "ip_rules", None, raw)
            shown = f" (allowed addresses: {', '.join(map(str, ips))})" if isinstance(ips, list) and ips else ""
            f.set("network.public_endpoint", False, f"{prefix}, but network rules deny by default{shown}",
                  where=where)
        else:
            f.set("network.public_endpoint", True, f"{prefix} and network rules default_action = "
                  f"\"{action}\": the endpoint answers any internet address (requests still need a key "
                  "or token)", where=where)
        return
    f.set("network.public_endpoint", True, f"{prefix} and no network_rules (default action Allow): the "
          "endpoint answers any internet address (requests still need a key or token)", "default", f.where())


def _transit(f: Facts) -> None:
    attr = "https_traffic_only_enabled" if f.has("https_traffic_only_enabled") else "enable_https_traffic_only"
    https = as_bool(f.get(attr))
    tls = f.get("min_tls_version")
    if https is False:
        f.set("encryption.in_transit", False, f"{attr} = false: data can be read and written over plain HTTP",
              where=f.where(attr))
    elif isinstance(tls, str) and tls in WEAK_TLS:
        f.set("encryption.in_transit", False, f"min_tls_version = \"{tls}\": obsolete TLS accepted",
              where=f.where("min_tls_version"))
    elif is_unknown(https):
        f.set("encryption.in_transit", https, f"{attr} not known before apply", where=f.where(attr))
    elif is_unknown(tls):
        f.set("encryption.in_transit", tls, "min_tls_version not known before apply", where=f.where("min_tls_version"))
    else:
        explicit = https is not None or tls is not None
        f.set("encryption.in_transit", True,
              "HTTPS only with TLS 1.2 or later" + ("" if explicit else
              " (defaults: HTTPS-only true; min_tls_version TLS1_2 in azurerm v3/v4)"),
              "explicit" if explicit else "default", f.where(attr) if https is not None else f.where())


def _key_owner(f: Facts) -> None:
    cmk = f.get("customer_managed_key")
    if cmk:
        f.set("encryption.key_owner", "customer", "customer_managed_key names a Key Vault key",
              where=f.where("customer_managed_key"))
        return
    attached = f.attached("azurerm_storage_account_customer_managed_key")
    if attached:
        f.set("encryption.key_owner", "customer",
              f"{attached[0].address} sets a customer-managed Key Vault key", where=f.where("", attached[0]))
        return
    f.set("encryption.key_owner", "provider", "Microsoft-managed keys (no customer-managed key)", "default", f.where())


def _logging(f: Facts) -> None:
    verdict = diagnostic_logs(f)
    if verdict is not None and verdict[0] is True:
        f.set("access_logging", True, verdict[1], where=verdict[2])
        return
    logging = f.get("queue_properties.logging")
    if is_unknown(logging):
        f.set("access_logging", logging, "queue logging not known before apply", where=f.where("queue_properties"))
        return
    if logging:
        f.set("access_logging", True, "queue analytics logging (queue_properties.logging) records requests "
              "to queues; blob reads are logged only through a diagnostic setting",
              where=f.where("queue_properties.logging"))
        return
    if verdict is not None:
        f.set("access_logging", verdict[0], verdict[1], where=verdict[2])
        return
    f.set("access_logging", False, "no diagnostic setting with log categories and no queue analytics "
          "logging: reads leave no trace", "default", f.where())


def diagnostic_logs(f: Facts):
    """(True|False|Unknown, reason, where) from diagnostic settings targeting this resource, or None
    when none does. Shared by every Azure normalizer."""
    settings = f.referencing("azurerm_monitor_diagnostic_setting")
    if not settings:
        return None
    unknown = None
    for raw in settings:
        for block_name in ("enabled_log", "log"):
            for block in f.blocks(block_name, raw):
                if is_unknown(block):
                    unknown = (block, f"{raw.address}: log categories not known before apply",
                               f.where(block_name, raw))
                    continue
                if isinstance(block, dict) and as_bool(block.get("enabled", True)) is not False:
                    category = block.get("category") or block.get("category_group") or "logs"
                    return (True, f"{raw.address} sends {category if not is_unknown(category) else 'logs'} "
                            "to a log destination", f.where(block_name, raw))
    if unknown:
        return unknown
    return (False, f"{settings[0].address} sends metrics only, no log categories: reads leave no trace",
            f.where("", settings[0]))


def _retention(f: Facts) -> None:
    for raw in f.attached("azurerm_storage_management_policy") + f.referencing("azurerm_storage_management_policy"):
        for index, rule in enumerate(f.blocks("rule", raw)):
            if is_unknown(rule):
                f.set("retention", rule, "management policy rules not known before apply", where=f.where("rule", raw))
                return
            if not isinstance(rule, dict) or as_bool(rule.get("enabled", True)) is False:
                continue
            action = _delete_action(rule.get("actions"))
            if action:
                f.set("retention", True, f"{raw.address} rule {rule.get('name', index)!s} deletes {action}",
                      where=f.where(f"rule.{index}", raw))
                return
    f.set("retention", False, "no storage management policy rule deletes blobs: data is kept indefinitely",
          "default", f.where())


def _delete_action(actions: Any) -> Optional[str]:
    for block in actions if isinstance(actions, list) else [actions]:
        if not isinstance(block, dict):
            continue
        for target in ("base_blob", "snapshot", "version"):
            for sub in block.get(target) or []:
                if isinstance(sub, dict) and any(sub.get(k) is not None for k in
                                                 DELETE_ACTIONS + ("delete_after_days_since_creation",)):
                    return {"base_blob": "blobs", "snapshot": "snapshots", "version": "old versions"}[target]
    return None


def _nested_public(f: Facts, account: RawResource):
    for attr in ("allow_nested_items_to_be_public", "allow_blob_public_access"):
        value = as_bool(account.attributes.get(attr))
        if value is not None:
            if is_unknown(value):
                return value, f"{attr} not known before apply", "explicit", attr
            return value, f"{attr} = {str(value).lower()}", "explicit", attr
    return (True, "allow_nested_items_to_be_public not set: the azurerm provider (v3 and v4) defaults it "
            "to true, so containers may opt into anonymous access", "default", None)


@register("azurerm_storage_container", "object_store")
def storage_container(f: Facts) -> None:
    access = f.get("container_access_type")
    account = _account_of(f)
    if is_unknown(access):
        f.set("public", access, "container_access_type not known before apply", where=f.where("container_access_type"))
        return
    if access not in PUBLIC_ACCESS_TYPES:
        f.set("public", False, f'container_access_type = "{access or "private"}"',
              "explicit" if access else "default", f.where("container_access_type") if access else f.where())
        return
    reason = f'container_access_type = "{access}": {PUBLIC_ACCESS_TYPES[access]}'
    if account is None:
        f.set("public", True, reason + " (the storage account is not in the scanned files)", "derived",
              f.where("container_access_type"))
        return
    allowed, why, _, attr = _nested_public(f, account)
    if allowed is False:
        f.set("public", False, f"{reason}, but the account {account.address} has {why}", "derived",
              f.where(attr, account))
    elif is_unknown(allowed):
        f.set("public", allowed, f"{reason}; whether the account {account.address} allows public containers "
              "is not known before apply", where=f.where(attr, account))
    else:
        f.set("public", True, f"{reason}; the account {account.address} allows public containers ({why})",
              "derived", f.where("container_access_type"))


def _account_of(f: Facts) -> Optional[RawResource]:
    accounts = f.all_of_type("azurerm_storage_account")
    name = f.get("storage_account_name")
    account_id = f.get("storage_account_id")
    for account in accounts:
        if account.address in f.raw.refs:
            return account
        if isinstance(name, str) and account.attributes.get("name") == name:
            return account
        if isinstance(account_id, str) and account.attributes.get("id") == account_id:
            return account
    return None
