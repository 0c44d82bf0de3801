"""Tests of checker.hcl.evaluate: Terraform's expression semantics on hand-built syntax trees
(plus a few through checker.hcl.parser)."""
from __future__ import annotations

from collections.abc import Mapping

import pytest

from checker.errors import EvalError
from checker.hcl.ast import (
    Binary, Call, Conditional, ForExpr, GetAttr, Index, Literal, ObjectExpr, Splat, SplatItem,
    Template, TemplateFor, TemplateIf, TupleExpr, Unary, Variable,
)
from checker.hcl.evaluate import MAX_DEPTH, ChildScope, evaluate
from checker.hcl.functions import FUNCTIONS, LimitError
from checker.values import Unknown


class Scope:
    def __init__(self, **names):
        self.names = names

    def lookup(self, name, line):
        if name in self.names:
            return self.names[name]
        raise EvalError(f"undefined name {name}", line)


class Lazy(Mapping):
    """A Mapping computing values on access, as the module layer's `var`/`local` are."""

    def __init__(self, data):
        self.data = data
        self.reads = []

    def __getitem__(self, key):
        self.reads.append(key)
        return self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)


def L(value):
    return Literal(value)


def V(name):
    return Variable(name)


def var(name):
    return GetAttr(Variable("var"), name)


BUCKET = Unknown("bucket id", ["aws_s3_bucket.a"])
ROLE = Unknown("role arn", ["aws_iam_role.r"])


def scope(**variables):
    return Scope(var=Lazy(variables), bucket=BUCKET, role=ROLE)


def ev(expr, **variables):
    return evaluate(expr, scope(**variables))


def error_of(expr, **variables) -> EvalError:
    with pytest.raises(EvalError) as info:
        ev(expr, **variables)
    return info.value


def refs(value):
    assert isinstance(value, Unknown), value
    return set(value.refs)


# ---------------------------------------------------------------- literals, names, collections
def test_literals_evaluate_to_themselves():
    for value in (None, True, 0, 1.5, "x"):
        assert ev(L(value)) == value


def test_variable_lookup_and_undefined_name():
    assert ev(var("a"), a=1) == 1
    error = error_of(Variable("nope", line=7))
    assert "nope" in error.message and error.line == 7


def test_tuple_and_object():
    assert ev(TupleExpr((L(1), var("a"))), a="x") == [1, "x"]
    obj = ObjectExpr(((L("a"), L(1)), (L("b"), var("v")), (L(2), L(True))))
    assert ev(obj, v=[1]) == {"a": 1, "b": [1], "2": True}


def test_object_with_unknown_or_null_key():
    assert refs(ev(ObjectExpr(((V("bucket"), L(1)),)))) == {"aws_s3_bucket.a"}
    assert "null" in error_of(ObjectExpr(((L(None), L(1)),))).message


def test_object_values_keep_unknowns():
    assert ev(ObjectExpr(((L("id"), V("bucket")),)))["id"] is BUCKET


# ---------------------------------------------------------------- templates
def test_template_concatenates_and_formats_values():
    template = Template(("a", L(True), "-", L(False), " ", L(2.0), " ", L(2.5), " ", L(1e21), " ", L(1e-7)))
    assert ev(template) == "atrue-false 2 2.5 1000000000000000000000 0.0000001"


def test_single_interpolation_returns_the_value_unchanged():
    assert ev(Template((var("l"),)), l=[1, 2]) == [1, 2]
    assert ev(Template((L(5),))) == 5
    assert ev(Template(("", var("l"))), l="s") == "s"


def test_template_rejects_null_and_collections():
    assert "null" in error_of(Template(("a", L(None)))).message
    assert "list" in error_of(Template(("a", var("l"))), l=[1]).message
    assert "map" in error_of(Template(("a", var("m"))), m={"k": 1}).message


def test_template_with_unknown_is_unknown_keeping_all_refs():
    value = ev(Template(("arn:", V("bucket"), "/", V("role"))))
    assert refs(value) == {"aws_s3_bucket.a", "aws_iam_role.r"}


def test_template_still_reports_errors_next_to_unknowns():
    error_of(Template((V("bucket"), "/", Variable("missing"))))


def test_template_if_directive():
    template = Template(("x-", TemplateIf(var("c"), ("yes", var("n")), ("no",)), "-y"))
    assert ev(template, c=True, n=1) == "x-yes1-y"
    assert ev(template, c="false", n=1) == "x-no-y"
    assert "null" in error_of(template, c=None, n=1).message


