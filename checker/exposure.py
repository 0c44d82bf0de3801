"""Exposure analysis: can the internet reach a data store, by which path, and does anything on
that path ask who is calling?

Three kinds of path are followed on the graph:
- a public grant on the store itself (bucket policy `"*"`, `allUsers`, a public ACL): anonymous;
- a network path to a store with a public endpoint: a security group / firewall rule admitting
  0.0.0.0/0 or ::/0 on the store's port; the store's own authentication stands on the path;
- a front door: an API method or function URL reachable from the internet, its integration, the
  function behind it, and the store that function is configured with.

Each path is a list of hops (Evidence with file:line), internet first, plus the hop where it is
cheapest to break. Results land on the graph (`graph.exposures`) and as the facet
`exposure.internet` of every data store, for policies and for severity in context.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from .graph import Graph
from .model import Evidence, Fact, Resource
from .network import internet_rules_to
from .normalize.base import DATA_STORE_KINDS
from .values import Unknown, is_unknown, refs_of

INTERNET = Evidence("the internet (0.0.0.0/0, ::/0, anyone)")
# Stores reached over the network (a VPC endpoint with a port) rather than through a cloud API.
NETWORK_KINDS = frozenset({"sql_database", "cache", "search_cluster", "data_warehouse", "file_storage"})


@dataclass(frozen=True)
class Exposure:
    reachable: Any            # True / False / Unknown
    authenticated: Any        # True / False / Unknown: does something on the path ask who calls?
    path: tuple = ()          # Evidence hops, internet first, the store last
    break_at: Optional[Evidence] = None
    summary: str = ""
    nodes: tuple = ()         # addresses along the path: "internet", ..., the store

    @property
    def rank(self) -> int:
        """Worst first: reachable and anonymous (0) ... not reachable (4)."""
        if self.reachable is True:
            return 0 if self.authenticated is False else (1 if is_unknown(self.authenticated) else 2)
        return 3 if is_unknown(self.reachable) else 4


NOT_EXPOSED = Exposure(False, True, summary="no path from the internet was found")


def analyse(graph: Graph) -> dict[str, Exposure]:
    """Exposure of every data store, recorded on the graph and as the `exposure.internet` facet."""
    fronts = _front_door_paths(graph)
    result: dict[str, Exposure] = {}
    for store in graph.of_kind(*sorted(DATA_STORE_KINDS)):
        candidates = [_direct(store, graph)] + fronts.get(store.address, [])
        best = min((c for c in candidates if c is not None), key=lambda e: e.rank, default=NOT_EXPOSED)
        result[store.address] = best
        where = best.path[1].location if len(best.path) > 1 else store.location
        if is_unknown(best.reachable):
            store.facets["exposure.internet"] = Fact(best.reachable, best.summary, "unknown", where)
        else:
            store.facets["exposure.internet"] = Fact(best.reachable, best.summary, "derived", where)
    graph.exposures = result
    return result


def _direct(store: Resource, graph: Graph) -> Optional[Exposure]:
    public = store.facets.get("public")
    if public is None:
        return None
    hop = Evidence(f"{store.address}: {public.reason}", public.where or store.location)
    if store.kind not in NETWORK_KINDS:
        # Reached through the cloud's API: a public grant is anonymous access.
        nodes = ("internet", store.address)
        if public.value is True:
            return Exposure(True, False, (INTERNET, hop), hop,
                            f"publicly readable without credentials ({public.reason})", nodes)
        if public.unknown:
            return Exposure(public.value, False, (INTERNET, hop), hop, f"may be public: {public.reason}", nodes)
        return None
    if public.value is False:
        return None
    auth = _authentication(store)
    routing = _subnet_routing(store, graph)
    if routing is not None and routing[0] is False:
        return Exposure(False, auth, (), None, f"public endpoint, but {routing[1]}")
    if routing is not None and routing[0] is True:
        hop = Evidence(f"{store.address}: {public.reason}; {routing[1]}", public.where or store.location)
    port = store.facets.get("port")
    groups = graph.references(store, "security_group")
    if not groups and store.provider != "aws":
        # Azure and Google stores carry their own firewall (server firewall rules, authorized
        # networks): their `public` facet already says the internet is admitted.
        if public.value is True:
            return Exposure(True, auth, (INTERNET, hop), hop,
                            f"reachable from the internet: {public.reason}", ("internet", store.address))
        return Exposure(public.value, auth, (INTERNET, hop), hop, f"may be reachable: {public.reason}",
                        ("internet", store.address))
    if not groups:
        reason = f"public endpoint ({public.reason}); no security group in the files decides who reaches it"
        return Exposure(Unknown(reason), auth, (INTERNET, hop), hop, reason, ("internet", store.address))
    unknown_rule = None
    for sg in groups:
        verdict, rules = internet_rules_to(sg, port.value if port else Unknown("port not known"))
        if verdict is True:
            rule = rules[0]
            rule_hop = Evidence(f"{sg.address} admits {rule.describe()}", rule.where)
            if public.value is True:
                return Exposure(True, auth, (INTERNET, rule_hop, hop), rule_hop,
                                f"reachable from the internet: {rule.describe()} on {sg.address}, "
                                f"public endpoint ({public.reason})", ("internet", sg.address, store.address))
            unknown_rule = unknown_rule or (rule_hop, "whether the endpoint is public is not known", sg)
        elif verdict is None:
            unknown_rule = unknown_rule or (Evidence(f"{sg.address} has rules not known before apply",
                                                    sg.location), "a security rule is not known before apply", sg)
    if unknown_rule:
        rule_hop, why, sg = unknown_rule
        return Exposure(Unknown(why), auth, (INTERNET, rule_hop, hop), rule_hop, why,
                        ("internet", sg.address, store.address))
    return Exposure(False, auth, (), None, f"public endpoint, but no security group admits the internet "
                                           f"on its port ({public.reason})")


def _subnet_routing(store: Resource, graph: Graph):
    """(True|False|None, why) from the store's subnets (through its subnet group): a public
    endpoint is reachable only from a subnet with a route to an internet gateway."""
    subnets = []
    for group in graph.references(store):
        if group.type in ("aws_db_subnet_group", "aws_elasticache_subnet_group", "aws_redshift_subnet_group",
                          "aws_neptune_subnet_group", "aws_docdb_subnet_group"):
            subnets += graph.references(group, "network")
    subnets = [s for s in subnets if s.type == "aws_subnet"]
    facts = [(s, s.facets.get("routes_to_internet")) for s in subnets]
    facts = [(s, f) for s, f in facts if f is not None]
    if not facts:
        return None
    public = [s for s, f in facts if f.value is True]
    if public:
        return True, f"its subnet {public[0].address} routes to an internet gateway"
    if all(f.value is False for _, f in facts):
        return False, "its subnets have no route to an internet gateway"
    return None


def _authentication(store: Resource) -> Any:
    fact = store.facets.get("authentication")
    if fact is None:
        return Unknown("the store's authentication is not known")
    return fact.value


# ------------------------------------------------------------------ front doors
def _front_door_paths(graph: Graph) -> dict[str, list[Exposure]]:
    """Store address -> exposures through API methods / routes / function URLs and internet-facing
    load balancers in front of it."""
    out: dict[str, list[Exposure]] = {}
    _load_balancer_paths(graph, out)
    integrations = graph.of_kind("integration")
    for endpoint in graph.of_kind("api_endpoint"):
        public = endpoint.facets.get("public")
        if public is not None and public.value is False:
            continue
        auth_fact = endpoint.facets.get("authentication")
        auth = auth_fact.value if auth_fact else Unknown("endpoint authentication not known")
        entry = Evidence(f"{endpoint.address}: {auth_fact.reason if auth_fact else 'API endpoint'}",
                         auth_fact.where if auth_fact and auth_fact.where else endpoint.location)
        for function, hops, via in _functions_behind(endpoint, integrations, graph):
            for store in graph.references(function, *sorted(DATA_STORE_KINDS)):
                path = (INTERNET, entry, *hops,
                        Evidence(f"{function.address} is configured with {store.address}", function.location),
                        Evidence(store.address, store.location))
                out.setdefault(store.address, []).append(Exposure(
                    True, auth, path, entry if auth is False else None,
                    f"through {endpoint.address} ({entry.message.split(': ', 1)[-1]}) and "
                    f"{function.address}",
                    ("internet", endpoint.address, *via, function.address, store.address)))
    return out


def _load_balancer_paths(graph: Graph, out: dict) -> None:
    """internet-facing load balancer -> listener -> target group -> attached function or instance
    -> the stores it is configured with. A listener that does not authenticate (an
    authenticate-cognito / authenticate-oidc action) leaves authentication to the application,
    which the configuration cannot show: UNKNOWN, never a guessed pass or fail."""
    for lb in graph.of_kind("load_balancer"):
        public = lb.facets.get("public")
        if public is None or public.value is not True:
            continue
        for listener in graph.referenced_by(lb, "load_balancer_listener"):
            actions = [a for a in listener.attributes.get("default_action") or [] if isinstance(a, dict)]
            authenticated = any(str(a.get("type", "")).startswith("authenticate-") for a in actions)
            auth = True if authenticated else Unknown(
                "the load balancer does not authenticate; whether the application does is not visible")
            entry = Evidence(f"{lb.address} is internet-facing; listener {listener.address} "
                             f"{'authenticates callers' if authenticated else 'does not authenticate'}",
                             listener.location)
            for group in graph.references(listener):
                if group.type not in ("aws_lb_target_group", "aws_alb_target_group"):
                    continue
                for attachment in graph.referenced_by(group):
                    for target in graph.references(attachment, "function", "compute_instance"):
                        for store in graph.references(target, *sorted(DATA_STORE_KINDS)):
                            path = (INTERNET, entry,
                                    Evidence(f"{group.address} forwards to {target.address}", attachment.location),
                                    Evidence(f"{target.address} is configured with {store.address}", target.location),
                                    Evidence(store.address, store.location))
                            out.setdefault(store.address, []).append(Exposure(
                                True, auth, path, entry if not authenticated else None,
                                f"through internet-facing {lb.address} and {target.address}",
                                ("internet", lb.address, listener.address, target.address, store.address)))


def _functions_behind(endpoint: Resource, integrations: list[Resource], graph: Graph):
    """(function, hops, addresses in between) for every function an endpoint invokes."""
    if endpoint.type == "aws_lambda_function_url":
        for function in graph.neighbours(endpoint, "function"):
            yield function, (), ()
        return
    for integration in integrations:
        if not _same_route(endpoint, integration):
            continue
        hop = Evidence(f"{integration.address} forwards to its backend", integration.location)
        for function in graph.references(integration, "function"):
            yield function, (hop,), (integration.address,)


def _same_route(endpoint: Resource, integration: Resource) -> bool:
    """An integration serves a method when they share API, resource and HTTP method (or the
    integration names the method / route directly)."""
    if endpoint.address in integration.raw.refs:
        method = endpoint.attributes.get("http_method")
        other = integration.attributes.get("http_method")
        return not (isinstance(method, str) and isinstance(other, str) and method != other)
    for key in ("rest_api_id", "resource_id", "http_method"):
        a, b = endpoint.attributes.get(key), integration.attributes.get(key)
        if a is None or b is None:
            return False
        if is_unknown(a) or is_unknown(b):
            if not (refs_of(a) & refs_of(b)):
                return False
        elif a != b:
            return False
    return True
