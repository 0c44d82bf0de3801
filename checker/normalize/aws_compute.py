"""AWS front doors: API Gateway (REST and HTTP/WebSocket APIs, stages, custom domains),
Lambda function URLs, load balancers and their listeners, CloudFront, ECS task definitions, EKS
clusters and EC2 instances. These are the hops of exposure paths.

Provider defaults relied on (an absent argument means):
- aws_api_gateway_method: `authorization` is required; "NONE" means anyone can call it, and
  `api_key_required` does not change that (an API key identifies a client, it authenticates no
  one). `http_method` must be one of DELETE GET HEAD OPTIONS PATCH POST PUT ANY (the provider
  rejects anything else, so such a method is never created: no verdict). OPTIONS (CORS
  preflight) needs no authorization.
- aws_api_gateway_rest_api: `endpoint_configuration.types` defaults to ["EDGE"] (public);
  ["PRIVATE"] is reachable only through VPC endpoints. An OpenAPI `body` defines methods
  itself: an operation is authenticated when a `security` requirement (its own, else the
  document's) names a scheme that is an authorizer (x-amazon-apigateway-authorizer), IAM
  (x-amazon-apigateway-authtype awsSigv4) or Cognito; an API-key scheme alone is not.
- aws_apigatewayv2_route: `authorization_type` defaults to NONE. On WebSocket APIs only the
  $connect route can carry an authorizer; the other routes run on an authorized connection.
  aws_apigatewayv2_api `target` (quick create) makes a $default route with no authorization.
- aws_api_gateway_domain_name `security_policy`: not defaulted by the provider (AWS picks it),
  so an absent policy is unknown. TLS_1_0 accepts TLS 1.0/1.1.
- aws_api_gateway_stage / aws_apigatewayv2_stage: no `access_log_settings` = no access log.
- aws_lb / aws_alb: `internal` defaults to false (internet-facing); `load_balancer_type`
  defaults to "application"; gateway load balancers have no internet-facing listener.
- aws_lb_listener / aws_alb_listener: `protocol` defaults to HTTP (HTTPS when port 443 and no
  protocol, as the provider infers nothing: written here as HTTP unless 443). `ssl_policy` of
  an HTTPS/TLS listener defaults to ELBSecurityPolicy-2016-08, which accepts TLS 1.0 and 1.1;
  such a listener still encrypts, so it counts as encrypted in transit; only an explicitly
  configured policy that allows TLS 1.0/1.1 counts as not.
- aws_cloudfront_distribution: `viewer_protocol_policy` is required per cache behavior;
  "allow-all" serves plain HTTP. `viewer_certificate.minimum_protocol_version` defaults to
  "TLSv1"; with `cloudfront_default_certificate = true` (or no viewer_certificate) the
  *.cloudfront.net certificate's TLS policy is set by CloudFront and cannot be chosen.
- aws_ecs_task_definition: `efs_volume_configuration.transit_encryption` defaults to DISABLED.
- aws_eks_cluster: `vpc_config.endpoint_public_access` defaults to true and
  `public_access_cidrs` to ["0.0.0.0/0"]; without `encryption_config` (resources ["secrets"]
  with `provider.key_arn`) Kubernetes secrets are not envelope-encrypted with a customer key.
- aws_instance `associate_public_ip_address` unset: the subnet's map_public_ip_on_launch
  decides (default false).
"""
from __future__ import annotations

import re
from typing import Any, Optional

from ..values import Unknown, decode_json_value, is_unknown, refs_of
from .base import Facts, as_bool, register, register_kind

register_kind("function", "aws_lambda_function")
register_kind("key", "aws_kms_key")
register_kind("integration", "aws_api_gateway_integration", "aws_apigatewayv2_integration")

