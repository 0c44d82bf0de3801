"""AWS network controls: security groups with their inline and standalone rules, network ACLs
with theirs, subnets.

Every rule, wherever it is written (inline `ingress` blocks, dynamic blocks,
aws_security_group_rule, aws_vpc_security_group_ingress_rule, network ACL `ingress` blocks,
aws_network_acl_rule), becomes one normalized `IngressRule`, so exposure is computed once, in
the graph.

What the provider does when an argument is absent, and how it is read here:
- Security group rules: `protocol` / `ip_protocol` is required; "-1" (or "all") means every
  protocol and port, whatever from_port/to_port say. A rule whose protocol is not known (or not
  written) gives an IngressRule whose covers() is unknown, never a guessed "tcp".
- Sources that are other security groups (`security_groups`, `source_security_group_id`,
  `referenced_security_group_id`, `self`) and managed prefix lists (`prefix_list_ids`,
  `prefix_list_id`) are not the internet: they give no IngressRule. A CIDR is "the internet"
  when its prefix length is 0 (0.0.0.0/0, ::/0 and their spellings).
- Orphan rules (aws_security_group_rule / aws_vpc_security_group_ingress_rule /
  aws_network_acl_rule whose parent is not in the scanned files) are evaluated on their own.
- aws_security_group_rule `type` is required; rules of type "egress" are ignored.
- Network ACLs: rules are evaluated in `rule_no` / `rule_number` order, first match wins, and
  an implicit final rule denies everything. An `allow` from the internet is blocked on a port
  when a lower-numbered `deny` from the whole internet (same address family) covers that port.
  aws_network_acl_rule `egress` defaults to false (an ingress rule); protocol "-1" / "all"
  ignores the ports.
- aws_subnet `map_public_ip_on_launch` defaults to false (facet public_ip of kind network).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..model import Location
from ..network import covers_internet
from ..values import Unknown, is_unknown, refs_of
from .base import Facts, as_bool, attach, register, register_kind

# "*" and "Internet" are how Azure NSG rules write "any source" (see azure_network.py).
SG = ("aws_security_group", "aws_default_security_group")
NACL = ("aws_network_acl", "aws_default_network_acl")
attach("aws_security_group_rule", SG, ("security_group_id",))
attach("aws_vpc_security_group_ingress_rule", SG, ("security_group_id",))
attach("aws_vpc_security_group_egress_rule", SG, ("security_group_id",))
attach("aws_network_acl_rule", NACL, ("network_acl_id",))
register_kind("network", "aws_vpc", "aws_internet_gateway", "aws_route_table",
              "aws_nat_gateway", "aws_route", "aws_route_table_association")

ALL_PROTOCOLS = ("-1", "all")
TCP = ("tcp", "6")


@dataclass(frozen=True)
class IngressRule:
    from_port: Any       # int or Unknown; -1 (or an all-protocol rule) means all ports
    to_port: Any
    protocol: Any        # "tcp", "udp", "-1" ... or Unknown
    source: Any          # CIDR string or Unknown
    where: Optional[Location]
    # Network ACLs: deny rules evaluated before this allow, as (rule, order_certain) pairs.
    blocked_by: tuple = ()

    @property
    def from_internet(self) -> Any:
        return covers_internet(self.source)

    def _own_covers(self, port: int) -> Any:
        if is_unknown(self.protocol):
            return self.protocol
        if self.protocol in ALL_PROTOCOLS:
            return True
        if self.protocol not in TCP:
            return False
        if is_unknown(self.from_port) or is_unknown(self.to_port):
            return self.from_port if is_unknown(self.from_port) else self.to_port
        if self.from_port is None and self.to_port is None:
            return Unknown("the rule's ports are not set")
        try:
            low = int(self.from_port if self.from_port is not None else self.to_port)
            high = int(self.to_port if self.to_port is not None else self.from_port)
        except (TypeError, ValueError):
            return Unknown(f"ports {self.from_port}-{self.to_port} are not numbers")
        if low == -1:
            return True
        return low <= port <= high

    def covers(self, port: int) -> Any:
        """Does the rule let TCP traffic to `port` in? True / False / Unknown."""
        own = self._own_covers(port)
        if own is False or not self.blocked_by:
            return own
        result = own
        for deny, certain in self.blocked_by:
            denied = deny._own_covers(port)
            if denied is False:
                continue
            whole = deny.from_internet
            if denied is True and certain and whole is True:
                return False
            result = Unknown(f"an earlier deny rule ({deny.describe()}) may block port {port}")
        return result

    def describe(self) -> str:
        if is_unknown(self.protocol):
            ports = f"protocol (not known) ports {_show_port(self.from_port)}-{_show_port(self.to_port)}"
        elif self.protocol in ALL_PROTOCOLS:
            ports = "all ports"
        else:
            ports = f"{self.protocol} {_show_port(self.from_port)}"
            if self.to_port != self.from_port:
                ports += f"-{_show_port(self.to_port)}"
        source = "(not known before apply)" if is_unknown(self.source) else self.source
        return f"{ports} from {source}"


def _show_port(value: Any) -> str:
    return "?" if is_unknown(value) else str(value)


# -- security groups -------------------------------------------------------------------------

@register("aws_security_group", "security_group")
def security_group(f: Facts) -> None:
    _rules(f)


@register("aws_default_security_group", "security_group")
def default_security_group(f: Facts) -> None:
    _rules(f)


@register("aws_security_group_rule", "security_group")
def orphan_security_group_rule(f: Facts) -> None:
    """A standalone rule whose security group is not in the scanned files."""
    rules: list[IngressRule] = []
    rule_type = f.get("type")
    if rule_type == "ingress" or is_unknown(rule_type):
        rules = _from_block(f, f.raw.attributes, f.raw, "")
    _publish(f, rules)


@register("aws_vpc_security_group_ingress_rule", "security_group")
def orphan_vpc_ingress_rule(f: Facts) -> None:
    _publish(f, _from_vpc_rule(f, f.raw))


def _rules(f: Facts) -> None:
    rules: list[IngressRule] = []
    for index, block in enumerate(f.blocks("ingress")):
        rules += _from_block(f, block, f.raw, f"ingress.{index}")
    for raw in f.attached("aws_security_group_rule"):
        rule_type = raw.attributes.get("type")
        if rule_type == "ingress" or is_unknown(rule_type):
            rules += _from_block(f, raw.attributes, raw, "")
    for raw in f.attached("aws_vpc_security_group_ingress_rule"):
        rules += _from_vpc_rule(f, raw)
    _publish(f, rules)


def _publish(f: Facts, rules: list) -> None:
    f.set("ingress.rules", rules, f"{len(rules)} ingress rule(s) from CIDR sources", "derived", f.where())
    open_rules = [r for r in rules if r.from_internet is True]
    f.set("ingress.internet", open_rules,
          "; ".join(r.describe() for r in open_rules) or "no rule admits the internet", "derived",
          open_rules[0].where if open_rules else f.where())


def _from_vpc_rule(f: Facts, raw) -> list[IngressRule]:
    a = raw.attributes
    protocol = _protocol(a.get("ip_protocol"))
    out = []
    for attr in ("cidr_ipv4", "cidr_ipv6"):
        if attr in a and a[attr] is not None:
            from_port = a.get("from_port")
            to_port = a.get("to_port")
            out.append(IngressRule(-1 if from_port is None else from_port,
                                   -1 if to_port is None else to_port, protocol,
                                   a[attr], f.where(attr, raw)))
    return out


def _from_block(f: Facts, block: Any, raw, path: str) -> list[IngressRule]:
    if is_unknown(block):
        return [IngressRule(block, block, block, block, f.where(path, raw))]
    if not isinstance(block, dict):
        return []
    protocol = _protocol(block.get("protocol"))
    out = []
    for attr in ("cidr_blocks", "ipv6_cidr_blocks"):
        cidrs = block.get(attr)
        where = f.where(f"{path}.{attr}" if path else attr, raw)
        if is_unknown(cidrs):
            out.append(IngressRule(block.get("from_port"), block.get("to_port"), protocol, cidrs, where))
            continue
        if isinstance(cidrs, str):
            cidrs = [cidrs]
        for cidr in cidrs or []:
            out.append(IngressRule(block.get("from_port"), block.get("to_port"), protocol, cidr, where))
    return out


def _protocol(value: Any) -> Any:
    if is_unknown(value):
        return Unknown(f"protocol not known before apply ({value.reason})", value.refs)
    if value is None:
        return Unknown("protocol not set")
    text = str(value).strip().lower()
    return {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}.get(text, text)


# -- network ACLs ----------------------------------------------------------------------------

@register("aws_network_acl", "network_acl")
def network_acl(f: Facts) -> None:
    _acl_rules(f)


@register("aws_default_network_acl", "network_acl")
def default_network_acl(f: Facts) -> None:
    _acl_rules(f)


@register("aws_network_acl_rule", "network_acl")
def orphan_network_acl_rule(f: Facts) -> None:
    """A standalone ACL rule whose network ACL is not in the scanned files: judged alone (the
    ACL's other rules are unknown, so an allow is reported as written)."""
    _acl_rules(f, inline=False, extra=[f.raw])


@dataclass
class _AclEntry:
    number: Any
    action: Any
    rule: IngressRule


def _acl_rules(f: Facts, inline: bool = True, extra: Optional[list] = None) -> None:
    entries: list[_AclEntry] = []
    if inline:
        for index, block in enumerate(f.blocks("ingress")):
            entries += _acl_entries(f, block, f.raw, f"ingress.{index}", "rule_no", "action")
    for raw in (extra if extra is not None else f.attached("aws_network_acl_rule")):
        egress = as_bool(raw.attributes.get("egress"))
        if egress is True:
            continue
        entries += _acl_entries(f, raw.attributes, raw, "", "rule_number", "rule_action")
    rules = []
    for entry in entries:
        if entry.action != "allow":
            continue   # denies only matter through the allows they shadow; unknown actions below
        blockers = []
        for other in entries:
            if other is entry or other.action == "allow":
                continue
            families = {_family(other.rule.source), _family(entry.rule.source)}
            if other.rule.from_internet is False or (None not in families and len(families) == 2):
                continue   # a deny of part of the address space (or of the other family) leaves the rest open
            order = _before(other.number, entry.number)
            if order is False:
                continue
            certain = order is True and other.action == "deny"
            blockers.append((other.rule, certain))
        rules.append(IngressRule(entry.rule.from_port, entry.rule.to_port, entry.rule.protocol,
                                 entry.rule.source, entry.rule.where, tuple(blockers)))
    for entry in entries:
        if is_unknown(entry.action):
            rules.append(IngressRule(entry.rule.from_port, entry.rule.to_port, entry.rule.protocol,
                                     Unknown("rule action not known before apply"), entry.rule.where))
    _publish(f, rules)


def _family(cidr: Any) -> Any:
    if not isinstance(cidr, str):
        return None   # not known
    return 6 if ":" in cidr else 4


def _before(a: Any, b: Any) -> Any:
    try:
        if is_unknown(a) or is_unknown(b) or a is None or b is None:
            return Unknown("rule numbers not known")
        return int(a) < int(b)
    except (TypeError, ValueError):
        return Unknown("rule numbers are not numbers")


def _acl_entries(f: Facts, block: Any, raw, path: str, number_key: str, action_key: str) -> list:
    if is_unknown(block):
        return [_AclEntry(block, block, IngressRule(block, block, block, block, f.where(path, raw)))]
    if not isinstance(block, dict):
        return []
    action = block.get(action_key)
    action = action if is_unknown(action) else str(action or "").lower()
    protocol = _protocol(block.get("protocol"))
    out = []
    for attr in ("cidr_block", "ipv6_cidr_block"):
        cidr = block.get(attr)
        if cidr is None:
            continue
        where = f.where(f"{path}.{attr}" if path else attr, raw)
        from_port, to_port = block.get("from_port"), block.get("to_port")
        if not is_unknown(protocol) and protocol in ALL_PROTOCOLS:
            from_port, to_port = -1, -1
        out.append(_AclEntry(block.get(number_key), action,
                             IngressRule(from_port, to_port, protocol, cidr, where)))
    return out


# -- subnets ---------------------------------------------------------------------------------

@register("aws_subnet", "network")
def subnet(f: Facts) -> None:
    _internet_route(f)
    f.flag("public_ip", "map_public_ip_on_launch", true_when=lambda v: as_bool(v) is True,
           default=False,
           default_reason="map_public_ip_on_launch not set (default false): instances get no public IP "
                          "unless they ask for one",
           true_reason="map_public_ip_on_launch = true: every instance launched here gets a public IP",
           false_reason="map_public_ip_on_launch = {value}")


def _internet_route(f: Facts) -> None:
    """Facet `routes_to_internet`: is the subnet associated with a route table that sends
    0.0.0.0/0 (or ::/0) to an internet gateway? A subnet with no association in the files uses
    the VPC's main route table, which the files may not show: unknown."""
    associations = f.referencing("aws_route_table_association")
    if not associations:
        f.set("routes_to_internet", Unknown("no route table association in the files: the VPC's main "
                                            "route table applies"),
              "no route table association in the files (the VPC's main route table applies)")
        return
    tables = [t for a in associations for t in f.all_of_type("aws_route_table")
              if t.address in a.refs or t.address.split("[")[0] in a.refs]
    for table in tables:
        routes = list(table.attributes.get("route") or [])
        routes += [r.attributes for r in f.all_of_type("aws_route")
                   if table.address in r.refs or table.address.split("[")[0] in r.refs]
        for route in routes:
            if not isinstance(route, dict):
                continue
            destination = route.get("cidr_block", route.get("destination_cidr_block")) or \
                route.get("ipv6_cidr_block", route.get("destination_ipv6_cidr_block"))
            gateway = route.get("gateway_id")
            to_igw = (isinstance(gateway, str) and gateway.startswith("igw-")) or any(
                ref.split(".")[-2:-1] == ["aws_internet_gateway"] or ".aws_internet_gateway." in f".{ref}."
                for ref in refs_of(gateway))
            if covers_internet(destination) is True and to_igw:
                f.set("routes_to_internet", True, f"route table {table.address} sends {destination} to an "
                      "internet gateway", "derived", f.where("", table))
                return
    f.set("routes_to_internet", False, "its route tables have no route to an internet gateway", "derived",
          f.where())
