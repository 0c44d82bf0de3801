"""Azure network security groups: inline `security_rule` blocks and azurerm_network_security_rule.

Every inbound rule becomes a `network.IngressRule` (see aws_network.py), so PDG102/PDG103 and
the exposure analysis read Azure NSGs exactly as they read AWS security groups.

How the arguments are read (azurerm v2, v3 and v4 agree):
- `direction`, `access`, `protocol` and `priority` are required; a rule missing one of them
  (or whose value is not known) gives an IngressRule whose source or protocol is Unknown,
  never a guess. Only Inbound + Allow rules admit traffic.
- Sources: `source_address_prefix` (a string) or `source_address_prefixes` (a list). "*",
  "0.0.0.0/0", "Internet" and "Any" (any case) are the internet; they are normalized to "*" or
  "Internet". Application security groups as sources are not the internet.
- Ports: `destination_port_range` (string) or `destination_port_ranges` (list; a lone string is
  accepted): "*" is every port, "22" one port, "1000-2000" a range.
- Protocols: "Tcp" -> "tcp"; "*" (any protocol) -> "-1" when the ports are "*" too, else "tcp"
  on the given ports (only TCP ports matter to the policies); "Udp"/"Icmp"/"Esp"/"Ah" lower-cased.
- Priority: lower numbers are evaluated first and the first match wins. An Allow is shadowed on
  a port when a Deny rule with a lower priority from the whole internet covers that port.
  Azure's default rules (65000+) allow only VNet and load-balancer traffic inbound and deny the
  rest, so an NSG with no rule admits nothing from the internet.
- A standalone azurerm_network_security_rule is folded into the NSG named by
  `network_security_group_name`; when that NSG is not in the scanned files it is judged alone.
"""
from __future__ import annotations

from typing import Any

from ..values import Unknown, is_unknown
from .aws_network import IngressRule
from .base import Facts, attach, register

NSG = ("azurerm_network_security_group",)
attach("azurerm_network_security_rule", NSG, ("network_security_group_name",))

INTERNET_ALIASES = {"*": "*", "0.0.0.0/0": "0.0.0.0/0", "internet": "Internet", "any": "*",
                    "::/0": "::/0"}


@register("azurerm_network_security_group", "security_group")
def network_security_group(f: Facts) -> None:
    entries = []
    for index, block in enumerate(f.blocks("security_rule")):
        entries += _entries(f, block, f.raw, f"security_rule.{index}")
    for raw in f.attached("azurerm_network_security_rule"):
        entries += _entries(f, raw.attributes, raw, "")
    _publish(f, entries)


@register("azurerm_network_security_rule", "security_group")
def orphan_security_rule(f: Facts) -> None:
    """A rule whose NSG is not in the scanned files: judged on its own."""
    _publish(f, _entries(f, f.raw.attributes, f.raw, ""))


# ------------------------------------------------------------------ rules
class _Entry:
    __slots__ = ("priority", "allow", "rule")

    def __init__(self, priority: Any, allow: Any, rule: IngressRule):
        self.priority, self.allow, self.rule = priority, allow, rule


def _publish(f: Facts, entries: list) -> None:
    rules = []
    for entry in entries:
        if entry.allow is False:
            continue
        blockers = []
        for other in entries:
            if other is entry or other.allow is not False or other.rule.from_internet is not True:
                continue
            order = _before(other.priority, entry.priority)
            if order is False:
                continue
            blockers.append((other.rule, order is True))
        rule = entry.rule
        if blockers:
            rule = IngressRule(rule.from_port, rule.to_port, rule.protocol, rule.source, rule.where,
                               tuple(blockers))
        rules.append(rule)
    f.set("ingress.rules", rules, f"{len(rules)} inbound allow rule(s)", "derived", f.where())
    open_rules = [r for r in rules if r.from_internet is True]
    f.set("ingress.internet", open_rules,
          "; ".join(r.describe() for r in open_rules) or "no rule admits the internet", "derived",
          open_rules[0].where if open_rules else f.where())


