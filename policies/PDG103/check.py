"""PDG103: a security group open to the internet on administration or data-service ports."""
from checker.model import Evidence
from checker.network import ADMIN_PORTS, DATA_PORTS
from checker.policy.engine import Result
from checker.values import is_unknown

SENSITIVE = {**ADMIN_PORTS, **DATA_PORTS}


def check(sg, graph):
    fact = sg.facets.get("ingress.rules")
    if fact is None:
        return None
    hits, unknown = [], []
    for rule in fact.value:
        internet = rule.from_internet
        if internet is False:
            continue
        named = [f"{SENSITIVE[p]} ({p})" for p in SENSITIVE if rule.covers(p) is True]
        maybe = any(is_unknown(rule.covers(p)) for p in SENSITIVE)
        if internet is True and named:
            hits.append((rule, named))
        elif named or maybe:
            unknown.append(rule)
    if hits:
        rule, named = hits[0]
        shown = ", ".join(named[:4]) + (", ..." if len(named) > 4 else "")
        return Result("fail", f"{rule.describe()} exposes {shown}",
                      evidence=tuple(Evidence(f"ingress {r.describe()}", r.where) for r, _ in hits),
                      location=rule.where)
    if unknown:
        return Result("unknown", "a rule's source, protocol or ports are not known before apply",
                      evidence=(Evidence(f"ingress {unknown[0].describe()}", unknown[0].where),),
                      location=unknown[0].where)
    return Result("pass", "no sensitive port is open to the internet")
