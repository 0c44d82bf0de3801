"""Property-based fuzzing (issue 8, part 3) of the HCL parser + module evaluation, of the
expression evaluator, and of the CloudFormation loader: whatever the input, the outcome is a
value or an InputError/EvalError, never another exception, and in bounded time."""
from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from checker.errors import EvalError, InputError
from checker.hcl import ast
from checker.hcl.evaluate import evaluate
from checker.hcl.functions import FUNCTIONS
from checker.hcl.parser import parse_hcl
from checker.terraform.loader import load_terraform
from checker.values import Unknown

FUZZ = settings(max_examples=200, deadline=5000, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Messages of the loader's last-resort guards: seeing one means pdguard itself crashed.
INTERNAL = ("could not parse (", "could not evaluate this module (", "could not interpret ",
            "could not load (", "file too complex")


# ------------------------------------------------------------------ HCL-ish text
NAMES = st.sampled_from(["a", "b", "x", "var", "local", "each", "count", "self", "path", "module",
                         "data", "aws_s3_bucket", "null", "true", "false", "for", "in", "if", "EOT"])
FUNCS = st.sampled_from(["upper", "join", "format", "regex", "replace", "tostring", "jsonencode",
                         "jsondecode", "range", "lookup", "merge", "flatten", "length", "try", "can",
                         "cidrsubnet", "templatefile", "file", "base64decode", "nosuch", "provider::aws::x"])
NUMBERS = st.sampled_from(["0", "1", "-1", "1.5", "1e9", "1e400", "0x10", "99999999999999999999999"])
STRINGS = st.sampled_from(['"a"', '""', '"${a}"', '"%{if a}x%{else}y%{endif}"', '"\\u00e9\\n"',
                           '"${"', '"%{for x in a}${x}%{endfor}"', '"$${x}"', '"\\q"', '"a'])


def _expressions() -> st.SearchStrategy:
    leaf = st.one_of(NAMES, NUMBERS, STRINGS)

    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from([".", ".0.", "[*].", ".*."]), NAMES).map("".join),
            st.tuples(inner, inner).map(lambda t: f"{t[0]}[{t[1]}]"),
            st.tuples(FUNCS, st.lists(inner, max_size=3), st.booleans()).map(
                lambda t: f"{t[0]}({', '.join(t[1])}{'...' if t[2] and t[1] else ''})"),
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"]),
                      inner).map(" ".join),
            st.tuples(st.sampled_from(["-", "!"]), inner).map("".join),
            st.tuples(inner, inner, inner).map(lambda t: f"{t[0]} ? {t[1]} : {t[2]}"),
            st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
            st.lists(st.tuples(NAMES, inner), max_size=3).map(
                lambda kv: "{" + "\n".join(f"{k} = {v}" for k, v in kv) + "}"),
            st.tuples(inner, inner).map(lambda t: f"[for k, v in {t[0]} : {t[1]} if v]"),
            st.tuples(inner, inner).map(lambda t: f"{{for v in {t[0]} : v => {t[1]}...}}"),
            st.tuples(inner, inner).map(lambda t: f'"x${{{t[0]}}}y%{{ if {t[1]} }}z%{{ endif }}"'),
            st.tuples(st.sampled_from(["<<EOT", "<<-EOT"]), inner).map(
                lambda t: f"{t[0]}\n  line ${{{t[1]}}}\n  %{{for i in [1]}}${{i}}%{{endfor}}\nEOT\n"),
            inner.map(lambda e: f"({e})"),
        )

    return st.recursive(leaf, extend, max_leaves=12)


EXPRESSIONS = _expressions()


@st.composite
def hcl_files(draw) -> str:
    expr = draw(EXPRESSIONS)
    other = draw(EXPRESSIONS)
    shape = draw(st.integers(0, 4))
    if shape == 0:
        text = f"locals {{\n  a = {expr}\n  b = {other}\n}}\n"
    elif shape == 1:
        text = (f'resource "aws_s3_bucket" "r" {{\n  count = {other}\n  bucket = {expr}\n'
                f'  dynamic "x" {{\n    for_each = {other}\n    content {{ y = {expr} }}\n  }}\n}}\n')
    elif shape == 2:
        text = (f'variable "a" {{\n  default = {other}\n}}\nresource "aws_db_instance" "r" {{\n'
                f'  for_each = {expr}\n  engine = each.value\n  publicly_accessible = {other}\n}}\n')
    elif shape == 3:
        text = f'module "m" {{\n  source = "./"\n  a = {expr}\n}}\noutput "o" {{\n  value = {other}\n}}\n'
    else:
        text = f"a = {expr}\n"
    # Mutations: cut it anywhere, or drop in a hostile character.
    mutation = draw(st.integers(0, 3))
    if mutation == 1:
        text = text[:draw(st.integers(0, len(text)))]
    elif mutation == 2:
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(['"', "{", "}", "${", "%{", "\\", "<<EOT\n", "\ufeff", "\r",
                                                  "\x00", "#", "/*", "~"])) + text[at:]
    return text