HTTP_METHODS = {"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "ANY"}


def _referenced(f: Facts, attr: str, *types: str):
    """The scanned resource of `types` that attribute `attr` refers to (None if not scanned)."""
    refs = refs_of(f.get(attr))
    for raw in f.all_of_type(*types):
        if raw.address in refs or raw.address.split("[", 1)[0] in refs:
            return raw
    return None


def _first(value):
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else {}
    return value if isinstance(value, dict) else {}


# -- API Gateway REST ------------------------------------------------------------------------

def _rest_api_public(f: Facts, raw=None) -> None:
    """Facet public of a REST API (raw=None) or of a method of `raw`."""
    target = raw if raw is not None else f.raw
    types = f.get("endpoint_configuration.types", None, target)
    where = f.where("endpoint_configuration", target)
    if types is None:
        f.set("public", True, "endpoint_configuration not set (default EDGE): reachable from the internet",
              "default", where)
    elif is_unknown(types) or any(is_unknown(t) for t in types):
        f.set("public", Unknown("endpoint type not known before apply"), "endpoint type not known before apply",
              where=where)
    elif "PRIVATE" in [str(t).upper() for t in types]:
        f.set("public", False, "PRIVATE API: reachable only through VPC endpoints", where=where)
    else:
        f.set("public", True, f"endpoint type {', '.join(map(str, types))}: reachable from the internet",
              where=where)


@register("aws_api_gateway_method", "api_endpoint")
def api_gateway_method(f: Facts) -> None:
    method = f.get("http_method")
    auth = f.get("authorization")
    where = f.where("authorization")
    if isinstance(method, str) and method.upper() not in HTTP_METHODS:
        f.set("authentication", Unknown(f"http_method {method!r} is not a valid method"),
              f'http_method "{method}" is not one of {", ".join(sorted(HTTP_METHODS))}: the provider '
              "rejects it, so this method is never created", where=f.where("http_method"))
    elif is_unknown(auth):
        f.set("authentication", auth, "authorization not known before apply", where=where)
    elif auth is None or str(auth).upper() == "NONE":
        shown = "authorization not set" if auth is None else 'authorization = "NONE"'
        if isinstance(method, str) and method.upper() == "OPTIONS":
            f.set("authentication", True, "OPTIONS (CORS preflight) needs no authorization",
                  "derived", where)
        elif f.get("api_key_required") is True:
            f.set("authentication", False, f"{shown}: an API key identifies a client, "
                  "it does not authenticate a caller", where=where)
        else:
            f.set("authentication", False, f"{shown} on {method}: anyone can call it", where=where)
    else:
        f.set("authentication", True, f"authorization = {auth}", where=where)
    api = _referenced(f, "rest_api_id", "aws_api_gateway_rest_api")
    if api is not None:
        _rest_api_public(f, api)
    else:
        f.set("public", Unknown("the REST API is not in the scanned files"),
              "the REST API's endpoint type is not known (API not in the scanned files)", where=f.where())


@register("aws_api_gateway_rest_api", "api")
def api_gateway_rest_api(f: Facts) -> None:
    _rest_api_public(f)
    if f.has("body") and f.get("body") is not None:
        _openapi_authentication(f, f.get("body"), "body")


@register("aws_apigatewayv2_api", "api")
def apigatewayv2_api(f: Facts) -> None:
    f.set("public", True, "API Gateway HTTP and WebSocket APIs have public endpoints", "default", f.where())
    target = f.get("target")
    if target is not None:
        f.set("authentication", False,
              "quick create (`target`) makes a $default route with no authorization: anyone can call it",
              where=f.where("target"))
    elif f.get("body") is not None:
        _openapi_authentication(f, f.get("body"), "body")


def _load_document(value: Any) -> Any:
    """An OpenAPI body (JSON or YAML text, or a jsonencode() document) as data, or Unknown."""
    if is_unknown(value) and not hasattr(value, "document"):
        return value
    try:
        return decode_json_value(value)
    except ValueError:
        pass
    try:
        from ..hcl.functions import FUNCTIONS
        return FUNCTIONS["yamldecode"](value)
    except Exception as exc:  # noqa: BLE001 - hostile text: any failure means "cannot tell"
        return Unknown(f"body is neither JSON nor YAML ({type(exc).__name__})")


def _openapi_authentication(f: Facts, body: Any, path: str) -> None:
    where = f.where(path)
    doc = _load_document(body)
    if is_unknown(doc):
        f.set("authentication", doc, f"OpenAPI body not known before apply ({doc.reason})", where=where)
        return
    if not isinstance(doc, dict) or not isinstance(doc.get("paths"), dict):
        return   # no operations defined in the body
    schemes = {}
    components = doc.get("components") if isinstance(doc.get("components"), dict) else {}
    for source in (doc.get("securityDefinitions"), components.get("securitySchemes")):
        if isinstance(source, dict):
            schemes.update(source)
    open_ops, unknown_ops, total = [], [], 0
    for route, item in doc["paths"].items():
        if not isinstance(item, dict):
            continue
        for verb, op in item.items():
            verb_name = str(verb).lower()
            if verb_name == "x-amazon-apigateway-any-method":
                verb_name = "any"
            elif verb_name not in {"get", "put", "post", "delete", "patch", "head", "options"}:
                continue
            if verb_name == "options":
                continue
            total += 1
            security = op.get("security", doc.get("security")) if isinstance(op, dict) else doc.get("security")
            verdict = _security_authenticates(security, schemes)
            label = f"{verb_name.upper()} {route}"
            if verdict is False:
                open_ops.append(label)
            elif verdict is None:
                unknown_ops.append(label)
    if open_ops:
        shown = ", ".join(open_ops[:5]) + (", ..." if len(open_ops) > 5 else "")
        f.set("authentication", False, f"OpenAPI body: no authorization on {shown}", where=where)
    elif unknown_ops:
        f.set("authentication", Unknown("security of OpenAPI operations not known"),
              f"OpenAPI body: cannot tell how {', '.join(unknown_ops[:3])} are secured", where=where)
    elif total:
        f.set("authentication", True, f"OpenAPI body: all {total} operation(s) require authorization",
              where=where)


def _security_authenticates(security: Any, schemes: dict) -> Optional[bool]:
    """OpenAPI security requirement list: True if every alternative authenticates the caller,
    False if one alternative (or none at all) lets anyone in, None when it cannot be told."""
    if security is None or security == []:
        return False
    if is_unknown(security) or not isinstance(security, list):
        return None
    verdicts = []
    for requirement in security:
        if requirement == {}:
            return False   # an empty requirement = anonymous access allowed
        if not isinstance(requirement, dict):
            return None
        names = [n for n in requirement if not is_unknown(n)]
        kinds = [_scheme_authenticates(schemes.get(n)) for n in names]
        if any(k is True for k in kinds):
            verdicts.append(True)
        elif all(k is False for k in kinds):
            verdicts.append(False)
        else:
            verdicts.append(None)
    if any(v is False for v in verdicts):
        return False
    if all(v is True for v in verdicts):
        return True
    return None


def _scheme_authenticates(scheme: Any) -> Optional[bool]:
    if not isinstance(scheme, dict):
        return None
    authtype = str(scheme.get("x-amazon-apigateway-authtype", "")).lower()
    if scheme.get("x-amazon-apigateway-authorizer") is not None:
        return True
    if authtype in ("awssigv4", "cognito_user_pools", "custom"):
        return True
    kind = str(scheme.get("type", "")).lower()
    if kind == "apikey":
        return False   # an API key (x-api-key) identifies a client, it authenticates no one
    if kind in ("oauth2", "openidconnect", "http"):
        return None    # REST APIs enforce these only through an authorizer
    return None


@register("aws_api_gateway_domain_name", "api")
def api_gateway_domain_name(f: Facts) -> None:
    policy = f.get("security_policy")
    where = f.where("security_policy")
    if policy is None:
        f.set("encryption.in_transit", Unknown("security_policy not set"),
              "security_policy not set: the provider has no default and AWS picks the policy", where=where)
    elif is_unknown(policy):
        f.set("encryption.in_transit", policy, "security_policy not known before apply", where=where)
    elif str(policy).upper() in ("TLS_1_0",) or re.search(r"TLS1[0-1]_|TLS_1_[01]\b", str(policy).upper()):
        f.set("encryption.in_transit", False, f'security_policy = "{policy}" accepts TLS 1.0 and 1.1',
              where=where)
    else:
        f.set("encryption.in_transit", True, f'security_policy = "{policy}" (TLS 1.2 or later)', where=where)


@register("aws_apigatewayv2_domain_name", "api")
def apigatewayv2_domain_name(f: Facts) -> None:
    policy = f.get("domain_name_configuration.security_policy")
    where = f.where("domain_name_configuration")
    if is_unknown(policy):
        f.set("encryption.in_transit", policy, "security_policy not known before apply", where=where)
    elif policy is not None and str(policy).upper() == "TLS_1_0":
        f.set("encryption.in_transit", False, 'security_policy = "TLS_1_0" accepts TLS 1.0 and 1.1', where=where)
    elif policy is not None:
        f.set("encryption.in_transit", True, f'security_policy = "{policy}"', where=where)


def _stage_logging(f: Facts) -> None:
    settings = f.get("access_log_settings")
    if settings is None or settings == []:
        f.set("access_logging", False, "no access_log_settings: requests to the stage are not logged",
              "default", f.where())
    elif is_unknown(settings):
        f.set("access_logging", settings, "access_log_settings not known before apply",
              where=f.where("access_log_settings"))
    else:
        destination = f.get("access_log_settings.destination_arn")
        f.set("access_logging", True if destination is not None and not is_unknown(destination) else
              (destination if is_unknown(destination) else False),
              "access_log_settings sends the access log to a destination", where=f.where("access_log_settings"))


@register("aws_api_gateway_stage", "api")
def api_gateway_stage(f: Facts) -> None:
    _stage_logging(f)


@register("aws_apigatewayv2_stage", "api")
def apigatewayv2_stage(f: Facts) -> None:
    _stage_logging(f)


# -- API Gateway v2 routes, Lambda function URLs ---------------------------------------------

@register("aws_apigatewayv2_route", "api_endpoint")
def apigatewayv2_route(f: Facts) -> None:
    route_key = f.get("route_key")
    where = f.where("authorization_type")
    if is_unknown(route_key):
        f.set("authentication", route_key, "route_key not known before apply", where=f.where("route_key"))
        return
    key = str(route_key)
    api = _referenced(f, "api_id", "aws_apigatewayv2_api")
    protocol = f.get("protocol_type", None, api) if api is not None else None
    websocket = (isinstance(protocol, str) and protocol.upper() == "WEBSOCKET") or (
        " " not in key and key not in ("$default",) and not key.startswith("/"))
    if websocket and key != "$connect":
        return   # only $connect takes an authorizer; other routes ride an authorized connection
    if key.upper().startswith("OPTIONS "):
        f.set("authentication", True, "OPTIONS (CORS preflight) needs no authorization", "derived", where)
        return
    f.flag("authentication", "authorization_type",
           true_when=lambda v: str(v).upper() != "NONE",
           default=False,
           default_reason=f"authorization_type not set (default NONE) on route {key}: anyone can call it",
           true_reason="authorization_type = {value}",
           false_reason=f'authorization_type = "NONE" on route {key}: anyone can call it')
    f.set("public", True, "API Gateway HTTP and WebSocket APIs have public endpoints", "default", f.where())


@register("aws_lambda_function_url", "api_endpoint")
def lambda_function_url(f: Facts) -> None:
    f.flag("authentication", "authorization_type", true_when=lambda v: str(v).upper() == "AWS_IAM",
           default=False, default_reason="authorization_type not set",
           true_reason="authorization_type = AWS_IAM",
           false_reason='authorization_type = {value}: the function URL is callable by anyone')
    f.set("public", True, "function URLs are public endpoints", "default", f.where())


# -- load balancers --------------------------------------------------------------------------

def elb_policy_min_tls(policy: str) -> Optional[str]:
    """Lowest TLS version an ELB security policy accepts ("1.0", "1.1", "1.2", "1.3"), or None
    when the name is not a known ELB predefined policy."""
    name = policy.strip()
    m = re.search(r"TLS13-1-([0-3])\b", name)
    if m:
        return f"1.{m.group(1)}"
    m = re.search(r"TLS-1-([0-2])\b", name)
    if m:
        return f"1.{m.group(1)}"
    m = re.search(r"FS-1-([12])\b", name)
    if m:
        return f"1.{m.group(1)}"
    if re.fullmatch(r"ELBSecurityPolicy-(FS-)?\d{4}-\d{2}", name) or name.startswith("ELBSample-"):
        return "1.0"
    return None


def _ssl_policy(f: Facts, protocol: str, where) -> None:
    policy = f.get("ssl_policy")
    if is_unknown(policy):
        f.set("encryption.in_transit", policy, f"listener protocol {protocol}; ssl_policy not known before apply",
              where=f.where("ssl_policy"))
        return
    if policy is None:
        # Encrypted: the listener terminates TLS. Which versions the default policy accepts
        # (ELBSecurityPolicy-2016-08 still takes TLS 1.0/1.1) is a hardening question, not
        # "unencrypted"; only an explicitly chosen policy that allows TLS 1.0/1.1 is reported.
        f.set("encryption.in_transit", True, f"listener protocol {protocol} (ssl_policy not set: the "
              "default ELBSecurityPolicy-2016-08 applies; prefer a TLS 1.2+ policy)", "default", where)
        return
    source = "explicit"
    minimum = elb_policy_min_tls(str(policy))
    shown = f'ssl_policy = "{policy}"'
    at = f.where("ssl_policy")
    if minimum is None:
        f.set("encryption.in_transit", Unknown(f"unrecognised ssl_policy {policy}"),
              f"listener protocol {protocol}; {shown} is not a known ELB policy", where=at)
    elif minimum in ("1.0", "1.1"):
        f.set("encryption.in_transit", False,
              f"listener protocol {protocol}, but {shown} accepts TLS {minimum}", source, at)
    else:
        f.set("encryption.in_transit", True, f"listener protocol {protocol} with {shown} (TLS {minimum}+)",
              source, at)


@register("aws_lb_listener", "load_balancer_listener")
def lb_listener(f: Facts) -> None:
    protocol = f.get("protocol")
    where = f.where("protocol")
    if is_unknown(protocol):
        f.set("encryption.in_transit", protocol, "listener protocol not known before apply", where=where)
        return
    if protocol is None and f.get("port") in (443, "443"):
        protocol = "HTTPS"
    protocol = str(protocol or "HTTP").upper()
    if protocol in ("HTTPS", "TLS"):
        _ssl_policy(f, protocol, where)
        return
    if protocol in ("TCP", "UDP", "TCP_UDP", "GENEVE"):
        f.set("encryption.in_transit", True, f"{protocol} passthrough: TLS, if any, ends at the targets",
              "derived", where)
        return
    actions = f.blocks("default_action")
    if any(is_unknown(a) for a in actions):
        f.set("encryption.in_transit", Unknown("default_action not known before apply"),
              "plain HTTP listener whose default action is not known before apply", where=where)
        return
    redirects = [a for a in actions
                 if isinstance(a, dict) and a.get("type") == "redirect"
                 and str(_first(a.get("redirect")).get("protocol", "#{protocol}")).upper() == "HTTPS"]
    if redirects:
        f.set("encryption.in_transit", True, "plain HTTP only redirects to HTTPS", where=where)
    else:
        f.set("encryption.in_transit", False, "listener serves plain HTTP without redirecting to HTTPS",
              where=where)


register("aws_alb_listener", "load_balancer_listener")(lb_listener)


def _lb_public(f: Facts) -> None:
    lb_type = f.get("load_balancer_type")
    if isinstance(lb_type, str) and lb_type.lower() == "gateway":
        f.set("public", False, "gateway load balancers have no internet-facing listener", where=f.where("load_balancer_type"))
        return
    f.flag("public", "internal", true_when=lambda v: as_bool(v) is False,
           default=True, default_reason="internal not set (default false): internet-facing",
           true_reason="internal = false: internet-facing",
           false_reason="internal = {value}: reachable only inside the VPC")


@register("aws_lb", "load_balancer")
def lb(f: Facts) -> None:
    _lb_public(f)


register("aws_alb", "load_balancer")(lb)


@register("aws_elb", "load_balancer")
def classic_elb(f: Facts) -> None:
    _lb_public(f)
    listeners = f.blocks("listener")
    if any(is_unknown(l) for l in listeners):
        f.set("encryption.in_transit", Unknown("listeners not known before apply"),
              "listeners not known before apply", where=f.where("listener"))
        return
    listeners = [l for l in listeners if isinstance(l, dict)]
    protocols = [l.get("lb_protocol") for l in listeners]
    if any(is_unknown(p) for p in protocols):
        f.set("encryption.in_transit", Unknown("listener protocol not known before apply"),
              "a listener's lb_protocol is not known before apply", where=f.where("listener"))
        return
    plain = [l for l in listeners if str(l.get("lb_protocol", "")).lower() in ("http", "tcp")]
    secure = [l for l in listeners if str(l.get("lb_protocol", "")).lower() in ("https", "ssl")]
    if plain and not secure:
        f.set("encryption.in_transit", False,
              f"only plain listeners ({', '.join(str(l.get('lb_protocol')) + ':' + str(l.get('lb_port')) for l in plain)})",
              where=f.where("listener"))
    elif plain:
        f.set("encryption.in_transit", False, "a plain HTTP/TCP listener is open beside the TLS one",
              where=f.where("listener"))
    elif secure:
        f.set("encryption.in_transit", True, "all listeners use TLS (which TLS versions they accept is set "
              "by a listener policy, not judged here)", where=f.where("listener"))


# -- CloudFront ------------------------------------------------------------------------------

OLD_CLOUDFRONT_TLS = {"SSLV3", "TLSV1", "TLSV1_2016", "TLSV1.1_2016"}


@register("aws_cloudfront_distribution", "cdn")
def cloudfront_distribution(f: Facts) -> None:
    f.set("public", True, "CloudFront distributions serve the internet", "default", f.where())
    problems, unknown, ok = [], [], []
    behaviors = [("default_cache_behavior", b) for b in f.blocks("default_cache_behavior")]
    behaviors += [("ordered_cache_behavior", b) for b in f.blocks("ordered_cache_behavior")]
    first_bad = None
    for index, (name, block) in enumerate(behaviors):
        if is_unknown(block):
            unknown.append(f"{name} not known before apply")
            continue
        policy = block.get("viewer_protocol_policy") if isinstance(block, dict) else None
        label = name if name == "default_cache_behavior" else \
            f"ordered_cache_behavior {block.get('path_pattern', '')}".strip()
        if is_unknown(policy):
            unknown.append(f"{label} viewer_protocol_policy not known before apply")
        elif policy is None:
            unknown.append(f"{label} has no viewer_protocol_policy (required)")
        elif str(policy).lower() == "allow-all":
            problems.append(f'{label} viewer_protocol_policy = "allow-all" serves plain HTTP')
            first_bad = first_bad or f.where(name)
        else:
            ok.append(label)
    cert = f.get("viewer_certificate")
    if cert is not None and not is_unknown(cert) and cert != []:
        default_cert = as_bool(f.get("viewer_certificate.cloudfront_default_certificate"))
        minimum = f.get("viewer_certificate.minimum_protocol_version")
        if is_unknown(default_cert) or is_unknown(minimum):
            unknown.append("viewer_certificate not known before apply")
        elif default_cert is not True:
            shown = f'minimum_protocol_version = "{minimum}"' if minimum is not None else \
                'minimum_protocol_version not set (default "TLSv1")'
            if str(minimum or "TLSv1").upper() in OLD_CLOUDFRONT_TLS:
                problems.append(f"viewer_certificate {shown} accepts TLS older than 1.2")
                first_bad = first_bad or f.where("viewer_certificate")
    elif is_unknown(cert):
        unknown.append("viewer_certificate not known before apply")
    if problems:
        f.set("encryption.in_transit", False, "; ".join(problems), where=first_bad)
    elif unknown:
        f.set("encryption.in_transit", Unknown(unknown[0]), "; ".join(unknown), where=f.where())
    elif ok:
        f.set("encryption.in_transit", True, "every cache behavior requires HTTPS", where=f.where("default_cache_behavior"))


# -- ECS, EKS --------------------------------------------------------------------------------

@register("aws_ecs_task_definition", "container_task")
def ecs_task_definition(f: Facts) -> None:
    efs = []
    for index, volume in enumerate(f.blocks("volume")):
        if is_unknown(volume):
            f.set("encryption.in_transit", volume, "volumes not known before apply", where=f.where("volume"))
            return
        if not isinstance(volume, dict):
            continue
        config = _first(volume.get("efs_volume_configuration"))
        if is_unknown(volume.get("efs_volume_configuration")):
            f.set("encryption.in_transit", volume.get("efs_volume_configuration"),
                  "efs_volume_configuration not known before apply", where=f.where(f"volume.{index}"))
            return
        if config:
            efs.append((index, volume.get("name"), config))
    if not efs:
        return
    for index, name, config in efs:
        value = config.get("transit_encryption")
        where = f.where(f"volume.{index}.efs_volume_configuration")
        if is_unknown(value):
            f.set("encryption.in_transit", value, f"transit_encryption of volume {name} not known before apply",
                  where=where)
            return
        if value is None or str(value).upper() != "ENABLED":
            reason = ("transit_encryption not set (default DISABLED)" if value is None
                      else f'transit_encryption = "{value}"')
            f.set("encryption.in_transit", False,
                  f"EFS volume {name}: {reason}, NFS traffic to the file system is unencrypted",
                  "default" if value is None else "explicit", where)
            return
    f.set("encryption.in_transit", True, "every EFS volume sets transit_encryption = ENABLED",
          where=f.where("volume"))


@register("aws_eks_cluster", "container_cluster")
def eks_cluster(f: Facts) -> None:
    public = f.get("vpc_config.endpoint_public_access")
    cidrs = f.get("vpc_config.public_access_cidrs")
    where_public = f.where("vpc_config.endpoint_public_access") if public is not None else f.where("vpc_config")
    if is_unknown(public):
        f.set("public", public, "endpoint_public_access not known before apply", where=where_public)
    elif as_bool(public) is False:
        f.set("public", False, "endpoint_public_access = false: the API server is reachable only from the VPC",
              where=where_public)
    else:
        opened = "endpoint_public_access = true" if public is not None else \
            "endpoint_public_access not set (default true)"
        if cidrs is None:
            f.set("public", True, f"{opened} and public_access_cidrs not set (default 0.0.0.0/0): the "
                  "Kubernetes API server is reachable from anywhere", "default", where_public)
        elif is_unknown(cidrs) or any(is_unknown(c) for c in cidrs):
            f.set("public", Unknown("public_access_cidrs not known before apply"),
                  f"{opened}; public_access_cidrs not known before apply",
                  where=f.where("vpc_config.public_access_cidrs"))
        else:
            from ..network import covers_internet
            wide = [c for c in cidrs if covers_internet(c) is True]
            if wide:
                f.set("public", True, f"{opened} with public_access_cidrs {', '.join(wide)}: the Kubernetes "
                      "API server is reachable from anywhere", where=f.where("vpc_config.public_access_cidrs"))
            else:
                f.set("public", False, f"{opened}, limited to {', '.join(map(str, cidrs))}",
                      where=f.where("vpc_config.public_access_cidrs"))
    _eks_secrets(f)


def _eks_secrets(f: Facts) -> None:
    configs = f.blocks("encryption_config")
    if not configs:
        f.set("encryption.secrets", False, "no encryption_config: Kubernetes secrets are not envelope-encrypted "
              "with a customer-managed KMS key", "default", f.where())
        return
    unknown = None
    for index, config in enumerate(configs):
        if is_unknown(config):
            unknown = config
            continue
        if not isinstance(config, dict):
            continue
        resources = config.get("resources")
        key = _first(config.get("provider")).get("key_arn") if not is_unknown(config.get("provider")) \
            else config.get("provider")
        if is_unknown(resources):
            unknown = resources
            continue
        if "secrets" not in (resources or []):
            continue
        if key is None:
            f.set("encryption.secrets", False, "encryption_config names no provider.key_arn",
                  where=f.where(f"encryption_config.{index}"))
            return
        f.set("encryption.secrets", True, "secrets are envelope-encrypted with a customer KMS key "
              "(encryption_config provider.key_arn)", where=f.where(f"encryption_config.{index}"))
        return
    if unknown is not None:
        f.set("encryption.secrets", unknown, "encryption_config not known before apply",
              where=f.where("encryption_config"))
    else:
        f.set("encryption.secrets", False, 'encryption_config does not cover "secrets"',
              where=f.where("encryption_config"))


# -- EC2 -------------------------------------------------------------------------------------

@register("aws_instance", "compute_instance")
def ec2_instance(f: Facts) -> None:
    value = f.get("associate_public_ip_address")
    if is_unknown(value):
        f.set("public_ip", value, "associate_public_ip_address not known before apply",
              where=f.where("associate_public_ip_address"))
    elif as_bool(value) is True:
        f.set("public_ip", True, "associate_public_ip_address = true", where=f.where("associate_public_ip_address"))
    elif as_bool(value) is False:
        f.set("public_ip", False, "associate_public_ip_address = false",
              where=f.where("associate_public_ip_address"))
    else:
        _public_ip_from_subnet(f)


def _public_ip_from_subnet(f: Facts) -> None:
    subnet_id = f.get("subnet_id")
    if subnet_id is None:
        f.set("public_ip", Unknown("no subnet_id: the default subnet of the default VPC is used"),
              "no subnet_id: launched in a default subnet, which maps public IPs by default", where=f.where())
        return
    subnet = _referenced(f, "subnet_id", "aws_subnet")
    if subnet is None:
        f.set("public_ip", Unknown("public IP depends on the subnet's map_public_ip_on_launch"),
              "no public IP requested; the subnet (not in the scanned files) decides", where=f.where("subnet_id"))
        return
    mapped = as_bool(subnet.attributes.get("map_public_ip_on_launch"))
    if is_unknown(mapped):
        f.set("public_ip", mapped, f"{subnet.address} map_public_ip_on_launch not known before apply",
              where=f.where("subnet_id"))
    elif mapped is True:
        f.set("public_ip", True, f"{subnet.address} has map_public_ip_on_launch = true", "derived",
              f.where("subnet_id"))
    else:
        f.set("public_ip", False, f"{subnet.address} does not map public IPs on launch (default false)",
              "derived", f.where("subnet_id"))
