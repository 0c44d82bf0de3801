"""Reading AWS resource policies: who may do what, and is "anyone" among them.

Used for S3 bucket policies, OpenSearch access policies, SQS/SNS policies, ... A statement
grants the public when it Allows a principal of "*" (or NotPrincipal) and no condition
narrows it to an organisation, account, VPC endpoint, source or fixed network.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from ..values import Unknown, decode_json_value, is_unknown

# Condition keys whose positive match limits who can use a grant.
RESTRICTING_KEYS = frozenset(k.lower() for k in (
    "aws:SourceVpce", "aws:SourceVpc", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount", "aws:SourceAccount", "aws:SourceArn", "aws:SourceOwner",
    "aws:PrincipalArn", "aws:SourceIp", "aws:userid", "aws:username", "aws:PrincipalServiceName",
    "aws:PrincipalServiceNamesList", "aws:ResourceAccount", "aws:ResourceOrgID", "aws:VpcSourceIp",
    "aws:CalledVia", "kms:CallerAccount", "s3:DataAccessPointAccount", "s3:DataAccessPointArn",
    "lambda:FunctionUrlAuthType",
))
NEGATED_OPERATORS = ("StringNotEquals", "StringNotLike", "ArnNotEquals", "ArnNotLike",
                     "NotIpAddress", "StringNotEqualsIgnoreCase")
OPEN_NETWORKS = frozenset({"0.0.0.0/0", "::/0", "*"})


@dataclass(frozen=True)
class Grant:
    """The verdict on one document: `public` is True, False or Unknown."""
    public: Any
    reason: str
    statement: Optional[dict] = None


def decode_policy(value: Any) -> Any:
    """The policy document as a dict, or Unknown (also for text that is not JSON)."""
    if value is None:
        return None
    try:
        doc = decode_json_value(value)
    except ValueError:
        return Unknown("policy is not valid JSON")
    return doc


def statements(doc: Any) -> list:
    if not isinstance(doc, dict):
        return []
    stmts = doc.get("Statement", [])
    if isinstance(stmts, dict):
        return [stmts]
    return stmts if isinstance(stmts, list) else []


def public_grant(doc: Any, actions_prefix: str = "") -> Grant:
    """Does any Allow statement of `doc` grant anyone on the internet?"""
    if doc is None:
        return Grant(False, "no resource policy")
    if is_unknown(doc):
        return Grant(doc, f"policy not known before apply ({doc.reason})")
    unknown: Optional[Grant] = None
    for stmt in statements(doc):
        if is_unknown(stmt):
            unknown = unknown or Grant(stmt, "a policy statement is not known before apply")
            continue
        if not isinstance(stmt, dict) or stmt.get("Effect", "Allow") != "Allow":
            continue
        principal = _public_principal(stmt)
        if principal is False:
            continue
        if is_unknown(principal):
            unknown = unknown or Grant(principal, "a statement's principal is not known before apply", stmt)
            continue
        restriction = condition_restricts(stmt.get("Condition"))
        if restriction is True:
            continue
        if is_unknown(restriction):
            unknown = unknown or Grant(restriction, "a statement's condition is not known before apply", stmt)
            continue
        actions = stmt.get("Action", stmt.get("NotAction", "*"))
        return Grant(True, f"statement {_sid(stmt)}allows {principal} to {_short(actions)} with no "
                           "condition limiting who", stmt)
    return unknown or Grant(False, "no statement grants the public")


def _public_principal(stmt: dict) -> Any:
    if "NotPrincipal" in stmt:
        return "everyone but the NotPrincipal list"
    principal = stmt.get("Principal")
    if is_unknown(principal):
        return principal
    if principal == "*":
        return 'Principal "*"'
    if isinstance(principal, dict):
        for key in ("AWS", "CanonicalUser", "Federated"):
            ids = principal.get(key)
            ids = ids if isinstance(ids, list) else [ids]
            if any(i == "*" for i in ids if not is_unknown(i)):
                return f'Principal {{"{key}": "*"}}'
            if any(is_unknown(i) for i in ids):
                return next(i for i in ids if is_unknown(i))
    return False


def condition_restricts(condition: Any) -> Any:
    """True when a condition narrows the principals to a known set; Unknown when unknown."""
    if not condition:
        return False
    if is_unknown(condition):
        return condition
    if not isinstance(condition, dict):
        return False
    for operator, clauses in condition.items():
        if is_unknown(clauses) or is_unknown(operator):
            return clauses if is_unknown(clauses) else operator
        if not isinstance(clauses, dict) or not isinstance(operator, str) or any(
                operator.startswith(n) or n in operator for n in NEGATED_OPERATORS):
            continue
        for key, values in clauses.items():
            if is_unknown(key):
                return key   # a condition on a key not known yet: cannot tell
            if not isinstance(key, str) or key.lower() not in RESTRICTING_KEYS:
                continue
            values = values if isinstance(values, list) else [values]
            if any(is_unknown(v) for v in values):
                return True   # restricted to something, only its value is unknown
            if key.lower() == "aws:sourceip" and any(str(v) in OPEN_NETWORKS for v in values):
                continue
            if all(str(v) == "*" for v in values):
                continue
            return True
    return False


def denies_insecure_transport(doc: Any) -> Any:
    """True when a Deny statement refuses requests with aws:SecureTransport = false."""
    if doc is None:
        return False
    if is_unknown(doc):
        return doc
    undecided: Any = False
    for stmt in statements(doc):
        if not isinstance(stmt, dict) or stmt.get("Effect") != "Deny":
            continue
        condition = stmt.get("Condition")
        if not isinstance(condition, dict):
            continue
        for operator, clauses in condition.items():
            if not isinstance(clauses, dict) or not isinstance(operator, str):
                continue
            for key, values in clauses.items():
                if is_unknown(key):
                    undecided = key   # maybe aws:SecureTransport: decided below
                    continue
                if not isinstance(key, str):
                    continue
                if key.lower() == "aws:securetransport":
                    values = values if isinstance(values, list) else [values]
                    if any(str(v).lower() == "false" for v in values if not is_unknown(v)):
                        return True
                if key.lower() == "s3:tlsversion" and operator.startswith("NumericLessThan"):
                    return True
    return undecided


def _sid(stmt: dict) -> str:
    sid = stmt.get("Sid")
    return f"{sid!r} " if isinstance(sid, str) and sid else ""


def _short(actions: Any) -> str:
    if isinstance(actions, list):
        shown = ", ".join(str(a) for a in actions[:3])
        return shown + (", ..." if len(actions) > 3 else "")
    return str(actions)
