"""PDG102: a security group open to the internet on the port of a data store that uses it."""
from checker.model import Evidence
from checker.network import internet_rules_to
from checker.normalize.base import DATA_STORE_KINDS
from checker.policy.engine import Result


def check(sg, graph):
    stores = graph.referenced_by(sg, *DATA_STORE_KINDS)
    if not stores:
        return None   # not in front of a data store: PDG103 covers sensitive ports in general
    unknown = None
    for store in stores:
        port_fact = store.facets.get("port")
        if port_fact is None:
            continue
        verdict, rules = internet_rules_to(sg, port_fact.value)
        if verdict is True:
            rule = rules[0]
            return Result("fail", f"{rule.describe()} reaches {store.address} (port {port_fact.value})",
                          evidence=(Evidence(f"ingress {rule.describe()}", rule.where),
                                    Evidence(f"{store.address} uses this security group and listens "
                                             f"on {port_fact.value} ({port_fact.reason})", store.location)),
                          location=rule.where)
        if verdict is None:
            unknown = Result("unknown", f"a rule whose source or ports are not known before apply may "
                             f"admit the internet to {store.address}", location=sg.location)
    return unknown or Result("pass", "no rule admits the internet to the data stores' ports")
