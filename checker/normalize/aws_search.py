"""Amazon OpenSearch Service / Elasticsearch Service domains, with their domain policies folded in.

Provider defaults stated here (AWS provider v5, OpenSearch API defaults):
- No `vpc_options`: the domain has a public endpoint on the internet; who may use it is then
  decided by the access policy (`access_policies` or aws_*_domain_policy). No access policy:
  only IAM identities allowed by their own policies can call it.
- `advanced_security_options.enabled` unset: false (no fine-grained access control, no internal
  users): a policy statement allowing Principal "*" lets anonymous requests in.
- `encrypt_at_rest.enabled` unset: false.
- `domain_endpoint_options` absent: EnforceHTTPS false (plain HTTP accepted); inside the block
  `enforce_https` defaults to true. `node_to_node_encryption.enabled` unset: false, which only
  matters when the domain has more than one node. A `tls_security_policy` of
  Policy-Min-TLS-1-0-2019-07 accepts TLS 1.0/1.1.
- No `log_publishing_options` of type AUDIT_LOGS: requests are not audited (`enabled` defaults
  to true inside a block).
- The endpoint listens on 443 (HTTPS) and 80 (HTTP unless HTTPS is enforced).
"""
from __future__ import annotations

from ..values import is_unknown
from . import aws_iam
from .base import Facts, as_bool, attach, register

DOMAINS = ("aws_elasticsearch_domain", "aws_opensearch_domain")
attach("aws_elasticsearch_domain_policy", DOMAINS, ("domain_name",))
attach("aws_opensearch_domain_policy", DOMAINS, ("domain_name",))

# Condition keys that only narrow the network a request comes from, not who sends it.
NETWORK_KEYS = frozenset({"aws:sourceip", "aws:vpcsourceip", "aws:sourcevpc", "aws:sourcevpce"})


@register("aws_elasticsearch_domain", "search_cluster")
@register("aws_opensearch_domain", "search_cluster")
def domain(f: Facts) -> None:
    f.set("port", 443, "OpenSearch domains serve HTTPS on 443", "default", f.where())
    doc, where = _policy(f)
    _public_and_auth(f, doc, where)
    _at_rest(f)
    _in_transit(f)
    _logging(f)


def _policy(f: Facts):
    doc, where = None, None
    value = f.get("access_policies")
    if value is not None:
        doc, where = aws_iam.decode_policy(value), f.where("access_policies")
    for raw in f.attached("aws_elasticsearch_domain_policy", "aws_opensearch_domain_policy"):
        value = f.get("access_policies", None, raw)
        if value is not None:
            doc, where = aws_iam.decode_policy(value), f.where("access_policies", raw)
    return doc, where


def _in_vpc(f: Facts):
    vpc = f.get("vpc_options")
    if is_unknown(vpc):
        return vpc
    if not vpc:
        return False
    subnets = f.get("vpc_options.subnet_ids")
    if is_unknown(subnets):
        return True
    return bool(subnets)


def _public_and_auth(f: Facts, doc, where) -> None:
    in_vpc = _in_vpc(f)
    grant = aws_iam.public_grant(doc)
    if in_vpc is True:
        f.set("public", False, "vpc_options: the endpoint is only reachable inside the VPC", where=f.where("vpc_options"))
    elif is_unknown(in_vpc):
        f.set("public", in_vpc, "vpc_options not known before apply", where=f.where("vpc_options"))
    elif grant.public is True:
        f.set("public", True, f"no vpc_options (public endpoint) and the access policy {grant.reason}",
              "derived", where)
    elif is_unknown(grant.public):
        f.set("public", grant.public, f"public endpoint; {grant.reason}", where=where)
    else:
        f.set("public", False, "public endpoint, but " + (f"the access policy: {grant.reason}" if doc is not None
              else "no access policy: only IAM identities allowed by their own policies can call it"),
              "derived", where or f.where())

    fgac = as_bool(f.get("advanced_security_options.enabled"))
    if fgac is True:
        f.set("authentication", True, "fine-grained access control (advanced_security_options) enabled",
              where=f.where("advanced_security_options"))
        return
    anonymous = anonymous_grant(doc)
    if anonymous is True:
        f.set("authentication", False, "no fine-grained access control (advanced_security_options) and the "
              "access policy allows Principal \"*\" without identifying the caller: anonymous requests "
              "are served", "derived", where)
    elif is_unknown(anonymous):
        f.set("authentication", anonymous, "access policy not known before apply", where=where)
    else:
        f.set("authentication", True, "every request must be signed by an IAM principal the access policy "
              "or identity policies allow", "derived", where or f.where())


def anonymous_grant(doc):
    """True when an Allow statement lets Principal "*" in with at most network conditions."""
    if doc is None:
        return False
    if is_unknown(doc):
        return doc
    unknown = None
    for stmt in aws_iam.statements(doc):
        if is_unknown(stmt):
            unknown = unknown or stmt
            continue
        if not isinstance(stmt, dict) or stmt.get("Effect", "Allow") != "Allow":
            continue
        principal = aws_iam._public_principal(stmt)
        if principal is False:
            continue
        if is_unknown(principal):
            unknown = unknown or principal
            continue
        condition = stmt.get("Condition")
        if is_unknown(condition):
            unknown = unknown or condition
            continue
        identity = {op: {k: v for k, v in clauses.items() if k.lower() not in NETWORK_KEYS}
                    for op, clauses in (condition or {}).items() if isinstance(clauses, dict)}
        restricts = aws_iam.condition_restricts({op: c for op, c in identity.items() if c})
        if restricts is True:
            continue
        if is_unknown(restricts):
            unknown = unknown or restricts
            continue
        return True
    return unknown if unknown is not None else False


