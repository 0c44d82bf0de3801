"""Terraform's built-in functions, computed on the evaluator's plain-Python values.

`FUNCTIONS` maps every function name to a callable taking already-evaluated arguments
(None, bool, int, float, str, list, dict, any Mapping/Sequence, or `Unknown`) and returning
such a value. `functions_for(base_dir, root)` returns the same table whose file functions
(file, templatefile, fileset, filemd5, ...) read files relative to `base_dir` but only inside
`root`; in `FUNCTIONS` itself they return UNKNOWN, since no directory is known there.

Every entry goes through one wrapper (`_wrap`) that checks the number of arguments, turns
Python errors into EvalError naming the function, refuses oversized results and applies the
UNKNOWN rule the function was registered with:

- "deep" (the default): an UNKNOWN anywhere inside the arguments makes the result UNKNOWN,
  merging every ref. Terraform needs wholly known arguments for these (scalar functions,
  and those rendering or comparing whole structures: format, join, sort, yamlencode, ...;
  jsonencode instead returns a PartialJSON, an UNKNOWN that keeps the document).
- "args": only a top-level UNKNOWN argument does; the function then works elementwise and
  keeps UNKNOWN elements (concat, length, merge, flatten, ...).
- "self": the function deals with UNKNOWN itself (lookup, coalesce, sensitive, ...).

This module also holds the conversions the evaluator shares with the functions (to_number,
to_bool, to_str, format_number, values_equal, arithmetic), so both follow one set of
Terraform rules, and the size limits that keep hostile input from exhausting memory.
"""
from __future__ import annotations

import base64
import codecs
import datetime as dt
import hashlib
import io
import ipaddress
import json
import math
import os
import posixpath
import re
import stat
import sys
import types
import unicodedata
import urllib.parse
import uuid
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Context, Decimal, InvalidOperation, localcontext
from functools import lru_cache
from typing import Any, NoReturn, Optional

from _csv import Error as _CsvError   # csv.Error, without importing csv (csvdecode does)

from checker.errors import EvalError, InputError
from checker.values import PartialJSON, Unknown, merge_unknown

# `yaml` (yamldecode, yamlencode) and `regex` (regex, regexall, replace) are imported by the
# functions that use them: most configurations call neither, and both are slow to import.


# ---------------------------------------------------------------- limits
MAX_STRING = 10_000_000      # characters in one string
MAX_ELEMENTS = 1_000_000     # elements of one list or map
MAX_NODES = 2_000_000        # nodes visited when walking a whole value (shared parts count again)
MAX_VALUE_DEPTH = 128        # nesting of one value
MAX_INT_BITS = 8192          # Terraform numbers are big floats; an integer beyond this is refused
MAX_FILE_SIZE = 1_000_000    # bytes file() and friends read; a bigger file stays UNKNOWN
MAX_FILES_WALKED = 100_000   # directory entries fileset() may look at
MAX_FORMAT_WIDTH = 100_000   # width or precision of one format() verb
REGEX_TIMEOUT = 1.0          # seconds for one regular-expression operation


class LimitError(EvalError):
    """Input beyond pdguard's own limits (too deep, too large, too slow). Terraform would not
    fail there, so try() and can() must not treat it as a failed expression."""


def fail(message: str) -> NoReturn:
    raise EvalError(message)


def too_large() -> NoReturn:
    raise LimitError("value too large")


def check_size(value: Any) -> Any:
    """`value`, unless it is a string or a collection over the size limits."""
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            too_large()
    elif isinstance(value, (list, dict)) and len(value) > MAX_ELEMENTS:
        too_large()
    return value


class _Budget:
    """Work allowed for one walk over a value: shared sub-values (a list holding the same
    list twice, YAML aliases) count each time, so a small value cannot stand for a huge one."""
    __slots__ = ("nodes", "chars")

    def __init__(self) -> None:
        self.nodes = 0
        self.chars = 0

    def visit(self, depth: int) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            too_large()
        if depth > MAX_VALUE_DEPTH:
            raise LimitError("value nested too deeply")

    def text(self, length: int) -> None:
        self.chars += length
        if self.chars > MAX_STRING:
            too_large()


# ---------------------------------------------------------------- kinds of values
def is_map(value: Any) -> bool:
    return isinstance(value, Mapping)


def is_list(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, bytearray))


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Unknown):
        return "unknown"
    if isinstance(value, bool):
        return "bool"
    if is_number(value):
        return "number"
    if isinstance(value, str):
        return "string"
    if is_map(value):
        return "map"
    if is_list(value):
        return "list"
    return type(value).__name__


def type_name(value: Any) -> str:
    name = kind(value)
    return "unknown value" if name == "unknown" else name


def _quote(text: str, limit: int = 60) -> str:
    return json.dumps(text if len(text) <= limit else text[:limit] + "...")


# ---------------------------------------------------------------- numbers
_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER_TEXT = re.compile(r"[+-]?\d+")


