"""Azure App Service and Function Apps (kind web_app), Function App functions (api_endpoint),
Application Gateway (load_balancer).

Provider defaults, as read here (azurerm v3 and v4 unless stated):
- `https_only` defaults to false on every app type (azurerm_app_service and azurerm_function_app
  exist in v2/v3 only; azurerm_linux/windows_web_app and _function_app in v3/v4): the app also
  answers plain HTTP.
- Minimum TLS: `site_config.min_tls_version` (app_service, function_app) and
  `site_config.minimum_tls_version` (linux/windows web and function apps) default to "1.2".
  "1.0" and "1.1" are reported as accepting obsolete TLS.
- Authentication: App Service Authentication ("Easy Auth") is off unless `auth_settings.enabled`
  or `auth_settings_v2.auth_enabled` is true. A web app without it serves anyone; whatever
  checks it makes are in its code, which the files cannot show — reported as not authenticated
  at the platform. For a Function App, HTTP triggers and their authLevel ship with the code: the
  facet is false only when an azurerm_function_app_function in the files has an HTTP trigger
  with authLevel "anonymous", true with Easy Auth, unknown otherwise.
- `public_network_access_enabled` (v3.x+ web/function apps) defaults to true;
  `site_config.ip_restriction` entries restrict who reaches the app. Facet public = reachable
  from the internet and not authenticated at the platform (as for Cloud Run).
- azurerm_function_app_function: `config_json` holds the function.json bindings; an httpTrigger
  without authLevel uses "function" (a function key, a shared secret in the URL, is required).
- Application Gateway: an `http_listener` with protocol "Http" on a frontend IP configuration
  that has a `public_ip_address_id` serves plain HTTP to the internet, unless its routing rule
  redirects to an Https listener or an https:// URL.
"""
from __future__ import annotations

from typing import Any

from ..values import Unknown, decode_json_value, is_unknown
from .base import Facts, as_bool, register

APP_TYPES = ("azurerm_app_service", "azurerm_linux_web_app", "azurerm_windows_web_app",
             "azurerm_app_service_slot", "azurerm_linux_web_app_slot", "azurerm_windows_web_app_slot")
FUNCTION_TYPES = ("azurerm_function_app", "azurerm_linux_function_app", "azurerm_windows_function_app",
                  "azurerm_function_app_slot", "azurerm_linux_function_app_slot",
                  "azurerm_windows_function_app_slot")
WEAK_TLS = ("1.0", "1.1")


def _web_app(f: Facts) -> None:
    _transit(f)
    _easy_auth(f, function_app=False)
    _public(f)


def _function_app(f: Facts) -> None:
    _transit(f)
    _easy_auth(f, function_app=True)
    _public(f)


for _type in APP_TYPES:
    register(_type, "web_app")(_web_app)
for _type in FUNCTION_TYPES:
    register(_type, "web_app")(_function_app)


def _transit(f: Facts) -> None:
    https = as_bool(f.get("https_only"))
    attr = "site_config.minimum_tls_version" if f.has("site_config.minimum_tls_version") else "site_config.min_tls_version"
    tls = f.get(attr)
    if https is False or https is None:
        shown = "https_only = false" if https is False else "https_only not set (default false)"
        f.set("encryption.in_transit", False, f"{shown}: the app also answers plain HTTP",
              "explicit" if https is False else "default", f.where("https_only") if https is False else f.where())
    elif is_unknown(https):
        f.set("encryption.in_transit", https, "https_only not known before apply", where=f.where("https_only"))
    elif is_unknown(tls):
        f.set("encryption.in_transit", tls, f"{attr.split('.')[-1]} not known before apply", where=f.where(attr))
    elif tls is not None and str(tls) in WEAK_TLS:
        f.set("encryption.in_transit", False, f"{attr.split('.')[-1]} = \"{tls}\": obsolete TLS accepted",
              where=f.where(attr))
    else:
        f.set("encryption.in_transit", True, "https_only = true" + (
              f", minimum TLS {tls}" if tls is not None else ", minimum TLS 1.2 (default)"), where=f.where("https_only"))


