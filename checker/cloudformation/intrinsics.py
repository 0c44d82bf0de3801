"""Evaluate a template's intrinsic functions the way CloudFormation does at deployment.

What the template alone decides is computed: parameters (user value, else Default), Mappings
(Fn::FindInMap), Conditions (Fn::Equals/And/Or/Not, Condition), Fn::If, Fn::Sub, Fn::Join,
Fn::Select, Fn::Split, Fn::Base64, Fn::Cidr, Fn::Length, Fn::ToJsonString. What only the
deployment knows is `Unknown`, never guessed: pseudo parameters (AWS::Region, AWS::AccountId,
AWS::StackName, AWS::StackId, AWS::Partition, AWS::URLSuffix, AWS::NotificationARNs), Ref and
Fn::GetAtt of resources (Unknown whose refs name the logical id, which is how resources are
linked into the graph), Fn::ImportValue, Fn::GetAZs, SSM parameter types, parameters without a
value. `Ref: AWS::NoValue` removes the property (or list item) it stands for.
"""
from __future__ import annotations

import base64
import ipaddress
import json
import re
from typing import Any

from ..values import Unknown, contains_unknown, is_unknown, merge_unknown
from .yaml_loader import LineDict, LineList

NO_VALUE = object()      # AWS::NoValue: the key or item is removed

PSEUDO = {
    "AWS::Region": "the region the stack is deployed to",
    "AWS::AccountId": "the account the stack is deployed to",
    "AWS::StackName": "the stack name",
    "AWS::StackId": "the stack id",
    "AWS::Partition": "the partition of the region",
    "AWS::URLSuffix": "the URL suffix of the region",
    "AWS::NotificationARNs": "the stack's notification ARNs",
}
FUNCTIONS = frozenset({
    "Ref", "Condition", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select", "Fn::Split", "Fn::If",
    "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Fn::FindInMap", "Fn::ImportValue",
    "Fn::Base64", "Fn::GetAZs", "Fn::Cidr", "Fn::Transform", "Fn::ToJsonString", "Fn::Length",
})
# Fn::GetAtt attributes whose value is a property as written.
ECHO_ATTRIBUTES = {("AWS::EC2::VPC", "CidrBlock"): "CidrBlock", ("AWS::EC2::Subnet", "CidrBlock"): "CidrBlock",
                   ("AWS::RDS::DBInstance", "Endpoint.Port"): "Port",
                   ("AWS::RDS::DBCluster", "Endpoint.Port"): "Port"}
_SUB = re.compile(r"\$\{([^}]*)\}")


