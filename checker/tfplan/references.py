"""The `configuration` section of a plan: which attributes the .tf files set, and the resource
instances each expression references, resolved through variables and module outputs.

Terraform lists an expression's references as text inside one module (`aws_s3_bucket.b.id`,
`var.bucket_id`, `module.store["hr"].bucket_id`); here they become instance addresses of the
plan (`module.store["hr"].aws_s3_bucket.this`), so that an attachment whose `bucket` is only
known after apply is still folded into the right bucket.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional

from . import addresses

MAX_DEPTH = 16


class Configuration:
    def __init__(self, configuration: Any, resource_addresses: Iterable[str]):
        root = configuration.get("root_module") if isinstance(configuration, dict) else None
        self.root = root if isinstance(root, dict) else None
        self.instances: dict[str, list[str]] = {}     # base address -> instance addresses
        self.modules: dict[str, list[str]] = {}       # un-keyed module call address -> instances
        for address in resource_addresses:
            try:
                base = addresses.resource_base(address)
                calls = addresses.module_steps(address)
            except ValueError:
                continue
            self.instances.setdefault(base, []).append(address)
            for i in range(1, len(calls) + 1):
                instance = addresses.module_prefix(calls[:i]).rstrip(".")
                unkeyed = addresses.module_prefix(calls[:i - 1]) + f"module.{calls[i - 1][0]}"
                known = self.modules.setdefault(unkeyed, [])
                if instance not in known:
                    known.append(instance)

    @property
    def available(self) -> bool:
        return self.root is not None

    # -- configuration nodes
    def module_node(self, calls) -> Optional[dict]:
        node = self.root
        for name, _key in calls:
            if node is None:
                return None
            call = _dict(node.get("module_calls")).get(name)
            node = _dict(call).get("module") if isinstance(call, dict) else None
            node = node if isinstance(node, dict) else None
        return node

    def module_call(self, calls) -> Optional[dict]:
        """The `module_calls` entry that made the last module of `calls`."""
        if not calls:
            return None
        parent = self.module_node(calls[:-1])
        call = _dict(_dict(parent).get("module_calls")).get(calls[-1][0])
        return call if isinstance(call, dict) else None

    def resource_expressions(self, calls, local_address: str) -> Optional[dict]:
        """`expressions` of the resource block `aws_x.y` / `data.aws_x.y` in that module."""
        node = self.module_node(calls)
        for resource in _list(_dict(node).get("resources")):
            if isinstance(resource, dict) and resource.get("address") == local_address:
                expressions = resource.get("expressions")
                return expressions if isinstance(expressions, dict) else {}
        return None

    # -- references
    def resolve(self, refs: Iterable[Any], calls, own_key: str = "", depth: int = 0) -> set[str]:
        """Instance addresses of the resources that references made in module `calls` name."""
        out: set[str] = set()
        if depth > MAX_DEPTH:
            return out
        prefix = addresses.module_prefix(calls)
        for ref in refs:
            if not isinstance(ref, str):
                continue
            try:
                steps = addresses.split(ref)
            except ValueError:
                continue
            if not steps:
                continue
            root = steps[0][0]
            if root == "var" and len(steps) >= 2 and calls:
                call = self.module_call(calls)
                expr = _dict(_dict(call).get("expressions")).get(steps[1][0])
                out |= self.resolve(expression_references(expr), calls[:-1], calls[-1][1], depth + 1)
            elif root == "module" and len(steps) >= 3:
                name, key = steps[1]
                unkeyed = f"{prefix}module.{name}"
                instances = [f"{unkeyed}{key}"] if key else self.modules.get(unkeyed, [unkeyed])
                node = self.module_node(list(calls) + [(name, "")])
                output = _dict(_dict(_dict(node).get("outputs")).get(steps[2][0]))
                inner = expression_references(output.get("expression"))
                for instance in instances:
                    try:
                        inner_calls = addresses.module_steps(instance)
                    except ValueError:
                        continue
                    out |= self.resolve(inner, inner_calls, "", depth + 1)
            else:
                named = addresses.resource_of_reference(steps)
                if named:
                    out.add(self.instance(prefix + named[0], named[1], own_key))
        return out

    def instance(self, base: str, key: str, own_key: str) -> str:
        """The instance a reference means: its key, else the only one, else the one with the
        referencing resource's own key (`aws_x.y[count.index]`), else the un-indexed address."""
        instances = self.instances.get(base, [])
        if key and base + key in instances:
            return base + key
        if len(instances) == 1:
            return instances[0]
        if own_key and base + own_key in instances:
            return base + own_key
        return base + key if key and not key.startswith("[count") and not key.startswith("[each") else base


def expression_references(expr: Any, depth: int = 0) -> list[str]:
    """Every reference inside an expression, a block list or a block body."""
    out: list[str] = []
    if depth > 64:
        return out
    if isinstance(expr, dict):
        refs = expr.get("references")
        if isinstance(refs, list) and is_attribute_expression(expr):
            out += [r for r in refs if isinstance(r, str)]
        elif not is_attribute_expression(expr):
            for value in expr.values():
                out += expression_references(value, depth + 1)
    elif isinstance(expr, list):
        for item in expr:
            out += expression_references(item, depth + 1)
    return out


def is_attribute_expression(expr: Any) -> bool:
    """{"constant_value": ...} / {"references": [...]} (an argument), not a block body."""
    return isinstance(expr, dict) and set(expr) <= {"constant_value", "references"}


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []
