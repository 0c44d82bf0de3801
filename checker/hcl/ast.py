"""Syntax tree of HCL (Terraform) files: what the parser produces and the evaluator reads.

Every node knows its 1-based source line. Expressions are small immutable dataclasses;
the evaluator gives them meaning (see evaluate.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional, Union


# ---------------------------------------------------------------- expressions
@dataclass(frozen=True, slots=True)
class Literal:
    """null, true/false, a number, or a string with no interpolation."""
    value: Any
    line: int = 0


@dataclass(frozen=True, slots=True)
class Template:
    """A quoted string or heredoc with interpolations/directives.

    `parts` are str (literal text, escapes already decoded) or expressions
    (Interpolation-free: an interpolation `${x}` is stored as the expression `x`), or
    TemplateIf / TemplateFor. A template that is exactly one interpolation ("${x}") evaluates
    to the value of x unchanged (Terraform semantics), not to its string form.
    """
    parts: tuple
    line: int = 0


@dataclass(frozen=True, slots=True)
class TemplateIf:
    cond: "Expr"
    then_parts: tuple
    else_parts: tuple
    line: int = 0


@dataclass(frozen=True, slots=True)
class TemplateFor:
    key_var: Optional[str]   # None when only one variable is given
    value_var: str
    collection: "Expr"
    body_parts: tuple
    line: int = 0


@dataclass(frozen=True, slots=True)
class TupleExpr:
    items: tuple
    line: int = 0


@dataclass(frozen=True, slots=True)
class ObjectExpr:
    """`{ key = value, ... }`. A bare identifier key is stored as Literal(name)."""
    items: tuple  # of (key Expr, value Expr)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Variable:
    """A root name: var, local, module, data, count, each, path, self, a resource type, or a
    for-expression / template-for variable."""
    name: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class GetAttr:
    obj: "Expr"
    name: str
    line: int = 0


@dataclass(frozen=True, slots=True)
class Index:
    obj: "Expr"
    key: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class SplatItem:
    """Placeholder for the current element inside Splat.each."""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Splat:
    """`obj[*].a.b` or `obj.*.a`: `each` is evaluated for every element, with SplatItem
    standing for the element."""
    obj: "Expr"
    each: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Call:
    name: str              # provider functions keep their full name: "provider::aws::arn_parse"
    args: tuple
    expand_final: bool = False   # f(x...)
    line: int = 0


@dataclass(frozen=True, slots=True)
class Unary:
    op: str   # "-" or "!"
    operand: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Binary:
    op: str   # == != < > <= >= + - * / % && ||
    left: "Expr"
    right: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class Conditional:
    cond: "Expr"
    then: "Expr"
    otherwise: "Expr"
    line: int = 0


@dataclass(frozen=True, slots=True)
class ForExpr:
    """`[for k, v in coll : val if cond]` (key_expr None) or `{for ... : k => v... if cond}`."""
    key_var: Optional[str]
    value_var: str
    collection: "Expr"
    key_expr: Optional["Expr"]
    value_expr: "Expr"
    cond: Optional["Expr"]
    group: bool = False      # the `...` grouping mode of object for-expressions
    line: int = 0


Expr = Union[Literal, Template, TupleExpr, ObjectExpr, Variable, GetAttr, Index, SplatItem,
             Splat, Call, Unary, Binary, Conditional, ForExpr]


# ---------------------------------------------------------------- structure
@dataclass(slots=True)
class Attribute:
    name: str
    expr: Expr
    line: int
    end_line: int = 0


@dataclass(slots=True)
class Block:
    type: str
    labels: list[str]
    body: "Body"
    line: int
    end_line: int = 0


@dataclass(slots=True)
class Body:
    attributes: dict[str, Attribute] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def blocks_of(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]


@dataclass(slots=True)
class File:
    path: str
    body: Body