def normalize_number(value: Any) -> Any:
    """A Terraform number as Python sees it: int when integral, float otherwise."""
    if isinstance(value, Decimal):
        if not value.is_finite():
            fail("number out of range")
        if value == value.to_integral_value():
            if value.adjusted() > MAX_INT_BITS // 3:
                raise LimitError("number too large")
            value = int(value)
        else:
            value = float(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            fail("number out of range")
        if value.is_integer():
            value = int(value)
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise LimitError("number too large")
    return value


def to_number(value: Any) -> Any:
    """Terraform's conversion to number: numeric strings parsed; int when integral."""
    if is_number(value):
        return normalize_number(value)
    if isinstance(value, str):
        if len(value) <= 1000 and _NUMBER_TEXT.fullmatch(value):
            if _INTEGER_TEXT.fullmatch(value):
                return normalize_number(int(value))
            return normalize_number(Decimal(value))
        fail(f"cannot convert {_quote(value)} to a number")
    fail(f"a number is required, got {type_name(value)}")


def to_int(value: Any, what: str = "value") -> int:
    number = to_number(value)
    if isinstance(number, float):
        fail(f"{what} must be a whole number, got {format_number(number)}")
    return number


def to_bool(value: Any) -> bool:
    """Terraform's conversion to bool: cty also accepts the strings "1" and "0"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        fail(f"a bool is required, got string {_quote(value)}")
    fail(f"a bool is required, got {type_name(value)}")


def format_number(value: Any) -> str:
    """A number as Terraform writes it in strings: no ".0", no exponent (1e-07 -> 0.0000001)."""
    if isinstance(value, bool) or not is_number(value):
        fail(f"a number is required, got {type_name(value)}")
    if isinstance(value, int):
        return str(value)
    if not math.isfinite(value):
        fail("number out of range")
    if value.is_integer():
        return str(int(value))
    return format(Decimal(repr(value)), "f")


def to_str(value: Any) -> str:
    """Terraform's conversion to string: strings, numbers and bools only."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if is_number(value):
        return format_number(value)
    fail(f"a string is required, got {type_name(value)}")


def _decimal(value: Any) -> Decimal:
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def arithmetic(op: str, left: Any, right: Any) -> Any:
    """`left op right` on two numbers (+ - * / %), exact on decimal inputs as cty's big
    floats are (0.1 + 0.2 is 0.3). `%` keeps the sign of the dividend, as in Go."""
    if op in ("/", "%") and right == 0:
        fail("divide by zero" if op == "/" else "modulo by zero")
    if isinstance(left, int) and isinstance(right, int):
        if op == "*" and left.bit_length() + right.bit_length() > MAX_INT_BITS + 1:
            raise LimitError("number too large")
        if op == "%":
            remainder = abs(left) % abs(right)
            return -remainder if left < 0 else remainder
        if op == "/" and left % right == 0:
            return normalize_number(left // right)
        if op in ("+", "-", "*"):
            exact = left + right if op == "+" else left - right if op == "-" else left * right
            return normalize_number(exact)
    with localcontext(Context(prec=60)):
        x, y = _decimal(left), _decimal(right)
        try:
            result = {"+": x.__add__, "-": x.__sub__, "*": x.__mul__, "/": x.__truediv__,
                      "%": x.__mod__}[op](y)
        except InvalidOperation:  # quotient too large for an exact modulo
            result = Decimal(repr(math.fmod(float(left), float(right))))
    return normalize_number(result)


def compare(op: str, left: Any, right: Any) -> bool:
    if op == "<":
        return left < right
    if op == ">":
        return left > right
    if op == "<=":
        return left <= right
    return left >= right


# ---------------------------------------------------------------- unknowns, equality, sets
def collect_unknowns(*values: Any) -> list[Unknown]:
    """Every Unknown inside `values`, in order (bounded: values come from hostile files)."""
    found: list[Unknown] = []
    stack = [(value, 0) for value in reversed(values)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            too_large()
        if isinstance(value, Unknown):
            found.append(value)
        elif value is None or isinstance(value, (str, int, float)):
            continue
        elif depth >= MAX_VALUE_DEPTH:
            raise LimitError("value nested too deeply")
        elif is_map(value):
            stack.extend((item, depth + 1) for item in reversed(list(value.values())))
        elif is_list(value):
            stack.extend((item, depth + 1) for item in reversed(value))
    return found


def unknown_in(*values: Any) -> Optional[Unknown]:
    """One Unknown merging every Unknown inside `values`, or None when all is known."""
    found = collect_unknowns(*values)
    return merge_unknown(*found) if found else None


def values_equal(left: Any, right: Any) -> Any:
    """Terraform's `==`: no conversion ("1" == 1 is false) except that 1 == 1.0; UNKNOWN when
    the answer depends on an unknown value (a known difference elsewhere still gives false)."""
    return _equal(left, right, _Budget(), 0)


def _equal(left: Any, right: Any, budget: _Budget, depth: int) -> Any:
    budget.visit(depth)
    if isinstance(left, Unknown) or isinstance(right, Unknown):
        return merge_unknown(*(v for v in (left, right) if isinstance(v, Unknown)))
    left_kind = kind(left)
    if left_kind != kind(right):
        return False
    if left_kind == "map":
        if len(left) != len(right) or set(left) != set(right):
            return False
        pairs = ((left[key], right[key]) for key in left)
    elif left_kind == "list":
        if len(left) != len(right):
            return False
        pairs = zip(left, right)
    else:
        return left == right
    unknowns = []
    for a, b in pairs:
        result = _equal(a, b, budget, depth + 1)
        if result is False:
            return False
        if isinstance(result, Unknown):
            unknowns.append(result)
    return merge_unknown(*unknowns) if unknowns else True


def unify_primitives(values: list) -> list:
    """Terraform's type unification of collection elements: when strings, numbers and bools
    are mixed they all become strings; primitives mixed with collections are an error."""
    kinds = {kind(v) for v in values if v is not None and not isinstance(v, Unknown)}
    primitive = kinds & {"bool", "number", "string"}
    if primitive and kinds - primitive:
        fail("all elements must have the same type")
    if len(primitive) > 1:
        return [to_str(v) if kind(v) in ("bool", "number") else v for v in values]
    return list(values)


def _set_key(value: Any, budget: _Budget, depth: int = 0) -> Any:
    """A hashable stand-in for `value` such that equal values have equal keys."""
    budget.visit(depth)
    value_kind = kind(value)
    if value_kind == "map":
        return ("map", tuple(sorted((k, _set_key(v, budget, depth + 1)) for k, v in value.items())))
    if value_kind == "list":
        return ("list", tuple(_set_key(v, budget, depth + 1) for v in value))
    if value_kind == "unknown":
        return ("unknown", id(value))  # might equal anything: never merged
    return (value_kind, value)


def make_set(values: Sequence) -> list:
    """Terraform's set of `values`: duplicates dropped, mixed primitives made strings, and
    ordered as cty iterates sets: strings lexically, numbers numerically; other elements keep
    their first-seen order. UNKNOWN elements (they might equal anything) stay, at the end."""
    budget = _Budget()
    known = unify_primitives([v for v in values if not isinstance(v, Unknown)])
    seen: set = set()
    result = []
    for value in known:
        key = _set_key(value, budget)
        if key not in seen:
            seen.add(key)
            result.append(value)
    if len({kind(v) for v in result}) == 1 and kind(result[0]) in ("string", "number", "bool"):
        result.sort()
    return result + [v for v in values if isinstance(v, Unknown)]


def _dedupe(values: Sequence) -> list:
    """`values` without repeats, first occurrence kept (UNKNOWN elements are all kept)."""
    budget = _Budget()
    seen: set = set()
    result = []
    for value in values:
        key = _set_key(value, budget)
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


def _plain(value: Any, budget: _Budget, depth: int = 0) -> Any:
    """`value` with every Mapping made a dict and every Sequence a list (bounded)."""
    budget.visit(depth)
    if is_map(value):
        return {str(k): _plain(v, budget, depth + 1) for k, v in value.items()}
    if is_list(value):
        return [_plain(v, budget, depth + 1) for v in value]
    if isinstance(value, str):
        budget.text(len(value))
    return value


# ---------------------------------------------------------------- registry
FUNCTIONS: dict[str, Callable[..., Any]] = {}

_PYTHON_ERRORS = (TypeError, ValueError, KeyError, IndexError, ArithmeticError, RecursionError,
                  OSError, _CsvError, re.error)


def _is_yaml_error(error: Exception) -> bool:
    """yaml.YAMLError, without importing yaml (only a function that imported it can raise it)."""
    yaml = sys.modules.get("yaml")
    return yaml is not None and isinstance(error, yaml.YAMLError)


def _describe(error: Exception) -> str:
    if isinstance(error, RecursionError):
        return "value nested too deeply"
    if isinstance(error, TimeoutError):
        return "regular expression took too long"
    if isinstance(error, KeyError):
        return f"missing key {error.args[0]!r}" if error.args else "missing key"
    return str(error) or type(error).__name__


_CO_VARARGS = 0x04   # inspect.CO_VARARGS: the function takes *args


def _arity(impl: Callable[..., Any]) -> Callable[[int], bool]:
    """Whether `impl` accepts n positional arguments: what inspect.signature(impl).bind(*args)
    decides, read from the code object (inspect is slow to import and to compute, and every
    function is wrapped at import)."""
    target = impl
    while isinstance(target, types.FunctionType) and hasattr(target, "__wrapped__"):
        target = target.__wrapped__
    if not isinstance(target, types.FunctionType) or hasattr(target, "__signature__"):
        import inspect
        signature = inspect.signature(impl)

        def binds(count: int) -> bool:
            try:
                signature.bind(*range(count))
            except TypeError:
                return False
            return True
        return binds
    code = target.__code__
    most = code.co_argcount
    least = most - len(target.__defaults__ or ())
    keyword_only = code.co_varnames[most:most + code.co_kwonlyargcount]
    if any(k not in (target.__kwdefaults__ or {}) for k in keyword_only):
        return lambda count: False   # a required keyword-only parameter: never bound
    if code.co_flags & _CO_VARARGS:
        return lambda count: count >= least
    return lambda count: least <= count <= most


def _wrap(name: str, impl: Callable[..., Any], unknowns: str) -> Callable[..., Any]:
    """`impl` as a Terraform function: see the module docstring."""
    accepts = _arity(impl)

    def function(*args: Any) -> Any:
        if not accepts(len(args)):
            fail(f"{name}(): wrong number of arguments ({len(args)} given)")
        try:
            if unknowns == "deep" or (unknowns == "args" and any(isinstance(a, Unknown) for a in args)):
                pending = unknown_in(*args)
                if pending is not None:
                    return pending
            return check_size(impl(*args))
        except EvalError as error:
            raise type(error)(f"{name}(): {error.message}") from None
        except _PYTHON_ERRORS as error:
            limit = isinstance(error, (RecursionError, TimeoutError))
            raise (LimitError if limit else EvalError)(f"{name}(): {_describe(error)}") from None
        except Exception as error:
            if not _is_yaml_error(error):
                raise
            raise EvalError(f"{name}(): {_describe(error)}") from None

    function.__name__ = name
    function.__doc__ = impl.__doc__
    function.__wrapped__ = impl  # type: ignore[attr-defined]
    return function


def _register(name: str, unknowns: str = "deep") -> Callable:
    def decorator(impl: Callable[..., Any]) -> Callable[..., Any]:
        FUNCTIONS[name] = _wrap(name, impl, unknowns)
        return impl
    return decorator


def _not_known(reason: str) -> Callable[..., Any]:
    """A function whose result cannot be known before apply (random, clock, secrets)."""
    def impl(*args: Any) -> Unknown:
        found = collect_unknowns(*args)
        return Unknown(reason, merge_unknown(*found).refs if found else ())
    return impl


# ---------------------------------------------------------------- unicode text
def _joins_cluster(previous: str, char: str, cluster: str) -> bool:
    """Whether `char` continues the grapheme cluster ending in `previous` (UAX #29, simplified:
    CRLF, combining marks, ZWJ sequences, emoji modifiers, tags and flag pairs)."""
    if previous in ("\r", "\n"):
        return previous == "\r" and char == "\n"
    code = ord(char)
    if code == 0x200D or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F:
        return True
    if char not in "\r\n" and unicodedata.category(char) in ("Mn", "Me", "Mc"):
        return True
    if previous == "\u200d":
        return True
    return (0x1F1E6 <= code <= 0x1F1FF and len(cluster) == 1
            and 0x1F1E6 <= ord(cluster) <= 0x1F1FF)


def graphemes(text: str) -> list[str]:
    """`text` split into user-perceived characters, which Terraform's length, substr and
    strrev count (cty uses grapheme clusters, not code points)."""
    if text.isascii() and "\r\n" not in text:
        return list(text)
    clusters: list[str] = []
    previous = ""
    for char in text:
        if clusters and _joins_cluster(previous, char, clusters[-1]):
            clusters[-1] += char
        else:
            clusters.append(char)
        previous = char
    return clusters


@lru_cache(maxsize=1)
def _go_spaces() -> str:
    """The characters Go's unicode.IsSpace accepts (strings.TrimSpace, Terraform's trimspace)."""
    return "".join(c for c in map(chr, range(0x3001)) if c.isspace() and c not in "\x1c\x1d\x1e\x1f")


def _go_case(text: str, method: str) -> str:
    """strings.ToUpper / ToLower: rune by rune, simple case mappings only ("ß" stays)."""
    if text.isascii():
        return getattr(text, method)()
    out = []
    for char in text:
        mapped = getattr(char, method)()
        out.append(mapped if len(mapped) == 1 else ("i" if char == "\u0130" else char))
    return "".join(out)


def _go_is_separator(char: str) -> bool:
    if char.isascii():
        return not (char.isalnum() or char == "_")
    if char.isalpha() or unicodedata.category(char) == "Nd":
        return False
    return char.isspace()


def _go_title(text: str) -> str:
    """strings.Title: the first letter of each word in title case, the rest unchanged."""
    out = []
    previous = " "
    for char in text:
        if _go_is_separator(previous):
            titled = char.title()
            out.append(titled if len(titled) == 1 else char)
        else:
            out.append(char)
        previous = char
    return "".join(out)


# ---------------------------------------------------------------- numeric functions
@_register("abs")
def _abs(num):
    return normalize_number(abs(to_number(num)))


@_register("ceil")
def _ceil(num):
    number = to_number(num)
    return number if isinstance(number, int) else normalize_number(math.ceil(number))


@_register("floor")
def _floor(num):
    number = to_number(num)
    return number if isinstance(number, int) else normalize_number(math.floor(number))


@_register("log")
def _log(num, base):
    return normalize_number(math.log(to_number(num)) / math.log(to_number(base)))


@_register("max")
def _max(*numbers):
    if not numbers:
        fail("must pass at least one number")
    return max(to_number(n) for n in numbers)


@_register("min")
def _min(*numbers):
    if not numbers:
        fail("must pass at least one number")
    return min(to_number(n) for n in numbers)


def _digit_value(char: str, base: int) -> int:
    """A digit as Go's big.Int.SetString reads it: 0-9, then a-z, then A-Z above base 36."""
    if "0" <= char <= "9":
        return ord(char) - ord("0")
    if "a" <= char <= "z":
        return ord(char) - ord("a") + 10
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + (36 if base > 36 else 10)
    return 99


@_register("parseint")
def _parseint(number, base):
    if not isinstance(number, str):
        fail(f"first argument must be a string, not {type_name(number)}")
    radix = to_int(base, "base")
    if not 2 <= radix <= 62:
        fail("base must be a whole number between 2 and 62 inclusive")
    text = number[1:] if number[:1] in ("+", "-") else number
    if not text or len(text) > MAX_INT_BITS:
        fail(f"cannot parse {_quote(number)} as a base {radix} integer")
    result = 0
    for char in text:
        digit = _digit_value(char, radix)
        if digit >= radix:
            fail(f"cannot parse {_quote(number)} as a base {radix} integer")
        result = result * radix + digit
    return normalize_number(-result if number.startswith("-") else result)


@_register("pow")
def _pow(num, power):
    # cty computes pow with float64 (math.Pow), so large results are inexact there too
    return normalize_number(math.pow(float(to_number(num)), float(to_number(power))))


@_register("signum")
def _signum(num):
    number = to_number(num)
    return (number > 0) - (number < 0)


# ---------------------------------------------------------------- string functions
@_register("chomp")
def _chomp(text):
    return to_str(text).rstrip("\r\n")  # any run of \n, \r\n, \r at the end


@_register("endswith")
def _endswith(text, suffix):
    return to_str(text).endswith(to_str(suffix))


@_register("startswith")
def _startswith(text, prefix):
    return to_str(text).startswith(to_str(prefix))


@_register("strcontains")
def _strcontains(text, substr):
    return to_str(substr) in to_str(text)


@_register("indent")
def _indent(spaces, text):
    count = to_int(spaces, "spaces")
    source = to_str(text)
    if count < 0:
        fail("spaces must not be negative")
    if len(source) + source.count("\n") * count > MAX_STRING:
        too_large()
    return source.replace("\n", "\n" + " " * count)


@_register("join")
def _join(separator, *lists):
    sep = to_str(separator)
    if not lists:
        fail("at least one list is required")
    items = []
    for value in lists:
        if not is_list(value):
            fail(f"lists must be lists of strings, got {type_name(value)}")
        for item in value:
            if item is None:
                fail(f"element {len(items)} is null; cannot concatenate null values")
            items.append(to_str(item))
    if sum(map(len, items)) + len(sep) * max(len(items) - 1, 0) > MAX_STRING:
        too_large()
    return sep.join(items)


@_register("lower")
def _lower(text):
    return _go_case(to_str(text), "lower")


@_register("upper")
def _upper(text):
    return _go_case(to_str(text), "upper")


@_register("title")
def _title(text):
    return _go_title(to_str(text))


@_register("split")
def _split(separator, text):
    sep, source = to_str(separator), to_str(text)
    pieces = len(source) if sep == "" else source.count(sep) + 1
    if pieces > MAX_ELEMENTS:
        too_large()
    return list(source) if sep == "" else source.split(sep)  # split("", ",") is [""]


@_register("strrev")
def _strrev(text):
    return "".join(reversed(graphemes(to_str(text))))


@_register("substr")
def _substr(text, offset, length):
    clusters = graphemes(to_str(text))
    start, count = to_int(offset, "offset"), to_int(length, "length")
    if start < 0:
        start = max(len(clusters) + start, 0)
    if count == 0 or start >= len(clusters):
        return ""
    return "".join(clusters[start:] if count < 0 else clusters[start:start + count])


@_register("trim")
def _trim(text, cutset):
    return to_str(text).strip(to_str(cutset))


@_register("trimprefix")
def _trimprefix(text, prefix):
    return to_str(text).removeprefix(to_str(prefix))


@_register("trimsuffix")
def _trimsuffix(text, suffix):
    return to_str(text).removesuffix(to_str(suffix))


@_register("trimspace")
def _trimspace(text):
    return to_str(text).strip(_go_spaces())


# -- format
_VERB = re.compile(r"%([ +\-0#]*)(?:\[([1-9]\d*)\])?([1-9]\d*)?(\.\d*)?([A-Za-z])?")


def _format(spec: str, args: Sequence) -> str:
    """cty's format(): printf-like verbs %v %#v %t %b %d %o %x %X %e %E %f %g %G %s %q and
    %%, with flags (space + - 0 #), width, precision and [n] argument indexes."""
    out: list[str] = []
    size = 0
    position = next_arg = used = 0
    while True:
        start = spec.find("%", position)
        if start < 0:
            out.append(spec[position:])
            break
        out.append(spec[position:start])
        if spec.startswith("%%", start):
            out.append("%")
            position = start + 2
            continue
        verb = _VERB.match(spec, start)
        if verb.group(5) is None:
            fail(f"invalid format string starting at offset {start}")
        if verb.group(2):
            next_arg = int(verb.group(2)) - 1
        if next_arg >= len(args):
            fail(f"not enough arguments for {verb.group(0)!r} at {start}: "
                 f"need index {next_arg + 1} but have {len(args)} total")
        try:
            text = _format_verb(verb, args[next_arg])
        except LimitError:
            raise
        except EvalError as error:
            fail(f"unsupported value for {verb.group(0)!r} at {start}: {error.message}")
        next_arg += 1
        used = max(used, next_arg)
        size += len(text)
        if size > MAX_STRING:
            too_large()
        out.append(text)
        position = verb.end()
    if used < len(args):
        fail(f"too many arguments; only {used} used by format string")
    return "".join(out)


def _format_verb(verb: re.Match, arg: Any) -> str:
    flags, mode = verb.group(1), verb.group(5)
    width = int(verb.group(3)) if verb.group(3) else None
    precision = int(verb.group(4)[1:] or "0") if verb.group(4) else None
    if (width or 0) > MAX_FORMAT_WIDTH or (precision or 0) > MAX_FORMAT_WIDTH:
        too_large()
    if mode != "v" and arg is None:
        fail("null value cannot be formatted")
    if mode == "v":
        if "#" not in flags and isinstance(arg, str):
            return _pad_width(arg, flags, width)
        if "#" not in flags and is_number(arg):
            return _pad_width(_go_float_text(arg, "g", None), flags, width)
        return _pad_width(json_encode(arg), flags, width)
    if mode == "t":
        return "true" if to_bool(arg) else "false"
    if mode in "bdoxX":
        return _go_integer(to_number(arg), mode, flags, width, precision)
    if mode in "eEfgG":
        return _go_float_padded(to_number(arg), mode, flags, width, precision)
    if mode in "sq":
        text = to_str(arg)
        if precision:  # precision truncates strings (in characters)
            text = "".join(graphemes(text)[:precision])
        return _pad_width(text if mode == "s" else _json_string(text), flags, width)
    fail(f"unsupported format verb {mode!r}")


def _pad_width(text: str, flags: str, width: Optional[int]) -> str:
    """cty's padding for %v, %s, %q: width counted in characters."""
    if width is None:
        return text
    missing = width - len(graphemes(text))
    if missing <= 0:
        return text
    pad = ("0" if "0" in flags else " ") * missing
    return text + pad if "-" in flags else pad + text


def _go_integer(number: Any, mode: str, flags: str, width: Optional[int],
                precision: Optional[int]) -> str:
    """Go's fmt for a big.Int (%b %d %o %x %X with flags, width, precision)."""
    if isinstance(number, float):
        fail("an integer is required")
    digits = format(abs(number), mode)  # the verbs b d o x X mean the same in Python
    sign = "-" if number < 0 else "+" if "+" in flags else " " if " " in flags else ""
    prefix = {"b": "0b", "o": "0", "x": "0x", "X": "0X"}.get(mode, "") if "#" in flags else ""
    zeros = 0
    if precision is not None:
        if len(digits) < precision:
            zeros = precision - len(digits)
        elif digits == "0" and precision == 0:
            return ""
    length = len(sign) + len(prefix) + zeros + len(digits)
    left = right = 0
    if width is not None and length < width:
        if "-" in flags:
            right = width - length
        elif "0" in flags and precision is None:
            zeros += width - length
        else:
            left = width - length
    return " " * left + sign + prefix + "0" * zeros + digits + " " * right


def _decimal_digits(value: Decimal) -> tuple[str, int]:
    """Digits of |value| without leading/trailing zeros, and exponent e: value = 0.digits x 10^e."""
    _, digit_tuple, exponent = value.as_tuple()
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return "", 0
    point = len(digits) + exponent
    return digits.rstrip("0"), point


def _round_significant(value: Decimal, count: int) -> tuple[str, int]:
    return _decimal_digits(Context(prec=count, rounding=ROUND_HALF_EVEN).plus(value))


def _digit_at(digits: str, index: int) -> str:
    return digits[index] if 0 <= index < len(digits) else "0"


def _fmt_e(digits: str, point: int, precision: int) -> str:
    text = digits[:1] or "0"
    if precision > 0:
        text += "." + "".join(_digit_at(digits, i) for i in range(1, precision + 1))
    exponent = point - 1 if digits else 0
    return f"{text}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def _fmt_f(digits: str, point: int, precision: int) -> str:
    text = digits[:point].ljust(point, "0") if point > 0 else "0"
    if precision > 0:
        text += "." + "".join(_digit_at(digits, point + i) for i in range(precision))
    return text


def _go_float_text(number: Any, mode: str, precision: Optional[int]) -> str:
    """big.Float.Text(mode, precision) of |number| (None: Go's default; shortest for 'g')."""
    value = abs(_decimal(number))
    if mode == "f":
        return format(value, f".{6 if precision is None else precision}f")
    if mode == "e":
        count = 6 if precision is None else precision
        return _fmt_e(*_round_significant(value, count + 1), count) if value else _fmt_e("", 0, count)
    # %g: %e for large or small exponents, %f otherwise (Go's rules, including shortest form)
    if precision is None:
        digits, point = _decimal_digits(value)
        wanted, exponent_limit = len(digits), 6
    else:
        wanted = max(precision, 1)
        digits, point = _round_significant(value, wanted) if value else ("", 0)
        exponent_limit = wanted
        if exponent_limit > len(digits) and len(digits) >= point:
            exponent_limit = len(digits)
    exponent = point - 1
    if exponent < -4 or exponent >= exponent_limit:
        return _fmt_e(digits, point, min(wanted, len(digits)) - 1)
    if wanted > point:
        wanted = len(digits)
    return _fmt_f(digits, point, max(wanted - point, 0))


def _go_float_padded(number: Any, mode: str, flags: str, width: Optional[int],
                     precision: Optional[int]) -> str:
    """Go's fmt for a big.Float: sign, then zero padding, left or right space padding."""
    body = _go_float_text(number, mode.lower(), precision)
    if mode.isupper():
        body = body.upper()
    sign = "-" if number < 0 else "+" if "+" in flags else " " if " " in flags else ""
    padding = max((width or 0) - len(sign) - len(body), 0)
    if "0" in flags:
        return sign + "0" * padding + body
    if "-" in flags:
        return sign + body + " " * padding
    return " " * padding + sign + body


@_register("format")
def _format_function(spec, *args):
    return _format(to_str(spec), args)


@_register("formatlist", unknowns="args")
def _formatlist(spec, *args):
    """format() over lists given as arguments (all the same length), other arguments repeated;
    an iteration whose arguments are not all known gives an UNKNOWN element."""
    fmt = to_str(spec)
    lengths = {len(a) for a in args if is_list(a)}
    if len(lengths) > 1:
        fail("all list arguments must have the same length")
    if not lengths:
        return [_format(fmt, args)]
    results, size = [], 0
    for index in range(lengths.pop()):
        row = [a[index] if is_list(a) else a for a in args]
        pending = unknown_in(*row)
        if pending is not None:
            results.append(pending)
            continue
        results.append(_format(fmt, row))
        size += len(results[-1])
        if size > MAX_STRING:
            too_large()
    return results


# -- regular expressions (Go's RE2 syntax, translated for Python)
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "ascii": "\\x00-\\x7f", "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f", "digit": "0-9", "graph": "!-~", "lower": "a-z",
    "print": " -~", "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "word": "0-9A-Za-z_", "xdigit": "0-9A-Fa-f",
}
_WORD = "0-9A-Za-z_"
_ASCII_CLASSES = {  # Go's \d \w \s \b are ASCII-only (Python's would be Unicode)
    "d": "[0-9]", "D": "[^0-9]", "w": f"[{_WORD}]", "W": f"[^{_WORD}]",
    "s": "[\\t\\n\\f\\r ]", "S": "[^\\t\\n\\f\\r ]",
    "b": f"(?:(?<=[{_WORD}])(?![{_WORD}])|(?<![{_WORD}])(?=[{_WORD}]))",
    "B": f"(?:(?<=[{_WORD}])(?=[{_WORD}])|(?<![{_WORD}])(?![{_WORD}]))",
}
_FLAG_GROUP = re.compile(r"\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([):])")
_NAMED_GROUP = re.compile(r"\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>")
_POSIX_CLASS = re.compile(r"\[:(\^?)([a-z]+):\]")


def _translate_escape(pattern: str, index: int, in_class: bool = False) -> tuple[int, str]:
    """One RE2 escape starting at pattern[index] == "\\" -> (next index, Python text)."""
    if index + 1 >= len(pattern):
        fail("trailing backslash in regular expression")
    char = pattern[index + 1]
    if char in _ASCII_CLASSES and not (in_class and char in "DWSbB"):
        text = _ASCII_CLASSES[char]
        return index + 2, text[1:-1] if in_class else text
    if char == "z":
        return index + 2, r"\Z"
    if char == "Q":  # \Q...\E quotes literal text
        end = pattern.find(r"\E", index + 2)
        end = len(pattern) if end < 0 else end
        return min(end + 2, len(pattern)), re.escape(pattern[index + 2:end])
    if char == "x" and pattern.startswith("{", index + 2):
        end = pattern.find("}", index + 3)
        if end < 0:
            fail("invalid escape sequence in regular expression")
        return end + 1, f"\\U{int(pattern[index + 3:end] or 'x', 16):08x}"
    if char in "pP" and _regex_module() is None:
        fail("unicode classes (\\p) are not supported")
    if char.isdigit():  # octal \0, \12, \123; a lone \1 would be a backreference
        octal = re.match(r"[0-7]{1,3}", pattern[index + 1:index + 4])
        if octal is None or (char != "0" and len(octal.group()) < 2):
            fail("backreferences are not supported (RE2 syntax)")
        return index + 1 + len(octal.group()), re.escape(chr(int(octal.group(), 8)))
    return index + 2, pattern[index:index + 2]


def _translate_class(pattern: str, index: int) -> tuple[int, str]:
    """A bracket expression starting at pattern[index] == "[" -> (next index, Python text)."""
    out = ["["]
    position = index + 1
    if pattern.startswith("^", position):
        out.append("^")
        position += 1
    first = True
    while position < len(pattern):
        char = pattern[position]
        if char == "]" and not first:
            out.append("]")
            return position + 1, "".join(out)
        first = False
        if pattern.startswith("[:", position):
            posix = _POSIX_CLASS.match(pattern, position)
            if posix and not posix.group(1) and posix.group(2) in _POSIX_CLASSES:
                out.append(_POSIX_CLASSES[posix.group(2)])
                position = posix.end()
                continue
        if char == "\\":
            position, text = _translate_escape(pattern, position, in_class=True)
            out.append(text)
            continue
        out.append("\\" + char if char in "[]&~|" else char)
        position += 1
    fail("missing ] in regular expression")


def _translate_go_regex(pattern: str) -> str:
    """RE2 syntax as Python's: `$` is the end of text unless (?m); (?<name>; \\z; \\Q..\\E;
    POSIX classes; a flag group like (?i) in mid-pattern applies up to the end of its group."""
    multiline = bool(re.search(r"\(\?[a-zA-Z]*m", pattern))
    out: list[str] = []
    scopes: list[list[str]] = [[]]  # per open group: flag scopes opened inside it
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position, text = _translate_escape(pattern, position)
            out.append(text)
            continue
        if char == "[":
            position, text = _translate_class(pattern, position)
            out.append(text)
            continue
        if char == "(" and pattern.startswith("(?", position):
            flags = _FLAG_GROUP.match(pattern, position)
            named = _NAMED_GROUP.match(pattern, position)
            if flags and (flags.group(1) or flags.group(2) or flags.group(3) == ":"):
                letters = flags.group(1) + (flags.group(2) or "")
                if set(letters) - set("ims"):
                    fail(f"unsupported flags in regular expression: {letters}")
                spec = flags.group(1) + ("-" + flags.group(2) if flags.group(2) else "")
                out.append(f"(?{spec}:" if spec else "(?:")
                if flags.group(3) == ")":
                    scopes[-1].append(spec)
                else:
                    scopes.append([])
                position = flags.end()
                continue
            if named:
                out.append(f"(?P<{named.group(1)}>")
                scopes.append([])
                position = named.end()
                continue
            fail("unsupported group syntax in regular expression (RE2 has no lookaround)")
        if char == "(":
            out.append("(")
            scopes.append([])
        elif char == ")":
            if len(scopes) == 1:
                fail("unexpected ) in regular expression")
            out.append(")" * len(scopes.pop()) + ")")
        elif char == "|":
            pending = scopes[-1]
            out.append(")" * len(pending) + "|" + "".join(f"(?{s}:" for s in pending))
        elif char == "$" and not multiline:
            out.append(r"\Z")
        else:
            out.append(char)
        position += 1
    if len(scopes) != 1:
        fail("missing ) in regular expression")
    out.append(")" * len(scopes[0]))
    return "".join(out)


@lru_cache(maxsize=256)
def compile_go_regex(pattern: str) -> Any:
    """A compiled Python pattern behaving like Go's regexp.Compile(pattern)."""
    if len(pattern) > 65536:
        raise LimitError("regular expression too long")
    engine = _regex_module() or re
    translated = _translate_go_regex(pattern)
    if _regex_size(translated) > MAX_REGEX_SIZE:   # RE2 refuses it too; `regex` would unroll it
        raise LimitError(f"regular expression {_quote(pattern)} too large (nested counted repetitions)")
    try:
        return engine.compile(translated)
    except (re.error, getattr(engine, "error", re.error)) as error:
        fail(f"invalid regular expression {_quote(pattern)}: {error}")


MAX_REGEX_SIZE = 100_000   # atoms after expanding counted repetitions: `((a{1000}){1000}){1000}` is 1e9


def _regex_size(pattern: str) -> int:
    """How many atoms `pattern` holds once its counted repetitions are unrolled (an estimate:
    what the `regex` engine allocates for, gigabytes for nested `{1000}`s)."""
    try:
        parser = re._parser   # type: ignore[attr-defined]  # Python 3.11+
    except AttributeError:   # pragma: no cover - Python 3.10
        import sre_parse as parser
    try:
        tree = parser.parse(pattern)
    except Exception:  # noqa: BLE001 - syntax only `regex` knows: count repetitions textually
        size = 1
        for low, high in re.findall(r"\{(\d{1,9})(?:,(\d{0,9}))?\}", pattern):
            size *= max(int(high or low), 1)
        return size
    repeats = tuple(getattr(parser, name) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
                    if hasattr(parser, name))

    def size(items) -> int:
        total = 0
        for op, av in items:
            if op in repeats:
                low, high, sub = av
                count = high if high != parser.MAXREPEAT else low + 1
                total += max(count, 1) * size(sub)
            elif op is parser.SUBPATTERN:
                total += size(av[-1])
            elif op is parser.BRANCH:
                total += sum(size(branch) for branch in av[1])
            elif op in (parser.ASSERT, parser.ASSERT_NOT):
                total += size(av[1])
            else:
                total += 1
            if total > MAX_REGEX_SIZE:
                return total
        return total

    try:
        return size(tree)
    except RecursionError:
        return MAX_REGEX_SIZE + 1


@lru_cache(maxsize=1)
def _regex_module() -> Any:
    """The `regex` module (a dependency of python-hcl2; unlike `re` its matching can be given a
    timeout), or None: then `re`, without ReDoS protection."""
    try:
        import regex
    except ImportError:  # pragma: no cover
        return None
    return regex


def _timeout(compiled: Any) -> dict:
    """The timeout argument of a pattern compiled by compile_go_regex (`re` takes none)."""
    return {} if isinstance(compiled, re.Pattern) else {"timeout": REGEX_TIMEOUT}


def _go_matches(compiled: Any, text: str):
    """Matches as Go's FindAll sees them: an empty match right after a match is skipped."""
    last_end = -1
    for match in compiled.finditer(text, **_timeout(compiled)):
        if match.start() == match.end() == last_end:
            continue
        last_end = match.end()
        yield match


def _regex_result(compiled: Any, match: Any) -> Any:
    """cty's regex result: the match, a list of the groups, or a map of the named groups."""
    names = compiled.groupindex
    unnamed = compiled.groups - len(names)
    if names and unnamed:
        fail("invalid regular expression: cannot mix both named and unnamed capture groups")
    if names:
        return {name: match.group(name) for name in names}
    if unnamed:
        return list(match.groups())
    return match.group(0)


@_register("regex")
def _regex_function(pattern, text):
    compiled = compile_go_regex(to_str(pattern))
    match = compiled.search(to_str(text), **_timeout(compiled))
    if match is None:
        fail("pattern did not match any part of the given string")
    return _regex_result(compiled, match)


@_register("regexall")
def _regexall(pattern, text):
    compiled = compile_go_regex(to_str(pattern))
    results = []
    for match in _go_matches(compiled, to_str(text)):
        results.append(_regex_result(compiled, match))
        if len(results) > MAX_ELEMENTS:
            too_large()
    return results


_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_]+")


def _parse_go_template(template: str) -> list:
    """Go's Regexp.Expand template: $1, ${1}, $name, ${name}; $$ is "$"; a malformed
    reference is literal text. A name is the longest run of letters, digits and "_"."""
    parts: list = []
    position = 0
    while True:
        dollar = template.find("$", position)
        if dollar < 0:
            parts.append(template[position:])
            return parts
        parts.append(template[position:dollar])
        position = dollar + 1
        if template.startswith("$", position):
            parts.append("$")
            position += 1
            continue
        brace = template.startswith("{", position)
        name = _TEMPLATE_NAME.match(template, position + brace)
        if name is None or (brace and not template.startswith("}", name.end())):
            parts.append("$")
            continue
        parts.append((int(name.group()) if name.group().isdigit() else name.group(),))
        position = name.end() + brace


def _expand_group(match: Any, reference: Any) -> str:
    try:
        return match.group(reference) or ""
    except (IndexError, re.error):  # no such group: Go expands it to nothing
        return ""


def _regex_replace(text: str, pattern: str, template: str) -> str:
    compiled = compile_go_regex(pattern)
    parts = _parse_go_template(template)
    state = {"size": len(text), "last_end": -1}

    def expand(match: Any) -> str:
        if match.start() == match.end() == state["last_end"]:
            return ""  # Go ignores an empty match abutting the previous one
        state["last_end"] = match.end()
        replacement = "".join(p if isinstance(p, str) else _expand_group(match, p[0]) for p in parts)
        state["size"] += len(replacement)
        if state["size"] > MAX_STRING:
            too_large()
        return replacement

    return compiled.sub(expand, text, **_timeout(compiled))


@_register("replace")
def _replace(text, substring, replacement):
    source, old, new = to_str(text), to_str(substring), to_str(replacement)
    if len(old) > 1 and old.startswith("/") and old.endswith("/"):
        return _regex_replace(source, old[1:-1], new)
    count = len(source) + 1 if old == "" else source.count(old)
    if len(source) + count * (len(new) - len(old)) > MAX_STRING:
        too_large()
    return source.replace(old, new)


# ---------------------------------------------------------------- collection functions
def _require_list(value: Any, what: str = "argument") -> Sequence:
    if not is_list(value):
        fail(f"{what} must be a list, got {type_name(value)}")
    return value


def _require_map(value: Any, what: str = "argument") -> Mapping:
    if not is_map(value):
        fail(f"{what} must be a map, got {type_name(value)}")
    return value


@_register("alltrue", unknowns="args")
def _alltrue(values):
    for value in _require_list(values):
        if isinstance(value, Unknown):
            return unknown_in(values)
        if value is None or not to_bool(value):
            return False
    return True


@_register("anytrue", unknowns="args")
def _anytrue(values):
    unknowns = []
    for value in _require_list(values):
        if isinstance(value, Unknown):
            unknowns.append(value)
        elif value is not None and to_bool(value):
            return True
    return merge_unknown(*unknowns) if unknowns else False


@_register("chunklist", unknowns="args")
def _chunklist(values, size):
    items = list(_require_list(values))
    step = to_int(size, "size")
    if step < 0:
        fail("the size argument must be positive")
    if not items:
        return []
    if step == 0:
        return [items]
    return [items[i:i + step] for i in range(0, len(items), step)]


@_register("coalesce", unknowns="self")
def _coalesce(*values):
    """The first argument that is not null nor "" (when they unify to strings); UNKNOWN if an
    unknown argument comes first."""
    if not values:
        fail("at least one argument is required")
    unified = unify_primitives(list(values))
    strings = {kind(v) for v in unified if v is not None and not isinstance(v, Unknown)} == {"string"}
    for value in unified:
        if isinstance(value, Unknown):
            return value
        if value is None or (strings and value == ""):
            continue
        return value
    fail("no non-null, non-empty-string arguments")


@_register("coalescelist", unknowns="self")
def _coalescelist(*lists):
    if not lists:
        fail("at least one argument is required")
    for value in lists:
        if isinstance(value, Unknown):
            return value
        if value is None:
            continue
        if len(_require_list(value, "coalescelist arguments")) > 0:
            return value
    fail("no non-null arguments")


@_register("compact", unknowns="args")
def _compact(values):
    """Drops null and "" elements; UNKNOWN elements are kept (they may or may not be "")."""
    return [v if isinstance(v, Unknown) else to_str(v)
            for v in _require_list(values) if v is not None and v != ""]


@_register("concat", unknowns="args")
def _concat(*lists):
    if sum(len(_require_list(v, "every argument")) for v in lists) > MAX_ELEMENTS:
        too_large()
    return [item for value in lists for item in value]


@_register("contains", unknowns="args")
def _contains(values, item):
    unknowns = []
    for value in _require_list(values):
        equal = values_equal(value, item)
        if equal is True:
            return True
        if isinstance(equal, Unknown):
            unknowns.append(equal)
    return merge_unknown(*unknowns) if unknowns else False


@_register("distinct", unknowns="args")
def _distinct(values):
    return _dedupe(_require_list(values))


@_register("element", unknowns="args")
def _element(values, index):
    items = _require_list(values)
    position = to_int(index, "index")
    if not items:
        fail("cannot use element function with an empty list")
    return items[position % len(items)]  # wraps around; -1 is the last element


def _flatten_into(values: Sequence, out: list, budget: _Budget, depth: int) -> None:
    for value in values:
        if is_list(value):
            budget.visit(depth)
            _flatten_into(value, out, budget, depth + 1)
        else:  # UNKNOWN elements stay as they are: whether they are lists is not known
            out.append(value)
            if len(out) > MAX_ELEMENTS:
                too_large()


@_register("flatten", unknowns="args")
def _flatten(values):
    out: list = []
    _flatten_into(_require_list(values), out, _Budget(), 1)
    return out


@_register("index")
def _index(values, item):
    for position, value in enumerate(_require_list(values)):
        if values_equal(value, item) is True:
            return position
    fail("item not found")


@_register("keys", unknowns="args")
def _keys(mapping):
    return sorted(_require_map(mapping))


@_register("length", unknowns="args")
def _length(value):
    if isinstance(value, str):
        return len(graphemes(value))
    if is_map(value) or is_list(value):
        return len(value)
    if value is None:
        fail("argument must not be null")
    fail(f"argument must be a string, a collection type, or a structural type, not {type_name(value)}")


@_register("list", unknowns="self")
def _list(*values):
    fail('the "list" function was deprecated in Terraform v0.12 and is no longer available; '
         'use tolist([ ... ]) syntax to write a literal list')


@_register("map", unknowns="self")
def _map(*values):
    fail('the "map" function was deprecated in Terraform v0.12 and is no longer available; '
         'use tomap({ ... }) syntax to write a literal map')


@_register("lookup", unknowns="self")
def _lookup(mapping, key, *default):
    """mapping[key], else the default. Like Terraform: UNKNOWN only when the map or the key
    is; a missing key without a default is an error."""
    if len(default) > 1:
        fail("lookup() takes two or three arguments")
    if isinstance(mapping, Unknown) or isinstance(key, Unknown):
        return unknown_in(mapping, key)
    name = to_str(key)
    try:
        return _require_map(mapping, "the first argument")[name]
    except KeyError:
        pass
    if default:
        return default[0]
    fail(f"lookup failed to find key {_quote(name)}")


@_register("matchkeys")
def _matchkeys(values, keys, searchset):
    items, key_list = _require_list(values), _require_list(keys)
    if len(items) != len(key_list):
        fail("length of keys and values should be equal")
    unified = unify_primitives(list(key_list) + list(_require_list(searchset)))
    key_list, search = unified[:len(key_list)], unified[len(key_list):]
    return [item for item, key in zip(items, key_list)
            if any(values_equal(key, s) is True for s in search)]


@_register("merge", unknowns="args")
def _merge(*mappings):
    """Later maps win; null arguments are skipped (all null: null)."""
    if mappings and all(m is None for m in mappings):
        return None
    result: dict = {}
    for mapping in mappings:
        if mapping is None:
            continue
        result.update(_require_map(mapping, "every argument").items())
        if len(result) > MAX_ELEMENTS:
            too_large()
    return result


@_register("one", unknowns="args")
def _one(values):
    items = _require_list(values)
    if len(items) > 1:
        fail("must be a list, set, or tuple value with either zero or one elements")
    return items[0] if items else None


@_register("range")
def _range(*args):
    """cty's range: 1 to 3 numbers, float steps allowed, at most 1024 elements."""
    if not 1 <= len(args) <= 3:
        fail("must have one, two, or three arguments")
    numbers = [to_number(a) for a in args]
    if len(numbers) == 1:
        start, end, step = 0, numbers[0], 1
    elif len(numbers) == 2:
        (start, end), step = numbers, (-1 if numbers[1] < numbers[0] else 1)
    else:
        start, end, step = numbers
    if step == 0:
        fail("step must not be zero")
    down = step < 0
    if down and end > start:
        fail("end must be less than start when step is negative")
    if not down and end < start:
        fail("end must be greater than start when step is positive")
    current, stop, increment = _decimal(start), _decimal(end), _decimal(step)
    values = []
    while (current > stop) if down else (current < stop):
        if len(values) >= 1024:  # Terraform's own limit
            fail("more than 1024 values were generated; either decrease the difference "
                 "between start and end or use a smaller step")
        values.append(normalize_number(current))
        current += increment
    return values


@_register("reverse", unknowns="args")
def _reverse(values):
    return list(reversed(_require_list(values)))


@_register("setintersection")
def _setintersection(first, *others):
    sets = [make_set(_require_list(v)) for v in (first, *others)]
    budget = _Budget()
    keys = [{_set_key(v, budget) for v in s} for s in sets[1:]]
    return [v for v in sets[0] if all(_set_key(v, budget) in k for k in keys)]


@_register("setproduct")
def _setproduct(*sets):
    if len(sets) < 2:
        fail("at least two arguments are required")
    lists = [list(_require_list(s, "every argument")) for s in sets]
    if math.prod(len(v) for v in lists) * len(lists) > MAX_ELEMENTS:
        too_large()
    product: list[list] = [[]]
    for values in lists:
        product = [row + [v] for row in product for v in values]
    return product


@_register("setsubtract")
def _setsubtract(first, second):
    budget = _Budget()
    removed = {_set_key(v, budget) for v in make_set(_require_list(second))}
    return [v for v in make_set(_require_list(first)) if _set_key(v, budget) not in removed]


@_register("setunion", unknowns="args")
def _setunion(first, *others):
    values = [v for s in (first, *others) for v in _require_list(s)]
    if len(values) > MAX_ELEMENTS:
        too_large()
    return make_set(values)


@_register("slice", unknowns="args")
def _slice(values, start_index, end_index):
    items = _require_list(values)
    start, end = to_int(start_index, "start index"), to_int(end_index, "end index")
    if start < 0 or end < 0:
        fail("start and end index must not be less than zero")
    if end > len(items):
        fail("end index must not be greater than the length of the list")
    if start > end:
        fail("start index must not be greater than end index")
    return list(items[start:end])  # end exclusive


@_register("sort")
def _sort(values):
    """Lexical order of the elements as strings (sort([10, 9]) is ["10", "9"])."""
    items = _require_list(values)
    if any(v is None for v in items):
        fail("given list element is null; a null value cannot be sorted")
    return sorted(to_str(v) for v in items)


@_register("sum")
def _sum(values):
    items = _require_list(values)
    if not items:
        fail("cannot sum an empty list")
    total = to_number(items[0])
    for value in items[1:]:
        total = arithmetic("+", total, to_number(value))
    return total


@_register("transpose")
def _transpose(mapping):
    result: dict[str, list] = {}
    for key, values in _require_map(mapping).items():
        for value in _require_list(values, "every value"):
            result.setdefault(to_str(value), []).append(key)
    return {key: sorted(keys) for key, keys in result.items()}


@_register("values", unknowns="args")
def _values(mapping):
    source = _require_map(mapping)
    return [source[key] for key in sorted(source)]


@_register("zipmap", unknowns="args")
def _zipmap(keys, values):
    key_list, value_list = _require_list(keys), _require_list(values)
    if len(key_list) != len(value_list):
        fail(f"number of keys ({len(key_list)}) does not match number of values ({len(value_list)})")
    pending = unknown_in(*key_list)
    if pending is not None:
        return pending  # the map's keys are not known
    if any(k is None for k in key_list):
        fail("keys list has a null value")
    return {to_str(k): v for k, v in zip(key_list, value_list)}


# ---------------------------------------------------------------- type conversion
@_register("tobool")
def _tobool(value):
    return None if value is None else to_bool(value)


@_register("tonumber")
def _tonumber(value):
    return None if value is None else to_number(value)


@_register("tostring")
def _tostring(value):
    return None if value is None else to_str(value)


@_register("tolist", unknowns="args")
def _tolist(value):
    return None if value is None else unify_primitives(list(_require_list(value)))


@_register("toset", unknowns="args")
def _toset(value):
    return None if value is None else make_set(_require_list(value))


@_register("tomap", unknowns="args")
def _tomap(value):
    if value is None:
        return None
    source = _require_map(value)
    keys = list(source)
    return dict(zip(keys, unify_primitives([source[k] for k in keys])))


def _identity(value):
    return value


for _name in ("sensitive", "nonsensitive", "ephemeralasnull"):
    FUNCTIONS[_name] = _wrap(_name, _identity, "self")


@_register("issensitive", unknowns="self")
def _issensitive(value):
    return False  # sensitivity is not tracked here


@_register("type", unknowns="self")
def _type(value):
    return Unknown("type() is only meaningful in the Terraform console")


FUNCTIONS["templatestring"] = _wrap(
    "templatestring", _not_known("templatestring() is not evaluated"), "self")


# ---------------------------------------------------------------- encoding functions
_JSON_HTML = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                            "\u2028": "\\u2028", "\u2029": "\\u2029"})
_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_string(text: str) -> str:
    """A string as Go's encoding/json writes it (HTML characters escaped, UTF-8 kept)."""
    if not text.isascii():
        text = _SURROGATE.sub("\ufffd", text)
    return json.dumps(text, ensure_ascii=False).translate(_JSON_HTML)