def _easy_auth(f: Facts, function_app: bool) -> None:
    v1 = as_bool(f.get("auth_settings.enabled"))
    v2 = as_bool(f.get("auth_settings_v2.auth_enabled"))
    for value, path in ((v2, "auth_settings_v2.auth_enabled"), (v1, "auth_settings.enabled")):
        if value is True:
            f.set("authentication", True, f"App Service Authentication is on ({path} = true)", where=f.where(path))
            return
    for value, path in ((v2, "auth_settings_v2.auth_enabled"), (v1, "auth_settings.enabled")):
        if is_unknown(value):
            f.set("authentication", value, f"{path} not known before apply", where=f.where(path))
            return
    shown = ("auth_settings.enabled = false" if v1 is False else
             "auth_settings_v2.auth_enabled = false" if v2 is False else
             "no auth_settings / auth_settings_v2")
    where = f.where("auth_settings" if v1 is False else "auth_settings_v2") if (v1 is False or v2 is False) else f.where()
    if not function_app:
        f.set("authentication", False, f"{shown}: App Service Authentication is off, the platform lets anyone "
              "call the app (any check is left to the application's code)", "default" if v1 is None and v2 is None
              else "explicit", where)
        return
    functions = f.referencing("azurerm_function_app_function")
    anonymous = [fn for fn in functions if _auth_level(fn.attributes.get("config_json")) == "anonymous"]
    if anonymous:
        fn = anonymous[0]
        f.set("authentication", False, f"{shown}, and {fn.address} has an HTTP trigger with authLevel "
              "\"anonymous\": anyone can call it", "derived", f.where("config_json", fn))
    else:
        f.set("authentication", Unknown("HTTP triggers ship with the code"),
              f"{shown}; the HTTP triggers and their authLevel are deployed with the code, not in these files",
              where=where)


def _public(f: Facts) -> None:
    enabled = as_bool(f.get("public_network_access_enabled"))
    restrictions = f.get("site_config.ip_restriction")
    auth = f.facets["authentication"]
    if enabled is False:
        f.set("public", False, "public_network_access_enabled = false", where=f.where("public_network_access_enabled"))
    elif is_unknown(enabled) or is_unknown(restrictions):
        f.set("public", enabled if is_unknown(enabled) else restrictions, "network access settings not known "
              "before apply", where=f.where("site_config"))
    elif restrictions and not any(isinstance(r, dict) and r.get("ip_address") in ("0.0.0.0/0", "*")
                                  and str(r.get("action", "Allow")).lower() == "allow" for r in restrictions):
        f.set("public", False, "site_config.ip_restriction limits who can reach the app",
              where=f.where("site_config.ip_restriction"))
    elif auth.value is True:
        f.set("public", False, "reachable from the internet, but App Service Authentication is on", "derived",
              auth.where)
    elif is_unknown(auth.value):
        f.set("public", auth.value, f"reachable from the internet; {auth.reason}", where=auth.where)
    else:
        f.set("public", True, f"reachable from the internet (public network access on by default) and {auth.reason}",
              "derived", auth.where)


# ------------------------------------------------------------------ functions
@register("azurerm_function_app_function", "api_endpoint")
def function_app_function(f: Facts) -> None:
    level = _auth_level(f.get("config_json"))
    where = f.where("config_json")
    if level is None:
        return   # no HTTP trigger: not an endpoint
    if is_unknown(level):
        f.set("authentication", level, "the trigger's authLevel is not known before apply", where=where)
    elif level == "anonymous":
        app = next((raw for raw in f.all_of_type(*FUNCTION_TYPES) if raw.address in f.raw.refs), None)
        easy_auth = app is not None and any(
            as_bool(f.get(path, None, app)) is True for path in ("auth_settings.enabled", "auth_settings_v2.auth_enabled"))
        if easy_auth:
            f.set("authentication", True, f"HTTP trigger with authLevel \"anonymous\", but its app {app.address} "
                  "has App Service Authentication on", "derived", where)
        else:
            f.set("authentication", False, "HTTP trigger with authLevel \"anonymous\": anyone can call it", where=where)
    else:
        f.set("authentication", True, f"HTTP trigger with authLevel \"{level}\": callers need a function or "
              "host key", "explicit" if level != "function (default)" else "default", where)