def test_template_if_with_unknown_condition_is_unknown_with_branch_refs():
    template = Template(("x", TemplateIf(V("role"), (V("bucket"),), (Variable("missing"),))))
    assert refs(ev(template)) == {"aws_iam_role.r", "aws_s3_bucket.a"}


def test_template_for_directive_over_list_and_map():
    body = (V("k"), "=", V("v"), ";")
    assert ev(Template((TemplateFor("k", "v", var("l"), body),)), l=["a", "b"]) == "0=a;1=b;"
    assert ev(Template((TemplateFor("k", "v", var("m"), body),)), m={"b": 2, "a": 1}) == "a=1;b=2;"
    assert ev(Template((TemplateFor(None, "v", var("l"), (V("v"),)),)), l=["a", "b"]) == "ab"


def test_template_for_over_unknown_or_null():
    loop = Template(("[", TemplateFor(None, "v", V("bucket"), (V("v"),)), "]"))
    assert refs(ev(loop)) == {"aws_s3_bucket.a"}
    error_of(Template((TemplateFor(None, "v", L(None), (V("v"),)),)))


def test_template_size_is_capped():
    big = "x" * 6_000_000
    assert "too large" in error_of(Template((var("b"), var("b"))), b=big).message
    loop = Template((TemplateFor(None, "v", var("l"), (var("b"),)),))
    assert "too large" in error_of(loop, l=list(range(100)), b="y" * 200_000).message


# ---------------------------------------------------------------- attributes and indexes
def test_get_attr_on_maps_and_lazy_mappings():
    assert ev(GetAttr(var("m"), "k"), m={"k": 1}) == 1
    lazy = Lazy({"a": 1, "b": 2})
    assert ev(GetAttr(var("m"), "b"), m=lazy) == 2
    assert lazy.reads == ["b"]  # only the attribute asked for is computed


def test_get_attr_missing_is_unsupported_attribute():
    error = error_of(GetAttr(var("m"), "nope", line=3), m={"k": 1})
    assert "unsupported attribute" in error.message and error.line == 3
    assert "unsupported attribute" in error_of(GetAttr(V("var"), "undeclared")).message


def test_get_attr_on_null_string_and_legacy_list_index():
    assert "null" in error_of(GetAttr(L(None), "x")).message
    error_of(GetAttr(L("s"), "x"))
    assert ev(GetAttr(var("l"), "1"), l=["a", "b"]) == "b"


def test_get_attr_and_index_on_unknown_keep_refs():
    value = ev(GetAttr(GetAttr(V("bucket"), "tags"), "Name"))
    assert refs(value) == {"aws_s3_bucket.a"}
    assert refs(ev(Index(V("bucket"), L(0)))) == {"aws_s3_bucket.a"}


def test_index_lists():
    assert ev(Index(var("l"), L(1)), l=["a", "b"]) == "b"
    assert ev(Index(var("l"), L("1")), l=["a", "b"]) == "b"
    assert ev(Index(var("l"), L(1.0)), l=["a", "b"]) == "b"
    assert ev(Index(var("l"), L(0)), l=("t",)) == "t"
    for bad in (2, -1, 0.5, "x", True, None):
        error_of(Index(var("l"), L(bad)), l=["a", "b"])


def test_index_maps_converts_keys_to_strings():
    assert ev(Index(var("m"), L("k")), m={"k": 1}) == 1
    assert ev(Index(var("m"), L(1)), m={"1": "one"}) == "one"
    assert ev(Index(var("m"), L(True)), m={"true": "t"}) == "t"
    assert "does not identify" in error_of(Index(var("m"), L("x")), m={"k": 1}).message
    error_of(Index(var("m"), L(None)), m={"k": 1})


def test_index_errors_on_null_and_scalars():
    error_of(Index(L(None), L(0)))
    error_of(Index(L("abc"), L(0)))
    error_of(Index(L(3), L(0)))


def test_index_with_unknown_key_is_unknown():
    assert refs(ev(Index(var("l"), V("role")), l=[1])) == {"aws_iam_role.r"}
    assert refs(ev(Index(V("bucket"), V("role")))) == {"aws_s3_bucket.a", "aws_iam_role.r"}