def _json_write(value: Any, out: list, budget: _Budget, depth: int) -> None:
    budget.visit(depth)
    if value is None:
        out.append("null")
    elif isinstance(value, bool):
        out.append("true" if value else "false")
    elif is_number(value):
        out.append(format_number(value))
    elif isinstance(value, str):
        budget.text(len(value))
        out.append(_json_string(value))
    elif is_map(value):
        out.append("{")
        for position, key in enumerate(sorted(value)):
            out.append(("," if position else "") + _json_string(str(key)) + ":")
            _json_write(value[key], out, budget, depth + 1)
        out.append("}")
    elif is_list(value):
        out.append("[")
        for position, item in enumerate(value):
            if position:
                out.append(",")
            _json_write(item, out, budget, depth + 1)
        out.append("]")
    else:
        fail(f"cannot encode {type_name(value)} as JSON")


def json_encode(value: Any) -> str:
    """Terraform's jsonencode: compact, object keys sorted, numbers without exponent."""
    out: list[str] = []
    _json_write(value, out, _Budget(), 0)
    return "".join(out)


def _json_object(pairs: list) -> dict:
    result: dict = {}
    for key, value in pairs:
        if key in result:
            fail(f"duplicate {_quote(key)} property in JSON object")
        result[key] = value
    return result