def _auth_level(config: Any) -> Any:
    """authLevel of the function's HTTP trigger ("anonymous", "function", "admin"), None when it
    has no HTTP trigger, Unknown when config_json is not known."""
    doc = decode_json_value(config) if config is not None else None
    if is_unknown(doc):
        return doc
    if not isinstance(doc, dict):
        return None
    bindings = doc.get("bindings")
    if is_unknown(bindings):
        return bindings
    for binding in bindings or []:
        if not isinstance(binding, dict):
            continue
        if str(binding.get("type", "")).lower() == "httptrigger":
            level = binding.get("authLevel")
            if is_unknown(level):
                return level
            return str(level).lower() if level is not None else "function (default)"
    return None


# ------------------------------------------------------------------ Application Gateway
@register("azurerm_application_gateway", "load_balancer")
def application_gateway(f: Facts) -> None:
    frontends = {}
    for block in f.blocks("frontend_ip_configuration"):
        if isinstance(block, dict):
            frontends[block.get("name")] = block.get("public_ip_address_id") is not None
    listeners = [b for b in f.blocks("http_listener") if isinstance(b, dict) or is_unknown(b)]
    https_listeners = {b.get("name") for b in listeners if isinstance(b, dict)
                       and str(b.get("protocol", "")).lower() == "https"}
    redirects = {b.get("name"): b for b in f.blocks("redirect_configuration") if isinstance(b, dict)}
    rules = [b for b in f.blocks("request_routing_rule") if isinstance(b, dict)]
    unknown = None
    for index, listener in enumerate(f.blocks("http_listener")):
        path = f"http_listener.{index}"
        if is_unknown(listener):
            unknown = (listener, "a listener is not known before apply", f.where(path))
            continue
        if not isinstance(listener, dict):
            continue
        protocol = listener.get("protocol")
        if is_unknown(protocol):
            unknown = (protocol, "a listener's protocol is not known before apply", f.where(f"{path}.protocol"))
            continue
        if str(protocol).lower() != "http":
            continue
        public = _listener_public(listener.get("frontend_ip_configuration_name"), frontends)
        if public is False:
            continue
        redirected = _redirected(listener.get("name"), rules, redirects, https_listeners)
        if redirected is True:
            continue
        if public is True and redirected is False:
            name = listener.get("name")
            shown = f'http_listener "{name}"' if isinstance(name, str) else f"http_listener #{index + 1}"
            f.set("encryption.in_transit", False, f"{shown} serves plain HTTP on a "
                  "public frontend IP and is not redirected to HTTPS", where=f.where(f"{path}.protocol"))
            return
        unknown = (Unknown("listener frontend or redirect not known"), "whether a plain-HTTP listener is public or "
                   "redirected is not known before apply", f.where(f"{path}.protocol"))
    if unknown:
        f.set("encryption.in_transit", unknown[0], unknown[1], where=unknown[2])
        return
    if not listeners:
        return
    f.set("encryption.in_transit", True, "no plain-HTTP listener on a public frontend (or redirected to HTTPS)",
          "derived", f.where("http_listener"))


def _listener_public(name: Any, frontends: dict) -> Any:
    if not frontends:
        return Unknown("no frontend_ip_configuration")
    if not is_unknown(name) and name in frontends:
        return frontends[name]
    values = set(frontends.values())
    if len(values) == 1:
        return values.pop()   # every frontend is alike, whichever this listener uses
    return Unknown("the listener's frontend is not known")


def _redirected(name: Any, rules: list, redirects: dict, https_listeners: set) -> Any:
    """Is the listener redirected to HTTPS by its routing rule? True / False / Unknown."""
    maybe = False
    for rule in rules:
        listener = rule.get("http_listener_name")
        same = (Unknown("routing rule listener not known") if is_unknown(listener) or is_unknown(name)
                else listener == name)
        if same is False:
            continue
        redirect_name = rule.get("redirect_configuration_name")
        if redirect_name is None:
            continue
        redirect = None if is_unknown(redirect_name) else redirects.get(redirect_name)
        if redirect is None and not is_unknown(redirect_name):
            continue
        to_https = Unknown("redirect not known") if redirect is None else (
            (isinstance(redirect.get("target_listener_name"), str)
             and redirect.get("target_listener_name") in https_listeners)
            or str(redirect.get("target_url") or "").startswith("https://"))
        if to_https is True and same is True:
            return True
        if to_https is not False:
            maybe = True
    return Unknown("a redirect may apply") if maybe else False