def _before(a: Any, b: Any) -> Any:
    if is_unknown(a) or is_unknown(b) or a is None or b is None:
        return Unknown("rule priorities not known")
    try:
        return int(a) < int(b)
    except (TypeError, ValueError):
        return Unknown("rule priorities are not numbers")


def _entries(f: Facts, block: Any, raw, path: str) -> list:
    def at(attr: str) -> str:
        return f"{path}.{attr}" if path else attr

    if is_unknown(block):
        return [_Entry(block, block, IngressRule(block, block, block, block, f.where(path, raw)))]
    if not isinstance(block, dict):
        return []
    direction = block.get("direction")
    access = block.get("access")
    if isinstance(direction, str) and direction.lower() != "inbound":
        return []
    allow: Any
    if is_unknown(access):
        allow = access
    elif access is None:
        allow = Unknown("access not set (required)")
    else:
        allow = str(access).lower() == "allow"
    # An unknown or missing direction/access makes the rule's effect unknown: carried on the source.
    doubt = None
    if direction is None:
        doubt = Unknown("direction not set (required)")
    elif is_unknown(direction):
        doubt = direction
    elif is_unknown(allow):
        doubt = allow
    protocol = _protocol(block.get("protocol"))
    sources = _sources(f, block, raw, at)
    ports = _ports(block)
    out = []
    for source, where in sources:
        if doubt is not None and allow is not False and not is_unknown(source) and source in ("*", "Internet", "0.0.0.0/0", "::/0"):
            source = Unknown(f"rule from {source}: {doubt.reason}")
        for low, high in ports:
            # "*" is every protocol on the given ports; an IngressRule "-1" would mean every port.
            proto = protocol
            if protocol == "-1" and not (low == 0 and high == 65535):
                proto = "tcp"
            out.append(_Entry(block.get("priority"), allow if not is_unknown(allow) else None,
                              IngressRule(low, high, proto, source, where)))
    # An unknown access is treated as a possible allow (its source already carries the doubt).
    for entry in out:
        if entry.allow is None:
            entry.allow = True
    return out


def _sources(f: Facts, block: dict, raw, at) -> list:
    out = []
    single = block.get("source_address_prefix")
    many = block.get("source_address_prefixes")
    if single is not None:
        out.append((_source(single), f.where(at("source_address_prefix"), raw)))
    if is_unknown(many):
        out.append((many, f.where(at("source_address_prefixes"), raw)))
    elif isinstance(many, (list, tuple)):
        for item in many:
            out.append((_source(item), f.where(at("source_address_prefixes"), raw)))
    elif isinstance(many, str):
        out.append((_source(many), f.where(at("source_address_prefixes"), raw)))
    return out


def _source(value: Any) -> Any:
    if is_unknown(value) or not isinstance(value, str):
        return value
    text = value.strip()
    return INTERNET_ALIASES.get(text.lower(), text)


def _ports(block: dict) -> list:
    single = block.get("destination_port_range")
    many = block.get("destination_port_ranges")
    values = []
    if single is not None:
        values.append(single)
    if is_unknown(many):
        values.append(many)
    elif isinstance(many, (list, tuple)):
        values += list(many)
    elif many is not None:
        values.append(many)
    if not values:
        missing = Unknown("destination port range not set (required)")
        return [(missing, missing)]
    return [_port_range(v) for v in values]


def _port_range(value: Any) -> tuple:
    if is_unknown(value):
        return value, value
    text = str(value).strip()
    if text in ("*", "any", "Any"):
        return 0, 65535
    low, sep, high = text.partition("-")
    try:
        return (int(low), int(high)) if sep else (int(low), int(low))
    except ValueError:
        bad = Unknown(f"destination port range {text!r} is not understood")
        return bad, bad


def _protocol(value: Any) -> Any:
    if is_unknown(value):
        return Unknown(f"protocol not known before apply ({value.reason})", value.refs)
    if value is None:
        return Unknown("protocol not set (required)")
    text = str(value).strip().lower()
    return "-1" if text in ("*", "any", "all") else text