def _json_constant(name: str) -> NoReturn:
    fail(f"invalid JSON value {name}")


@_register("jsondecode")
def _jsondecode(text):
    return json.loads(to_str(text), object_pairs_hook=_json_object,
                      parse_float=lambda s: normalize_number(Decimal(s)),
                      parse_int=lambda s: normalize_number(int(s)), parse_constant=_json_constant)


@_register("jsonencode", "self")
def _jsonencode(value):
    # A document with unknown parts (an ARN known only after apply) keeps its structure, so
    # policies can still read its principals and conditions (see values.PartialJSON).
    found = collect_unknowns(value)
    if found:
        if isinstance(value, Unknown):
            return value
        return PartialJSON(value, "JSON with values known only after apply", merge_unknown(*found).refs)
    return json_encode(value)


@_register("base64encode")
def _base64encode(text):
    return base64.b64encode(to_str(text).encode("utf-8")).decode("ascii")


def _b64decode(text: str) -> bytes:
    """Go's base64.StdEncoding: padding required, line breaks ignored."""
    try:
        return base64.b64decode(re.sub(r"[\r\n]", "", text), validate=True)
    except ValueError:
        fail("failed to decode base64 data")


@_register("base64decode")
def _base64decode(text):
    try:
        return _b64decode(to_str(text)).decode("utf-8")
    except UnicodeDecodeError:
        fail("the result of decoding the provided string is not valid UTF-8")