# ---------------------------------------------------------------- splats
def test_splat_over_list():
    items = [{"id": "a"}, {"id": "b"}]
    assert ev(Splat(var("l"), GetAttr(SplatItem(), "id")), l=items) == ["a", "b"]
    assert ev(Splat(var("l"), SplatItem()), l=[1, 2]) == [1, 2]


def test_splat_on_null_unknown_and_single_values():
    assert ev(Splat(L(None), GetAttr(SplatItem(), "id"))) == []
    assert refs(ev(Splat(V("bucket"), GetAttr(SplatItem(), "id")))) == {"aws_s3_bucket.a"}
    assert ev(Splat(var("o"), GetAttr(SplatItem(), "id")), o={"id": "x"}) == ["x"]
    assert ev(Splat(L("s"), SplatItem())) == ["s"]


def test_splat_on_a_map_of_instances_gives_a_one_element_list():
    instances = {"a": {"id": 1}, "b": {"id": 2}}
    assert ev(Splat(var("r"), SplatItem()), r=instances) == [instances]


def test_splat_elements_may_be_unknown_and_splats_nest():
    items = [{"id": BUCKET}, {"id": "b"}]
    result = ev(Splat(var("l"), GetAttr(SplatItem(), "id")), l=items)
    assert result[0] is BUCKET and result[1] == "b"
    nested = [{"ports": [{"n": 1}, {"n": 2}]}, {"ports": [{"n": 3}]}]
    inner = Splat(GetAttr(SplatItem(), "ports"), GetAttr(SplatItem(), "n"))
    assert ev(Splat(var("l"), inner), l=nested) == [[1, 2], [3]]


def test_splat_item_outside_a_splat_is_an_error():
    error_of(SplatItem())


# ---------------------------------------------------------------- operators
@pytest.mark.parametrize("op, left, right, expected", [
    ("+", 1, 2, 3), ("+", "2", 1, 3), ("-", 5, "1.5", 3.5), ("*", 2.5, 2, 5), ("/", 7, 2, 3.5),
    ("/", 6, 3, 2), ("%", 7, 3, 1), ("%", -7, 3, -1), ("%", 5.5, 2, 1.5), ("+", 0.1, 0.2, 0.3),
    ("<", 1, 2, True), (">", "10", 9, True), ("<=", 2, 2.0, True), (">=", 1, 2, False),
])
def test_arithmetic_and_comparison(op, left, right, expected):
    result = ev(Binary(op, L(left), L(right)))
    assert result == expected and type(result) is type(expected)


def test_arithmetic_results_are_int_when_integral():
    assert type(ev(Binary("*", L(0.5), L(4)))) is int
    assert type(ev(Binary("/", L(1), L(4)))) is float


@pytest.mark.parametrize("op, left, right", [
    ("/", 1, 0), ("%", 1, 0), ("+", "a", 1), ("+", None, 1), ("-", True, 1), ("<", "a", "b"),
    ("*", [1], 2),
])
def test_arithmetic_errors(op, left, right):
    error_of(Binary(op, L(left), L(right)))


@pytest.mark.parametrize("left, right, equal", [
    (1, 1.0, True), ("1", 1, False), (True, 1, False), (True, "true", False), (None, None, True),
    ([1, "a"], [1.0, "a"], True), ([1], [1, 2], False), ({"a": [1]}, {"a": [1]}, True),
    ({"a": 1}, {"b": 1}, False), ({"a": 1}, [1], False), (0, False, False),
])
def test_equality_without_conversion(left, right, equal):
    assert ev(Binary("==", L(left), L(right))) is equal
    assert ev(Binary("!=", L(left), L(right))) is (not equal)


def test_equality_with_unknowns():
    assert refs(ev(Binary("==", V("bucket"), L("x")))) == {"aws_s3_bucket.a"}
    assert refs(ev(Binary("!=", V("bucket"), L(None)))) == {"aws_s3_bucket.a"}
    # a known difference decides even if another element is unknown
    assert ev(Binary("==", TupleExpr((V("bucket"), L(1))), TupleExpr((L("x"), L(2))))) is False
    assert refs(ev(Binary("==", TupleExpr((V("bucket"), L(1))), TupleExpr((L("x"), L(1)))))) == {"aws_s3_bucket.a"}


