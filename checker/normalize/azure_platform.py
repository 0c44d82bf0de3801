"""Azure Kubernetes Service clusters and Azure Data Factory.

Provider defaults stated here (azurerm v2-v4):
- azurerm_kubernetes_cluster: `private_cluster_enabled` defaults to false, so the API server
  has a public endpoint; without authorized IP ranges (`api_server_access_profile.
  authorized_ip_ranges` from v3, `api_server_authorized_ip_ranges` in v2) that endpoint accepts
  connections from any address. The facet `public` is the same one the EKS and GKE normalizers
  set (policy PDG140). Kubernetes still authenticates the caller.
- azurerm_data_factory: `public_network_enabled` defaults to true: the factory's endpoint (used
  by the studio, integration runtimes and the management of linked services) answers the
  internet; callers still need an Entra ID token. Kind `data_pipeline`: it moves personal data
  between stores and holds the linked services' credentials, but is not itself a store.
"""
from __future__ import annotations

from ..values import Unknown, is_unknown
from .base import Facts, as_bool, register
from ..network import covers_internet


@register("azurerm_kubernetes_cluster", "container_cluster")
def kubernetes_cluster(f: Facts) -> None:
    private = f.get("private_cluster_enabled")
    private = private if is_unknown(private) else as_bool(private)
    if private is True:
        f.set("public", False, "private_cluster_enabled = true: the API server has only a private endpoint",
              where=f.where("private_cluster_enabled"))
        return
    path = "api_server_access_profile.authorized_ip_ranges"
    ranges = f.get(path)
    if ranges is None:
        path = "api_server_authorized_ip_ranges"
        ranges = f.get(path)
    opened = ("private_cluster_enabled = false" if private is False else
              "private_cluster_enabled not set (default false)")
    if is_unknown(private):
        opened = "private_cluster_enabled not known before apply"
    if is_unknown(ranges):
        f.set("public", ranges, f"{opened}; authorized IP ranges not known before apply", where=f.where(path))
        return
    if not ranges:
        verdict = private if is_unknown(private) else True
        f.set("public", verdict, f"{opened} and no authorized IP ranges: the Kubernetes API server accepts "
              "connections from any address", "default" if private is None else "explicit",
              f.where("private_cluster_enabled") if private is not None else f.where())
        return
    ranges = ranges if isinstance(ranges, list) else [ranges]
    wide = [r for r in ranges if covers_internet(r) is True]
    unknown = [r for r in ranges if is_unknown(covers_internet(r))]
    if wide:
        f.set("public", private if is_unknown(private) else True,
              f"{opened}; authorized IP ranges include {', '.join(map(str, wide))}: the Kubernetes API "
              "server is reachable from anywhere", where=f.where(path))
    elif unknown:
        f.set("public", Unknown("an authorized IP range is not known before apply"),
              f"{opened}; an authorized IP range is not known before apply", where=f.where(path))
    else:
        f.set("public", False, f"API server limited to authorized IP ranges {', '.join(map(str, ranges))}",
              where=f.where(path))


@register("azurerm_data_factory", "data_pipeline")
def data_factory(f: Facts) -> None:
    f.flag("network.public_endpoint", "public_network_enabled", true_when=lambda v: as_bool(v) is not False,
           default=True, default_reason="public_network_enabled not set (default true): the factory answers "
           "any internet address (callers still need an Entra ID token)",
           true_reason="public_network_enabled = {value}: the factory answers any internet address",
           false_reason="public_network_enabled = {value}: reachable through private endpoints only")
    location = f.get("location")
    if isinstance(location, str):
        f.set("region", location, f"location = {location}", where=f.where("location"))