def _load(text: str):
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "main.tf").write_text(text, encoding="utf-8")
        return load_terraform([root], {root}, root)


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("PDGUARD_CACHE_DIR", "off")


@FUZZ
@given(hcl_files())
def test_hcl_text_parses_or_fails_cleanly(text):
    try:
        parse_hcl(text, "main.tf")
    except InputError as exc:
        assert exc.file == "main.tf" and exc.message
    result = _load(text)
    for problem in result.errors + result.notes:
        assert problem.file and not problem.message.startswith(INTERNAL), problem


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_parse_or_fail_cleanly(data):
    text = data.decode("utf-8", "replace")
    try:
        parse_hcl(text, "x.tf")
    except InputError:
        pass


# ------------------------------------------------------------------ evaluator
UNKNOWN = Unknown("known after apply", {"aws_s3_bucket.b"})
VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**30, 10**30), st.floats(allow_nan=True),
              st.text(max_size=8), st.just(UNKNOWN), st.just("1"), st.just("true")),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=4), inner, max_size=4)),
    max_leaves=10)
OPS = st.sampled_from(["+", "-", "*", "/", "%", "<", ">", "<=", ">=", "==", "!=", "&&", "||"])
FUNCTION_NAMES = st.sampled_from(sorted(FUNCTIONS) + ["try", "can", "nosuch", "provider::aws::f"])


def _nodes() -> st.SearchStrategy:
    leaf = st.one_of(VALUES.map(ast.Literal), st.sampled_from(["u", "n", "s", "l", "m", "x"]).map(ast.Variable),
                     st.just(ast.SplatItem()))

    def extend(inner):
        return st.one_of(
            st.builds(ast.Binary, OPS, inner, inner),
            st.builds(ast.Unary, st.sampled_from(["-", "!"]), inner),
            st.builds(ast.Conditional, inner, inner, inner),
            st.builds(ast.GetAttr, inner, st.sampled_from(["a", "0", "id"])),
            st.builds(ast.Index, inner, inner),
            st.builds(ast.Splat, inner, inner),
            st.builds(ast.TupleExpr, st.lists(inner, max_size=3).map(tuple)),
            st.builds(ast.ObjectExpr, st.lists(st.tuples(inner, inner), max_size=3).map(tuple)),
            st.builds(ast.Call, FUNCTION_NAMES, st.lists(inner, max_size=3).map(tuple), st.booleans()),
            st.builds(ast.Template, st.lists(st.one_of(st.text(max_size=4), inner), max_size=3).map(tuple)),
            st.builds(ast.ForExpr, st.sampled_from([None, "k"]), st.just("x"), inner,
                      st.one_of(st.none(), inner), inner, st.one_of(st.none(), inner), st.booleans()),
        )

    return st.recursive(leaf, extend, max_leaves=10)


class _Scope:
    names = {"u": UNKNOWN, "n": 3, "s": "text", "l": [1, UNKNOWN, "a"], "m": {"a": UNKNOWN, "id": "i"}}

    def lookup(self, name, line):
        if name in self.names:
            return self.names[name]
        raise EvalError(f"unknown name {name!r}", line)


@FUZZ
@given(_nodes())
def test_evaluator_raises_only_eval_errors(node):
    try:
        evaluate(node, _Scope())
    except EvalError:
        pass


def _number_like(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@FUZZ
@given(OPS.filter(lambda op: op not in ("==", "!=", "&&", "||")),
       st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6), st.just(UNKNOWN)), st.booleans())
def test_unknown_operand_makes_arithmetic_unknown(op, other, unknown_left):
    left, right = (ast.Variable("u"), ast.Literal(other)) if unknown_left else (ast.Literal(other), ast.Variable("u"))
    try:
        result = evaluate(ast.Binary(op, left, right), _Scope())
    except EvalError:
        assume(False)
        return
    assert isinstance(result, Unknown)
    assert "aws_s3_bucket.b" in result.refs


