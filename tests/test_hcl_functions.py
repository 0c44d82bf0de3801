"""Tests of checker.hcl.functions: Terraform's built-in functions, checked against the
examples of Terraform's documentation, plus UNKNOWN handling, errors and size limits."""
from __future__ import annotations

import base64
import gzip
import hashlib
import os
import time
from collections.abc import Mapping

import pytest

from checker.errors import EvalError
from checker.hcl import functions
from checker.hcl.ast import Literal, Template, Variable
from checker.hcl.functions import FUNCTIONS, MAX_ELEMENTS, functions_for
from checker.values import Unknown

A = Unknown("a computed", ["aws_s3_bucket.a"])
B = Unknown("b computed", ["aws_iam_role.b"])


def call(name, *args):
    return FUNCTIONS[name](*args)


def fails(name, *args, match=None):
    with pytest.raises(EvalError, match=match) as info:
        call(name, *args)
    assert name in info.value.message  # errors name the function
    return info.value


def refs(value):
    assert isinstance(value, Unknown), value
    return set(value.refs)


class Lazy(Mapping):
    def __init__(self, data):
        self.data = data

    def __getitem__(self, key):
        return self.data[key]

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)


# ---------------------------------------------------------------- documented examples
DOCUMENTED = [
    # numeric
    ("abs", (23,), 23), ("abs", (0,), 0), ("abs", (-12.4,), 12.4),
    ("ceil", (5,), 5), ("ceil", (5.1,), 6),
    ("floor", (5,), 5), ("floor", (4.9,), 4),
    ("log", (50, 10), 1.6989700043360185), ("log", (16, 2), 4), ("log", (1, 10), 0),
    ("max", (12, 54, 3), 54), ("min", (12, 54, 3), 3),
    ("parseint", ("100", 10), 100), ("parseint", ("FF", 16), 255), ("parseint", ("-10", 16), -16),
    ("parseint", ("1011111011101111", 2), 48879), ("parseint", ("aA", 62), 656),
    ("pow", (3, 2), 9), ("pow", (4, 0), 1),
    ("signum", (-13,), -1), ("signum", (0,), 0), ("signum", (344,), 1),
    # strings
    ("chomp", ("hello\n",), "hello"), ("chomp", ("hello\r\n",), "hello"),
    ("chomp", ("hello\n\n",), "hello"),
    ("endswith", ("hello world", "world"), True), ("endswith", ("hello world", "hello"), False),
    ("startswith", ("hello world", "hello"), True), ("startswith", ("hello world", "world"), False),
    ("strcontains", ("hello world", "wor"), True), ("strcontains", ("hello world", "wod"), False),
    ("format", ("Hello, %s!", "Ander"), "Hello, Ander!"),
    ("format", ("There are %d lights", 4), "There are 4 lights"),
    ("format", ("%#v", "hello"), '"hello"'), ("format", ("%#v", True), "true"),
    ("format", ("%#v", 1), "1"), ("format", ("%#v", {"a": 1}), '{"a":1}'),
    ("format", ("%#v", [True]), "[true]"), ("format", ("%#v", None), "null"),
    ("formatlist", ("Hello, %s!", ["Valentina", "Ander", "Olivia", "Sam"]),
     ["Hello, Valentina!", "Hello, Ander!", "Hello, Olivia!", "Hello, Sam!"]),
    ("formatlist", ("%s, %s!", "Salutations", ["Valentina", "Ander", "Olivia", "Sam"]),
     ["Salutations, Valentina!", "Salutations, Ander!", "Salutations, Olivia!", "Salutations, Sam!"]),
    ("indent", (2, "[\n  foo,\n  bar,\n]\n"), "[\n    foo,\n    bar,\n  ]\n  "),
    ("join", ("-", ["foo", "bar", "baz"]), "foo-bar-baz"),
    ("join", (", ", ["foo", "bar", "baz"]), "foo, bar, baz"), ("join", (", ", ["foo"]), "foo"),
    ("lower", ("HELLO",), "hello"), ("lower", ("АЛЛО!",), "алло!"),
    ("upper", ("hello",), "HELLO"), ("upper", ("алло!",), "АЛЛО!"),
    ("regex", ("[a-z]+", "53453453.345345aaabbbccc23454"), "aaabbbccc"),
    ("regex", (r"(\d\d\d\d)-(\d\d)-(\d\d)", "2019-02-01"), ["2019", "02", "01"]),
    ("regex", ("^(?:(?P<scheme>[^:/?#]+):)?(?://(?P<authority>[^/?#]*))?", "https://terraform.io/docs/"),
     {"authority": "terraform.io", "scheme": "https"}),
    ("regexall", ("[a-z]+", "1234abcd5678efgh9"), ["abcd", "efgh"]),
    ("regexall", ("[a-z]+", "123456789"), []),
    ("replace", ("1 + 2 + 3", "+", "-"), "1 - 2 - 3"),
    ("replace", ("hello world", "/w.*d/", "everybody"), "hello everybody"),
    ("split", (",", "foo"), ["foo"]), ("split", (",", "foo,bar,baz"), ["foo", "bar", "baz"]),
    ("split", (",", ""), [""]),
    ("strrev", ("hello",), "olleh"), ("strrev", ("a ☃",), "☃ a"),
    ("substr", ("hello world", 1, 4), "ello"), ("substr", ("🤔🤷", 0, 1), "🤔"),
    ("substr", ("hello world", -5, -1), "world"), ("substr", ("hello world", 6, 10), "world"),
    ("title", ("hello world",), "Hello World"),
    ("trim", ("?!hello?!", "!?"), "hello"), ("trim", ("foobar", "far"), "oob"),
    ("trim", ("   hello! world.!  ", "! "), "hello! world."),
    ("trimprefix", ("helloworld", "hello"), "world"),
    ("trimprefix", ("helloworld", "cat"), "helloworld"),
    ("trimsuffix", ("helloworld", "world"), "hello"),
    ("trimspace", ("  hello\n\n",), "hello"),
    # collections
    ("alltrue", (["true", True],), True), ("alltrue", ([True, False],), False),
    ("alltrue", ([],), True),
    ("anytrue", (["true"],), True), ("anytrue", ([True],), True),
    ("anytrue", ([True, False],), True), ("anytrue", ([],), False),
    ("chunklist", (["a", "b", "c", "d", "e"], 2), [["a", "b"], ["c", "d"], ["e"]]),
    ("chunklist", (["a", "b", "c", "d", "e"], 1), [["a"], ["b"], ["c"], ["d"], ["e"]]),
    ("coalesce", ("a", "b"), "a"), ("coalesce", ("", "b"), "b"), ("coalesce", (1, 2), 1),
    ("coalescelist", (["a", "b"], ["c", "d"]), ["a", "b"]),
    ("coalescelist", ([], ["c", "d"]), ["c", "d"]),
    ("compact", (["a", "", "b", None, "c"],), ["a", "b", "c"]),
    ("concat", (["a", ""], ["b", "c"]), ["a", "", "b", "c"]),
    ("contains", (["a", "b", "c"], "a"), True), ("contains", (["a", "b", "c"], "d"), False),
    ("distinct", (["a", "b", "a", "c", "d", "b"],), ["a", "b", "c", "d"]),
    ("element", (["a", "b", "c"], 1), "b"), ("element", (["a", "b", "c"], 3), "a"),
    ("element", (["a", "b", "c"], -1), "c"),
    ("flatten", ([["a", "b"], [], ["c"]],), ["a", "b", "c"]),
    ("flatten", ([[["a", "b"], []], ["c"]],), ["a", "b", "c"]),
    ("index", (["a", "b", "c"], "b"), 1), ("index", (["one", "two", "two"], "two"), 1),
    ("keys", ({"a": 1, "c": 2, "d": 3},), ["a", "c", "d"]),
    ("length", ([],), 0), ("length", (["a", "b"],), 2), ("length", ({"a": "b"},), 1),
    ("length", ("hello",), 5), ("length", ("👾🕹️",), 2),
    ("lookup", ({"a": "ay", "b": "bee"}, "a", "what?"), "ay"),
    ("lookup", ({"a": "ay", "b": "bee"}, "c", "what?"), "what?"),
    ("matchkeys", (["i-123", "i-abc", "i-def"], ["us-west", "us-east", "us-east"], ["us-east"]),
     ["i-abc", "i-def"]),
    ("merge", ({"a": "b", "c": "d"}, {"e": "f", "c": "z"}), {"a": "b", "c": "z", "e": "f"}),
    ("merge", ({"a": "b"}, {"a": [1, 2], "c": "z"}, {"d": 3}), {"a": [1, 2], "c": "z", "d": 3}),
    ("one", ([],), None), ("one", (["hello"],), "hello"),
    ("range", (3,), [0, 1, 2]), ("range", (1, 4), [1, 2, 3]), ("range", (1, 8, 2), [1, 3, 5, 7]),
    ("range", (1, 4, 0.5), [1, 1.5, 2, 2.5, 3, 3.5]), ("range", (4, 1), [4, 3, 2]),
    ("range", (10, 5, -2), [10, 8, 6]),
    ("reverse", ([1, 2, 3],), [3, 2, 1]),
    ("setintersection", (["a", "b"], ["b", "c"], ["b", "d"]), ["b"]),
    ("setproduct", (["development", "staging", "production"], ["app1", "app2"]),
     [["development", "app1"], ["development", "app2"], ["staging", "app1"],
      ["staging", "app2"], ["production", "app1"], ["production", "app2"]]),
    ("setsubtract", (["a", "b", "c"], ["a", "c"]), ["b"]),
    ("setunion", (["a", "b"], ["b", "c"], ["d"]), ["a", "b", "c", "d"]),
    ("slice", (["a", "b", "c", "d"], 1, 3), ["b", "c"]),
    ("sort", (["e", "d", "a", "x"],), ["a", "d", "e", "x"]),
    ("sum", ([10, 13, 6, 4.5],), 33.5),
    ("transpose", ({"a": ["1", "2"], "b": ["2", "3"]},), {"1": ["a"], "2": ["a", "b"], "3": ["b"]}),
    ("values", ({"a": 3, "c": 2, "d": 1},), [3, 2, 1]),
    ("zipmap", (["a", "b"], [1, 2]), {"a": 1, "b": 2}),
    # encoding
    ("base64decode", ("SGVsbG8gV29ybGQ=",), "Hello World"),
    ("base64encode", ("Hello World",), "SGVsbG8gV29ybGQ="),
    ("csvdecode", ("a,b,c\n1,2,3\n4,5,6",),
     [{"a": "1", "b": "2", "c": "3"}, {"a": "4", "b": "5", "c": "6"}]),
    ("jsondecode", ('{"hello": "world"}',), {"hello": "world"}), ("jsondecode", ("true",), True),
    ("jsonencode", ({"hello": "world"},), '{"hello":"world"}'),
    ("textencodebase64", ("Hello World", "UTF-16LE"), "SABlAGwAbABvACAAVwBvAHIAbABkAA=="),
    ("textdecodebase64", ("SABlAGwAbABvACAAVwBvAHIAbABkAA==", "UTF-16LE"), "Hello World"),
    ("urlencode", ("Hello World!",), "Hello+World%21"), ("urlencode", ("☃",), "%E2%98%83"),
    ("urlencode", ("foo:bar@localhost?foo=bar&bar=baz",),
     "foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz"),
    ("yamldecode", ("hello: world",), {"hello": "world"}), ("yamldecode", ("true",), True),
    ("yamldecode", ("{a: &foo [1, 2, 3], b: *foo}",), {"a": [1, 2, 3], "b": [1, 2, 3]}),
    ("yamlencode", ({"a": "b", "c": "d"},), '"a": "b"\n"c": "d"\n'),
    ("yamlencode", ({"foo": [1, 2, 3], "bar": "baz"},), '"bar": "baz"\n"foo":\n- 1\n- 2\n- 3\n'),
    ("yamlencode", ({"foo": [1, {"a": "b", "c": "d"}, 3], "bar": "baz"},),
     '"bar": "baz"\n"foo":\n- 1\n- "a": "b"\n  "c": "d"\n- 3\n'),
    # filesystem (pure)
    ("basename", ("foo/bar/baz.txt",), "baz.txt"), ("dirname", ("foo/bar/baz.txt",), "foo/bar"),
    ("pathexpand", ("/etc/resolv.conf",), "/etc/resolv.conf"),
    # date and time
    ("formatdate", ("DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z"), "02 Jan 2018 23:12 UTC"),
    ("formatdate", ("EEEE, DD-MMM-YY hh:mm:ss ZZZ", "2018-01-02T23:12:01Z"),
     "Tuesday, 02-Jan-18 23:12:01 UTC"),
    ("formatdate", ("EEE, DD MMM YYYY hh:mm:ss ZZZ", "2018-01-02T23:12:01-08:00"),
     "Tue, 02 Jan 2018 23:12:01 -0800"),
    ("formatdate", ("MMM DD, YYYY", "2018-01-02T23:12:01Z"), "Jan 02, 2018"),
    ("formatdate", ("HH:mmaa", "2018-01-02T23:12:01Z"), "11:12pm"),
    ("timeadd", ("2017-11-22T00:00:00Z", "10m"), "2017-11-22T00:10:00Z"),
    ("timecmp", ("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z"), 0),
    ("timecmp", ("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z"), -1),
    ("timecmp", ("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z"), 1),
    ("timecmp", ("2017-11-22T01:00:00Z", "2017-11-22T00:00:00-01:00"), 0),
    # hashes and UUIDs
    ("md5", ("hello world",), "5eb63bbbe01eeed093cb22bb8f5acdc3"),
    ("sha1", ("hello world",), "2aae6c35c94fcfb415dbe95f408b9ce91ee846ed"),
    ("sha256", ("hello world",), "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"),
    ("sha512", ("hello world",),
     "309ecc489c12d6eb4cc40f50c902f2b4d0ed77ee511a7c7a9bcd3ca86d4cd86f989dd35bc5ff499670da34255"
     "b45b0cfd830e81f605dcf7dc5542e93ae9cd76f"),
    ("base64sha256", ("hello world",), "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek="),
    ("base64sha512", ("hello world",),
     "MJ7MSJwS1utMxA9QyQLytNDtd+5RGnx6m808qG1M2G+YndNbxf9JlnDaNCVbRbDP2DDoH2Bdz33FVC6TrpzXbw=="),
    ("uuidv5", ("dns", "www.terraform.io"), "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
    ("uuidv5", ("url", "https://www.terraform.io/"), "9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5"),
    ("uuidv5", ("oid", "1.3.6.1.4"), "af9d40a5-7a36-5c07-b23a-851cd99fbfa5"),
    ("uuidv5", ("x500", "CN=Example,C=GB"), "84e09961-4aa4-57f8-95b7-03edb1073253"),
    ("uuidv5", ("6ba7b810-9dad-11d1-80b4-00c04fd430c8", "www.terraform.io"),
     "a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
    # IP networks
    ("cidrhost", ("10.12.112.0/20", 16), "10.12.112.16"),
    ("cidrhost", ("10.12.112.0/20", 268), "10.12.113.12"),
    ("cidrhost", ("fd00:fd12:3456:7890:00a2::/72", 34), "fd00:fd12:3456:7890::22"),
    ("cidrnetmask", ("172.16.0.0/12",), "255.240.0.0"),
    ("cidrsubnet", ("172.16.0.0/12", 4, 2), "172.18.0.0/16"),
    ("cidrsubnet", ("10.1.2.0/24", 4, 15), "10.1.2.240/28"),
    ("cidrsubnet", ("fd00:fd12:3456:7890::/56", 16, 162), "fd00:fd12:3456:7800:a200::/72"),
    ("cidrsubnet", ("10.0.0.0/16", 8, 2), "10.0.2.0/24"),
    ("cidrsubnets", ("10.1.0.0/16", 4, 4, 8, 4),
     ["10.1.0.0/20", "10.1.16.0/20", "10.1.32.0/24", "10.1.48.0/20"]),
    ("cidrsubnets", ("fd00:fd12:3456:7890::/56", 16, 16, 16, 32),
     ["fd00:fd12:3456:7800::/72", "fd00:fd12:3456:7800:100::/72",
      "fd00:fd12:3456:7800:200::/72", "fd00:fd12:3456:7800:300::/88"]),
    # type conversion
    ("tobool", (True,), True), ("tobool", ("true",), True), ("tobool", (None,), None),
    ("tolist", (["a", "b", "c"],), ["a", "b", "c"]), ("tolist", (["a", "b", 3],), ["a", "b", "3"]),
    ("tomap", ({"a": 1, "b": 2},), {"a": 1, "b": 2}),
    ("tomap", ({"a": "foo", "b": True},), {"a": "foo", "b": "true"}),
    ("tonumber", (1,), 1), ("tonumber", ("1",), 1), ("tonumber", (None,), None),
    ("toset", (["a", "b", "c"],), ["a", "b", "c"]), ("toset", (["a", "b", 3],), ["3", "a", "b"]),
    ("toset", (["c", "b", "b"],), ["b", "c"]),
    ("tostring", ("hello",), "hello"), ("tostring", (1,), "1"), ("tostring", (True,), "true"),
    ("tostring", (None,), None),
    ("sensitive", ("secret",), "secret"), ("nonsensitive", ("x",), "x"),
    ("issensitive", ("x",), False),
]


@pytest.mark.parametrize("name, args, expected", DOCUMENTED,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(DOCUMENTED)])
def test_documented_example(name, args, expected):
    result = call(name, *args)
    assert result == expected
    assert type(result) is type(expected)


DOCUMENTED_ERRORS = [
    ("parseint", ("12", 2)), ("regex", ("[a-z]+", "53453453.34534523454")),
    ("one", (["hello", "goodbye"],)), ("tobool", ("no",)), ("tobool", (1,)),
    ("tonumber", ("no",)), ("tostring", ([],)), ("lookup", ({"a": 1}, "b")),
    ("yamldecode", ("{a: &foo [1, *foo, 3]}",)), ("yamldecode", ("{a: !not-supported foo}",)),
    ("list", ("a",)), ("map", ("a", 1)), ("index", (["a"], "z")), ("element", ([], 0)),
    ("sum", ([],)), ("slice", (["a"], 0, 2)), ("slice", (["a", "b"], 2, 1)),
    ("zipmap", (["a"], [1, 2])), ("chunklist", (["a"], -1)), ("coalesce", (None, "")),
    ("coalescelist", ([], [])), ("range", (1, 4, 0)), ("range", (4, 1, 1)), ("range", (1, 4, -1)),
    ("range", ()), ("max", ()), ("csvdecode", ("a,b\n1",)), ("csvdecode", ("",)),
    ("jsondecode", ("{",)), ("jsondecode", ('{"a": 1, "a": 2}',)), ("jsondecode", ("NaN",)),
    ("base64decode", ("!!",)), ("base64decode", ("/w==",)), ("textencodebase64", ("☃", "ascii")),
    ("textencodebase64", ("x", "no-such-encoding")), ("cidrnetmask", ("fd00::/64",)),
    ("cidrsubnet", ("10.0.0.0/30", 4, 0)), ("cidrsubnet", ("10.0.0.0/16", 8, 256)),
    ("cidrsubnet", ("10.0.0.0/16", 8, -1)), ("cidrhost", ("10.0.0.0/24", 256)),
    ("cidrhost", ("10.0.0.0/24", -257)), ("cidrhost", ("not an address", 1)),
    ("cidrsubnets", ("10.0.0.0/30", 1, 1, 1)), ("cidrsubnets", ("10.0.0.0/16", 0)),
    ("formatdate", ("Q", "2018-01-02T23:12:01Z")), ("formatdate", ("YYY", "2018-01-02T23:12:01Z")),
    ("formatdate", ("'unterminated", "2018-01-02T23:12:01Z")), ("formatdate", ("YYYY", "2018-01-02")),
    ("timeadd", ("2017-11-22T00:00:00Z", "1x")), ("timeadd", ("2017-11-22T00:00:00Z", "")),
    ("timeadd", ("2017-13-22T00:00:00Z", "1h")), ("uuidv5", ("nope", "x")),
    ("upper", ()), ("upper", ("a", "b")), ("upper", ([],)), ("abs", ("x",)), ("length", (None,)),
    ("length", (5,)), ("keys", ([1],)), ("concat", (["a"], "b")), ("merge", ({"a": 1}, [1])),
    ("flatten", ("abc",)), ("split", (",", None)), ("join", (",", ["a", None])), ("join", (",",)),
    ("sort", (["a", None],)), ("transpose", ({"a": "b"},)), ("setproduct", (["a"],)),
    ("regex", ("(a", "a")), ("regex", ("(?=a)", "a")), ("regex", (r"(a)\1", "aa")),
    ("regex", ("(?P<x>a)(b)", "ab")), ("replace", ("a", "/(/", "b")),
    ("format", ("%d", 1.5)), ("format", ("%s",)), ("format", ("%s", "a", "b")),
    ("format", ("%z", 1)), ("format", ("%s", None)), ("format", ("%", 1)), ("format", ("%s", [1])),
    ("formatlist", ("%s %s", ["a"], ["b", "c"])), ("indent", (-1, "a")),
]


@pytest.mark.parametrize("name, args", DOCUMENTED_ERRORS,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(DOCUMENTED_ERRORS)])
def test_invalid_calls_are_eval_errors_naming_the_function(name, args):
    fails(name, *args)


