"""Differential tests: pdguard's hand-written HCL parser against the reference parser.

tests/hcl_reference_parser.py is pdguard's former parser: python-hcl2's Lark grammar plus a
tree converter, slower but built on an independent grammar. Both produce checker.hcl.ast, so
on any input they must agree: the same tree, lines included, or both an error. The few
places where they may differ on purpose are listed in DIVERGENCES and pinned by unit tests.
"""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from checker.errors import InputError
from checker.hcl.ast import Literal, Unary, Variable
from checker.hcl.parser import parse_hcl
from hcl_reference_parser import parse_hcl as reference_parse
from test_fuzz import hcl_files

ROOT = Path(__file__).resolve().parents[1]

# Inputs on which the two parsers legitimately differ (a regular expression each):
DIVERGENCES = {
    # HCL allows a unary operator on a unary operation (`!!a`, `-!a`); the Lark grammar not.
    "nested unary": re.compile(r"[-!]\s*[-!]"),
    # The Lark grammar folds the sign into a number token, so `-1.0.x` traverses -1.0;
    # HCL (and pdguard) negate the traversal `1.0.x`.
    "traversed negative number": re.compile(r"-\s*[0-9][0-9.e]*\s*[.\[]"),
    # python-hcl2's heredoc token swallows the newline after its closing marker, so an
    # operator on the next line continues the expression; in HCL that newline ends it.
    "operator after a heredoc": re.compile(r"\n[ \t]*EOT\n\s*[?:.\[+*/%<>=!&|-]"),
}


def _outcome(parse, text: str):
    try:
        return parse(text, "main.tf")
    except InputError as exc:
        return exc


def _assert_agree(text: str) -> None:
    ours, reference = _outcome(parse_hcl, text), _outcome(reference_parse, text)
    ours_failed, reference_failed = isinstance(ours, InputError), isinstance(reference, InputError)
    if ours_failed and reference_failed:
        return
    if not ours_failed and not reference_failed and ours == reference:
        return
    explained = [name for name, pattern in DIVERGENCES.items() if pattern.search(text)]
    assert explained, (f"parsers disagree on {text!r}:\n  pdguard:   {ours}\n"
                       f"  reference: {reference}")


def _repository_tf_files() -> list[Path]:
    skip = {".venv", ".git", ".bench-venv", "node_modules"}
    return sorted(p for p in ROOT.rglob("*.tf") if not skip & set(p.relative_to(ROOT).parts))


def test_every_terraform_file_of_the_repository_parses_as_the_reference():
    files = _repository_tf_files()
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8")
        ours, reference = _outcome(parse_hcl, text), _outcome(reference_parse, text)
        if isinstance(ours, InputError) or isinstance(reference, InputError):
            assert isinstance(ours, InputError) and isinstance(reference, InputError), path
            assert ours.line == reference.line, path
        else:
            assert ours == reference, path


@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(hcl_files())
def test_generated_files_parse_as_the_reference(text):
    _assert_agree(text)


# ------------------------------------------------------------------ the divergences, pinned
def test_nested_unary_operators_follow_hcl():
    expr = parse_hcl("a = !!x\n", "t.tf").body.attributes["a"].expr
    assert expr == Unary("!", Unary("!", Variable("x", 1), 1), 1)
    assert isinstance(_outcome(reference_parse, "a = !!x\n"), InputError)


def test_a_newline_after_a_heredoc_ends_the_expression():
    text = "a = <<EOT\nx\nEOT\n? 1 : 2\n"
    assert "unexpected '?'" in _outcome(parse_hcl, text).message
    assert not isinstance(_outcome(reference_parse, text), InputError)
    assert DIVERGENCES["operator after a heredoc"].search(text)


def test_negated_number_traversal():
    expr = parse_hcl("a = -1.0\n", "t.tf").body.attributes["a"].expr
    assert expr == Literal(-1.0, 1)