@_register("base64gzip")
def _base64gzip(text):
    # Same gzip header as Go's writer; the deflate bytes may differ from Go's (same content).
    import gzip
    return base64.b64encode(gzip.compress(to_str(text).encode("utf-8"), 6, mtime=0)).decode("ascii")


def _codec(name: str) -> codecs.CodecInfo:
    try:
        return codecs.lookup(name)
    except LookupError:
        fail(f"{_quote(name)} is not a supported IANA encoding name or alias")


@_register("textencodebase64")
def _textencodebase64(text, encoding):
    codec = _codec(to_str(encoding))
    try:
        encoded = codec.encode(to_str(text))[0]
    except UnicodeEncodeError:
        fail(f"the given string contains characters that cannot be represented in {encoding}")
    return base64.b64encode(encoded).decode("ascii")


@_register("textdecodebase64")
def _textdecodebase64(text, encoding):
    return _codec(to_str(encoding)).decode(_b64decode(to_str(text)), "replace")[0]


@_register("urlencode")
def _urlencode(text):
    return urllib.parse.quote_plus(to_str(text), safe="")  # Go's url.QueryEscape


@_register("csvdecode")
def _csvdecode(text):
    import csv
    rows = [row for row in csv.reader(io.StringIO(to_str(text), newline=""), strict=True) if row]
    if not rows:
        fail("missing header line")
    header, records = rows[0], rows[1:]
    if len(records) > MAX_ELEMENTS:
        too_large()
    for number, record in enumerate(records, start=2):
        if len(record) != len(header):
            fail(f"record on line {number}: wrong number of fields")
    return [dict(zip(header, record)) for record in records]