@FUZZ
@given(st.sampled_from(["upper", "lower", "tostring", "length", "jsonencode", "abs", "trimspace",
                        "format", "join", "lookup"]), st.integers(0, 2))
def test_unknown_argument_never_disappears(name, position):
    args = [ast.Literal("a"), ast.Literal(["b"]), ast.Literal({"k": "v"})][:position] + [ast.Variable("u")]
    try:
        result = evaluate(ast.Call(name, tuple(args)), _Scope())
    except EvalError:
        return
    assert isinstance(result, Unknown), (name, result)


@FUZZ
@given(st.lists(st.one_of(st.text(max_size=3), st.just(ast.Variable("u")), st.just(ast.Variable("n"))),
                min_size=2, max_size=5))
def test_unknown_in_template_makes_it_unknown(parts):
    assume(any(isinstance(p, ast.Variable) and p.name == "u" for p in parts))
    result = evaluate(ast.Template(tuple(parts)), _Scope())
    assert isinstance(result, Unknown)


# ------------------------------------------------------------------ CloudFormation
TAGS = ["!Ref", "!GetAtt", "!Sub", "!Join", "!If", "!Select", "!Split", "!FindInMap", "!Base64",
        "!Equals", "!Not", "!Condition", "!ImportValue", "!GetAZs", "!Cidr", "!Transform", "!Bogus",
        "!!python/object/apply:os.system", "!!binary", "!!timestamp"]
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.text(max_size=10),
                    st.sampled_from(["AWS::S3::Bucket", "AWS::RDS::DBInstance", "AWS::NoValue", "Bucket",
                                     "Bucket.Arn", "${Bucket}", "${AWS::Region}", "true", "2010-09-09"]))
CFN_VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["Ref", "Fn::GetAtt", "Fn::Sub", "Fn::If", "Fn::Join", "Type",
                                     "Properties", "Condition", "BucketName", "Fn::Transform", "x"]),
                    inner, max_size=4)), max_leaves=12)


@st.composite
def cfn_templates(draw) -> tuple[str, str]:
    resources = draw(st.dictionaries(st.sampled_from(["Bucket", "Db", "Queue", "X"]), CFN_VALUES, max_size=3))
    template = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}
    if draw(st.booleans()):
        template["Conditions"] = draw(st.dictionaries(st.sampled_from(["C", "D"]), CFN_VALUES, max_size=2))
    if draw(st.booleans()):
        template["Parameters"] = draw(st.dictionaries(st.sampled_from(["P"]), CFN_VALUES, max_size=1))
    if draw(st.booleans()):
        return "template.json", json.dumps(template)
    import yaml
    text = yaml.safe_dump(template, sort_keys=False)
    # Tags, anchors and aliases in YAML.
    for _ in range(draw(st.integers(0, 3))):
        lines = text.splitlines()
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        if ": " in line:
            key, _sep, value = line.partition(": ")
            lines[at] = f"{key}: {draw(st.sampled_from(TAGS))} {value}"
        text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = text[:draw(st.integers(0, len(text)))]
    return "template.yaml", text


@FUZZ
@given(cfn_templates())
def test_cloudformation_loader_never_crashes(named):
    cfn = pytest.importorskip("checker.cloudformation.loader")
    if not hasattr(cfn, "load"):
        pytest.skip("no CloudFormation load() yet")
    from checker.config import ScanConfig
    name, text = named
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        try:
            result = cfn.load(path, name, text, ScanConfig())
        except InputError as exc:
            assert exc.file == name
            return
    if result is not None:
        for problem in result.errors + result.notes:
            assert problem.file == name or problem.file.endswith(name), problem


@FUZZ
@given(st.binary(max_size=300))
def test_cloudformation_loader_on_random_bytes(data):
    cfn = pytest.importorskip("checker.cloudformation.loader")
    if not hasattr(cfn, "load"):
        pytest.skip("no CloudFormation load() yet")
    from checker.config import ScanConfig
    text = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + data.decode("utf-8", "replace")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "t.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            cfn.load(path, "t.yaml", text, ScanConfig())
        except InputError:
            pass


def test_fuzz_environment():
    assert os.environ.get("PDGUARD_CACHE_DIR") == "off"
