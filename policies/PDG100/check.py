"""PDG100: a personal-data store reachable from the internet without authentication, or public
and unencrypted. Reads the exposure computed once for the whole graph (checker/exposure.py)."""
from checker.model import Evidence
from checker.policy.engine import Result
from checker.values import is_unknown


def check(store, graph):
    exposure = graph.exposures.get(store.address)
    if exposure is None:
        return None
    related = _related_gaps(store)
    if exposure.reachable is True and exposure.authenticated is False:
        return _fail(f"reachable from the internet without authentication: {exposure.summary}",
                     exposure, related)
    public = store.facets.get("public")
    unencrypted = [name for name in ("encryption.at_rest", "encryption.in_transit")
                   if store.facets.get(name) is not None and store.facets[name].value is False]
    if exposure.reachable is True and public is not None and public.value is True and unencrypted:
        what = " and ".join("at rest" if n.endswith("at_rest") else "in transit" for n in unencrypted)
        return _fail(f"public and not encrypted {what}: {exposure.summary}", exposure, related)
    if is_unknown(exposure.reachable) or (exposure.reachable is True and is_unknown(exposure.authenticated)):
        return Result("unknown", f"may be reachable from the internet without authentication: {exposure.summary}",
                      evidence=related, path=exposure.path)
    return Result("pass", exposure.summary)


def _fail(message, exposure, related):
    evidence = related
    if exposure.break_at is not None:
        evidence = (Evidence(f"cheapest place to break the path: {exposure.break_at.message}",
                             exposure.break_at.location),) + related
    location = exposure.break_at.location if exposure.break_at is not None else None
    return Result("fail", message, evidence=evidence, path=exposure.path, location=location)


def _related_gaps(store):
    """The single-resource gaps this combination is made of, as evidence."""
    out = []
    for name, label in (("public", "public"), ("authentication", "authentication"),
                        ("encryption.at_rest", "encryption at rest"),
                        ("encryption.in_transit", "encryption in transit")):
        fact = store.facets.get(name)
        if fact is None or is_unknown(fact.value):
            continue
        bad = fact.value is True if name == "public" else fact.value is False
        if bad:
            out.append(Evidence(f"{label}: {fact.reason}", fact.where))
    personal = store.facets.get("personal_data")
    if personal is not None:
        out.append(Evidence(f"personal data: {personal.reason}", personal.where))
    return tuple(out)