# ---------------------------------------------------------------- numbers
def test_numeric_strings_are_converted():
    assert call("max", "12", 3.5) == 12
    assert call("abs", "-2.5") == 2.5
    assert call("substr", "hello", "1", "3") == "ell"
    assert call("element", ["a", "b"], "1") == "b"


def test_number_results_are_int_when_integral():
    assert type(call("sum", [0.5, 0.5])) is int
    assert type(call("ceil", 1.2)) is int
    assert type(call("pow", 2, 0.5)) is float
    assert call("sum", [0.1, 0.2]) == 0.3  # exact decimal arithmetic, as cty's big floats


def test_pow_and_parseint_refuse_absurd_numbers():
    fails("pow", 10, 1000)  # beyond float range
    fails("parseint", "1" * 20_000, 2)


# ---------------------------------------------------------------- format
@pytest.mark.parametrize("spec, args, expected", [
    ("%v %v %v", ("s", 1.5, True), "s 1.5 true"), ("%v", (1000000,), "1e+06"),
    ("%v", (123456,), "123456"), ("%v", ([1, "a"],), '[1,"a"]'), ("%v", (None,), "null"),
    ("%q", ("hi",), '"hi"'), ("%t", ("true",), "true"), ("%t", (False,), "false"),
    ("%d", ("42",), "42"), ("%5d|%-5d|%05d", (42, 42, -42), "   42|42   |-0042"),
    ("%+d % d", (5, 5), "+5  5"), ("%x %X %o %b", (255, 255, 8, 5), "ff FF 10 101"),
    ("%#x", (255,), "0xff"), ("%f", (3.14159,), "3.141590"), ("%.2f", (3.14159,), "3.14"),
    ("%.2f", (2.675,), "2.68"), ("%8.3f|%-8.1f|", (3.14159, 2.25), "   3.142|2.2     |"),
    ("%e", (1234.5678,), "1.234568e+03"), ("%.2E", (0.000123,), "1.23E-04"), ("%e", (0,), "0.000000e+00"),
    ("%g", (0.00001234,), "1.234e-05"), ("%g", (100000,), "100000"), ("%g", (1e21,), "1e+21"),
    ("%.3g", (1234.5678,), "1.23e+03"), ("%.3g", (3.14159,), "3.14"),
    ("%s", (12,), "12"), ("%s", (True,), "true"), ("%5s|%-5s|", ("ab", "ab"), "   ab|ab   |"),
    ("%.2s", ("hello",), "he"), ("%3s", ("☃",), "  ☃"), ("%%", (), "%"), ("100%% %s", ("x",), "100% x"),
    ("%[2]s %[1]s", ("a", "b"), "b a"), ("%[1]s %[1]s", ("a",), "a a"), ("%q", ("<&>",), '"\\u003c\\u0026\\u003e"'),
])
def test_format_verbs(spec, args, expected):
    assert call("format", spec, *args) == expected