@lru_cache(maxsize=1)
def _yaml_loader() -> type:
    import yaml

    class _YamlLoader(yaml.SafeLoader):
        """yaml.safe_load, except that timestamps stay strings (as Terraform's yamldecode)."""

    _YamlLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return _YamlLoader


def _from_yaml(value: Any, budget: _Budget, depth: int, active: set) -> Any:
    """Decoded YAML as evaluator values (bounded: aliases can make a small document huge)."""
    budget.visit(depth)
    if isinstance(value, (dict, list)):
        if id(value) in active:
            fail("YAML alias refers to itself")
        active.add(id(value))
        try:
            if isinstance(value, dict):
                return {_yaml_key(k): _from_yaml(v, budget, depth + 1, active) for k, v in value.items()}
            return [_from_yaml(v, budget, depth + 1, active) for v in value]
        finally:
            active.discard(id(value))
    if isinstance(value, float):
        return normalize_number(value)
    if value is None or isinstance(value, (bool, int, str)):
        return value
    fail(f"unsupported YAML value of type {type(value).__name__}")


def _yaml_key(key: Any) -> str:
    if isinstance(key, (str, bool, int, float)):
        return to_str(key)
    fail("YAML mapping keys must be strings")


@_register("yamldecode")
def _yamldecode(text):
    import yaml
    return _from_yaml(yaml.load(to_str(text), Loader=_yaml_loader()), _Budget(), 0, set())


@lru_cache(maxsize=1)
def _yaml_dumper() -> type:
    import yaml

    class _YamlDumper(yaml.SafeDumper):
        """The YAML Terraform's yamlencode writes: strings double-quoted (literal blocks when
        multi-line), numbers as Terraform formats them, keys sorted, no anchors."""

        def ignore_aliases(self, data: Any) -> bool:
            return True

    _YamlDumper.add_representer(str, lambda d, s: d.represent_scalar(
        "tag:yaml.org,2002:str", s, style="|" if "\n" in s else '"'))
    _YamlDumper.add_representer(int, lambda d, n: d.represent_scalar("tag:yaml.org,2002:int", str(n)))
    _YamlDumper.add_representer(float, lambda d, n: d.represent_scalar(
        "tag:yaml.org,2002:float", format_number(n)))
    return _YamlDumper


@_register("yamlencode")
def _yamlencode(value):
    import yaml
    plain = _plain(value, _Budget())
    return yaml.dump(plain, Dumper=_yaml_dumper(), default_flow_style=False, allow_unicode=True,
                     sort_keys=True)


