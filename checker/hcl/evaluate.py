"""Evaluate HCL expressions (checker.hcl.ast) the way Terraform would, without running it.

    value = evaluate(expr, scope)

`scope.lookup(name, line)` gives the value of a root name (var, local, module, data, each,
count, path, a resource type, ...) or raises EvalError. A scope may also carry a `functions`
attribute, the function table to call (see functions.functions_for); otherwise the built-in
FUNCTIONS are used. ChildScope adds for-expression variables over a parent scope.

Values are plain Python: None, bool, int, float, str, list, dict, any Mapping or Sequence the
scope hands out (lazy ones included), and `Unknown` for whatever is only known after apply.
Unknown flows through every operation and keeps its refs; a condition or a key that is
Unknown makes the result Unknown rather than a guess. Everything Terraform would reject is an
EvalError carrying the line. Hostile input (deep nesting, huge values) is a LimitError, an
EvalError that try() and can() do not swallow, never a RecursionError or exhausted memory.
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Iterator, Protocol

from checker.errors import EvalError
from checker.hcl import ast
from checker.hcl.functions import (
    FUNCTIONS, MAX_STRING, LimitError, arithmetic, check_size, collect_unknowns, compare,
    format_number, is_list, is_map, is_number, to_bool, to_number, to_str, type_name,
    values_equal,
)
from checker.values import Unknown, merge_unknown

MAX_DEPTH = 200  # nested evaluations, counted across lazy lookups (a chain of locals counts)
# Expression nodes one configuration may evaluate (see set_budget): nested for-expressions or
# dynamic blocks over range(1000) each would otherwise run for hours. Real ones need far less.
MAX_EVALUATIONS = 2_000_000


class Scope(Protocol):
    def lookup(self, name: str, line: int) -> Any:
        """The value of root name `name`; raises EvalError when it is not defined."""


class ChildScope:
    """`names` (for-expression or template-for variables) over a parent scope."""

    def __init__(self, parent: Any, names: dict[str, Any]):
        self.parent = parent
        self.names = names

    def lookup(self, name: str, line: int) -> Any:
        if name in self.names:
            return self.names[name]
        return self.parent.lookup(name, line)

    @property
    def functions(self) -> Mapping[str, Callable[..., Any]]:
        return functions_of(self.parent)


class _SplatScope(ChildScope):
    """The scope of a splat's `each` expression: SplatItem stands for `item`."""

    def __init__(self, parent: Any, item: Any):
        super().__init__(parent, {})
        self.item = item


def functions_of(scope: Any) -> Mapping[str, Callable[..., Any]]:
    return getattr(scope, "functions", None) or FUNCTIONS


# ---------------------------------------------------------------- entry point
_state = threading.local()


def set_budget(evaluations: Any = MAX_EVALUATIONS) -> None:
    """Bound the expression nodes evaluated from now on in this thread (None: unbounded, the
    default). Beyond it every evaluation is a LimitError. The Terraform loader sets it for
    each root module it evaluates."""
    _state.budget = evaluations


def evaluate(expr: Any, scope: Any) -> Any:
    """The value of `expr` in `scope` (see the module docstring)."""
    depth = getattr(_state, "depth", 0)
    line = getattr(expr, "line", 0)
    if depth >= MAX_DEPTH:
        raise LimitError("expression too deep", line)
    budget = getattr(_state, "budget", None)
    if budget is not None:
        if budget <= 0:
            raise LimitError(f"evaluation budget exhausted (more than {MAX_EVALUATIONS:,} expressions "
                             "evaluated: nested loops over large collections?)", line)
        _state.budget = budget - 1
    handler = _HANDLERS.get(type(expr))
    if handler is None:
        raise EvalError(f"cannot evaluate {type(expr).__name__}", line)
    _state.depth = depth + 1
    try:
        return handler(expr, scope)
    except EvalError as error:
        if not error.line:
            error.line = line
        raise
    except RecursionError:
        raise LimitError("expression too deep", line) from None
    finally:
        _state.depth = depth