class Template:
    """One template's evaluation context."""

    def __init__(self, data: dict, overrides: dict | None = None):
        self.data = data
        self.resources = data.get("Resources") if isinstance(data.get("Resources"), dict) else {}
        self.mappings = data.get("Mappings") if isinstance(data.get("Mappings"), dict) else {}
        self.condition_defs = data.get("Conditions") if isinstance(data.get("Conditions"), dict) else {}
        self.notes: list = []          # (message, line)
        self.parameters = self._parameters(data.get("Parameters"), overrides or {})
        self._conditions: dict = {}
        self._evaluating: set = set()
        self._echoing: set = set()

    # ------------------------------------------------------------------ parameters
    def _parameters(self, params: Any, overrides: dict) -> dict:
        out = {}
        if not isinstance(params, dict):
            return out
        for name, spec in params.items():
            spec = spec if isinstance(spec, dict) else {}
            ptype = str(spec.get("Type", "String"))
            if name in overrides:
                value = overrides[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                out[name] = Unknown(f"parameter {name} has no default and no value was given "
                                    "(--cfn-param)")
                continue
            if ptype.startswith("AWS::SSM::Parameter::Value<"):
                out[name] = Unknown(f"parameter {name} is read from SSM parameter {value} at deployment")
                continue
            out[name] = _convert_parameter(value, ptype)
        return out

    # ------------------------------------------------------------------ conditions
    def condition(self, name: Any) -> Any:
        """True/False, or Unknown when it depends on what only the deployment knows."""
        if is_unknown(name):
            return name
        if not isinstance(name, str) or name not in self.condition_defs:
            self.notes.append((f"condition {name!r} is not defined in Conditions", 0))
            return Unknown(f"condition {name!r} is not defined")
        if name in self._conditions:
            return self._conditions[name]
        if name in self._evaluating:
            self.notes.append((f"condition {name} refers to itself", 0))
            return Unknown(f"condition {name} refers to itself")
        self._evaluating.add(name)
        try:
            value = self.evaluate(self.condition_defs[name])
        finally:
            self._evaluating.discard(name)
        if not isinstance(value, bool) and not is_unknown(value):
            value = Unknown(f"condition {name} does not evaluate to true or false")
        self._conditions[name] = value
        return value

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, value: Any, depth: int = 0) -> Any:
        if depth > 300:
            return Unknown("nesting too deep to evaluate")
        if isinstance(value, dict):
            if len(value) == 1:
                (key, arg), = value.items()
                if key in FUNCTIONS and not (key == "Condition" and not isinstance(arg, str)):
                    return self._function(key, arg, depth + 1, getattr(value, "line", 0))
            out = LineDict(line=getattr(value, "line", 0))
            lines = getattr(value, "lines", {})
            for k, v in value.items():
                result = self.evaluate(v, depth + 1)
                if result is NO_VALUE:
                    continue
                out[k] = result
                if k in lines:
                    out.lines[k] = lines[k]
            return out
        if isinstance(value, list):
            out_list = LineList(line=getattr(value, "line", 0))
            lines = getattr(value, "lines", [])
            for i, v in enumerate(value):
                result = self.evaluate(v, depth + 1)
                if result is NO_VALUE:
                    continue
                out_list.append(result)
                out_list.lines.append(lines[i] if i < len(lines) else out_list.line)
            return out_list
        return value

    def _function(self, name: str, arg: Any, depth: int, line: int) -> Any:
        handler = getattr(self, "_fn_" + name.replace("Fn::", "").lower())
        return handler(arg, depth, line)

    def _note(self, message: str, line: int) -> None:
        self.notes.append((message, line))

    def ref(self, name: Any, line: int = 0) -> Any:
        if is_unknown(name):
            return name
        if not isinstance(name, str):
            self._note(f"Ref needs a name, got {name!r}", line)
            return Unknown("Ref without a name")
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in PSEUDO:
            return Unknown(f"{name} ({PSEUDO[name]}) is known only at deployment")
        if name in self.parameters:
            return self.parameters[name]
        if name in self.resources:
            return Unknown(f"Ref {name} is known only after deployment", {name})
        self._note(f"Ref to {name}, which is neither a parameter nor a resource of the template", line)
        return Unknown(f"Ref to undefined {name}")

    def _fn_ref(self, arg, depth, line):
        return self.ref(self.evaluate(arg, depth) if isinstance(arg, dict) else arg, line)

    def _fn_condition(self, arg, depth, line):
        return self.condition(arg)

    def _fn_getatt(self, arg, depth, line):
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2:
            self._note("Fn::GetAtt needs [resource, attribute]", line)
            return Unknown("malformed Fn::GetAtt")
        resource = self.evaluate(arg[0], depth)
        attribute = self.evaluate(arg[1], depth)
        refs = {resource} if isinstance(resource, str) and resource in self.resources else set()
        echoed = self._echo(resource, attribute, depth) if refs else None
        if echoed is not None:
            return echoed
        if isinstance(resource, str) and not refs:
            self._note(f"Fn::GetAtt of {resource}, which is not a resource of the template", line)
        return Unknown(f"{resource}.{attribute if not is_unknown(attribute) else '?'} is known only "
                       "after deployment", refs)

    def _echo(self, resource: str, attribute: Any, depth: int) -> Any:
        """Attributes that repeat a property of the resource (a VPC's CidrBlock)."""
        spec = self.resources.get(resource)
        if not isinstance(spec, dict) or not isinstance(attribute, str):
            return None
        prop = ECHO_ATTRIBUTES.get((spec.get("Type"), attribute))
        props = spec.get("Properties")
        if prop is None or not isinstance(props, dict) or prop not in props or resource in self._echoing:
            return None
        self._echoing.add(resource)
        try:
            value = self.evaluate(props[prop], depth)
        finally:
            self._echoing.discard(resource)
        return None if is_unknown(value) or value is NO_VALUE else value

    def _fn_sub(self, arg, depth, line):
        variables: dict = {}
        if isinstance(arg, list):
            if len(arg) != 2 or not isinstance(arg[1], dict):
                self._note("Fn::Sub needs a string or [string, {variables}]", line)
                return Unknown("malformed Fn::Sub")
            arg, variables = arg[0], arg[1]
        template = self.evaluate(arg, depth)
        if is_unknown(template):
            return template
        if not isinstance(template, str):
            self._note("Fn::Sub needs a string", line)
            return Unknown("malformed Fn::Sub")
        parts: list = []
        pos = 0
        for m in _SUB.finditer(template):
            parts.append(template[pos:m.start()])
            pos = m.end()
            name = m.group(1)
            if name.startswith("!"):
                parts.append("${" + name[1:] + "}")
                continue
            name = name.strip()
            if name in variables:
                value = self.evaluate(variables[name], depth)
            elif "." in name and not name.startswith("AWS::"):
                value = self._fn_getatt(name.split(".", 1), depth, line)
            else:
                value = self.ref(name, line)
            parts.append(value)
        parts.append(template[pos:])
        return _concat(parts, "Fn::Sub")

    def _fn_join(self, arg, depth, line):
        if not isinstance(arg, list) or len(arg) != 2:
            self._note("Fn::Join needs [delimiter, [values]]", line)
            return Unknown("malformed Fn::Join")
        delimiter = self.evaluate(arg[0], depth)
        items = self.evaluate(arg[1], depth)
        if is_unknown(delimiter) or is_unknown(items):
            return merge_unknown(delimiter, items)
        if not isinstance(items, list):
            self._note("Fn::Join needs a list of values", line)
            return Unknown("malformed Fn::Join")
        parts: list = []
        for i, item in enumerate(items):
            if i:
                parts.append(str(delimiter))
            parts.append(item)
        return _concat(parts, "Fn::Join")

    def _fn_select(self, arg, depth, line):
        if not isinstance(arg, list) or len(arg) != 2:
            self._note("Fn::Select needs [index, list]", line)
            return Unknown("malformed Fn::Select")
        index = self.evaluate(arg[0], depth)
        items = self.evaluate(arg[1], depth)
        if is_unknown(index) or is_unknown(items):
            return merge_unknown(index, items)
        try:
            index = int(index)
        except (TypeError, ValueError):
            self._note(f"Fn::Select index {index!r} is not a number", line)
            return Unknown("malformed Fn::Select")
        if not isinstance(items, list) or not 0 <= index < len(items):
            self._note(f"Fn::Select index {index} is out of range", line)
            return Unknown("Fn::Select index out of range")
        return items[index]

    def _fn_split(self, arg, depth, line):
        if not isinstance(arg, list) or len(arg) != 2:
            self._note("Fn::Split needs [delimiter, string]", line)
            return Unknown("malformed Fn::Split")
        delimiter = self.evaluate(arg[0], depth)
        source = self.evaluate(arg[1], depth)
        if is_unknown(delimiter) or is_unknown(source):
            return merge_unknown(delimiter, source)
        if not isinstance(source, str) or not isinstance(delimiter, str) or not delimiter:
            return Unknown("Fn::Split of a value that is not a string")
        return source.split(delimiter)

    def _fn_if(self, arg, depth, line):
        if not isinstance(arg, list) or len(arg) != 3:
            self._note("Fn::If needs [condition, value if true, value if false]", line)
            return Unknown("malformed Fn::If")
        cond = self.condition(arg[0])
        if cond is True:
            return self.evaluate(arg[1], depth)
        if cond is False:
            return self.evaluate(arg[2], depth)
        yes, no = self.evaluate(arg[1], depth), self.evaluate(arg[2], depth)
        if yes is not NO_VALUE and no is not NO_VALUE and not contains_unknown([yes, no]) and yes == no:
            return yes
        branches = [v for v in (yes, no) if v is not NO_VALUE]
        return merge_unknown(cond, *branches, reason=f"Fn::If on condition {arg[0]}, which is not "
                             f"known before deployment ({cond.reason})")

    def _fn_equals(self, arg, depth, line):
        if not isinstance(arg, list) or len(arg) != 2:
            self._note("Fn::Equals needs two values", line)
            return Unknown("malformed Fn::Equals")
        a, b = self.evaluate(arg[0], depth), self.evaluate(arg[1], depth)
        if is_unknown(a) or is_unknown(b):
            return merge_unknown(a, b)
        return _text(a) == _text(b)

    def _fn_and(self, arg, depth, line):
        return self._logic(arg, depth, line, "Fn::And", all_of=True)

    def _fn_or(self, arg, depth, line):
        return self._logic(arg, depth, line, "Fn::Or", all_of=False)

    def _logic(self, arg, depth, line, name, all_of: bool):
        if not isinstance(arg, list) or not arg:
            self._note(f"{name} needs a list of conditions", line)
            return Unknown(f"malformed {name}")
        values = [self._truth(a, depth) for a in arg]
        decisive = False if all_of else True
        if any(v is decisive for v in values):
            return decisive
        unknown = [v for v in values if not isinstance(v, bool)]
        return merge_unknown(*unknown) if unknown else (not decisive)

    def _truth(self, value, depth):
        result = self.evaluate(value, depth)
        if isinstance(result, bool) or is_unknown(result):
            return result
        if isinstance(result, str) and result.lower() in ("true", "false"):
            return result.lower() == "true"
        return Unknown("a condition that is not true or false")

    def _fn_not(self, arg, depth, line):
        if isinstance(arg, list) and len(arg) == 1:
            arg = arg[0]
        value = self._truth(arg, depth)
        return value if is_unknown(value) else not value

    def _fn_findinmap(self, arg, depth, line):
        if not isinstance(arg, list) or len(arg) not in (3, 4):
            self._note("Fn::FindInMap needs [map, key, key]", line)
            return Unknown("malformed Fn::FindInMap")
        keys = [self.evaluate(a, depth) for a in arg[:3]]
        default = arg[3].get("DefaultValue", NO_VALUE) if len(arg) == 4 and isinstance(arg[3], dict) else NO_VALUE
        if any(is_unknown(k) for k in keys):
            return merge_unknown(*keys, reason=f"Fn::FindInMap {arg[0]} with a key known only at "
                                 "deployment")
        current: Any = self.mappings
        for key in keys:
            if isinstance(current, dict) and _text(key) in current:
                current = current[_text(key)]
            else:
                if default is not NO_VALUE:
                    return self.evaluate(default, depth)
                self._note(f"Fn::FindInMap: {'/'.join(map(_text, keys))} is not in Mappings", line)
                return Unknown(f"Fn::FindInMap {'/'.join(map(_text, keys))} not found")
        return self.evaluate(current, depth)

    def _fn_importvalue(self, arg, depth, line):
        name = self.evaluate(arg, depth)
        shown = name if isinstance(name, str) else "a name known at deployment"
        return merge_unknown(name, reason=f"Fn::ImportValue {shown}: exported by another stack")

    def _fn_base64(self, arg, depth, line):
        value = self.evaluate(arg, depth)
        if isinstance(value, str):
            return base64.b64encode(value.encode()).decode()
        return merge_unknown(value, reason="Fn::Base64 of a value known only at deployment")

    def _fn_getazs(self, arg, depth, line):
        return Unknown("Fn::GetAZs: the availability zones of the region are known only at deployment")

    def _fn_cidr(self, arg, depth, line):
        if not isinstance(arg, list) or len(arg) != 3:
            self._note("Fn::Cidr needs [block, count, bits]", line)
            return Unknown("malformed Fn::Cidr")
        block, count, bits = (self.evaluate(a, depth) for a in arg)
        if contains_unknown([block, count, bits]):
            return merge_unknown(block, count, bits)
        try:
            network = ipaddress.ip_network(str(block), strict=False)
            prefix = network.max_prefixlen - int(bits)
            subnets = network.subnets(new_prefix=prefix)
            return [str(next(subnets)) for _ in range(int(count))]
        except (ValueError, StopIteration):
            self._note(f"Fn::Cidr cannot split {block} into {count} /{bits}-bit subnets", line)
            return Unknown("Fn::Cidr out of range")

    def _fn_transform(self, arg, depth, line):
        return Unknown("Fn::Transform: a macro runs at deployment")

    def _fn_tojsonstring(self, arg, depth, line):
        value = self.evaluate(arg, depth)
        if contains_unknown(value):
            return merge_unknown(value)
        return json.dumps(value, separators=(",", ":"))

    def _fn_length(self, arg, depth, line):
        value = self.evaluate(arg, depth)
        if is_unknown(value):
            return value
        return len(value) if isinstance(value, list) else Unknown("Fn::Length of a value that is not a list")