def test_equality_with_lazy_mapping():
    assert ev(Binary("==", var("m"), ObjectExpr(((L("a"), L(1)),))), m=Lazy({"a": 1})) is True


def test_unknown_operands_propagate_refs():
    value = ev(Binary("+", V("bucket"), Binary("*", V("role"), L(2))))
    assert refs(value) == {"aws_s3_bucket.a", "aws_iam_role.r"}
    assert refs(ev(Binary("<", V("bucket"), L(1)))) == {"aws_s3_bucket.a"}
    assert refs(ev(Unary("-", V("bucket")))) == {"aws_s3_bucket.a"}
    assert refs(ev(Unary("!", V("role")))) == {"aws_iam_role.r"}


def test_unknown_operand_does_not_hide_a_type_error_on_the_other_side():
    error_of(Binary("+", V("bucket"), L("not a number")))


@pytest.mark.parametrize("op, left, right, expected", [
    ("&&", True, True, True), ("&&", True, False, False), ("||", False, False, False),
    ("||", False, True, True), ("&&", "true", "1", True), ("||", "false", "0", False),
])
def test_logical_operators(op, left, right, expected):
    assert ev(Binary(op, L(left), L(right))) is expected


def test_logical_operators_reject_other_types():
    error_of(Binary("&&", L(1), L(True)))
    error_of(Binary("||", L(False), L("yes")))
    error_of(Binary("&&", L(None), L(True)))


def test_logical_short_circuit_on_known_value():
    failing = GetAttr(L(None), "attr")  # an error if evaluated
    assert ev(Binary("&&", L(False), failing)) is False
    assert ev(Binary("||", L(True), failing)) is True
    assert ev(Binary("&&", L(False), V("bucket"))) is False
    assert ev(Binary("&&", V("bucket"), L(False))) is False
    assert ev(Binary("||", L(True), V("bucket"))) is True
    assert ev(Binary("||", V("bucket"), L(True))) is True


def test_logical_with_unknown_that_does_not_decide():
    assert refs(ev(Binary("&&", L(True), V("bucket")))) == {"aws_s3_bucket.a"}
    assert refs(ev(Binary("||", V("bucket"), L(False)))) == {"aws_s3_bucket.a"}
    assert refs(ev(Binary("&&", V("bucket"), V("role")))) == {"aws_s3_bucket.a", "aws_iam_role.r"}


def test_unary_operators():
    assert ev(Unary("!", L(True))) is False
    assert ev(Unary("!", L("false"))) is True
    assert ev(Unary("-", L("3"))) == -3
    assert ev(Unary("-", L(2.5))) == -2.5
    error_of(Unary("!", L(1)))
    error_of(Unary("-", L("x")))


# ---------------------------------------------------------------- conditionals
def test_conditional_evaluates_only_the_chosen_branch():
    failing = GetAttr(L(None), "attr")
    assert ev(Conditional(L(True), L("a"), failing)) == "a"
    assert ev(Conditional(L(False), failing, L("b"))) == "b"
    assert ev(Conditional(L("true"), L("a"), L("b"))) == "a"
    assert ev(Conditional(Binary("==", var("x"), L(None)), L("none"), GetAttr(var("x"), "y")), x=None) == "none"


def test_conditional_condition_must_be_bool():
    assert "null" in error_of(Conditional(L(None), L(1), L(2))).message
    error_of(Conditional(L("yes"), L(1), L(2)))
    error_of(Conditional(L(1), L(1), L(2)))


def test_conditional_with_unknown_condition_does_not_guess():
    value = ev(Conditional(V("role"), V("bucket"), L("fixed")))
    assert refs(value) == {"aws_iam_role.r", "aws_s3_bucket.a"}
    # a failing branch is ignored for refs: Terraform only reports the chosen branch's errors
    value = ev(Conditional(V("role"), GetAttr(L(None), "x"), Template(("a", V("bucket")))))
    assert refs(value) == {"aws_iam_role.r", "aws_s3_bucket.a"}


# ---------------------------------------------------------------- for expressions
def test_for_over_list_with_and_without_index():
    assert ev(ForExpr(None, "v", var("l"), None, Binary("*", V("v"), L(2)), None), l=[1, 2]) == [2, 4]
    pairs = ForExpr("i", "v", var("l"), None, Template((V("i"), ":", V("v"))), None)
    assert ev(pairs, l=["a", "b"]) == ["0:a", "1:b"]


