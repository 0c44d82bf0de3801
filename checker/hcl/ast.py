"""Syntax tree of HCL (Terraform) files: what the parser produces and the evaluator reads.

Every node knows its 1-based source line. Nodes are small classes with __slots__ and plain
__init__ methods (built by the hundred thousand, they are on the parser's hot path, and a
module of dataclasses costs ~10 ms to import). Expression nodes are treated as immutable and
are hashable; the structural ones (Attribute, Block, Body, File) are not. Equality compares
every field, lines included; the evaluator gives expressions meaning (see evaluate.py).
"""
from __future__ import annotations

from typing import Any, Optional, Union


class Node:
    """Equality, hashing, repr and pickling over the fields named in __slots__, in order."""
    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    def __hash__(self) -> int:
        return hash((type(self).__name__,) + tuple(getattr(self, n) for n in self.__slots__))

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({fields})"

    def __reduce__(self):
        return type(self), tuple(getattr(self, name) for name in self.__slots__)


class _Structure(Node):
    """Attributes, blocks, bodies and files hold dicts and lists: not hashable."""
    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]


def fields_of(node: Node) -> tuple[str, ...]:
    """The field names of a node, in constructor order."""
    return type(node).__slots__


# ---------------------------------------------------------------- expressions
class Literal(Node):
    """null, true/false, a number, or a string with no interpolation."""
    __slots__ = ("value", "line")

    def __init__(self, value: Any, line: int = 0):
        self.value = value
        self.line = line


class Template(Node):
    """A quoted string or heredoc with interpolations/directives.

    `parts` are str (literal text, escapes already decoded) or expressions
    (Interpolation-free: an interpolation `${x}` is stored as the expression `x`), or
    TemplateIf / TemplateFor. A template that is exactly one interpolation ("${x}") evaluates
    to the value of x unchanged (Terraform semantics), not to its string form.
    """
    __slots__ = ("parts", "line")

    def __init__(self, parts: tuple, line: int = 0):
        self.parts = parts
        self.line = line


class TemplateIf(Node):
    __slots__ = ("cond", "then_parts", "else_parts", "line")

    def __init__(self, cond: "Expr", then_parts: tuple, else_parts: tuple, line: int = 0):
        self.cond = cond
        self.then_parts = then_parts
        self.else_parts = else_parts
        self.line = line


class TemplateFor(Node):
    __slots__ = ("key_var", "value_var", "collection", "body_parts", "line")

    def __init__(self, key_var: Optional[str], value_var: str, collection: "Expr",
                 body_parts: tuple, line: int = 0):
        self.key_var = key_var   # None when only one variable is given
        self.value_var = value_var
        self.collection = collection
        self.body_parts = body_parts
        self.line = line


class TupleExpr(Node):
    __slots__ = ("items", "line")

    def __init__(self, items: tuple, line: int = 0):
        self.items = items
        self.line = line


class ObjectExpr(Node):
    """`{ key = value, ... }`. A bare identifier key is stored as Literal(name)."""
    __slots__ = ("items", "line")

    def __init__(self, items: tuple, line: int = 0):
        self.items = items   # of (key Expr, value Expr)
        self.line = line


class Variable(Node):
    """A root name: var, local, module, data, count, each, path, self, a resource type, or a
    for-expression / template-for variable."""
    __slots__ = ("name", "line")

    def __init__(self, name: str, line: int = 0):
        self.name = name
        self.line = line


class GetAttr(Node):
    __slots__ = ("obj", "name", "line")

    def __init__(self, obj: "Expr", name: str, line: int = 0):
        self.obj = obj
        self.name = name
        self.line = line


class Index(Node):
    __slots__ = ("obj", "key", "line")

    def __init__(self, obj: "Expr", key: "Expr", line: int = 0):
        self.obj = obj
        self.key = key
        self.line = line


class SplatItem(Node):
    """Placeholder for the current element inside Splat.each."""
    __slots__ = ("line",)

    def __init__(self, line: int = 0):
        self.line = line


class Splat(Node):
    """`obj[*].a.b` or `obj.*.a`: `each` is evaluated for every element, with SplatItem
    standing for the element."""
    __slots__ = ("obj", "each", "line")

    def __init__(self, obj: "Expr", each: "Expr", line: int = 0):
        self.obj = obj
        self.each = each
        self.line = line


class Call(Node):
    __slots__ = ("name", "args", "expand_final", "line")

    def __init__(self, name: str, args: tuple, expand_final: bool = False, line: int = 0):
        self.name = name   # provider functions keep their full name: "provider::aws::arn_parse"
        self.args = args
        self.expand_final = expand_final   # f(x...)
        self.line = line


class Unary(Node):
    __slots__ = ("op", "operand", "line")

    def __init__(self, op: str, operand: "Expr", line: int = 0):
        self.op = op   # "-" or "!"
        self.operand = operand
        self.line = line


class Binary(Node):
    __slots__ = ("op", "left", "right", "line")

    def __init__(self, op: str, left: "Expr", right: "Expr", line: int = 0):
        self.op = op   # == != < > <= >= + - * / % && ||
        self.left = left
        self.right = right
        self.line = line


class Conditional(Node):
    __slots__ = ("cond", "then", "otherwise", "line")

    def __init__(self, cond: "Expr", then: "Expr", otherwise: "Expr", line: int = 0):
        self.cond = cond
        self.then = then
        self.otherwise = otherwise
        self.line = line


class ForExpr(Node):
    """`[for k, v in coll : val if cond]` (key_expr None) or `{for ... : k => v... if cond}`."""
    __slots__ = ("key_var", "value_var", "collection", "key_expr", "value_expr", "cond", "group",
                 "line")

    def __init__(self, key_var: Optional[str], value_var: str, collection: "Expr",
                 key_expr: Optional["Expr"], value_expr: "Expr", cond: Optional["Expr"],
                 group: bool = False, line: int = 0):
        self.key_var = key_var
        self.value_var = value_var
        self.collection = collection
        self.key_expr = key_expr
        self.value_expr = value_expr
        self.cond = cond
        self.group = group   # the `...` grouping mode of object for-expressions
        self.line = line


Expr = Union[Literal, Template, TupleExpr, ObjectExpr, Variable, GetAttr, Index, SplatItem,
             Splat, Call, Unary, Binary, Conditional, ForExpr]


# ---------------------------------------------------------------- structure
class Attribute(_Structure):
    __slots__ = ("name", "expr", "line", "end_line")

    def __init__(self, name: str, expr: Expr, line: int, end_line: int = 0):
        self.name = name
        self.expr = expr
        self.line = line
        self.end_line = end_line


class Block(_Structure):
    __slots__ = ("type", "labels", "body", "line", "end_line")

    def __init__(self, type: str, labels: list[str], body: "Body", line: int, end_line: int = 0):
        self.type = type
        self.labels = labels
        self.body = body
        self.line = line
        self.end_line = end_line


class Body(_Structure):
    __slots__ = ("attributes", "blocks")

    def __init__(self, attributes: Optional[dict[str, Attribute]] = None,
                 blocks: Optional[list[Block]] = None):
        self.attributes = {} if attributes is None else attributes
        self.blocks = [] if blocks is None else blocks

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]


class File(_Structure):
    __slots__ = ("path", "body")

    def __init__(self, path: str, body: Body):
        self.path = path
        self.body = body
