"""Tests for checker.hcl.parser: HCL2 text -> checker.hcl.ast."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.hcl.ast import (
    Node, fields_of,
    Attribute, Binary, Body, Call, Conditional, ForExpr, GetAttr, Index, Literal,
    ObjectExpr, Splat, SplatItem, Template, TemplateFor, TemplateIf, TupleExpr, Unary, Variable,
)
from checker.hcl.parser import MAX_DEPTH, parse_hcl

CORPUS = Path("/work/shared/corpus/modules")

L, V = Literal, Variable
ITEM = SplatItem()


def strip_lines(node):
    """A copy of node with every line / end_line set to 0, for structural comparison."""
    if isinstance(node, tuple):
        return tuple(strip_lines(n) for n in node)
    if isinstance(node, list):
        return [strip_lines(n) for n in node]
    if isinstance(node, dict):
        return {k: strip_lines(v) for k, v in node.items()}
    if isinstance(node, Node):
        return type(node)(**{
            name: 0 if name in ("line", "end_line") else strip_lines(getattr(node, name))
            for name in fields_of(node)})
    return node


def parse(src: str):
    return parse_hcl(src, "test.tf")


def expr(src: str):
    """The expression of `x = <src>`, lines stripped."""
    return strip_lines(parse(f"x = {src}\n").body.attributes["x"].expr)


def raw_expr(src: str):
    return parse(src).body.attributes["x"].expr


def error(src: str) -> InputError:
    with pytest.raises(InputError) as info:
        parse(src)
    assert info.value.file == "test.tf"
    return info.value


# ---------------------------------------------------------------- literals
@pytest.mark.parametrize("src, value", [
    ("1", 1), ("0", 0), ("42", 42), ("1.5", 1.5), ("1e3", 1000.0), ("2.5E-1", 0.25),
    ("true", True), ("false", False), ("null", None), ("-1", -1), ("-1.5", -1.5),
    ('"hello"', "hello"), ('""', ""),
])
def test_literals(src, value):
    result = expr(src)
    assert result == L(value)
    assert type(result.value) is type(value)


def test_exponent_is_float():
    assert type(expr("1e3").value) is float


def test_string_escapes():
    assert expr(r'"a\nb\tc\rd\"e\\f"') == L('a\nb\tc\rd"e\\f')
    assert expr(r'"\u00e9\U0001F600"') == L("\u00e9\U0001F600")
    assert expr('"$${not} %%{this}"') == L("${not} %{this}")
    assert expr('"cost $5 and 100%"') == L("cost $5 and 100%")


def test_invalid_escape_is_an_error():
    assert "invalid escape" in error('x = "\\q"\n').message


# ---------------------------------------------------------------- templates
def test_interpolation():
    assert expr('"a ${b} c"') == Template(("a ", V("b"), " c"))
    assert expr('"${x}"') == Template((V("x"),))
    assert expr('"${var.a}-${1 + 2}"') == Template((
        GetAttr(V("var"), "a"), "-", Binary("+", L(1), L(2))))


def test_nested_string_in_interpolation():
    assert expr('"${lookup(m, "k")}"') == Template((Call("lookup", (V("m"), L("k"))),))


def test_template_if_else():
    assert expr('"%{ if a }yes%{ else }no%{ endif }!"') == Template((
        TemplateIf(V("a"), ("yes",), ("no",)), "!"))
    assert expr('"%{if a}yes%{endif}"') == Template((TemplateIf(V("a"), ("yes",), ()),))


def test_template_for():
    assert expr('"%{ for k, v in m }${k}=${v},%{ endfor }"') == Template((
        TemplateFor("k", "v", V("m"), (V("k"), "=", V("v"), ",")),))
    assert expr('"%{for v in l}${v}%{endfor}"') == Template((
        TemplateFor(None, "v", V("l"), (V("v"),)),))


def test_nested_directives():
    assert expr('"%{for v in l}%{if v}[${v}]%{endif}%{endfor}"') == Template((
        TemplateFor(None, "v", V("l"), (TemplateIf(V("v"), ("[", V("v"), "]"), ()),)),))


def test_strip_markers():
    assert expr('"a  %{~ if c ~}  b  %{~ else ~}  d  %{~ endif ~}  e"') == Template((
        "a", TemplateIf(V("c"), ("b",), ("d",)), "e"))
    # Only the `~` side strips.
    assert expr('"a  %{ if c ~}  b  %{ endif }  e"') == Template((
        "a  ", TemplateIf(V("c"), ("b  ",), ()), "  e"))


@pytest.mark.parametrize("src, message", [
    ('"%{if a}x"', "without %{endif}"),
    ('"%{for v in l}x"', "without %{endfor}"),
    ('"%{endif}"', "unexpected %{endif}"),
    ('"%{if a}%{endfor}"', "unexpected %{endfor}"),
    ('"%{for v in l}%{else}%{endfor}"', "unexpected %{else}"),
    ('"%{if a}%{else}%{else}%{endif}"', "unexpected %{else}"),
])
def test_unbalanced_directives(src, message):
    assert message in error(f"x = {src}\n").message


# ---------------------------------------------------------------- heredocs
def test_heredoc_plain():
    assert expr("<<EOT\nhello\n  world\nEOT") == L("hello\n  world\n")


def test_heredoc_keeps_final_newline_without_trailing_newline_in_file():
    assert parse("x = <<EOT\nhello\nEOT").body.attributes["x"].expr == L("hello\n", 1)


def test_heredoc_empty_and_blank_lines():
    assert expr("<<EOT\nEOT") == L("")
    assert expr("<<EOT\na\n\n\nEOT") == L("a\n\n\n")
    assert expr("<<EOT\n  a\n  EOT") == L("  a\n")  # closing marker may be indented


def test_heredoc_is_verbatim_except_template_escapes():
    assert expr("<<EOT\na\\nb \"q\" $${x} %%{y}\nEOT") == L('a\\nb "q" ${x} %{y}\n')


def test_indented_heredoc():
    assert expr("<<-EOT\n    a\n      b\n    c\n  EOT") == L("a\n  b\nc\n")
    # Blank lines do not count towards the common indent.
    assert expr("<<-EOT\n    a\n\n    b\n  EOT") == L("a\n\nb\n")
    assert expr("<<-EOT\n\ta\n\t\tb\nEOT") == L("a\n\tb\n")


def test_indented_heredoc_with_interpolation():
    src = "x = <<-EOT\n    name = ${var.name}\n    ${var.other}\n  EOT\n"
    result = raw_expr(src)
    assert strip_lines(result) == Template((
        "name = ", GetAttr(V("var"), "name"), "\n", GetAttr(V("var"), "other"), "\n"))
    assert result.line == 1
    assert result.parts[1].line == 2
    assert result.parts[3].line == 3
    # A line that starts with a sequence has indent 0, so nothing is removed.
    assert expr("<<-EOT\n    a ${x}\n${y}\n  EOT") == Template(
        ("    a ", V("x"), "\n", V("y"), "\n"))


def test_heredoc_interpolation_lines_and_multiline_expressions():
    src = "a = 1\nx = <<EOT\nfirst\n${f(1,\n  2)} ${ {k = \"}\"}[\"k\"] }\nEOT\n"
    result = raw_expr(src)
    call, index = result.parts[1], result.parts[3]
    assert strip_lines(call) == Call("f", (L(1), L(2)))
    assert call.line == 4 and call.args[1].line == 5
    assert strip_lines(index) == Index(ObjectExpr(((L("k"), L("}")),)), L("k"))
    assert index.line == 5


def test_heredoc_directives_and_strip_markers():
    src = "<<EOT\n%{ for ip in ips ~}\nserver ${ip}\n%{ endfor ~}\nEOT"
    assert expr(src) == Template((
        TemplateFor(None, "ip", V("ips"), ("server ", V("ip"), "\n")),))
    src = "<<EOT\n%{ if a ~}\nyes\n%{~ else ~}\nno\n%{~ endif }\nEOT"
    assert expr(src) == Template((TemplateIf(V("a"), ("yes",), ("no",)), "\n"))
    assert expr("<<EOT\na   ${~ x ~}   b\nEOT") == Template(("a", V("x"), "b\n"))


def test_heredoc_nested_string_interpolation():
    assert expr('<<EOT\n${"a${b}c"}\nEOT') == Template((Template(("a", V("b"), "c")), "\n"))


@pytest.mark.parametrize("body, message, line", [
    ("${x\n", "unclosed template sequence", 3),
    ("${}\n", "empty template sequence", 3),
    ("  ${x +}\n", "incomplete expression", 3),
    ("%{ bogus }\n", "invalid template directive", 3),
    ("ok\n%{ if a }\n", "without %{endif}", 4),
])
def test_heredoc_errors(body, message, line):
    exc = error(f"a = 1\nx = <<EOT\n{body}EOT\n")
    assert message in exc.message
    assert exc.line == line


# ---------------------------------------------------------------- collections
def test_tuple():
    assert expr("[]") == TupleExpr(())
    assert expr("[1, 2, 3,]") == TupleExpr((L(1), L(2), L(3)))
    assert expr("[\n  1, # one\n  2\n]") == TupleExpr((L(1), L(2)))


def test_object_keys():
    src = '{\n  a = 1\n  "b" = 2\n  (c) = 3\n  d.e = 4\n  in = 5\n  true = 6\n  f: 7,\n}'
    assert expr(src) == ObjectExpr((
        (L("a"), L(1)), (L("b"), L(2)), (V("c"), L(3)), (GetAttr(V("d"), "e"), L(4)),
        (L("in"), L(5)), (L("true"), L(6)), (L("f"), L(7))))
    assert expr('{"${k}" = 1}') == ObjectExpr(((Template((V("k"),)), L(1)),))
    assert expr("{}") == ObjectExpr(())


# ---------------------------------------------------------------- traversals
def test_attribute_and_index():
    assert expr("var.a") == GetAttr(V("var"), "a")
    assert expr('a.b[0]["k"]') == Index(Index(GetAttr(V("a"), "b"), L(0)), L("k"))
    assert expr("a[b.c]") == Index(V("a"), GetAttr(V("b"), "c"))


def test_legacy_index():
    assert expr("a.0") == Index(V("a"), L(0))
    assert expr("a.0.b.1") == Index(GetAttr(Index(V("a"), L(0)), "b"), L(1))


def test_full_splat_takes_all_following_operations():
    assert expr("a[*]") == Splat(V("a"), ITEM)
    assert expr("a[*].b.c[0]") == Splat(V("a"), Index(GetAttr(GetAttr(ITEM, "b"), "c"), L(0)))
    assert expr("a[*].b[*].c") == Splat(V("a"), Splat(GetAttr(ITEM, "b"), GetAttr(ITEM, "c")))


def test_attr_splat_takes_only_attributes():
    assert expr("a.*") == Splat(V("a"), ITEM)
    assert expr("a.*.b.c") == Splat(V("a"), GetAttr(GetAttr(ITEM, "b"), "c"))
    assert expr("a.*.b.0") == Splat(V("a"), Index(GetAttr(ITEM, "b"), L(0)))
    assert expr("a.*.b[0]") == Index(Splat(V("a"), GetAttr(ITEM, "b")), L(0))
    assert expr("x.y.*.z[*].w") == Splat(Splat(GetAttr(V("x"), "y"), GetAttr(ITEM, "z")),
                                        GetAttr(ITEM, "w"))


def test_parentheses_end_a_splat():
    assert expr("(a[*].b).c") == GetAttr(Splat(V("a"), GetAttr(ITEM, "b")), "c")


def test_traversal_on_calls_and_collections():
    assert expr("f(x)[0].a") == GetAttr(Index(Call("f", (V("x"),)), L(0)), "a")
    assert expr("[1, 2][0]") == Index(TupleExpr((L(1), L(2))), L(0))


# ---------------------------------------------------------------- calls and operators
def test_calls():
    assert expr("f()") == Call("f", ())
    assert expr("f(a, 1,)") == Call("f", (V("a"), L(1)))
    assert expr("concat(a, b...)") == Call("concat", (V("a"), V("b")), expand_final=True)
    assert expr("f(\n  a,\n  b\n)") == Call("f", (V("a"), V("b")))
    assert expr("provider::aws::arn_parse(x)") == Call("provider::aws::arn_parse", (V("x"),))


def test_unary():
    assert expr("!a") == Unary("!", V("a"))
    assert expr("-a") == Unary("-", V("a"))
    assert expr("-(1)") == L(-1)
    assert expr("!(a && b)") == Unary("!", Binary("&&", V("a"), V("b")))


def test_binary_precedence_and_associativity():
    assert expr("a + b * c") == Binary("+", V("a"), Binary("*", V("b"), V("c")))
    assert expr("a - b - c") == Binary("-", Binary("-", V("a"), V("b")), V("c"))
    assert expr("a || b && c == d") == Binary(
        "||", V("a"), Binary("&&", V("b"), Binary("==", V("c"), V("d"))))
    assert expr("a < b != c >= d") == Binary(
        "!=", Binary("<", V("a"), V("b")), Binary(">=", V("c"), V("d")))
    assert expr("(a + b) % c / d") == Binary(
        "/", Binary("%", Binary("+", V("a"), V("b")), V("c")), V("d"))
    for op in ("==", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "%", "&&", "||"):
        assert expr(f"a {op} b") == Binary(op, V("a"), V("b"))


def test_operator_on_continuation_line():
    assert expr("(a\n  + b\n  + c)") == Binary("+", Binary("+", V("a"), V("b")), V("c"))
    assert expr("a +\n  b") == Binary("+", V("a"), V("b"))


def test_conditional():
    assert expr("a ? b : c") == Conditional(V("a"), V("b"), V("c"))
    assert expr("a ? b : c ? d : e") == Conditional(
        V("a"), V("b"), Conditional(V("c"), V("d"), V("e")))
    assert expr("a == 1 ? [] : null") == Conditional(
        Binary("==", V("a"), L(1)), TupleExpr(()), L(None))
    assert expr("(\n  a\n  ? b\n  : c\n)") == Conditional(V("a"), V("b"), V("c"))


# ---------------------------------------------------------------- for expressions
def test_for_tuple():
    assert expr("[for v in l : v.id]") == ForExpr(
        None, "v", V("l"), None, GetAttr(V("v"), "id"), None)
    assert expr("[for i, v in l : v if i > 0]") == ForExpr(
        "i", "v", V("l"), None, V("v"), Binary(">", V("i"), L(0)))


def test_for_object():
    assert expr("{for k, v in m : k => v}") == ForExpr("k", "v", V("m"), V("k"), V("v"), None)
    assert expr("{for v in l : v.k => v... if v.on}") == ForExpr(
        None, "v", V("l"), GetAttr(V("v"), "k"), V("v"), GetAttr(V("v"), "on"), group=True)
    multiline = "{\n  for k, v in m :\n  upper(k) => v\n  if v != null\n}"
    assert expr(multiline) == ForExpr("k", "v", V("m"), Call("upper", (V("k"),)), V("v"),
                                      Binary("!=", V("v"), L(None)))


# ---------------------------------------------------------------- structure
def test_blocks_with_labels_and_nesting():
    src = '''terraform {
  required_version = ">= 1.0"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"

  versioning {
    enabled = true
  }
  dynamic "rule" {
    for_each = var.rules
    content {
      id = rule.value.id
    }
  }
}

locals {}
provider aws {}
'''
    body = parse(src).body
    assert [(b.type, b.labels) for b in body.blocks] == [
        ("terraform", []), ("resource", ["aws_s3_bucket", "logs"]), ("locals", []),
        ("provider", ["aws"])]
    terraform, resource, locals_, _ = body.blocks
    assert (terraform.line, terraform.end_line) == (1, 3)
    assert (resource.line, resource.end_line) == (5, 17)
    assert locals_.body == Body()
    assert resource.body.attributes["bucket"] == Attribute("bucket", L("logs", 6), 6, 6)
    versioning, dynamic = resource.body.blocks
    assert versioning.type == "versioning" and versioning.body.attributes["enabled"].expr.value
    assert dynamic.labels == ["rule"]
    assert dynamic.body.blocks_of("content")[0].body.attributes["id"].line == 14


def test_block_label_escapes_and_keyword_names():
    body = parse('in {\n}\nb "a\\"b" {}\nfor_each = 1\nif = 2\n').body
    assert [(b.type, b.labels) for b in body.blocks] == [("in", []), ("b", ['a"b'])]
    assert set(body.attributes) == {"for_each", "if"}


def test_block_label_with_interpolation_is_an_error():
    assert "label" in error('a "${x}" {}\n').message


def test_attribute_end_line():
    src = 'a = [\n  1,\n]\nb = x + y # trailing\n\n# comment\nc = <<EOT\nz\nEOT\nd = 1\n'
    attrs = parse(src).body.attributes
    assert [(a.line, a.end_line) for a in attrs.values()] == [(1, 3), (4, 4), (7, 9), (10, 10)]


def test_lines():
    src = 'a = 1\n\nresource "t" "n" {\n  x = [\n    var.a,\n    f(\n      b ? c : d),\n  ]\n}\n'
    x = parse(src).body.blocks[0].body.attributes["x"]
    assert x.line == 4
    tup = x.expr
    assert tup.line == 4
    assert tup.items[0].line == 5 and tup.items[0].obj.line == 5
    call = tup.items[1]
    assert call.line == 6
    assert call.args[0].line == 7 and call.args[0].otherwise.line == 7
    template = raw_expr('\n\nx = "a ${b}"\n')
    assert template.line == 3 and template.parts[1].line == 3


def test_comments_are_ignored():
    src = '''# hash comment
// slash comment
/* block
   comment */
a = 1 # trailing
b = 2 /* inline */
c = [
  1, // one
  /* two */ 2,
]
d {
  # inside a block
  e = f(/* x */ 1)
}
'''
    body = strip_lines(parse(src).body)
    assert body.attributes["a"].expr == L(1)
    assert body.attributes["b"].expr == L(2)
    assert body.attributes["c"].expr == TupleExpr((L(1), L(2)))
    assert body.blocks[0].body.attributes["e"].expr == Call("f", (L(1),))


def test_crlf_input():
    src = 'a = 1\r\nb {\r\n  c = "x"\r\n  d = <<-EOT\r\n    one\r\n    ${two}\r\n  EOT\r\n}\r\n'
    body = parse(src).body
    assert body.attributes["a"].expr == L(1, 1)
    inner = body.blocks[0].body.attributes
    assert inner["c"].expr == L("x", 3)
    assert strip_lines(inner["d"].expr) == Template(("one\n", V("two"), "\n"))
    assert inner["d"].expr.parts[1].line == 6
    assert body.blocks[0].end_line == 8


def test_byte_order_mark_and_empty_file():
    assert parse("\ufeffa = 1\n").body.attributes["a"].expr == L(1, 1)
    assert parse("").body == Body()
    assert parse("\n\n# only a comment").body == Body()


def test_file_path():
    assert parse_hcl("a = 1", "dir/main.tf").path == "dir/main.tf"


# ---------------------------------------------------------------- errors
def test_duplicate_attribute():
    exc = error("a = 1\nb = 2\na = 3\n")
    assert "attribute a redefined" in exc.message
    assert exc.line == 3
    exc = error("x {\n  a = 1\n  a = 2\n}\n")
    assert exc.line == 3
    parse("x {\n  a = 1\n}\ny {\n  a = 2\n}\na = 3\n")  # separate bodies are fine


@pytest.mark.parametrize("src, message, line", [
    ("a = 1\n}\n", "unexpected '}'", 2),
    ("}\n", "unexpected '}' (expected an attribute or block)", 1),
    ('a = 1\nb = "abc\nc = 2\n', "unterminated string", 2),
    ("a = 1\nb = <<EOT\nnever closed\n", "unterminated heredoc <<EOT", 2),
    ('x "y" {\n  a = 1\n', "unexpected end of file", 3),
    ("a = [1, 2\n", "unexpected end of file", 2),
    ("a = 1\nb = @\n", "unexpected '@'", 2),
    ("a = 1\nb = \n", "expected an expression", 2),
    ("a = f(1 2)\n", "unexpected '2'", 1),
    ('a = "${x"\n', "unterminated string", 1),
    ("a = \\\n", "unexpected", 1),
])
def test_syntax_errors(src, message, line):
    exc = error(src)
    assert message in exc.message
    assert exc.line == line
    assert "Traceback" not in str(exc) and "\n" not in exc.message


def test_huge_number_literal():
    assert "number literal too long" in error("a = " + "9" * 5000 + "\n").message
    assert "number literal too long" in error("a = b." + "9" * 5000 + "\n").message


def test_error_str_names_file_and_line():
    assert str(error("a = 1\n}\n")).startswith("test.tf:2: ")


@pytest.mark.parametrize("src", [
    "a = " + "[" * 100_000 + "\n",
    "a = " + "[" * 100_000 + "]" * 100_000 + "\n",
    "a = " + "(" * 100_000 + "1" + ")" * 100_000 + "\n",
    "a " + "{ a " * 100_000 + "\n",
    "a = " + "{a = " * 100_000 + "1" + "}" * 100_000 + "\n",
])
def test_very_deep_nesting_is_rejected_quickly(src):
    start = time.perf_counter()
    assert "nesting too deep" in error(src).message
    assert time.perf_counter() - start < 2


@pytest.mark.parametrize("template", [
    "[{}]", "f({})", "-({})", "!({})", "{{a = {}}}", "a[{}]", "({} + 1)", "x ? {} : 1",
    '"${{{}}}"', "[for v in {} : v]",
])
def test_walker_depth_limit(template):
    deep = "1"
    for _ in range(MAX_DEPTH + 5):
        deep = template.format(deep)
    assert "nesting too deep" in error(f"a = {deep}\n").message
    shallow = "1"
    for _ in range(20):
        shallow = template.format(shallow)
    parse(f"a = {shallow}\n")


def test_depth_limit_inside_heredoc():
    deep = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    exc = error(f"a = 1\nb = <<EOT\ntext\n${{{deep}}}\nEOT\n")
    assert "nesting too deep" in exc.message
    assert exc.line == 4


def test_recursion_error_becomes_input_error(monkeypatch):
    import checker.hcl.parser as parser_module
    monkeypatch.setattr(parser_module, "MAX_DEPTH", 10**6)  # let Python's limit trip first
    exc = error("a = 1\nb = " + "[" * 900 + "]" * 900 + "\n")
    assert exc.message == "nesting too deep" and exc.line == 2


def test_long_chains_are_bounded():
    assert "nesting too deep" in error("a = x" + ".b" * (MAX_DEPTH + 5) + "\n").message
    assert "nesting too deep" in error("a = 1" + " + 1" * (MAX_DEPTH + 5) + "\n").message
    nested_if = '"' + "%{if a}" * (MAX_DEPTH + 5) + "%{endif}" * (MAX_DEPTH + 5) + '"'
    assert "nesting too deep" in error(f"a = {nested_if}\n").message


# ---------------------------------------------------------------- corpus smoke test
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"{CORPUS} not available")
def test_corpus_parses():
    files = sorted(CORPUS.rglob("*.tf"))
    if not files:
        pytest.skip(f"no .tf files under {CORPUS}")
    parsed = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            parse_hcl(text, str(path))
            parsed += 1
        except InputError:
            pass  # a file we cannot read is reported, never a crash
    assert parsed > 0


# ---------------------------------------------------------------- HCL's newline rules and messages
def test_attributes_on_one_line_are_an_error():
    exc = error("a = 1 b = 2\n")
    assert exc.message == "unexpected 'b' (expected a newline)" and exc.line == 1
    parse("x { a = 1 }\n")  # a one-line block with one attribute is fine


def test_unclosed_brackets_name_the_line_that_opened_them():
    assert error("a = f(1,\n  b\nc = 2\n").message == (
        "unexpected 'c' (expected ',' or ')' closing the '(' of line 1)")
    assert error("x {\n  a = [\n    1\n").message == (
        "unexpected end of file (expected ',' or ']' closing the '[' of line 2)")
    assert error("x {\n  a = 1\n").message == (
        "unexpected end of file (expected '}' closing the '{' of line 1)")
    assert error("a = {\n  b = 1\n").message == (
        "unexpected end of file (expected '}' closing the '{' of line 1)")


def test_interpolation_outside_a_string():
    exc = error("a = 1\nb = ${x}\n")
    assert "interpolation belongs inside a quoted string" in exc.message and exc.line == 2


def test_newlines_inside_brackets_and_sequences_are_ignored():
    assert expr("f(\n  1,\n  2\n)") == Call("f", (L(1), L(2)))
    assert expr("(\n  a\n  + b\n)") == Binary("+", V("a"), V("b"))
    assert expr('"${\n  a\n}"') == Template((V("a"),))
    assert expr("[for x in xs :\n  x\n  if x\n]") == ForExpr(None, "x", V("xs"), None, V("x"), V("x"))


def test_operator_precedence():
    assert expr("a || b && c == d < e + f * g") == Binary("||", V("a"), Binary("&&", V("b"), Binary(
        "==", V("c"), Binary("<", V("d"), Binary("+", V("e"), Binary("*", V("f"), V("g")))))))
    assert expr("a - b - c") == Binary("-", Binary("-", V("a"), V("b")), V("c"))
    assert expr("a * b + c * d") == Binary("+", Binary("*", V("a"), V("b")), Binary("*", V("c"), V("d")))
    assert expr("!a == -b") == Binary("==", Unary("!", V("a")), Unary("-", V("b")))
    assert expr("a ? b : c ? d : e") == Conditional(V("a"), V("b"), Conditional(V("c"), V("d"), V("e")))


def test_binary_lines_are_the_first_token_of_the_left_operand():
    node = raw_expr("x = (a\n  + b) * c\n")
    assert node.line == 1 and node.left.line == 1 and node.left.right.line == 2


def test_template_file():
    from checker.hcl.parser import parse_template
    template = parse_template("Hello ${name}\n%{ for x in xs ~}\n- ${x}\n%{ endfor ~}\n$${kept}", "t.tpl")
    assert strip_lines(template) == Template(("Hello ", V("name"), "\n", TemplateFor(
        None, "x", V("xs"), ("- ", V("x"), "\n")), "${kept}"))
    assert template.parts[1].line == 1 and template.parts[3].body_parts[1].line == 3
    assert parse_template("", "t.tpl") == L("", 1)
    assert parse_template("no sequences\n", "t.tpl") == L("no sequences\n", 1)
    with pytest.raises(InputError) as info:
        parse_template("a\nb ${x\n", "t.tpl")
    assert info.value.line == 2 and "unclosed template sequence" in info.value.message


def test_strings_without_sequences_take_the_scanner_fast_path():
    from checker.hcl.scanner import scan
    kinds = [t[0] for t in scan('a = "x$${y}%%{z}\\n"\n', "t.tf")]
    assert kinds == ["name", "=", "qstr", "nl", "eof"]
    assert expr('"x$${y}%%{z}\\n"') == L("x${y}%{z}\n")
    assert [t[0] for t in scan('a = "x${y}"\n', "t.tf")][2:6] == ["oquote", "lit", "interp", "name"]
    exc = error('a = 1\nb = "bad \\q"\n')
    assert "invalid escape" in exc.message and exc.line == 2
    assert error('a = "' + "$" * 10000 + "\n").message == "unterminated string"
