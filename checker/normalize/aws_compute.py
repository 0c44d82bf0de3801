"""AWS front doors: API Gateway methods and routes, Lambda function URLs, load balancers,
and compute that can host data services. These are the hops of exposure paths."""
from __future__ import annotations

from ..values import is_unknown
from .base import Facts, register, register_kind

register_kind("api", "aws_api_gateway_rest_api", "aws_apigatewayv2_api")
register_kind("function", "aws_lambda_function")
register_kind("key", "aws_kms_key")
register_kind("integration", "aws_api_gateway_integration", "aws_apigatewayv2_integration")


@register("aws_api_gateway_method", "api_endpoint")
def api_gateway_method(f: Facts) -> None:
    method = f.get("http_method")
    auth = f.get("authorization")
    where = f.where("authorization")
    if is_unknown(auth):
        f.set("authentication", auth, "authorization not known before apply", where=where)
    elif str(auth).upper() == "NONE":
        if isinstance(method, str) and method.upper() == "OPTIONS":
            f.set("authentication", True, "OPTIONS (CORS preflight) needs no authorization",
                  "derived", where)
        elif f.get("api_key_required") is True:
            f.set("authentication", False, 'authorization = "NONE": an API key identifies a client, '
                  "it does not authenticate a caller", where=where)
        else:
            f.set("authentication", False, f'authorization = "NONE" on {method}: anyone can call it',
                  where=where)
    else:
        f.set("authentication", True, f"authorization = {auth}", where=where)
    f.set("public", True, "API Gateway endpoints are reachable from the internet unless the API is "
          "PRIVATE", "default", f.where())


@register("aws_apigatewayv2_route", "api_endpoint")
def apigatewayv2_route(f: Facts) -> None:
    route_key = f.get("route_key")
    f.flag("authentication", "authorization_type",
           true_when=lambda v: str(v).upper() != "NONE" or
           (isinstance(route_key, str) and route_key.upper().startswith("OPTIONS ")),
           default=isinstance(route_key, str) and route_key.upper().startswith("OPTIONS "),
           default_reason=f"authorization_type not set (default NONE) on route {route_key}: anyone can call it",
           true_reason="authorization_type = {value}",
           false_reason=f'authorization_type = "NONE" on route {route_key}: anyone can call it')


@register("aws_lambda_function_url", "api_endpoint")
def lambda_function_url(f: Facts) -> None:
    f.flag("authentication", "authorization_type", true_when=lambda v: str(v).upper() == "AWS_IAM",
           default=False, default_reason="authorization_type not set",
           true_reason="authorization_type = AWS_IAM",
           false_reason='authorization_type = {value}: the function URL is callable by anyone')
    f.set("public", True, "function URLs are public endpoints", "default", f.where())


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
        f.set("encryption.in_transit", True, f"listener protocol {protocol}", where=where)
        return
    if protocol in ("TCP", "UDP", "TCP_UDP", "GENEVE"):
        f.set("encryption.in_transit", True, f"{protocol} passthrough: TLS, if any, ends at the targets",
              "derived", where)
        return
    redirects = [a for a in f.blocks("default_action")
                 if isinstance(a, dict) and a.get("type") == "redirect"
                 and str(_first(a.get("redirect")).get("protocol", "#{protocol}")).upper() == "HTTPS"]
    if redirects:
        f.set("encryption.in_transit", True, "plain HTTP only redirects to HTTPS", where=where)
    else:
        f.set("encryption.in_transit", False, "listener serves plain HTTP without redirecting to HTTPS",
              where=where)


@register("aws_elb", "load_balancer")
def classic_elb(f: Facts) -> None:
    listeners = [l for l in f.blocks("listener") if isinstance(l, dict)]
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
        f.set("encryption.in_transit", True, "all listeners use TLS", where=f.where("listener"))


register_kind("load_balancer", "aws_lb", "aws_alb")
register_kind("load_balancer_listener", "aws_alb_listener")


@register("aws_instance", "compute_instance")
def ec2_instance(f: Facts) -> None:
    value = f.get("associate_public_ip_address")
    if value is True:
        f.set("public_ip", True, "associate_public_ip_address = true", where=f.where("associate_public_ip_address"))
    elif is_unknown(value):
        f.set("public_ip", value, "associate_public_ip_address not known before apply")
    else:
        f.set("public_ip", False if value is False else value_from_subnet(f),
              "no public IP requested (depends on the subnet's map_public_ip_on_launch)", "default", f.where())


def value_from_subnet(f: Facts):
    from ..values import Unknown
    return Unknown("public IP depends on the subnet's map_public_ip_on_launch")


def _first(value):
    if isinstance(value, list):
        return value[0] if value and isinstance(value[0], dict) else {}
    return value if isinstance(value, dict) else {}
