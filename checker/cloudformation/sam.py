"""The SAM transform's common resources, translated like CloudFormation ones.

AWS::Serverless::Function -> aws_lambda_function, plus what its events create: an `Api` event
-> an aws_api_gateway_method (address "<Function>.<Event>") whose `authorization` is the event's
Auth.Authorizer, else the API's Auth.DefaultAuthorizer (the AWS::Serverless::Api it names, or
Globals.Api for the implicit API), else NONE; an `HttpApi` event -> an aws_apigatewayv2_route
decided the same way; FunctionUrlConfig -> aws_lambda_function_url ("<Function>Url", as SAM
names it). AWS::Serverless::Api -> aws_api_gateway_rest_api, ::HttpApi -> aws_apigatewayv2_api,
::SimpleTable -> aws_dynamodb_table. Globals (Function, Api, HttpApi, SimpleTable) are merged
into each resource before evaluation, the resource's own properties winning.
"""
from __future__ import annotations

from typing import Any

from ..values import Unknown, is_unknown, refs_of
from .translate import LAMBDA, Block, Item, _set, as_list, convert, line_of, tags, to_bool, translator

IMPLICIT_API = "ServerlessRestApi"
IMPLICIT_HTTP_API = "ServerlessHttpApi"


@translator("AWS::Serverless::Function")
def function(item: Item) -> list:
    props = item.props if isinstance(item.props, dict) else {}
    lines: dict = {}
    attrs = convert(props, LAMBDA[:-1] + (("tags", "Tags", tags),), lines, "", item.line)
    out = [item.raw("aws_lambda_function", attrs, lines)]
    events = props.get("Events")
    if isinstance(events, dict):
        for name, event in events.items():
            if not isinstance(event, dict):
                continue
            line = line_of(events, name, item.line)
            etype = event.get("Type")
            eprops = event.get("Properties") if isinstance(event.get("Properties"), dict) else {}
            if etype == "Api":
                out.append(_api_method(item, name, eprops, line))
            elif etype == "HttpApi":
                out.append(_http_route(item, name, eprops, line))
    url = props.get("FunctionUrlConfig")
    if isinstance(url, dict) or is_unknown(url):
        line = line_of(props, "FunctionUrlConfig", item.line)
        auth = url.get("AuthType") if isinstance(url, dict) else url
        url_lines = {"authorization_type": line_of(url, "AuthType", line), "function_name": line}
        raw = item.raw("aws_lambda_function_url",
                       {"function_name": Unknown(f"{item.lid} function name", {item.lid}),
                        "authorization_type": auth}, url_lines, address=f"{item.lid}Url")
        raw.location = type(raw.location)(item.rel, line)
        out.append(raw)
    return out


def _api_auth(item: Item, api: Any, implicit: str, globals_key: str) -> tuple[dict, int, str]:
    """(Auth of the API the event names, line of that Auth, the API's logical id)."""
    lid = implicit
    if is_unknown(api):
        refs = sorted(api.refs)
        lid = refs[0] if refs else ""
    elif isinstance(api, str):
        lid = api
    props = item.view.evaluated_props(lid) if lid and lid != implicit else None
    if props is None:
        glob = item.view.globals_of(globals_key)
        auth = glob.get("Auth") if isinstance(glob, dict) else None
        return (auth if isinstance(auth, dict) else {}), line_of(glob, "Auth", 0), lid
    auth = props.get("Auth") if isinstance(props, dict) else None
    return (auth if isinstance(auth, dict) else {}), line_of(props, "Auth", 0), lid


def _authorizer(event_auth: dict, api_auth: dict, line: int, api_line: int) -> tuple[Any, int, Any]:
    """(name, line, default-used) of the authorizer that applies."""
    if "Authorizer" in event_auth:
        return event_auth["Authorizer"], line_of(event_auth, "Authorizer", line), False
    if "DefaultAuthorizer" in api_auth:
        return api_auth["DefaultAuthorizer"], line_of(api_auth, "DefaultAuthorizer", api_line) or line, True
    return "NONE", line, True


