"""Type conversion of variable values, as Terraform applies a variable's `type`.

Only what changes a value matters here: primitives converted from strings ("5" -> 5,
"true" -> True) and `optional(type, default)` attributes of objects filled in. A value that
does not fit its type is left as it is: `terraform validate` would reject it, and guessing
a conversion could hide a misconfiguration.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..hcl import ast
from ..values import is_unknown

_MAX_DEPTH = 32


def convert_to_type(value: Any, type_expr: ast.Expr, module, depth: int = 0) -> Any:
    if is_unknown(value) or value is None or depth > _MAX_DEPTH:
        return value
    if isinstance(type_expr, ast.Variable):
        return _primitive(value, type_expr.name)
    if not isinstance(type_expr, ast.Call) or not type_expr.args:
        return value
    name, args = type_expr.name, type_expr.args
    if name in ("list", "set") and isinstance(value, (list, tuple)):
        return [convert_to_type(v, args[0], module, depth + 1) for v in value]
    if name == "map" and isinstance(value, Mapping):
        return {k: convert_to_type(v, args[0], module, depth + 1) for k, v in value.items()}
    if name == "object" and isinstance(value, Mapping) and isinstance(args[0], ast.ObjectExpr):
        return _object(value, args[0], module, depth)
    if name == "tuple" and isinstance(value, (list, tuple)) and isinstance(args[0], ast.TupleExpr):
        types = args[0].items
        return [convert_to_type(v, types[i], module, depth + 1) if i < len(types) else v
                for i, v in enumerate(value)]
    return value


def _object(value: Mapping, spec: ast.ObjectExpr, module, depth: int) -> dict:
    out = dict(value)
    for key_expr, attr_type in spec.items:
        if not isinstance(key_expr, ast.Literal):
            continue
        key = str(key_expr.value)
        if isinstance(attr_type, ast.Call) and attr_type.name == "optional" and attr_type.args:
            inner = attr_type.args[0]
            if out.get(key) is None:
                default = (module.eval_static(attr_type.args[1], "")
                           if len(attr_type.args) > 1 else None)
                out[key] = convert_to_type(default, inner, module, depth + 1)
                continue
            attr_type = inner
        if key in out:
            out[key] = convert_to_type(out[key], attr_type, module, depth + 1)
    return out


def _primitive(value: Any, type_name: str) -> Any:
    if type_name == "number" and isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            return value
        return int(number) if number.is_integer() and "." not in value else number
    if type_name == "bool" and isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    if type_name == "string" and not isinstance(value, (str, list, dict, Mapping)):
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)
    return value