def _tolerant_unknowns(*exprs: Any, scope: Any) -> list[Unknown]:
    """Unknowns inside the values of `exprs` that evaluate at all: the refs of branches
    that an unknown condition may or may not take (their errors do not matter then)."""
    found: list[Unknown] = []
    for expr in exprs:
        try:
            found.extend(collect_unknowns(evaluate(expr, scope)))
        except EvalError:
            continue
    return found


# ---------------------------------------------------------------- simple nodes
def _literal(expr: ast.Literal, scope: Any) -> Any:
    return expr.value


def _variable(expr: ast.Variable, scope: Any) -> Any:
    return scope.lookup(expr.name, expr.line)


def _tuple(expr: ast.TupleExpr, scope: Any) -> list:
    return [evaluate(item, scope) for item in expr.items]


def _object_key(key: Any, line: int) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or is_number(key):
        return to_str(key)
    if key is None:
        raise EvalError("object key must not be null", line)
    raise EvalError(f"object key must be a string, got {type_name(key)}", line)


def _object(expr: ast.ObjectExpr, scope: Any) -> Any:
    result: dict[str, Any] = {}
    unknown_keys = []
    for key_expr, value_expr in expr.items:
        key = evaluate(key_expr, scope)
        value = evaluate(value_expr, scope)
        if isinstance(key, Unknown):  # the object's attributes are not known
            unknown_keys.append(key)
            continue
        result[_object_key(key, expr.line)] = value
    if unknown_keys:
        return merge_unknown(*unknown_keys)
    return result


# ---------------------------------------------------------------- templates
def _template_text(value: Any, line: int) -> str:
    """An interpolated value as text: bools as true/false, numbers without ".0"."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or is_number(value):
        return to_str(value)
    if value is None:
        raise EvalError("cannot include a null value in a string template", line)
    raise EvalError(f"cannot include a {type_name(value)} in a string template", line)


class _Renderer:
    """Accumulates a template's text, or the Unknowns that make it unknown."""

    def __init__(self, line: int):
        self.line = line
        self.chunks: list[str] = []
        self.size = 0
        self.unknowns: list[Unknown] = []

    def add(self, text: str) -> None:
        self.size += len(text)
        if self.size > MAX_STRING:
            raise LimitError("value too large", self.line)
        self.chunks.append(text)

    def render(self, parts: tuple, scope: Any) -> None:
        for part in parts:
            if isinstance(part, str):
                self.add(part)
            elif isinstance(part, ast.TemplateIf):
                self._render_if(part, scope)
            elif isinstance(part, ast.TemplateFor):
                self._render_for(part, scope)
            else:
                value = evaluate(part, scope)
                if isinstance(value, Unknown):
                    self.unknowns.append(value)  # keep going: more refs, and errors count
                else:
                    self.add(_template_text(value, getattr(part, "line", self.line)))

    def _render_if(self, part: ast.TemplateIf, scope: Any) -> None:
        cond = evaluate(part.cond, scope)
        if isinstance(cond, Unknown):
            self.unknowns.append(cond)
            for branch in (part.then_parts, part.else_parts):
                trial = _Renderer(self.line)
                try:
                    trial.render(branch, scope)
                except EvalError:
                    continue
                self.unknowns.extend(trial.unknowns)
            return
        chosen = part.then_parts if _condition(cond, part.line) else part.else_parts
        self.render(chosen, scope)

    def _render_for(self, part: ast.TemplateFor, scope: Any) -> None:
        collection = evaluate(part.collection, scope)
        if isinstance(collection, Unknown):
            self.unknowns.append(collection)
            return
        for key, value in _iterate(collection, part.line):
            names = {part.value_var: value}
            if part.key_var is not None:
                names[part.key_var] = key
            self.render(part.body_parts, ChildScope(scope, names))

    def result(self) -> Any:
        return merge_unknown(*self.unknowns) if self.unknowns else "".join(self.chunks)


