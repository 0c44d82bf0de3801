"""Google Cloud network and compute exposure: VPC firewall rules and GKE clusters.

Provider defaults (google provider v5/v6), as read here:

google_compute_firewall
- `direction` defaults to "INGRESS"; an "EGRESS" rule admits nothing. `disabled = true` rules
  are not enforced.
- Sources: `source_ranges`, `source_tags`, `source_service_accounts` are combined with OR. An
  ingress rule with none of them gets source range 0.0.0.0/0 (the API default).
- Each `allow` block gives a protocol ("tcp", "udp", "icmp", "all" or a number) and `ports`
  ("22", "1000-2000"); no `ports` means every port of the protocol. `deny` blocks make a deny
  rule, which admits nothing. Priorities between separate rules are not compared.
- The rule applies to instances by network and target tags / service accounts, never by
  reference, so no data store "uses" it: PDG102 has nothing to link; PDG103 reports sensitive
  ports open to the internet.

google_container_cluster (GKE)
- The control plane has a public endpoint unless
  `private_cluster_config.enable_private_endpoint = true`. Without a
  `master_authorized_networks_config` block the public endpoint accepts any address; with it,
  only its `cidr_blocks` (and Google Cloud public IPs when `gcp_public_cidrs_access_enabled`).
- `master_auth.client_certificate_config.issue_client_certificate` defaults to false and basic
  authentication (`master_auth.username`/`password`) is off unless set: both are legacy
  credentials that cannot be revoked (facet authentication.legacy).
- `database_encryption.state` defaults to "DECRYPTED": Kubernetes secrets are not
  envelope-encrypted with a Cloud KMS key (facet encryption.secrets).
"""
from __future__ import annotations

from typing import Any

from ..values import Unknown, is_unknown
from .aws_network import IngressRule
from .base import Facts, as_bool, register, register_kind
from ..network import covers_internet

register_kind("network", "google_compute_network", "google_compute_subnetwork", "google_compute_router",
              "google_compute_router_nat", "google_compute_route")
DEFAULT_SOURCE = "0.0.0.0/0"


@register("google_compute_firewall", "security_group")
def firewall(f: Facts) -> None:
    rules, why = _firewall_rules(f)
    f.set("ingress.rules", rules, why or f"{len(rules)} ingress rule(s)", "derived", f.where())
    open_rules = [r for r in rules if r.from_internet is True]
    f.set("ingress.internet", open_rules,
          "; ".join(r.describe() for r in open_rules) or "no rule admits the internet", "derived",
          open_rules[0].where if open_rules else f.where())


def _firewall_rules(f: Facts):
    direction = f.get("direction")
    if is_unknown(direction):
        return [IngressRule(direction, direction, direction, direction, f.where("direction"))], None
    if isinstance(direction, str) and direction.upper() == "EGRESS":
        return [], "direction = \"EGRESS\": admits no inbound traffic"
    disabled = as_bool(f.get("disabled"))
    if disabled is True:
        return [], "disabled = true: the rule is not enforced"
    sources, where_src = _sources(f)
    rules: list[IngressRule] = []
    for index, block in enumerate(f.blocks("allow")):
        where = where_src or f.where(f"allow.{index}")
        if is_unknown(block):
            rules += [IngressRule(block, block, block, s, where) for s in sources]
            continue
        if not isinstance(block, dict):
            continue
        protocol = block.get("protocol")
        protocol = protocol if is_unknown(protocol) else str(protocol).lower()
        for low, high in _port_ranges(block.get("ports")):
            rules += [IngressRule(low, high, protocol, s, where) for s in sources]
    if is_unknown(disabled):
        rules = [IngressRule(r.from_port, r.to_port, r.protocol,
                             disabled if r.from_internet is True else r.source, r.where) for r in rules]
    return rules, None


def _sources(f: Facts):
    ranges = f.get("source_ranges")
    if is_unknown(ranges):
        return [ranges], f.where("source_ranges")
    if ranges:
        return list(ranges), f.where("source_ranges")
    tags = f.get("source_tags")
    accounts = f.get("source_service_accounts")
    if tags or accounts:
        return [], None     # only instances with these tags / service accounts
    return [DEFAULT_SOURCE], None