# ---------------------------------------------------------------- hash and crypto functions
def _hex_digest(algorithm: str) -> Callable[[Any], str]:
    def impl(text):
        return hashlib.new(algorithm, to_str(text).encode("utf-8")).hexdigest()
    return impl


def _base64_digest(algorithm: str) -> Callable[[Any], str]:
    def impl(text):
        digest = hashlib.new(algorithm, to_str(text).encode("utf-8")).digest()
        return base64.b64encode(digest).decode("ascii")
    return impl


for _name, _algorithm in (("md5", "md5"), ("sha1", "sha1"), ("sha256", "sha256"), ("sha512", "sha512")):
    FUNCTIONS[_name] = _wrap(_name, _hex_digest(_algorithm), "deep")
for _name, _algorithm in (("base64sha256", "sha256"), ("base64sha512", "sha512")):
    FUNCTIONS[_name] = _wrap(_name, _base64_digest(_algorithm), "deep")

for _name, _reason in (
        ("uuid", "uuid() is random"),
        ("bcrypt", "bcrypt() uses a random salt"),
        ("rsadecrypt", "rsadecrypt() needs a private key"),
        ("timestamp", "timestamp() changes on every run"),
        ("plantimestamp", "plantimestamp() is the time of the plan")):
    FUNCTIONS[_name] = _wrap(_name, _not_known(_reason), "self")

_UUID_NAMESPACES = {"dns": uuid.NAMESPACE_DNS, "url": uuid.NAMESPACE_URL,
                    "oid": uuid.NAMESPACE_OID, "x500": uuid.NAMESPACE_X500}


@_register("uuidv5")
def _uuidv5(namespace, name):
    space = to_str(namespace)
    try:
        base = _UUID_NAMESPACES.get(space) or uuid.UUID(space)
    except ValueError:
        fail(f"uuidv5() doesn't support namespace {_quote(space)}")
    return str(uuid.uuid5(base, to_str(name)))


# ---------------------------------------------------------------- date and time
_RFC3339 = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"]
_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _parse_timestamp(text: str) -> dt.datetime:
    match = _RFC3339.fullmatch(text)
    if not match:
        fail(f"not a valid RFC3339 timestamp: {_quote(text)}")
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction = match.group(7)
    micros = int((fraction[1:] + "000000")[:6]) if fraction else 0
    zone = match.group(8)
    if zone == "Z":
        tz = dt.timezone.utc
    else:
        hours, minutes = int(zone[1:3]), int(zone[4:6])
        if hours > 23 or minutes > 59:
            fail(f"not a valid RFC3339 timestamp: {_quote(text)}")
        offset = dt.timedelta(hours=hours, minutes=minutes)
        tz = dt.timezone(-offset if zone[0] == "-" else offset)
    try:
        return dt.datetime(year, month, day, hour, minute, second, micros, tzinfo=tz)
    except ValueError:
        fail(f"not a valid RFC3339 timestamp: {_quote(text)}")


def _zone(moment: dt.datetime, colon: bool, utc_name: Optional[str]) -> str:
    offset = moment.utcoffset() or dt.timedelta(0)
    if not offset and utc_name is not None:
        return utc_name
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}{':' if colon else ''}{minutes:02d}"


def _rfc3339(moment: dt.datetime) -> str:
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:"
            f"{moment.minute:02d}:{moment.second:02d}{_zone(moment, True, 'Z')}")


def _date_tokens(spec: str):
    """formatdate's format string as ("verb", "YYYY") and ("text", "...") tokens."""
    position = 0
    while position < len(spec):
        char = spec[position]
        if char == "'":
            if spec.startswith("''", position):
                yield "text", "'"
                position += 2
                continue
            end, text = position + 1, []
            while True:
                if end >= len(spec):
                    fail("unterminated literal '")
                if spec[end] == "'":
                    if spec.startswith("''", end):
                        text.append("'")
                        end += 2
                        continue
                    break
                text.append(spec[end])
                end += 1
            yield "text", "".join(text)
            position = end + 1
        elif char.isascii() and char.isalpha():
            end = position
            while end < len(spec) and spec[end] == char:
                end += 1
            yield "verb", spec[position:end]
            position = end
        else:
            end = position
            while end < len(spec) and spec[end] != "'" and not (spec[end].isascii() and spec[end].isalpha()):
                end += 1
            yield "text", spec[position:end]
            position = end


def _date_verb(verb: str, moment: dt.datetime) -> str:
    letter, size = verb[0], len(verb)
    hour12 = moment.hour % 12 or 12
    choices = {
        "Y": {2: f"{moment.year % 100:02d}", 4: f"{moment.year:04d}"},
        "M": {1: str(moment.month), 2: f"{moment.month:02d}", 3: _MONTHS[moment.month - 1][:3],
              4: _MONTHS[moment.month - 1]},
        "D": {1: str(moment.day), 2: f"{moment.day:02d}"},
        "E": {3: _WEEKDAYS[moment.weekday()][:3], 4: _WEEKDAYS[moment.weekday()]},
        "h": {1: str(moment.hour), 2: f"{moment.hour:02d}"},
        "H": {1: str(hour12), 2: f"{hour12:02d}"},
        "A": {2: "AM" if moment.hour < 12 else "PM"},
        "a": {2: "am" if moment.hour < 12 else "pm"},
        "m": {1: str(moment.minute), 2: f"{moment.minute:02d}"},
        "s": {1: str(moment.second), 2: f"{moment.second:02d}"},
        "Z": {1: _zone(moment, True, "Z"), 3: _zone(moment, False, "UTC"),
              4: _zone(moment, False, None), 5: _zone(moment, True, None)},
    }
    if size not in choices.get(letter, {}):
        fail(f"invalid date format verb {_quote(verb)}")
    return choices[letter][size]


@_register("formatdate")
def _formatdate(spec, timestamp):
    moment = _parse_timestamp(to_str(timestamp))
    return "".join(_date_verb(text, moment) if token == "verb" else text
                   for token, text in _date_tokens(to_str(spec)))


_DURATION_PART = re.compile(r"(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)")
_NANOSECONDS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
                "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}


def _parse_duration(text: str) -> dt.timedelta:
    """Go's time.ParseDuration: "1h30m", "-10m", "1.5h", units ns us ms s m h."""
    body = text[1:] if text[:1] in ("+", "-") else text
    total = Decimal(0)
    if body != "0":
        position = 0
        while position < len(body) or position == 0:
            part = _DURATION_PART.match(body, position)
            if not part or part.group(1) in ("", "."):
                fail(f"invalid duration {_quote(text)}")
            total += Decimal(part.group(1)) * _NANOSECONDS[part.group(2)]
            position = part.end()
    if total > 2 ** 63 - 1:
        fail(f"invalid duration {_quote(text)}")
    micros = total / 1000
    return dt.timedelta(microseconds=float(-micros if text.startswith("-") else micros))


@_register("timeadd")
def _timeadd(timestamp, duration):
    return _rfc3339(_parse_timestamp(to_str(timestamp)) + _parse_duration(to_str(duration)))


@_register("timecmp")
def _timecmp(timestamp_a, timestamp_b):
    a, b = _parse_timestamp(to_str(timestamp_a)), _parse_timestamp(to_str(timestamp_b))
    return (a > b) - (a < b)


# ---------------------------------------------------------------- IP network functions
def _parse_cidr(text: str) -> Any:
    """Terraform's ParseCIDR: host bits may be set; IPv4 octets may have leading zeros."""
    address, slash, length = text.partition("/")
    if not slash or not length.isdigit() or "%" in address:
        fail(f"invalid CIDR expression: invalid CIDR address: {text}")
    if re.fullmatch(r"\d+(?:\.\d+){3}", address):
        address = ".".join(str(int(part)) for part in address.split("."))
    try:
        return ipaddress.ip_network(f"{address}/{int(length)}", strict=False)
    except ValueError:
        fail(f"invalid CIDR expression: invalid CIDR address: {text}")


def _ip_text(network: Any, number: int) -> str:
    address = ipaddress.ip_address(number) if network.version == 4 else ipaddress.IPv6Address(number)
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped if mapped is not None else address)


@_register("cidrhost")
def _cidrhost(prefix, hostnum):
    network = _parse_cidr(to_str(prefix))
    number = to_int(hostnum, "hostnum")
    host_count = 2 ** (network.max_prefixlen - network.prefixlen)
    host = number + host_count if number < 0 else number  # negative numbers count from the end
    if not 0 <= host < host_count:
        fail(f"prefix of {network.prefixlen} does not accommodate a host numbered {number}")
    return _ip_text(network, int(network.network_address) + host)


@_register("cidrnetmask")
def _cidrnetmask(prefix):
    network = _parse_cidr(to_str(prefix))
    if network.version != 4:
        fail(f"IPv6 addresses cannot have a netmask: {prefix}")
    return str(network.netmask)


@_register("cidrsubnet")
def _cidrsubnet(prefix, newbits, netnum):
    network = _parse_cidr(to_str(prefix))
    bits, number = to_int(newbits, "newbits"), to_int(netnum, "netnum")
    length = network.prefixlen + bits
    if bits < 0 or length > network.max_prefixlen:
        fail(f"insufficient address space to extend prefix of {network.prefixlen} by {bits}")
    if not 0 <= number < 2 ** bits:
        fail(f"prefix extension of {bits} does not accommodate a subnet numbered {number}")
    address = int(network.network_address) | (number << (network.max_prefixlen - length))
    return f"{_ip_text(network, address)}/{length}"


@_register("cidrsubnets")
def _cidrsubnets(prefix, *newbits):
    """Consecutive subnets of the given extra lengths, each aligned after the previous one
    (go-cidr's PreviousSubnet/NextSubnet, as Terraform does)."""
    network = _parse_cidr(to_str(prefix))
    total_bits, base = network.max_prefixlen, network.prefixlen
    size = 2 ** total_bits
    start = int(network.network_address)
    end = start + network.num_addresses

    def mask(length: int) -> int:
        return (size - 1) ^ ((1 << (total_bits - length)) - 1)

    lengths = []
    for index, extra in enumerate(newbits, start=1):
        bits = to_int(extra, "newbits")
        if bits < 1:
            fail(f"argument {index}: must extend prefix by at least one bit")
        if bits > 32:
            fail(f"argument {index}: may not extend prefix by more than 32 bits")
        if base + bits > total_bits:
            fail(f"argument {index}: would extend prefix to {base + bits} bits, which is too "
                 f"long for an IPv{network.version} address")
        lengths.append(base + bits)
    if not lengths:
        return []
    # start from the subnet just before the base prefix, then step to each next subnet
    current, current_length = ((start - 1) % size) & mask(lengths[0]), lengths[0]
    results = []
    for index, length in enumerate(lengths, start=1):
        last = current | ((1 << (total_bits - current_length)) - 1)
        following = ((last & mask(length)) | ((1 << (total_bits - length)) - 1)) + 1
        if following >= size or not start <= following < end:
            fail(f"argument {index}: not enough remaining address space for a subnet with a "
                 f"prefix of {length} bits after {_ip_text(network, current)}/{current_length}")
        current, current_length = following, length
        results.append(f"{_ip_text(network, current)}/{length}")
    return results