# ---------------------------------------------------------------- regular expressions
def test_go_regex_syntax():
    assert call("regex", "(?i)hello", "HELLO") == "HELLO"
    assert call("regex", "a(?i)b", "aB") == "aB"
    assert call("regexall", "a(?i)b|c", "ab aB C c") == ["ab", "aB", "C", "c"]
    assert call("regex", "(?<year>\\d+)", "in 2024") == {"year": "2024"}
    assert call("regex", "[[:alpha:]]+", "12ab34") == "ab"
    assert call("regex", "\\Qa.b\\E", "xa.bx") == "a.b"
    assert call("regex", "^(a)(x)?$", "a") == ["a", None]  # a group that did not take part is null
    assert call("regexall", "a$", "a\na") == ["a"]  # $ is the end of the text without (?m)
    assert call("regexall", "(?m)a$", "a\na") == ["a", "a"]
    assert call("regexall", "\\d", "٣3") == ["3"]  # \d \w \s \b are ASCII only, as in Go
    assert call("regexall", "\\w+", "éab_1") == ["ab_1"]
    assert call("regexall", "[\\d.]+", "x1.5y") == ["1.5"]
    assert call("regexall", "\\pL+", "12héllo3") == ["héllo"]  # \pL and (?i) are Unicode
    assert call("regex", "(?i)é", "É") == "É"
    assert call("regex", "\\101", "zA") == "A"  # octal escape