def test_for_over_map_is_in_lexical_key_order():
    expr = ForExpr("k", "v", var("m"), None, Template((V("k"), "=", V("v"))), None)
    assert ev(expr, m={"b": 2, "a": 1, "B": 3}) == ["B=3", "a=1", "b=2"]
    assert ev(ForExpr(None, "v", var("m"), None, V("v"), None), m=Lazy({"y": 2, "x": 1})) == [1, 2]


def test_for_filter():
    expr = ForExpr(None, "v", var("l"), None, V("v"), Binary(">", V("v"), L(1)))
    assert ev(expr, l=[1, 2, 3]) == [2, 3]
    error_of(ForExpr(None, "v", var("l"), None, V("v"), L(1)), l=[1])


def test_for_filter_unknown_makes_the_whole_result_unknown():
    expr = ForExpr(None, "v", var("l"), None, V("v"), Binary("==", V("v"), V("bucket")))
    assert refs(ev(expr, l=["a", "b"])) == {"aws_s3_bucket.a"}


def test_for_object_form():
    expr = ForExpr("k", "v", var("m"), Template((V("k"), "_x")), V("v"), None)
    assert ev(expr, m={"a": 1, "b": 2}) == {"a_x": 1, "b_x": 2}
    by_number = ForExpr(None, "v", var("l"), V("v"), L(True), None)
    assert ev(by_number, l=[1, 2]) == {"1": True, "2": True}


def test_for_object_duplicate_keys_are_an_error_unless_grouping():
    items = [{"k": "a", "v": 1}, {"k": "b", "v": 2}, {"k": "a", "v": 3}]
    plain = ForExpr(None, "i", var("l"), GetAttr(V("i"), "k"), GetAttr(V("i"), "v"), None)
    assert "duplicate" in error_of(plain, l=items).message
    grouped = ForExpr(None, "i", var("l"), GetAttr(V("i"), "k"), GetAttr(V("i"), "v"), None, group=True)
    assert ev(grouped, l=items) == {"a": [1, 3], "b": [2]}


def test_for_object_unknown_or_null_key():
    unknown_key = ForExpr(None, "v", var("l"), V("bucket"), V("v"), None)
    assert refs(ev(unknown_key, l=[1])) == {"aws_s3_bucket.a"}
    error_of(ForExpr(None, "v", var("l"), L(None), V("v"), None), l=[1])


def test_for_values_may_be_unknown():
    result = ev(ForExpr(None, "v", var("l"), None, V("bucket"), None), l=[1, 2])
    assert result == [BUCKET, BUCKET]


def test_for_over_unknown_null_and_strings():
    assert refs(ev(ForExpr(None, "v", V("bucket"), None, V("v"), None))) == {"aws_s3_bucket.a"}
    error_of(ForExpr(None, "v", L(None), None, V("v"), None))
    error_of(ForExpr(None, "v", L("abc"), None, V("v"), None))


def test_for_variables_shadow_and_do_not_leak():
    expr = ForExpr(None, "var", L([1, 2]), None, V("var"), None)
    assert ev(expr) == [1, 2]
    child = ChildScope(scope(a=1), {"x": 5})
    assert evaluate(V("x"), child) == 5
    assert evaluate(var("a"), child) == 1


# ---------------------------------------------------------------- function calls
def test_function_call_and_unknown_function():
    assert ev(Call("upper", (L("a"),))) == "A"
    assert ev(Call("core::length", (L([1, 2]),))) == 2
    error = error_of(Call("nosuchfunction", (), line=4))
    assert "unknown function nosuchfunction" in error.message and error.line == 4


def test_function_argument_refs_flow_into_the_result():
    assert refs(ev(Call("upper", (V("bucket"),)))) == {"aws_s3_bucket.a"}
    joined = ev(Call("join", (L("/"), TupleExpr((V("bucket"), V("role"))))))
    assert refs(joined) == {"aws_s3_bucket.a", "aws_iam_role.r"}


def test_provider_functions_are_unknown():
    value = ev(Call("provider::aws::arn_parse", (V("role"),)))
    assert refs(value) == {"aws_iam_role.r"}


def test_expand_final_argument():
    assert ev(Call("max", (var("l"),), expand_final=True), l=[1, 5, 2]) == 5
    assert ev(Call("max", (L(9), var("l")), expand_final=True), l=[1, 5]) == 9
    assert refs(ev(Call("max", (V("bucket"),), expand_final=True))) == {"aws_s3_bucket.a"}
    error_of(Call("max", (L("x"),), expand_final=True))


