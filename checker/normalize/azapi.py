"""AzAPI (`azapi_resource`): the Azure resource type is an argument (`type =
"Microsoft.Storage/storageAccounts@2023-05-01"`) and the settings are the ARM properties in
`body`. Azure Verified Modules are written this way. Each supported type is translated into the
arguments of the equivalent azurerm resource, so the Azure normalizers (and every policy)
apply unchanged; the report still names `azapi_resource` and the ARM type.

ARM defaults differ from azurerm's and are stated where used: allowBlobPublicAccess is false for
accounts created with API version 2023-01-01 or later; supportsHttpsTrafficOnly defaults to
true; minimumTlsVersion to TLS1_0 before API 2023-11-01; publicNetworkAccess to enabled.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Optional

from ..model import RawResource
from ..values import is_unknown
from .base import translator

STORAGE_ACCOUNT = "microsoft.storage/storageaccounts"
BLOB_CONTAINER = "microsoft.storage/storageaccounts/blobservices/containers"


@translator("azapi_resource")
def azapi_resource(raw: RawResource) -> Optional[RawResource]:
    arm_type, _, api_version = str(raw.attributes.get("type") or "").partition("@")
    if is_unknown(raw.attributes.get("type")):
        return None
    properties = _properties(raw.attributes.get("body"))
    kind = arm_type.lower()
    if kind == STORAGE_ACCOUNT:
        attributes = _storage_account(raw.attributes, properties, api_version)
        return _as(raw, "azurerm_storage_account", arm_type, attributes, {
            "allow_nested_items_to_be_public": "body", "shared_access_key_enabled": "body",
            "min_tls_version": "body", "https_traffic_only_enabled": "body",
            "public_network_access_enabled": "body", "network_rules": "body"})
    if kind == BLOB_CONTAINER:
        access = properties.get("publicAccess") if isinstance(properties, dict) else None
        attributes = {"name": raw.attributes.get("name"),
                      "container_access_type": _container_access(access),
                      "storage_account_id": raw.attributes.get("parent_id")}
        return _as(raw, "azurerm_storage_container", arm_type, attributes, {"container_access_type": "body"})
    return None


def _as(raw: RawResource, azurerm_type: str, arm_type: str, attributes: dict, lines: dict) -> RawResource:
    attr_lines = dict(raw.attr_lines)
    for name, source in lines.items():
        attr_lines.setdefault(name, raw.line_of(source))
    return replace(raw, type=azurerm_type, attributes={k: v for k, v in attributes.items() if v is not None},
                   attr_lines=attr_lines, source_type=f"azapi_resource ({arm_type})")


def _properties(body: Any) -> Any:
    if is_unknown(body):
        return body
    if isinstance(body, dict):
        return body.get("properties", {})
    return {}


def _storage_account(attributes: dict, p: Any, api_version: str) -> dict:
    out: dict = {"name": attributes.get("name"), "location": attributes.get("location"),
                 "tags": attributes.get("tags")}
    if is_unknown(p):
        for key in ("allow_nested_items_to_be_public", "https_traffic_only_enabled", "min_tls_version"):
            out[key] = p
        return out
    out["allow_nested_items_to_be_public"] = p.get(
        "allowBlobPublicAccess", False if api_version >= "2023-01-01" else None)
    out["shared_access_key_enabled"] = p.get("allowSharedKeyAccess")
    out["min_tls_version"] = p.get("minimumTlsVersion")
    out["https_traffic_only_enabled"] = p.get("supportsHttpsTrafficOnly")
    access = p.get("publicNetworkAccess")
    if isinstance(access, str):
        out["public_network_access_enabled"] = access.lower() != "disabled"
    elif is_unknown(access):
        out["public_network_access_enabled"] = access
    acls = p.get("networkAcls")
    if isinstance(acls, dict) and acls.get("defaultAction") is not None:
        action = acls["defaultAction"]
        out["network_rules"] = [{"default_action": action.capitalize() if isinstance(action, str) else action,
                                 "ip_rules": [r.get("value") for r in acls.get("ipRules") or [] if isinstance(r, dict)]}]
    encryption = p.get("encryption")
    if isinstance(encryption, dict) and str(encryption.get("keySource", "")).lower() == "microsoft.keyvault":
        out["customer_managed_key"] = [{"key_vault_key_id": (encryption.get("keyvaultproperties") or {}).get("keyname")}]
    return out


def _container_access(value: Any) -> Any:
    if is_unknown(value) or value is None:
        return value
    return {"none": "private", "blob": "blob", "container": "container"}.get(str(value).lower(), str(value).lower())