def _is_interpolation(part: Any) -> bool:
    return not isinstance(part, (str, ast.TemplateIf, ast.TemplateFor))


def _template(expr: ast.Template, scope: Any) -> Any:
    if len(expr.parts) == 1 and _is_interpolation(expr.parts[0]):
        return evaluate(expr.parts[0], scope)  # "${x}" is x itself, not its string form
    renderer = _Renderer(expr.line)
    renderer.render(expr.parts, scope)
    return renderer.result()


# ---------------------------------------------------------------- traversal
def _index_sequence(sequence: Any, key: Any, line: int) -> Any:
    try:
        number = to_number(key)
    except LimitError:
        raise
    except EvalError:
        raise EvalError(f"a list index must be a number, got {type_name(key)}", line) from None
    if isinstance(number, float):
        raise EvalError(f"a list index must be a whole number, got {format_number(number)}", line)
    if not 0 <= number < len(sequence):
        raise EvalError(f"index {number} out of range for a list of {len(sequence)} elements", line)
    return sequence[number]


def _get_attr_value(obj: Any, name: str, line: int) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if obj is None:
        raise EvalError(f"attempt to get attribute {name!r} from a null value", line)
    if is_map(obj):
        try:
            return obj[name]
        except KeyError:
            raise EvalError(f"unsupported attribute {name!r}", line) from None
    if is_list(obj) and name.isdigit():  # legacy index syntax: list.0
        return _index_sequence(obj, int(name), line)
    raise EvalError(f"unsupported attribute {name!r}: a {type_name(obj)} has no attributes", line)


def _get_attr(expr: ast.GetAttr, scope: Any) -> Any:
    return _get_attr_value(evaluate(expr.obj, scope), expr.name, expr.line)


def _index(expr: ast.Index, scope: Any) -> Any:
    obj = evaluate(expr.obj, scope)
    key = evaluate(expr.key, scope)
    if isinstance(obj, Unknown):
        return merge_unknown(obj, key) if isinstance(key, Unknown) else obj
    if isinstance(key, Unknown):
        return key
    if obj is None:
        raise EvalError("cannot index a null value", expr.line)
    if is_map(obj):
        if key is None or not (isinstance(key, (str, bool)) or is_number(key)):
            raise EvalError(f"a map key must be a string, got {type_name(key)}", expr.line)
        name = to_str(key)
        try:
            return obj[name]
        except KeyError:
            raise EvalError(f"the given key {name!r} does not identify an element", expr.line) from None
    if is_list(obj):
        return _index_sequence(obj, key, expr.line)
    raise EvalError(f"a {type_name(obj)} value has no elements to index", expr.line)


def _splat(expr: ast.Splat, scope: Any) -> Any:
    obj = evaluate(expr.obj, scope)
    if isinstance(obj, Unknown):
        return obj
    if obj is None:
        return []
    items = obj if is_list(obj) else [obj]  # a single value (a map too) splats as [value]
    return [evaluate(expr.each, _SplatScope(scope, item)) for item in items]


def _splat_item(expr: ast.SplatItem, scope: Any) -> Any:
    current = scope
    while current is not None:
        if isinstance(current, _SplatScope):
            return current.item
        current = getattr(current, "parent", None)
    raise EvalError("splat item outside of a splat expression", expr.line)


# ---------------------------------------------------------------- operators
def _condition(value: Any, line: int) -> bool:
    if value is None:
        raise EvalError("condition must not be null", line)
    try:
        return to_bool(value)
    except EvalError as error:
        raise EvalError(f"invalid condition: {error.message}", line) from None


def _operand(value: Any, op: str, side: str, convert: Callable[[Any], Any], line: int) -> Any:
    if isinstance(value, Unknown):
        return value
    if value is None:
        raise EvalError(f"invalid {side} operand for {op}: null value", line)
    try:
        return convert(value)
    except LimitError:
        raise
    except EvalError as error:
        raise EvalError(f"invalid {side} operand for {op}: {error.message}", line) from None