# ---------------------------------------------------------------- filesystem functions
def _go_clean(path: str) -> str:
    """Go's path.Clean."""
    cleaned = posixpath.normpath(path) if path else "."
    return "/" + cleaned.lstrip("/") if cleaned.startswith("//") else cleaned


@_register("basename")
def _basename(path):
    text = to_str(path)
    if text == "":
        return "."
    text = text.rstrip("/")
    return "/" if text == "" else text[text.rfind("/") + 1:]


@_register("dirname")
def _dirname(path):
    text = to_str(path)
    return _go_clean(text[:text.rfind("/") + 1])


@_register("pathexpand")
def _pathexpand(path):
    text = to_str(path)
    if text == "~" or text.startswith("~/"):
        return Unknown("pathexpand(): the home directory is not known here")
    return text


class FileAccess:
    """Where file(), templatefile(), fileset() and the file hashes may read.

    Paths are relative to `base_dir`, the directory Terraform would run in (the root module;
    `path.module` values are relative to it). Only files that resolve, symlinks followed,
    inside `root` (the scanned tree, by default `base_dir`) are read, at most `max_size`
    bytes; anything else gives UNKNOWN rather than a guess.
    """

    def __init__(self, base_dir: str, root: Optional[str] = None, max_size: int = MAX_FILE_SIZE):
        self.base_dir = os.path.abspath(base_dir)
        self.root = os.path.realpath(root if root is not None else base_dir)
        self.max_size = max_size
        self.touched: set[str] = set()   # every path looked at: what a cached result depends on

    def resolve(self, path: str) -> Optional[str]:
        """The real path of `path`, or None when it leaves the scanned tree."""
        if "\0" in path:
            fail("path contains a NUL character")
        if path.startswith("~"):
            return None
        real = os.path.realpath(os.path.join(self.base_dir, path))
        if real == self.root or real.startswith(self.root.rstrip(os.sep) + os.sep):
            self.touched.add(real)
            return real
        return None

    def read(self, path: str) -> Any:
        """The bytes of file `path`, or Unknown when it may not or should not be read."""
        real = self.resolve(path)
        if real is None:
            return Unknown(f"{path} is outside the scanned directory tree; not read")
        try:
            info = os.stat(real)
        except FileNotFoundError:
            fail(f"no file exists at {path}")
        if stat.S_ISDIR(info.st_mode):
            fail(f"{path} is a directory, not a file")
        if not stat.S_ISREG(info.st_mode):
            return Unknown(f"{path} is not a regular file; not read")
        if info.st_size > self.max_size:
            return Unknown(f"file {path} is larger than {self.max_size} bytes; not read")
        with open(real, "rb") as handle:
            data = handle.read(self.max_size + 1)
        if len(data) > self.max_size:
            return Unknown(f"file {path} is larger than {self.max_size} bytes; not read")
        return data


class _TemplateScope:
    """What a templatefile() template sees: its vars, nothing else."""

    def __init__(self, variables: Mapping, functions: dict):
        self.variables = variables
        self.functions = functions

    def lookup(self, name: str, line: int) -> Any:
        try:
            return self.variables[name]
        except KeyError:
            raise EvalError(f"vars map does not contain key {_quote(name)}", line) from None


def _default_template_parser() -> Callable[[str, str], Any]:
    from checker.hcl.parser import parse_template  # deferred: the parser is not always needed
    return parse_template


def _glob_regex(pattern: str) -> str:
    """A doublestar glob (fileset's syntax) as a regular expression over "/"-separated paths:
    * and ? stay within a segment, ** spans segments, [...] classes, {a,b} alternatives."""
    out, position = [], 0
    while position < len(pattern):
        char = pattern[position]
        if pattern.startswith("**", position) and (position == 0 or pattern[position - 1] == "/"):
            after = position + 2
            if after == len(pattern):
                out.append(".*")
                position = after
                continue
            if pattern[after] == "/":
                out.append("(?:.*/)?")
                position = after + 1
                continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "\\" and position + 1 < len(pattern):
            position += 1
            out.append(re.escape(pattern[position]))
        elif char == "[":
            end = pattern.find("]", position + 2)
            if end < 0:
                fail(f"syntax error in pattern {_quote(pattern)}")
            body = pattern[position + 1:end]
            negate = body[:1] in ("!", "^")
            body = body[1:] if negate else body
            out.append("[" + ("^/" if negate else "") + body.replace("\\", "\\\\") + "]")
            position = end
        elif char == "{":
            depth, end = 0, position
            for end in range(position, len(pattern)):
                depth += {"{": 1, "}": -1}.get(pattern[end], 0)
                if depth == 0:
                    break
            if depth:
                fail(f"syntax error in pattern {_quote(pattern)}")
            options, depth, start = [], 0, position + 1
            for index in range(position + 1, end):
                depth += {"{": 1, "}": -1}.get(pattern[index], 0)
                if pattern[index] == "," and depth == 0:
                    options.append(pattern[start:index])
                    start = index + 1
            options.append(pattern[start:end])
            out.append("(?:" + "|".join(_glob_regex(o) for o in options) + ")")
            position = end
        else:
            out.append(re.escape(char))
        position += 1
    return "".join(out)


def _file_functions(access: Optional[FileAccess], table: dict,
                    template_parser: Optional[Callable[[str, str], Any]]) -> dict[str, Callable]:
    """The functions needing the filesystem, bound to `access` (None: all give UNKNOWN)."""

    def not_read(path: str) -> Unknown:
        if access is None:
            return Unknown(f"{path} not read: no module directory given")
        return Unknown(f"{path} is outside the scanned directory tree; not read")

    def read(path: Any) -> Any:
        return not_read(to_str(path)) if access is None else access.read(to_str(path))

    def file(path):
        data = read(path)
        if isinstance(data, Unknown):
            return data
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            fail(f"contents of {path} are not valid UTF-8; use the filebase64 function instead")

    def filebase64(path):
        data = read(path)
        return data if isinstance(data, Unknown) else base64.b64encode(data).decode("ascii")

    def file_digest(algorithm: str, encode: bool) -> Callable:
        def impl(path):
            data = read(path)
            if isinstance(data, Unknown):
                return data
            digest = hashlib.new(algorithm, data)
            return base64.b64encode(digest.digest()).decode("ascii") if encode else digest.hexdigest()
        return impl

    def fileexists(path):
        text = to_str(path)
        real = access.resolve(text) if access is not None else None
        if real is None:
            return not_read(text)
        if os.path.isdir(real):
            fail(f"{text} is a directory, not a file")
        return os.path.isfile(real)

    def fileset(path, pattern):
        text = to_str(path)
        base = access.resolve(text) if access is not None else None
        if base is None:
            return not_read(text)
        glob = to_str(pattern)
        matcher = re.compile(_glob_regex(glob[2:] if glob.startswith("./") else glob))
        found, seen = [], 0
        for directory, subdirectories, names in os.walk(base):
            seen += len(subdirectories) + len(names)
            if seen > MAX_FILES_WALKED:
                return Unknown(f"fileset(): too many files under {text}")
            for name in names:
                full = os.path.join(directory, name)
                relative = os.path.relpath(full, base).replace(os.sep, "/")
                if matcher.fullmatch(relative) and os.path.isfile(full):
                    found.append(relative)
        return sorted(found)

    def templatefile(path, vars):
        text = file(path)
        if isinstance(text, Unknown):
            return text
        parser = template_parser or _default_template_parser()
        try:
            template = parser(text, to_str(path))
        except InputError as error:
            fail(f"invalid template {to_str(path)}: {error.message} (line {error.line})")
        from checker.hcl.evaluate import evaluate  # deferred: evaluate imports this module
        inner = dict(table)
        inner["templatefile"] = _wrap("templatefile", _no_nested_templatefile, "self")
        return evaluate(template, _TemplateScope(_require_map(vars, "vars"), inner))

    def abspath(path):
        text = to_str(path)
        if posixpath.isabs(text):
            return _go_clean(text)
        if access is None:
            return Unknown("abspath(): the working directory is not known here")
        return _go_clean(os.path.join(access.base_dir, text).replace(os.sep, "/"))

    functions = {"file": file, "filebase64": filebase64, "fileexists": fileexists,
                 "fileset": fileset, "templatefile": templatefile, "abspath": abspath}
    for name, algorithm, encode in (("filemd5", "md5", False), ("filesha1", "sha1", False),
                                    ("filesha256", "sha256", False), ("filesha512", "sha512", False),
                                    ("filebase64sha256", "sha256", True),
                                    ("filebase64sha512", "sha512", True)):
        functions[name] = file_digest(algorithm, encode)
    return functions


def _no_nested_templatefile(*args):
    fail("cannot recursively call templatefile from inside another template")


def functions_for(base_dir: str, root: Optional[str] = None, *,
                  template_parser: Optional[Callable[[str, str], Any]] = None,
                  max_file_size: int = MAX_FILE_SIZE,
                  access: Optional["FileAccess"] = None) -> dict[str, Callable]:
    """FUNCTIONS with the file functions reading relative to `base_dir`, inside `root`
    (default: `base_dir`), files of at most `max_file_size` bytes.

    `template_parser(text, filename)` turns a template file into an ast expression for
    templatefile(); by default the one of checker.hcl.parser is used (see
    _default_template_parser). Give the result to the evaluator as the `functions`
    attribute of the scope.
    """
    table = dict(FUNCTIONS)
    access = access or FileAccess(base_dir, root, max_file_size)
    impls = _file_functions(access, table, template_parser)
    table.update({name: _wrap(name, impl, "deep") for name, impl in impls.items()})
    return table


FUNCTIONS.update({name: _wrap(name, impl, "deep")
                  for name, impl in _file_functions(None, FUNCTIONS, None).items()})