def test_replace_with_go_templates():
    assert call("replace", "hello world", "/(h)(e)/", "$2${1}x$$") == "ehx$llo world"
    assert call("replace", "hello", "/(?P<first>h)/", "[${first}]") == "[h]ello"
    assert call("replace", "hello", "/(h)/", "$1x") == "ello"  # $1x is the group named "1x"
    assert call("replace", "abc", "/x*/", "-") == "-a-b-c-"
    assert call("replace", "a.b.c", ".", "") == "abc"
    assert call("replace", "ab", "", "-") == "-a-b-"


def test_catastrophic_regex_is_bounded():
    started = time.monotonic()
    try:
        call("regex", "(x+x+)+y", "x" * 5000)
    except EvalError:
        pass
    assert time.monotonic() - started < 10


# ---------------------------------------------------------------- JSON and YAML
def test_jsonencode_is_compact_sorted_and_go_escaped():
    value = {"b": [1, 2.0, 1e-7, None, True, 1e21], "a": "<tag>&\u2028", "é": "ü"}
    assert call("jsonencode", value) == (
        '{"a":"\\u003ctag\\u003e\\u0026\\u2028","b":[1,2,0.0000001,null,true,'
        '1000000000000000000000],"é":"ü"}')
    assert call("jsonencode", Lazy({"x": (1, 2)})) == '{"x":[1,2]}'