def _logical(expr: ast.Binary, scope: Any) -> Any:
    # Terraform (1.12+) short-circuits: a known false for &&, true for || decides alone,
    # whichever side it is on, and the right side is not evaluated when the left decides.
    deciding = expr.op == "||"
    left = _operand(evaluate(expr.left, scope), expr.op, "left", to_bool, expr.line)
    if left is deciding:
        return deciding
    right = _operand(evaluate(expr.right, scope), expr.op, "right", to_bool, expr.line)
    if right is deciding:
        return deciding
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return merge_unknown(*(v for v in (left, right) if isinstance(v, Unknown)))
    return right


def _binary(expr: ast.Binary, scope: Any) -> Any:
    op = expr.op
    if op in ("&&", "||"):
        return _logical(expr, scope)
    left = evaluate(expr.left, scope)
    right = evaluate(expr.right, scope)
    if op in ("==", "!="):
        equal = values_equal(left, right)
        if isinstance(equal, Unknown):
            return equal
        return equal if op == "==" else not equal
    if op not in ("+", "-", "*", "/", "%", "<", ">", "<=", ">="):
        raise EvalError(f"unsupported operator {op!r}", expr.line)
    a = _operand(left, op, "left", to_number, expr.line)
    b = _operand(right, op, "right", to_number, expr.line)
    if isinstance(a, Unknown) or isinstance(b, Unknown):
        return merge_unknown(*(v for v in (a, b) if isinstance(v, Unknown)))
    if op in ("<", ">", "<=", ">="):
        return compare(op, a, b)
    return arithmetic(op, a, b)


def _unary(expr: ast.Unary, scope: Any) -> Any:
    value = evaluate(expr.operand, scope)
    if expr.op == "!":
        value = _operand(value, "!", "", to_bool, expr.line)
        return value if isinstance(value, Unknown) else not value
    if expr.op == "-":
        value = _operand(value, "-", "", to_number, expr.line)
        return value if isinstance(value, Unknown) else arithmetic("-", 0, value)
    raise EvalError(f"unsupported operator {expr.op!r}", expr.line)


def _conditional(expr: ast.Conditional, scope: Any) -> Any:
    cond = evaluate(expr.cond, scope)
    if isinstance(cond, Unknown):  # no guessing: unknown, with the refs of both branches
        return merge_unknown(cond, *_tolerant_unknowns(expr.then, expr.otherwise, scope=scope))
    return evaluate(expr.then if _condition(cond, expr.line) else expr.otherwise, scope)


# ---------------------------------------------------------------- for expressions
def _iterate(collection: Any, line: int) -> Iterator[tuple[Any, Any]]:
    """(key, value) pairs: index and element of a list, key and value of a map (keys in
    lexical order, as Terraform iterates maps and objects)."""
    if is_map(collection):
        for key in sorted(collection):
            yield key, collection[key]
    elif is_list(collection):
        yield from enumerate(collection)
    elif collection is None:
        raise EvalError("cannot iterate over a null value", line)
    else:
        raise EvalError(f"cannot iterate over a {type_name(collection)}", line)


def _for(expr: ast.ForExpr, scope: Any) -> Any:
    collection = evaluate(expr.collection, scope)
    if isinstance(collection, Unknown):
        return collection
    as_object = expr.key_expr is not None
    items: list[Any] = []
    entries: dict[str, Any] = {}
    unknowns: list[Unknown] = []
    for key, value in _iterate(collection, expr.line):
        names = {expr.value_var: value}
        if expr.key_var is not None:
            names[expr.key_var] = key
        child = ChildScope(scope, names)
        if expr.cond is not None:
            keep = evaluate(expr.cond, child)
            if isinstance(keep, Unknown):  # which elements exist is not known
                unknowns.append(keep)
                continue
            if not _condition(keep, expr.line):
                continue
        if not as_object:
            items.append(evaluate(expr.value_expr, child))
            continue
        entry_key = evaluate(expr.key_expr, child)
        if isinstance(entry_key, Unknown):
            unknowns.append(entry_key)
            continue
        _add_entry(entries, _object_key(entry_key, expr.line), evaluate(expr.value_expr, child),
                   expr.group, expr.line)
    if unknowns:
        return merge_unknown(*unknowns)
    return entries if as_object else items