def _at_rest(f: Facts) -> None:
    f.flag("encryption.at_rest", "encrypt_at_rest.enabled", true_when=lambda v: as_bool(v) is True,
           default=False, default_reason="encrypt_at_rest not enabled (default false): indices and "
           "snapshots are stored unencrypted", true_reason="encrypt_at_rest.enabled = true",
           false_reason="encrypt_at_rest.enabled = {value}")
    at_rest = f.facets.get("encryption.at_rest")
    if at_rest is not None and at_rest.value is True:
        key = f.get("encrypt_at_rest.kms_key_id")
        if key is not None:
            f.set("encryption.key_owner", "customer", "encrypt_at_rest.kms_key_id set",
                  where=f.where("encrypt_at_rest.kms_key_id"))
        else:
            f.set("encryption.key_owner", "provider", "encrypted with the AWS-managed aws/es key",
                  "default", f.where("encrypt_at_rest"))


def _node_count(f: Facts):
    count = f.get("cluster_config.instance_count")
    if is_unknown(count):
        return count
    try:
        n = int(count) if count is not None else 1
    except (TypeError, ValueError):
        n = 1
    if as_bool(f.get("cluster_config.dedicated_master_enabled")) is True:
        n += 1
    return n


def _in_transit(f: Facts) -> None:
    options = f.get("domain_endpoint_options")
    if is_unknown(options):
        f.set("encryption.in_transit", options, "domain_endpoint_options not known before apply",
              where=f.where("domain_endpoint_options"))
        return
    if not options:
        f.set("encryption.in_transit", False, "no domain_endpoint_options: HTTPS is not enforced (API "
              "default EnforceHTTPS = false), the endpoint also serves plain HTTP", "default", f.where())
        return
    https = as_bool(f.get("domain_endpoint_options.enforce_https", True))
    where = f.where("domain_endpoint_options.enforce_https") if f.has("domain_endpoint_options.enforce_https") \
        else f.where("domain_endpoint_options")
    if is_unknown(https):
        f.set("encryption.in_transit", https, "enforce_https not known before apply", where=where)
        return
    if https is not True:
        f.set("encryption.in_transit", False, "domain_endpoint_options.enforce_https = false: plain HTTP "
              "accepted", where=where)
        return
    policy = f.get("domain_endpoint_options.tls_security_policy")
    if isinstance(policy, str) and "TLS-1-0" in policy:
        f.set("encryption.in_transit", False, f'tls_security_policy "{policy}" accepts TLS 1.0 and 1.1',
              where=f.where("domain_endpoint_options.tls_security_policy"))
        return
    n2n = f.get("node_to_node_encryption.enabled")
    n2n = as_bool(n2n) if not is_unknown(n2n) else n2n
    if is_unknown(n2n):
        f.set("encryption.in_transit", n2n, "node_to_node_encryption not known before apply",
              where=f.where("node_to_node_encryption"))
        return
    if n2n is not True:
        nodes = _node_count(f)
        explicit = f.has("node_to_node_encryption.enabled")
        n2n_where = f.where("node_to_node_encryption.enabled") if explicit else f.where()
        if explicit or is_unknown(nodes) or nodes > 1:
            if is_unknown(nodes) and not explicit:
                f.set("encryption.in_transit", nodes, "node_to_node_encryption not enabled and the node "
                      "count is not known before apply", where=n2n_where)
            else:
                f.set("encryption.in_transit", False, "HTTPS enforced, but node_to_node_encryption is "
                      "disabled: nodes exchange data in plain text", where=n2n_where)
            return
    f.set("encryption.in_transit", True, "HTTPS enforced" + (" and node-to-node encryption enabled"
          if n2n is True else " (single node: no traffic between nodes)"), where=where)


def _logging(f: Facts) -> None:
    unknown = None
    for i, block in enumerate(f.blocks("log_publishing_options")):
        if is_unknown(block):
            unknown = block
            continue
        if not isinstance(block, dict):
            continue
        log_type = block.get("log_type")
        if is_unknown(log_type):
            unknown = log_type
            continue
        if log_type != "AUDIT_LOGS":
            continue
        enabled = block.get("enabled", True)
        enabled = as_bool(enabled) if not is_unknown(enabled) else enabled
        if enabled is True:
            f.set("access_logging", True, "AUDIT_LOGS published to CloudWatch Logs",
                  where=f.where(f"log_publishing_options.{i}"))
            return
        if is_unknown(enabled):
            unknown = enabled
    if unknown is not None:
        f.set("access_logging", unknown, "log_publishing_options not known before apply",
              where=f.where("log_publishing_options"))
        return
    f.set("access_logging", False, "no enabled AUDIT_LOGS log_publishing_options: who read which "
          "documents is not recorded", "default", f.where())