def test_jsondecode_numbers():
    assert call("jsondecode", "[1, 1.0, 1.5, 1e2, 12345678901234567890]") == [
        1, 1, 1.5, 100, 12345678901234567890]


def test_yaml_round_trips_and_terraform_layout():
    assert call("yamlencode", {"a": "x\ny\n", "n": None, "f": 1.5, "t": True}) == (
        '"a": |\n  x\n  y\n"f": 1.5\n"n": null\n"t": true\n')
    assert call("yamlencode", []) == "[]\n"
    assert call("yamlencode", "hello") == '"hello"\n'
    assert call("yamldecode", "d: 2001-12-14\nn: ~\nf: 1.0") == {"d": "2001-12-14", "n": None, "f": 1}
    fails("yamldecode", "a: 1\n---\nb: 2\n")


def test_yaml_alias_bombs_are_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    fails("yamldecode", "\n".join(lines), match="too large")


def test_csvdecode_quotes():
    assert call("csvdecode", 'a,b\n"x, y","say ""hi"""\n') == [{"a": "x, y", "b": 'say "hi"'}]


def test_base64gzip_decompresses_to_the_input():
    encoded = call("base64gzip", "hello world")
    assert gzip.decompress(base64.b64decode(encoded)) == b"hello world"


# ---------------------------------------------------------------- sets and conversions
def test_set_functions_order_and_unify_like_terraform():
    assert call("toset", [3, 1, 2, 1]) == [1, 2, 3]
    assert call("toset", [{"a": 1}, {"a": 1}, {"b": 2}]) == [{"a": 1}, {"b": 2}]
    assert call("setunion", ["b"], [1]) == ["1", "b"]
    assert call("tolist", [1, True, "x"]) == ["1", "true", "x"]
    fails("tolist", [1, [2]])
    assert call("distinct", [1, 1.0, "1"]) == [1, "1"]