def _add_entry(entries: dict, key: str, value: Any, group: bool, line: int) -> None:
    if group:
        entries.setdefault(key, []).append(value)
    elif key in entries:
        raise EvalError(f"duplicate object key {key!r} in for expression "
                        "(use ... after the value to group values by key)", line)
    else:
        entries[key] = value


# ---------------------------------------------------------------- function calls
_CAUGHT = (TypeError, ValueError, KeyError, IndexError, ArithmeticError, RecursionError)


def _call(expr: ast.Call, scope: Any) -> Any:
    name = expr.name[len("core::"):] if expr.name.startswith("core::") else expr.name
    if name == "try":
        return _try(expr, scope)
    if name == "can":
        return _can(expr, scope)
    args = [evaluate(arg, scope) for arg in expr.args]
    if "::" in name:  # provider-defined functions run inside the provider: not evaluated
        found = collect_unknowns(*args)
        return Unknown(f"provider function {name} is not evaluated",
                       merge_unknown(*found).refs if found else ())
    function = functions_of(scope).get(name)
    if function is None:
        raise EvalError(f"unknown function {name}", expr.line)
    if expr.expand_final:
        args = _expand_final(args, name, expr.line)
        if isinstance(args, Unknown):
            return args
    try:
        return check_size(function(*args))
    except EvalError:
        raise
    except _CAUGHT as error:
        raise EvalError(f"{name}(): {error}", expr.line) from None


def _expand_final(args: list, name: str, line: int) -> Any:
    """f(a, list...): the last argument's elements become arguments."""
    if not args:
        raise EvalError(f"{name}(): nothing to expand with ...", line)
    last = args[-1]
    if isinstance(last, Unknown):  # the number of arguments is not known
        return last
    if not is_list(last):
        raise EvalError(f"{name}(): the argument expanded with ... must be a list, "
                        f"got {type_name(last)}", line)
    return args[:-1] + list(last)


def _try(expr: ast.Call, scope: Any) -> Any:
    """try(a, b, ...): the first argument that evaluates without error (Unknown included:
    Terraform cannot tell either whether it would fail later). Exceeding pdguard's limits is
    not such an error: falling back then would be a guess."""
    if not expr.args:
        raise EvalError("try(): at least one argument is required", expr.line)
    last_error = ""
    for arg in expr.args:
        try:
            return evaluate(arg, scope)
        except LimitError:
            raise  # pdguard's limit, not a failure Terraform would see
        except EvalError as error:
            last_error = error.message
    if len(last_error) > 300:  # nested try() calls would repeat each other's messages
        last_error = last_error[:300] + "..."
    raise EvalError(f"try(): no expression succeeded; the last error: {last_error}", expr.line)


def _can(expr: ast.Call, scope: Any) -> Any:
    if len(expr.args) != 1:
        raise EvalError("can(): exactly one argument is required", expr.line)
    try:
        value = evaluate(expr.args[0], scope)
    except LimitError:
        raise
    except EvalError:
        return False
    return value if isinstance(value, Unknown) else True


_HANDLERS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Literal: _literal,
    ast.Template: _template,
    ast.TupleExpr: _tuple,
    ast.ObjectExpr: _object,
    ast.Variable: _variable,
    ast.GetAttr: _get_attr,
    ast.Index: _index,
    ast.SplatItem: _splat_item,
    ast.Splat: _splat,
    ast.Call: _call,
    ast.Unary: _unary,
    ast.Binary: _binary,
    ast.Conditional: _conditional,
    ast.ForExpr: _for,
}