def static_refs(value: Any, resources: dict, depth: int = 0) -> set:
    """Logical ids of resources named anywhere in `value` (Ref, Fn::GetAtt, Fn::Sub), whichever
    branch a condition takes: the references as written."""
    out: set = set()
    if depth > 300:
        return out
    if isinstance(value, dict):
        for key, arg in value.items():
            if key == "Ref" and isinstance(arg, str) and arg in resources:
                out.add(arg)
            elif key == "Fn::GetAtt":
                name = arg.split(".", 1)[0] if isinstance(arg, str) else arg[0] if isinstance(arg, list) and arg else None
                if isinstance(name, str) and name in resources:
                    out.add(name)
            elif key == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) and arg else arg
                if isinstance(text, str):
                    for m in _SUB.finditer(text):
                        name = m.group(1).strip().split(".", 1)[0]
                        if name in resources:
                            out.add(name)
            out |= static_refs(arg, resources, depth + 1)
    elif isinstance(value, list):
        for item in value:
            out |= static_refs(item, resources, depth + 1)
    return out


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _concat(parts: list, what: str) -> Any:
    """Join string parts; any Unknown part makes the whole Unknown, keeping every ref."""
    if any(is_unknown(p) or p is NO_VALUE for p in parts):
        unknown = [p for p in parts if is_unknown(p)]
        return merge_unknown(*unknown, reason=f"{what} over values known only at deployment ("
                             + "; ".join(dict.fromkeys(u.reason for u in unknown[:3])) + ")")
    if any(isinstance(p, (dict, list)) for p in parts):
        return Unknown(f"{what} over a value that is not a string")
    return "".join(_text(p) for p in parts)


def _convert_parameter(value: Any, ptype: str) -> Any:
    if ptype == "Number":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        try:
            text = str(value).strip()
            return int(text) if re.fullmatch(r"-?\d+", text) else float(text)
        except ValueError:
            return str(value)
    if ptype.startswith("List<") or ptype == "CommaDelimitedList":
        if isinstance(value, list):
            items = value
        else:
            items = [v.strip() for v in str(value).split(",")] if str(value) != "" else []
        if ptype == "List<Number>":
            return [_convert_parameter(v, "Number") for v in items]
        return [_text(v) for v in items]
    return _text(value)