def _port_ranges(ports: Any) -> list:
    if ports is None or ports == []:
        return [(0, 65535)]
    if is_unknown(ports):
        return [(ports, ports)]
    out = []
    for entry in ports:
        if is_unknown(entry):
            out.append((entry, entry))
            continue
        text = str(entry).strip()
        low, _, high = text.partition("-")
        try:
            out.append((int(low), int(high or low)))
        except ValueError:
            bad = Unknown(f"port {text!r} is not a number or range")
            out.append((bad, bad))
    return out


@register("google_container_cluster", "container_cluster")
def container_cluster(f: Facts) -> None:
    _control_plane(f)
    _legacy_auth(f)
    state = f.get("database_encryption.state")
    if is_unknown(state):
        f.set("encryption.secrets", state, "database_encryption.state not known before apply",
              where=f.where("database_encryption"))
    elif state is not None and str(state).upper() == "ENCRYPTED":
        f.set("encryption.secrets", True, "database_encryption state ENCRYPTED with a Cloud KMS key",
              where=f.where("database_encryption"))
    else:
        f.set("encryption.secrets", False, "database_encryption not ENCRYPTED (default DECRYPTED): secrets are "
              "not envelope-encrypted with a customer-managed key",
              "default" if state is None else "explicit", f.where("database_encryption") if state else f.where())


def _control_plane(f: Facts) -> None:
    private = f.get("private_cluster_config.enable_private_endpoint")
    private = private if is_unknown(private) else as_bool(private)
    where_private = f.where("private_cluster_config.enable_private_endpoint")
    if private is True:
        f.set("public", False, "enable_private_endpoint = true: the control plane has no public endpoint",
              where=where_private)
        return
    if not f.has("master_authorized_networks_config") or f.get("master_authorized_networks_config") == []:
        verdict = private if is_unknown(private) else True
        f.set("public", verdict, "no master_authorized_networks_config: the control plane's public endpoint "
              "accepts connections from any address", "default", f.where())
        return
    config = f.get("master_authorized_networks_config")
    path = "master_authorized_networks_config.0"
    if is_unknown(config) or is_unknown(private):
        f.set("public", config if is_unknown(config) else private,
              "authorized networks or private endpoint not known before apply",
              where=f.where("master_authorized_networks_config"))
        return
    unknown = None
    for index, block in enumerate(f.blocks(f"{path}.cidr_blocks")):
        cidr = block.get("cidr_block") if isinstance(block, dict) else block
        wide = covers_internet(cidr)
        if wide is True:
            f.set("public", True, f"master_authorized_networks_config admits {cidr}: the Kubernetes API is "
                  "reachable from the whole internet", where=f.where(f"{path}.cidr_blocks.{index}.cidr_block"))
            return
        if is_unknown(wide):
            unknown = wide
    gcp_cidrs = as_bool(f.get(f"{path}.gcp_public_cidrs_access_enabled"))
    if gcp_cidrs is True:
        f.set("public", True, "gcp_public_cidrs_access_enabled = true: any Google Cloud public IP (anyone's VM) "
              "can reach the Kubernetes API", where=f.where(f"{path}.gcp_public_cidrs_access_enabled"))
    elif unknown is not None or is_unknown(gcp_cidrs):
        f.set("public", unknown if unknown is not None else gcp_cidrs,
              "an authorized network is not known before apply", where=f.where(path))
    else:
        f.set("public", False, "master_authorized_networks_config limits the control plane to named networks",
              where=f.where(path))


def _legacy_auth(f: Facts) -> None:
    cert = f.get("master_auth.client_certificate_config.issue_client_certificate")
    user = f.get("master_auth.username")
    password = f.get("master_auth.password")
    if as_bool(cert) is True:
        f.set("authentication.legacy", True, "issue_client_certificate = true: a client certificate that "
              "cannot be revoked grants cluster access", where=f.where("master_auth.client_certificate_config"))
    elif (isinstance(user, str) and user) or (isinstance(password, str) and password):
        f.set("authentication.legacy", True, "master_auth sets a username/password: basic authentication",
              where=f.where("master_auth"))
    elif is_unknown(cert) or is_unknown(user) or is_unknown(password):
        value = next(v for v in (cert, user, password) if is_unknown(v))
        f.set("authentication.legacy", value, "master_auth settings not known before apply",
              where=f.where("master_auth"))
    else:
        f.set("authentication.legacy", False, "no client certificate or basic authentication (defaults)",
              "default" if cert is None else "explicit", f.where())
