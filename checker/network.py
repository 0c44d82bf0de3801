"""Network reachability questions shared by policies and the exposure analysis."""
from __future__ import annotations

import ipaddress
from typing import Any

from .values import is_unknown

# Words that stand for "any address" where an address range is expected: the wildcard, and
# Azure's Internet service tag (network security group rules).
ANY_ADDRESS_WORDS = frozenset({"*", "internet"})

# Ports whose exposure to the internet is dangerous whatever is behind them.
ADMIN_PORTS = {22: "SSH", 3389: "RDP", 23: "Telnet", 5900: "VNC", 2375: "Docker API", 2376: "Docker API",
               6443: "Kubernetes API", 10250: "kubelet"}
DATA_PORTS = {3306: "MySQL", 5432: "PostgreSQL", 1433: "SQL Server", 1521: "Oracle", 27017: "MongoDB",
              6379: "Redis", 11211: "Memcached", 9200: "Elasticsearch", 9300: "Elasticsearch",
              5601: "Kibana", 9042: "Cassandra", 5984: "CouchDB", 8182: "Neptune", 5439: "Redshift",
              7000: "Cassandra", 8086: "InfluxDB", 9092: "Kafka", 2181: "ZooKeeper"}


def internet_rules_to(sg, port: Any):
    """(True|False|None, rules): does the group admit the internet on `port`?
    None when a rule's source or ports are not known."""
    fact = sg.facets.get("ingress.rules")
    if fact is None or is_unknown(fact.value):
        return None, []
    if is_unknown(port):
        return (None, []) if any(r.from_internet is True for r in fact.value) else (False, [])
    hits, unknown = [], False
    for rule in fact.value:
        internet = rule.from_internet
        covers = rule.covers(int(port))
        if internet is True and covers is True:
            hits.append(rule)
        elif (internet is True or is_unknown(internet)) and (covers is True or is_unknown(covers)):
            unknown = True
    if hits:
        return True, hits
    return (None, []) if unknown else (False, [])


def covers_internet(cidr: Any) -> Any:
    """True for a range covering every address of its family (0.0.0.0/0, ::/0, 0::/0 ...) or a
    word meaning any address; Unknown stays Unknown; anything else is False."""
    if is_unknown(cidr):
        return cidr
    if not isinstance(cidr, str):
        return False
    text = cidr.strip()
    if text.lower() in ANY_ADDRESS_WORDS:
        return True
    try:
        return ipaddress.ip_network(text, strict=False).prefixlen == 0
    except ValueError:
        return False
