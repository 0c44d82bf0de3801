"""AWS network controls: security groups with their inline and standalone rules.

Every rule, wherever it is written (inline `ingress` blocks, dynamic blocks,
aws_security_group_rule, aws_vpc_security_group_ingress_rule), becomes one normalized
`IngressRule`, so exposure is computed once, in the graph.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..model import Location
from ..values import is_unknown
from .base import Facts, attach, register, register_kind

INTERNET = frozenset({"0.0.0.0/0", "::/0"})
SG = ("aws_security_group", "aws_default_security_group")
attach("aws_security_group_rule", SG, ("security_group_id",))
attach("aws_vpc_security_group_ingress_rule", SG, ("security_group_id",))
attach("aws_vpc_security_group_egress_rule", SG, ("security_group_id",))
register_kind("network", "aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_route_table",
              "aws_nat_gateway", "aws_route", "aws_route_table_association")


@dataclass(frozen=True)
class IngressRule:
    from_port: Any       # int or Unknown; -1/0..65535 all ports
    to_port: Any
    protocol: str
    source: Any          # CIDR string or Unknown
    where: Optional[Location]

    @property
    def from_internet(self) -> Any:
        return self.source if is_unknown(self.source) else self.source in INTERNET

    def covers(self, port: int) -> Any:
        if self.protocol in ("-1", "all"):
            return True
        if self.protocol not in ("tcp", "6"):
            return False
        if is_unknown(self.from_port) or is_unknown(self.to_port):
            return self.from_port if is_unknown(self.from_port) else self.to_port
        try:
            low, high = int(self.from_port), int(self.to_port)
        except (TypeError, ValueError):
            return False
        if low in (-1,) or (low == 0 and high in (0, 65535)):
            return True
        return low <= port <= high

    def describe(self) -> str:
        ports = ("all ports" if self.protocol in ("-1", "all") else
                 f"{self.protocol} {self.from_port}" + (f"-{self.to_port}" if self.to_port != self.from_port else ""))
        return f"{ports} from {self.source}"


@register("aws_security_group", "security_group")
def security_group(f: Facts) -> None:
    _rules(f)


@register("aws_default_security_group", "security_group")
def default_security_group(f: Facts) -> None:
    _rules(f)


def _rules(f: Facts) -> None:
    rules: list[IngressRule] = []
    for index, block in enumerate(f.blocks("ingress")):
        rules += _from_block(f, block, f.raw, f"ingress.{index}")
    for raw in f.attached("aws_security_group_rule"):
        rule_type = raw.attributes.get("type")
        if rule_type == "ingress" or is_unknown(rule_type):
            rules += _from_block(f, raw.attributes, raw, "")
    for raw in f.attached("aws_vpc_security_group_ingress_rule"):
        a = raw.attributes
        protocol = _protocol(a.get("ip_protocol"))
        for attr in ("cidr_ipv4", "cidr_ipv6"):
            if attr in a and a[attr] is not None:
                rules.append(IngressRule(a.get("from_port", -1), a.get("to_port", -1), protocol,
                                         a[attr], f.where(attr, raw)))
    f.set("ingress.rules", rules, f"{len(rules)} ingress rule(s)", "derived", f.where())
    open_rules = [r for r in rules if r.from_internet is True]
    f.set("ingress.internet", open_rules,
          "; ".join(r.describe() for r in open_rules) or "no rule admits the internet", "derived",
          open_rules[0].where if open_rules else f.where())


def _from_block(f: Facts, block: Any, raw, path: str) -> list[IngressRule]:
    if is_unknown(block):
        return [IngressRule(block, block, "tcp", block, f.where(path, raw))]
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
        for cidr in cidrs or []:
            out.append(IngressRule(block.get("from_port"), block.get("to_port"), protocol, cidr, where))
    return out


def _protocol(value: Any) -> str:
    if is_unknown(value) or value is None:
        return "tcp"
    text = str(value).lower()
    return {"6": "tcp", "17": "udp", "all": "-1"}.get(text, text)