def _api_method(item: Item, name: str, eprops: dict, line: int):
    api = eprops.get("RestApiId")
    api_auth, api_line, api_lid = _api_auth(item, api, IMPLICIT_API, "Api")
    event_auth = eprops.get("Auth") if isinstance(eprops.get("Auth"), dict) else {}
    authorizer, auth_line, _ = _authorizer(event_auth, api_auth, line, api_line)
    if is_unknown(authorizer):
        authorization = authorizer
    elif authorizer in ("NONE", "AWS_IAM"):
        authorization = authorizer
    else:
        definitions = api_auth.get("Authorizers") if isinstance(api_auth.get("Authorizers"), dict) else {}
        spec = definitions.get(authorizer) if isinstance(definitions, dict) else None
        authorization = "COGNITO_USER_POOLS" if isinstance(spec, dict) and "UserPoolArn" in spec else "CUSTOM"
    key_required = event_auth.get("ApiKeyRequired", api_auth.get("ApiKeyRequired"))
    method = eprops.get("Method")
    attrs = {"http_method": method.upper() if isinstance(method, str) else method,
             "authorization": authorization, "resource_id": eprops.get("Path"),
             "rest_api_id": api if api is not None else IMPLICIT_API}
    lines = {"authorization": auth_line, "http_method": line_of(eprops, "Method", line),
             "resource_id": line_of(eprops, "Path", line)}
    if key_required is not None:
        attrs["api_key_required"] = to_bool(key_required)
        lines["api_key_required"] = line
    refs = frozenset({item.lid} | ({api_lid} if api_lid and api_lid != IMPLICIT_API else set()))
    raw = item.raw("aws_api_gateway_method", attrs, lines, address=f"{item.lid}.{name}", extra_refs=refs)
    raw.location = type(raw.location)(item.rel, line)
    return raw


def _http_route(item: Item, name: str, eprops: dict, line: int):
    api = eprops.get("ApiId")
    api_auth, api_line, api_lid = _api_auth(item, api, IMPLICIT_HTTP_API, "HttpApi")
    event_auth = eprops.get("Auth") if isinstance(eprops.get("Auth"), dict) else {}
    authorizer, auth_line, _ = _authorizer(event_auth, api_auth, line, api_line)
    if is_unknown(authorizer) or authorizer in ("NONE", "AWS_IAM"):
        authorization = authorizer
    else:
        definitions = api_auth.get("Authorizers") if isinstance(api_auth.get("Authorizers"), dict) else {}
        spec = definitions.get(authorizer)
        authorization = "JWT" if isinstance(spec, dict) and "JwtConfiguration" in spec else "CUSTOM"
    method, path = eprops.get("Method"), eprops.get("Path")
    route_key = (f"{method.upper() if isinstance(method, str) else 'ANY'} {path}"
                 if isinstance(path, str) else "$default")
    attrs = {"route_key": route_key, "authorization_type": authorization,
             "api_id": api if api is not None else IMPLICIT_HTTP_API}
    lines = {"authorization_type": auth_line, "route_key": line_of(eprops, "Path", line)}
    refs = frozenset({item.lid} | ({api_lid} if api_lid and api_lid != IMPLICIT_HTTP_API else set()))
    raw = item.raw("aws_apigatewayv2_route", attrs, lines, address=f"{item.lid}.{name}", extra_refs=refs)
    raw.location = type(raw.location)(item.rel, line)
    return raw


@translator("AWS::Serverless::Api")
def api(item: Item) -> list:
    props = item.props if isinstance(item.props, dict) else {}
    lines: dict = {}
    attrs = convert(props, (("name", "Name", None), ("tags", "Tags", tags)), lines, "", item.line)
    endpoint = props.get("EndpointConfiguration")
    if endpoint is not None:
        types = endpoint.get("Type") if isinstance(endpoint, dict) else endpoint
        _set(attrs, lines, "endpoint_configuration", [{"types": as_list(types)}],
             line_of(props, "EndpointConfiguration", item.line))
    return [item.raw("aws_api_gateway_rest_api", attrs, lines)]


@translator("AWS::Serverless::HttpApi")
def http_api(item: Item) -> list:
    props = item.props if isinstance(item.props, dict) else {}
    lines: dict = {}
    attrs = convert(props, (("name", "Name", None), ("tags", "Tags", tags)), lines, "", item.line)
    attrs["protocol_type"] = "HTTP"
    return [item.raw("aws_apigatewayv2_api", attrs, lines)]


@translator("AWS::Serverless::SimpleTable")
def simple_table(item: Item) -> list:
    props = item.props if isinstance(item.props, dict) else {}
    lines: dict = {}
    attrs = convert(props, (
        ("name", "TableName", None),
        # SAM passes SSESpecification to the DynamoDB table as is (SSEEnabled, KMSMasterKeyId).
        ("server_side_encryption", "SSESpecification", Block((
            ("enabled", "SSEEnabled", to_bool), ("kms_key_arn", "KMSMasterKeyId", None)))),
        ("hash_key", "PrimaryKey", lambda v: v.get("Name") if isinstance(v, dict) else v),
        ("tags", "Tags", tags)), lines, "", item.line)
    return [item.raw("aws_dynamodb_table", attrs, lines)]


__all__ = ["function", "api", "http_api", "simple_table", "refs_of"]