def test_function_errors_are_eval_errors_naming_the_function():
    error = error_of(Call("lookup", (L({}), L("k")), line=9))
    assert "lookup" in error.message and error.line == 9
    error_of(Call("upper", ()))  # wrong number of arguments


def test_python_exceptions_in_functions_become_eval_errors():
    def broken(value):
        return {}[value]

    functions = dict(FUNCTIONS, broken=broken)
    for exc in (KeyError, TypeError, ValueError, IndexError):
        def raiser(value, exc=exc):
            raise exc("boom")
        functions[f"raise_{exc.__name__}"] = raiser
    custom = Scope()
    custom.functions = functions
    with pytest.raises(EvalError, match="broken"):
        evaluate(Call("broken", (L("x"),)), custom)
    for exc in (KeyError, TypeError, ValueError, IndexError):
        with pytest.raises(EvalError, match=f"raise_{exc.__name__}"):
            evaluate(Call(f"raise_{exc.__name__}", (L(1),)), custom)


def test_scope_functions_table_is_used_and_inherited_by_child_scopes():
    custom = Scope(var={"l": [1]})
    custom.functions = {"answer": lambda: 42}
    assert evaluate(Call("answer", ()), custom) == 42
    expr = ForExpr(None, "v", var("l"), None, Call("answer", ()), None)
    assert evaluate(expr, custom) == [42]
    with pytest.raises(EvalError):
        evaluate(Call("upper", (L("a"),)), custom)


def test_try_returns_the_first_value_that_evaluates():
    assert ev(Call("try", (GetAttr(var("m"), "nope"), L("fallback"))), m={}) == "fallback"
    assert ev(Call("try", (GetAttr(var("m"), "k"), L("fallback"))), m={"k": 1}) == 1
    assert ev(Call("try", (Index(var("l"), L(5)), Index(var("l"), L(0)))), l=["a"]) == "a"


def test_try_returns_unknown_values_as_they_are():
    assert ev(Call("try", (GetAttr(V("bucket"), "x"), L("fallback")))) is BUCKET
    listed = ev(Call("try", (TupleExpr((V("bucket"),)), L("fallback"))))
    assert listed == [BUCKET]


def test_try_fails_when_nothing_evaluates():
    assert "try" in error_of(Call("try", (GetAttr(L(None), "a"), Variable("missing")))).message
    error_of(Call("try", ()))


def test_can():
    assert ev(Call("can", (GetAttr(var("m"), "k"),)), m={"k": 1}) is True
    assert ev(Call("can", (GetAttr(var("m"), "nope"),)), m={}) is False
    assert ev(Call("can", (Call("regex", (L("^a"), L("bc"))),))) is False
    assert refs(ev(Call("can", (Call("regex", (L("^a"), V("bucket"))),)))) == {"aws_s3_bucket.a"}
    error_of(Call("can", (L(1), L(2))))


# ---------------------------------------------------------------- hostile input
def test_deep_expressions_are_an_eval_error_not_a_recursion_error():
    expr = L(1)
    for _ in range(20_000):
        expr = Binary("+", expr, L(1))
    assert "too deep" in error_of(expr).message
    nested = L(0)
    for _ in range(5_000):
        nested = TupleExpr((nested,))
    assert "too deep" in error_of(nested).message