def test_coalesce_unifies_to_strings():
    assert call("coalesce", 1, "") == "1"
    assert call("coalesce", None, [], ["a"]) == []  # empty lists are not skipped


def test_lookup_on_lazy_mapping_and_unknown_values():
    assert call("lookup", Lazy({"a": 1}), "a") == 1
    assert call("lookup", {"a": A, "b": 1}, "b") == 1
    assert call("lookup", {"a": A}, "c", "default") == "default"  # as Terraform: keys are known


# ---------------------------------------------------------------- unknown values
def test_scalar_functions_with_unknown_arguments_are_unknown_with_refs():
    assert refs(call("upper", A)) == {"aws_s3_bucket.a"}
    assert refs(call("replace", A, "x", B)) == {"aws_s3_bucket.a", "aws_iam_role.b"}
    assert refs(call("cidrsubnet", A, 8, 1)) == {"aws_s3_bucket.a"}


def test_whole_value_functions_are_unknown_if_anything_inside_is():
    assert refs(call("jsonencode", {"a": [1, A]})) == {"aws_s3_bucket.a"}
    assert refs(call("yamlencode", {"a": A})) == {"aws_s3_bucket.a"}
    assert refs(call("format", "%v", [B])) == {"aws_iam_role.b"}
    assert refs(call("join", ",", ["x", A, B])) == {"aws_s3_bucket.a", "aws_iam_role.b"}
    assert refs(call("sort", ["x", A])) == {"aws_s3_bucket.a"}
    assert refs(call("sum", [1, A])) == {"aws_s3_bucket.a"}


def test_elementwise_functions_keep_unknown_elements():
    assert call("concat", [A], ["x"]) == [A, "x"]
    assert call("length", [A, B]) == 2
    assert call("keys", {"b": A, "a": 1}) == ["a", "b"]
    assert call("values", {"b": A, "a": 1}) == [1, A]
    assert call("merge", {"a": A}, {"b": 1}) == {"a": A, "b": 1}
    assert call("element", [A, "x"], 1) == "x"
    assert call("slice", [A, "x", B], 1, 2) == ["x"]
    assert call("flatten", [[A], ["x", [B]]]) == [A, "x", B]
    assert call("reverse", [A, 1]) == [1, A]
    assert call("one", [A]) is A
    assert call("zipmap", ["k"], [A]) == {"k": A}
    assert call("compact", [A, "", None, "x"]) == [A, "x"]
    assert call("distinct", ["x", A, "x"]) == ["x", A]
    assert call("tolist", [A, 1]) == [A, 1]
    assert call("setunion", ["b", A], ["a"]) == ["a", "b", A]
    assert call("sensitive", A) is A
    assert call("issensitive", A) is False


