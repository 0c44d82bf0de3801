"""Azure Storage: accounts and their blob containers.

Provider defaults differ by azurerm major version, stated where used: the account setting
that allows public containers (`allow_nested_items_to_be_public`, formerly
`allow_blob_public_access`) defaults to true in v3 and to false in v4; HTTPS-only defaults to
true; minimum TLS defaults to TLS1_2 (v3.0+).
"""
from __future__ import annotations

from typing import Optional

from ..model import RawResource
from ..values import Unknown, is_unknown
from .base import Facts, as_bool, register

PUBLIC_ACCESS_TYPES = {"blob": "anyone can read blobs by URL", "container": "anyone can list and read all blobs"}


@register("azurerm_storage_account", "object_store")
def storage_account(f: Facts) -> None:
    nested = _nested_public(f, f.raw)
    f.set("public.allowed", nested[0], nested[1], nested[2], f.where(nested[3]) if nested[3] else f.where())
    f.set("public", False, "the account itself serves no anonymous reads; see its containers", "derived", f.where())
    https = f.get("https_traffic_only_enabled", f.get("enable_https_traffic_only"))
    tls = f.get("min_tls_version")
    if https is False:
        f.set("encryption.in_transit", False, "HTTPS-only is disabled: blobs can be read over plain HTTP",
              where=f.where("https_traffic_only_enabled" if f.has("https_traffic_only_enabled")
                            else "enable_https_traffic_only"))
    elif isinstance(tls, str) and tls in ("TLS1_0", "TLS1_1"):
        f.set("encryption.in_transit", False, f"min_tls_version = {tls}: obsolete TLS accepted",
              where=f.where("min_tls_version"))
    elif is_unknown(https) or is_unknown(tls):
        f.set("encryption.in_transit", https if is_unknown(https) else tls, "transport settings not known")
    else:
        f.set("encryption.in_transit", True, "HTTPS only with TLS 1.2 or later (explicit or default)",
              "default" if https is None and tls is None else "explicit", f.where())
    f.set("encryption.at_rest", True, "Azure Storage always encrypts at rest", "default", f.where())
    cmk = f.get("customer_managed_key")
    f.set("encryption.key_owner", "customer" if cmk else "provider",
          "customer-managed key" if cmk else "Microsoft-managed keys", "explicit" if cmk else "default",
          f.where("customer_managed_key") if cmk else f.where())
    shared_key = f.get("shared_access_key_enabled")
    if shared_key is False:
        f.set("authentication.shared_key", False, "shared key access disabled", where=f.where("shared_access_key_enabled"))
    logging = f.get("queue_properties.logging") or f.get("blob_properties.logging")
    if logging:
        f.set("access_logging", True, "storage analytics logging configured", where=f.where("blob_properties"))
    else:
        monitored = [r for r in f.referencing("azurerm_monitor_diagnostic_setting")]
        f.set("access_logging", bool(monitored),
              "a diagnostic setting sends logs" if monitored else
              "no diagnostic setting or analytics logging: reads leave no trace", "derived", f.where())
    retention = f.get("blob_properties.delete_retention_policy")
    policies = f.referencing("azurerm_storage_management_policy")
    f.set("retention", bool(policies), "a lifecycle management policy deletes blobs" if policies else
          "no storage management policy deletes blobs: data is kept indefinitely", "derived", f.where())
    del retention
    location = f.get("location")
    f.set("region", location, "account location", where=f.where("location"))


def _nested_public(f: Facts, account: RawResource):
    for attr in ("allow_nested_items_to_be_public", "allow_blob_public_access"):
        value = as_bool(account.attributes.get(attr))
        if value is not None:
            if is_unknown(value):
                return value, f"{attr} not known before apply", "explicit", attr
            return value, f"{attr} = {str(value).lower()}", "explicit", attr
    return (Unknown("allow_nested_items_to_be_public not set: true in azurerm v3, false in v4"),
            "allow_nested_items_to_be_public not set: the default is true in azurerm v3 and false in v4",
            "unknown", None)


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
        # azurerm v3 (the version most configurations pin) allows it by default.
        f.set("public", True, f"{reason}; the account {account.address} does not forbid public containers "
              "(allowed by default in azurerm v3)", "derived", f.where("container_access_type"))
    else:
        f.set("public", True, f"{reason}; the account {account.address} allows public containers", "derived",
              f.where("container_access_type"))


def _account_of(f: Facts) -> Optional[RawResource]:
    accounts = f.all_of_type("azurerm_storage_account")
    name = f.get("storage_account_name")
    for account in accounts:
        if account.address in f.raw.refs:
            return account
        if isinstance(name, str) and account.attributes.get("name") == name:
            return account
    return None