def test_depth_below_the_limit_is_fine():
    expr = L(0)
    for _ in range(MAX_DEPTH // 2):
        expr = Binary("+", expr, L(1))
    assert ev(expr) == MAX_DEPTH // 2


NESTERS = {
    "binary": lambda e: Binary("+", e, L(1)),
    "call": lambda e: Call("abs", (e,)),
    "template": lambda e: Template(("x", e)),
    "template-for": lambda e: Template((TemplateFor(None, "x", V("one"), ("[", e, "]")),)),
    "tuple": lambda e: Index(TupleExpr((e,)), L(0)),
    "conditional": lambda e: Conditional(L(True), e, L(0)),
    "for": lambda e: Index(ForExpr(None, "x", V("one"), None, e, None), L(0)),
    "splat": lambda e: Index(Splat(V("one"), e), L(0)),
    "try": lambda e: Call("try", (e,)),
}


@pytest.mark.parametrize("kind", NESTERS)
def test_every_kind_of_nesting_ends_in_an_eval_error(kind):
    expr = L(1)
    for _ in range(MAX_DEPTH + 10):
        expr = NESTERS[kind](expr)
    with pytest.raises(EvalError) as info:
        evaluate(expr, Scope(one=[1]))
    assert "too deep" in info.value.message
    assert len(info.value.message) < 1000  # nested try() does not pile up messages


def test_depth_counts_across_lazy_lookups():
    class Chain:
        """local.n evaluates local.(n-1) + 1: a chain as long as the caller likes."""

        def lookup(self, name, line):
            number = int(name[1:])
            if number == 0:
                return 0
            return evaluate(Binary("+", Variable(f"l{number - 1}"), L(1)), self)

    assert evaluate(Variable("l10"), Chain()) == 10
    with pytest.raises(EvalError, match="too deep"):
        evaluate(Variable("l100000"), Chain())


def test_huge_values_are_refused():
    assert "1024" in error_of(Call("range", (L(1e9),))).message
    many = ForExpr(None, "i", Call("range", (L(1000),)), None, var("s"), None)
    join = Call("join", (L(","), many))
    assert "too large" in error_of(join, s="x" * 20_000).message
    repeat = Call("indent", (L(1_000_000), var("s")))
    assert "too large" in error_of(repeat, s="\n" * 100).message
    assert "too large" in error_of(Call("replace", (var("s"), L("a"), var("s"))), s="a" * 10_000).message


def test_try_and_can_do_not_hide_pdguard_limits():
    deep = L(1)
    for _ in range(MAX_DEPTH + 5):
        deep = Binary("+", deep, L(1))
    with pytest.raises(LimitError):
        ev(Call("try", (deep, L("fallback"))))
    with pytest.raises(LimitError):
        ev(Call("can", (deep,)))
    doubled = Template((var("b"), var("b")))
    with pytest.raises(LimitError):
        ev(Call("try", (doubled, L(""))), b="x" * 6_000_000)
    with pytest.raises(LimitError):
        ev(Call("can", (Call("jsonencode", (var("n"),)),)), n=_nested_list(1000))


def _nested_list(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


def test_unknown_node_type_is_an_eval_error():
    with pytest.raises(EvalError):
        evaluate(object(), Scope())


# ---------------------------------------------------------------- through the parser
parser = pytest.importorskip("checker.hcl.parser")


def parsed(source: str, **names):
    attributes = parser.parse_hcl(source, "test.tf").body.attributes
    context = Scope(**names)
    return {name: evaluate(attribute.expr, context) for name, attribute in attributes.items()}


def test_parsed_expressions():
    values = parsed(
        '''
        a = "x-${var.n}-%{ if var.on }yes%{ else }no%{ endif }"
        b = [for k, v in var.m : "${k}=${v}" if v != "2"]
        c = { for s in var.l : s.k => s.v... }
        d = var.l[*].k
        e = try(var.nope.x, "default")
        f = var.on && !false ? 1 + 2 * 3 : 0
        g = max(var.nums...)
        h = aws_instance.web[0].id
        i = "${aws_instance.web[0].id}-suffix"
        ''',
        var={"n": 5, "on": True, "m": {"a": "1", "b": "2"}, "nums": [3, 9, 1],
             "l": [{"k": "a", "v": 1}, {"k": "a", "v": 2}]},
        aws_instance={"web": [{"id": Unknown("id", ["aws_instance.web[0]"])}]},
    )
    assert values["a"] == "x-5-yes"
    assert values["b"] == ["a=1"]
    assert values["c"] == {"a": [1, 2]}
    assert values["d"] == ["a", "a"]
    assert values["e"] == "default"
    assert values["f"] == 7
    assert values["g"] == 9
    assert refs(values["h"]) == {"aws_instance.web[0]"}
    assert refs(values["i"]) == {"aws_instance.web[0]"}


def test_parsed_heredoc_with_directives():
    values = parsed(
        'doc = <<EOT\n'
        'hello ${name}\n'
        '%{ for p in ports ~}\n'
        'port ${p}\n'
        '%{ endfor ~}\n'
        'EOT\n',
        name="bob", ports=[80, 443],
    )
    assert values["doc"] == "hello bob\nport 80\nport 443\n"