def test_elementwise_functions_with_a_top_level_unknown_merge_all_refs():
    assert refs(call("concat", [B], A)) == {"aws_s3_bucket.a", "aws_iam_role.b"}
    assert refs(call("merge", {"x": B}, A)) == {"aws_s3_bucket.a", "aws_iam_role.b"}
    assert refs(call("length", A)) == {"aws_s3_bucket.a"}
    assert refs(call("keys", A)) == {"aws_s3_bucket.a"}
    assert refs(call("element", ["x"], A)) == {"aws_s3_bucket.a"}
    assert refs(call("zipmap", [A], [1])) == {"aws_s3_bucket.a"}


def test_lookup_coalesce_contains_with_unknowns():
    assert refs(call("lookup", A, "k")) == {"aws_s3_bucket.a"}
    assert refs(call("lookup", {"k": 1}, B)) == {"aws_iam_role.b"}
    assert call("lookup", {"k": A}, "k") is A
    assert call("coalesce", None, "", "x", A) == "x"
    assert call("coalesce", None, A, "x") is A
    assert call("coalescelist", [], B, ["x"]) is B
    assert call("coalescelist", ["x"], B) == ["x"]
    assert call("contains", [A, "a"], "a") is True
    assert refs(call("contains", [A, "b"], "a")) == {"aws_s3_bucket.a"}
    assert refs(call("contains", ["b"], A)) == {"aws_s3_bucket.a"}


def test_alltrue_anytrue_follow_terraform_order():
    assert call("alltrue", [False, A]) is False
    assert refs(call("alltrue", [A, False])) == {"aws_s3_bucket.a"}
    assert call("anytrue", [A, True]) is True
    assert refs(call("anytrue", [A, False])) == {"aws_s3_bucket.a"}


def test_formatlist_with_unknown_elements():
    result = call("formatlist", "id-%s", ["a", A])
    assert result[0] == "id-a" and refs(result[1]) == {"aws_s3_bucket.a"}
    assert refs(call("formatlist", "%s", A)) == {"aws_s3_bucket.a"}


def test_values_not_known_before_apply():
    for name, args in (("timestamp", ()), ("plantimestamp", ()), ("uuid", ()), ("bcrypt", ("pw",)),
                       ("type", (1,)), ("templatestring", ("x", {})), ("pathexpand", ("~/.ssh",))):
        assert isinstance(call(name, *args), Unknown), name
    assert refs(call("bcrypt", A)) == {"aws_s3_bucket.a"}


def test_file_functions_without_a_directory_are_unknown():
    for name in ("file", "filebase64", "fileexists", "filemd5", "filesha256", "templatefile",
                 "abspath"):
        args = ("x.txt", {}) if name == "templatefile" else ("x.txt",)
        assert isinstance(call(name, *args), Unknown), name
    assert isinstance(call("fileset", ".", "*"), Unknown)
    assert call("abspath", "/a/b/../c") == "/a/c"


# ---------------------------------------------------------------- size limits
def test_size_limits():
    big = "x" * 20_000
    fails("join", ",", [big] * 1000, match="too large")
    fails("split", "", "x" * (MAX_ELEMENTS + 1), match="too large")
    fails("concat", list(range(600_000)), list(range(600_000)), match="too large")
    fails("setproduct", list(range(1000)), list(range(1001)), match="too large")
    fails("replace", "a" * 10_000, "/a/", big, match="too large")
    fails("format", "%200000s", "x", match="too large")
    fails("range", 1e9, match="1024")


def test_shared_structure_cannot_stand_for_a_huge_value():
    value = ["x" * 100]
    for _ in range(40):  # 2**40 leaves if expanded
        value = [value, value]
    fails("jsonencode", value, match="too large")
    fails("flatten", value, match="too large")
    with pytest.raises(EvalError):
        functions.collect_unknowns(value)


def test_deeply_nested_values_are_refused():
    value = []
    for _ in range(10_000):
        value = [value]
    fails("jsonencode", value, match="nested too deeply")
    fails("upper", value)


# ---------------------------------------------------------------- files
@pytest.fixture()
def tree(tmp_path):
    (tmp_path / "files").mkdir()
    (tmp_path / "files" / "hello.txt").write_text("Hello\n")
    (tmp_path / "files" / "world.txt").write_text("World")
    (tmp_path / "files" / "sub").mkdir()
    (tmp_path / "files" / "sub" / "deep.txt").write_text("deep")
    (tmp_path / "files" / "binary.bin").write_bytes(b"\xff\xfe\x00")
    (tmp_path / "tpl").mkdir()
    (tmp_path / "tpl" / "greeting.tpl").write_text(
        "Hello ${name}!\n%{ for p in ports ~}\nport ${p}\n%{ endfor ~}\nend")
    (tmp_path / "tpl" / "value.tpl").write_text("${items}")
    (tmp_path / "tpl" / "nested.tpl").write_text('${templatefile("tpl/value.tpl", {items = 1})}')
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("secret")
    os.symlink(outside, tmp_path / "files" / "link.txt")
    return tmp_path


def test_file_reads_inside_the_tree(tree):
    table = functions_for(str(tree))
    assert table["file"]("files/hello.txt") == "Hello\n"
    assert table["file"](str(tree / "files" / "world.txt")) == "World"
    assert table["filebase64"]("files/binary.bin") == base64.b64encode(b"\xff\xfe\x00").decode()
    assert table["filemd5"]("files/world.txt") == hashlib.md5(b"World").hexdigest()
    assert table["filesha1"]("files/world.txt") == hashlib.sha1(b"World").hexdigest()
    assert table["filesha256"]("files/world.txt") == hashlib.sha256(b"World").hexdigest()
    assert table["filesha512"]("files/world.txt") == hashlib.sha512(b"World").hexdigest()
    assert table["filebase64sha256"]("files/world.txt") == base64.b64encode(
        hashlib.sha256(b"World").digest()).decode()
    assert table["filebase64sha512"]("files/world.txt") == base64.b64encode(
        hashlib.sha512(b"World").digest()).decode()
    assert table["abspath"]("files/../files/hello.txt") == str(tree / "files" / "hello.txt")


def test_file_errors(tree):
    table = functions_for(str(tree))
    with pytest.raises(EvalError, match="no file exists"):
        table["file"]("files/missing.txt")
    with pytest.raises(EvalError, match="directory"):
        table["file"]("files")
    with pytest.raises(EvalError, match="UTF-8"):
        table["file"]("files/binary.bin")


def test_files_outside_the_tree_are_never_read(tree):
    table = functions_for(str(tree))
    assert isinstance(table["file"]("files/link.txt"), Unknown)  # symlink leaving the tree
    assert isinstance(table["file"]("../outside.txt"), Unknown)
    assert isinstance(table["file"]("/etc/passwd"), Unknown)
    assert isinstance(table["file"]("~/.ssh/id_rsa"), Unknown)
    assert isinstance(table["fileexists"]("/etc/passwd"), Unknown)
    assert isinstance(table["fileset"]("/etc", "*"), Unknown)
    wider = functions_for(str(tree / "files"), root=str(tree))
    assert wider["file"]("../tpl/value.tpl") == "${items}"


def test_file_size_cap(tree):
    (tree / "big.txt").write_text("x" * 2000)
    assert functions_for(str(tree))["file"]("big.txt") == "x" * 2000
    small = functions_for(str(tree), max_file_size=1000)
    assert isinstance(small["file"]("big.txt"), Unknown)
    assert isinstance(small["filemd5"]("big.txt"), Unknown)
    (tree / "huge.txt").write_bytes(b"x" * (functions.MAX_FILE_SIZE + 1))
    assert isinstance(functions_for(str(tree))["file"]("huge.txt"), Unknown)


def test_fileexists(tree):
    table = functions_for(str(tree))
    assert table["fileexists"]("files/hello.txt") is True
    assert table["fileexists"]("files/nope.txt") is False
    with pytest.raises(EvalError, match="directory"):
        table["fileexists"]("files")


def test_fileset(tree):
    table = functions_for(str(tree))
    assert table["fileset"](".", "files/*.txt") == ["files/hello.txt", "files/link.txt", "files/world.txt"]
    assert table["fileset"]("files", "{hello,world}.txt") == ["hello.txt", "world.txt"]
    assert table["fileset"]("files", "**/*.txt") == [
        "hello.txt", "link.txt", "sub/deep.txt", "world.txt"]
    assert table["fileset"]("files", "h?llo.[a-z]xt") == ["hello.txt"]
    assert table["fileset"]("files", "sub/**") == ["sub/deep.txt"]
    assert table["fileset"]("nothing-here", "*") == []


def test_templatefile(tree):
    table = functions_for(str(tree))
    assert table["templatefile"]("tpl/greeting.tpl", {"name": "Bob", "ports": [80, 443]}) == (
        "Hello Bob!\nport 80\nport 443\nend")
    assert table["templatefile"]("tpl/value.tpl", {"items": [1, 2]}) == [1, 2]
    with pytest.raises(EvalError, match="ports"):
        table["templatefile"]("tpl/greeting.tpl", {"name": "Bob"})
    with pytest.raises(EvalError, match="recursively"):
        table["templatefile"]("tpl/nested.tpl", {})


def test_templatefile_with_unknown_vars_is_unknown(tree):
    table = functions_for(str(tree))
    assert refs(table["templatefile"]("tpl/greeting.tpl", {"name": A, "ports": []})) == {"aws_s3_bucket.a"}


def test_templatefile_uses_a_given_template_parser(tree):
    seen = []

    def parse(text, filename):
        seen.append(filename)
        return Template(("<", Variable("x"), ">"))

    table = functions_for(str(tree), template_parser=parse)
    assert table["templatefile"]("tpl/value.tpl", {"x": 1}) == "<1>"
    assert seen == ["tpl/value.tpl"]
    constant = functions_for(str(tree), template_parser=lambda text, name: Literal(text))
    assert constant["templatefile"]("tpl/value.tpl", {}) == "${items}"


def test_templatefile_reports_an_invalid_template_with_its_line(tmp_path):
    from checker.hcl.functions import functions_for
    (tmp_path / "t.tpl").write_text("line one\nline ${two\n")
    impls = functions_for(str(tmp_path))
    with pytest.raises(EvalError) as info:
        impls["templatefile"]("t.tpl", {})
    assert "invalid template t.tpl" in info.value.message and "(line 2)" in info.value.message
