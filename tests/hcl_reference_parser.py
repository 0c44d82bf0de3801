"""The reference HCL parser of the differential tests (tests/test_hcl_differential.py).

pdguard's former parser, kept as an independent implementation to compare checker.hcl.parser
with: python-hcl2's Lark grammar does the lexing and LALR parsing (its raw parser only: the
hcl2 transformer is slow and stringifies expressions). This module walks the Lark tree
once and builds ast nodes, doing what the grammar leaves open:

* operator precedence is already encoded in the tree; parentheses, `expr_term` wrappers
  and `new_line_or_comment` nodes disappear;
* traversal chains (`a.b[0].*.c[*].d`) are flattened and regrouped by HCL's splat rules;
* quoted templates arrive as flat parts (`%{if}`, `%{else}`, `%{endif}` ...) and are
  assembled here, with `~` strip markers applied;
* heredocs are single tokens: their bodies are split into literal text and `${...}` /
  `%{...}` sequences here, and each sequence's expression is parsed by a second, tiny
  Lark parse.

Every syntax problem becomes InputError(message, path, line); hostile input (deep
nesting, unterminated sequences) is rejected early rather than crashing or hanging.
"""
from __future__ import annotations

import gc
import re
from typing import Optional

from hcl2.parser import parser as _lark_parser
from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from checker.errors import InputError
from checker.hcl.ast import (
    Attribute, Binary, Block, Body, Call, Conditional, File, ForExpr, Literal, ObjectExpr,
    TupleExpr, Unary, Variable,
)
from checker.hcl.parser import (
    _OP_ATTR, _OP_ATTR_SPLAT, _OP_FULL_SPLAT, _OP_INDEX, _OP_LEGACY_INDEX, _apply_operations,
    _check_bracket_depth,
)
from checker.hcl.templates import (
    FOR as _FOR, IF as _IF, INTERP as _INTERP,
    Seq as _Seq, build_template, line_chunks as _line_chunks, unescape as _unescape,
)

# Deeper than any real configuration, shallow enough that recursive consumers of the tree
# (this walker, the evaluator) stay well inside Python's default recursion limit.
MAX_DEPTH = 200
# Bracket depth at which a file is rejected before Lark builds a (slow, huge) tree for it.
# Generous because brackets inside strings and comments are counted too.
_PRECHECK_DEPTH = 1000
# Lark tokens one file may have (its heredoc sequences count too, each also costing
# _SUBPARSE_TOKENS): parse time and memory grow with tokens (~10-50 us and ~1 KB each), and
# ordinary Terraform has ~0.3 tokens per byte, so this admits ~1.7 MB of ordinary source while
# a file of a million newlines or interpolations is refused in seconds, not minutes.
MAX_TOKENS = 500_000
_SUBPARSE_TOKENS = 20

__all__ = ["parse_hcl", "MAX_DEPTH"]


def parse_hcl(text: str, path: str) -> File:
    """Parse HCL2 source `text` (read from `path`, used in error messages) into a File."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    if "<<" in text:
        text = _trim_heredoc_markers(text)
    _check_bracket_depth(text, path)
    budget = [MAX_TOKENS]
    tree = _parse_tree(text, path, 0, budget)
    converter = _Converter(path, budget)
    try:
        body = converter.body(tree.children[0])
    except RecursionError:
        raise InputError("nesting too deep", path, converter.current_line) from None
    return File(path, body)


# ---------------------------------------------------------------- lark entry and errors
_BRACKET_RE = re.compile(r"[\[\]{}()]")
_HEREDOC_HEAD_RE = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)")
_MARKER_LINE_RE = re.compile(r"^([ \t]*([A-Za-z][A-Za-z0-9._-]*))[ \t]+$", re.M)


def _parse_tree(text: str, path: str, line_offset: int, budget: Optional[list] = None) -> Tree:
    """Lark's parse of `text`, token by token so that `budget` ([tokens left], shared by a
    file's sub-parses) bounds the work; the cyclic GC is paused meanwhile (Lark's trees hold
    no cycles, and full collections over millions of fresh nodes double the parse time)."""
    if budget is None:
        budget = [MAX_TOKENS]
    interactive = None
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        interactive = _lark_parser().parse_interactive(text + "\n")
        left = budget[0] - _SUBPARSE_TOKENS
        token = None
        for token in interactive.iter_parse():
            left -= 1
            if left < 0:
                budget[0] = 0
                raise InputError(f"too large to parse: more than {MAX_TOKENS:,} tokens; split the file",
                                 path, token.line + line_offset)
        budget[0] = left
        return interactive.feed_eof(token)
    except UnexpectedInput as exc:
        if getattr(exc, "interactive_parser", None) is None:
            exc.interactive_parser = interactive
        message, line = _describe_syntax_error(exc, text)
        raise InputError(message, path, line + line_offset) from None
    except RecursionError:
        raise InputError("nesting too deep", path, line_offset + 1) from None
    except LarkError as exc:  # any other parser failure: still the input's fault
        message = f"syntax error ({exc.__class__.__name__})"
        raise InputError(message, path, line_offset + 1) from None
    finally:
        if gc_was_enabled:
            gc.enable()


def _trim_heredoc_markers(text: str) -> str:
    """Drop the spaces after a heredoc's closing marker: HCL compares the line with the
    marker after trimming both ends, the Lark grammar only the start. Only lines holding
    nothing but a marker change, and inside a heredoc such a line closes it anyway."""
    markers = set(_HEREDOC_HEAD_RE.findall(text))
    if not markers:
        return text
    return _MARKER_LINE_RE.sub(lambda m: m.group(1) if m.group(2) in markers else m.group(), text)


# How terminals are named in messages.
_TERMINAL_NAMES = {
    "$END": "end of file", "NL_OR_COMMENT": "a newline", "NAME": "a name",
    "EQ": "'='", "COLON": "':'", "COMMA": "','", "DOT": "'.'", "ELLIPSIS": "'...'",
    "LBRACE": "'{'", "RBRACE": "'}'", "LSQB": "'['", "RSQB": "']'", "LPAR": "'('",
    "RPAR": "')'", "DBLQUOTE": "'\"'", "QMARK": "'?'", "FOR_OBJECT_ARROW": "'=>'",
    "INT_LITERAL": "a number", "FLOAT_LITERAL": "a number", "IN": "'in'", "IF": "'if'",
}
_EXPRESSION_STARTS = {"INT_LITERAL", "LPAR", "LSQB", "NAME", "DBLQUOTE"}


def _describe_syntax_error(exc: UnexpectedInput, text: str) -> tuple[str, int]:
    """A short human message and the 1-based line for a Lark parse error."""
    line = getattr(exc, "line", 0) or 1
    pos = getattr(exc, "pos_in_stream", None)
    if isinstance(exc, UnexpectedToken):
        token = exc.token
        expected = set(exc.expected or ())
        if token.type == "$END":
            if "STRING_CHARS" in expected:  # only expected inside a quoted string
                return "unterminated string", _open_quote_line(exc) or line
            return "unexpected end of file" + _expected_hint(expected), line
        line = token.line or line
        pos = token.start_pos
        what = _token_text(token)
    elif isinstance(exc, UnexpectedCharacters):
        expected = set(exc.allowed or ())
        what = repr(exc.char)
    else:  # UnexpectedEOF
        return "unexpected end of file", line
    if pos is not None:
        head = _HEREDOC_HEAD_RE.match(text, pos)
        if head:
            return f"unterminated heredoc <<{head.group(1)}", line
    return f"unexpected {what}" + _expected_hint(expected), line


def _token_text(token: Token) -> str:
    if token.type == "NL_OR_COMMENT":
        return "newline" if token.value.startswith("\n") else "comment"
    # The lexer falls back to matching anything as string characters: show the first one.
    text = token.value.strip()
    if token.type == "STRING_CHARS":
        text = text[:1]
    if not text:
        return "newline"
    return repr(text if len(text) <= 20 else text[:20] + "...")


def _expected_hint(expected: set) -> str:
    if not expected:
        return ""
    if _EXPRESSION_STARTS <= expected:
        return " (expected an expression)"
    if "NAME" in expected and not expected & {"EQ", "LBRACE", "DOT"}:
        return " (expected an attribute or block)"
    names = sorted({_TERMINAL_NAMES.get(t, t) for t in expected})
    if len(names) > 4:
        return ""
    return " (expected " + (" or ".join(names) if len(names) < 3
                            else ", ".join(names[:-1]) + " or " + names[-1]) + ")"


def _open_quote_line(exc: UnexpectedToken) -> int:
    """Line of the quote that opened the string still open at end of file, if known."""
    try:
        stack = exc.interactive_parser.parser_state.value_stack
    except AttributeError:
        return 0
    for value in reversed(stack):
        if isinstance(value, Token) and value.type == "DBLQUOTE":
            return value.line
    return 0


# ---------------------------------------------------------------- strings
def _shorten(text: str, limit: int = 40) -> str:
    """Source text for an error message: one line, at most `limit` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _find_sequence_end(text: str, start: int) -> int:
    """Index of the `}` closing a `${`/`%{` sequence whose contents begin at `start`, or -1.

    Aware of nested braces, quoted strings (with their escapes and own interpolations) and
    comments, so a `}` inside any of those does not end the sequence.
    """
    modes = ["code"]  # stack: "code" counts braces, "string" is inside quotes
    i, n = start, len(text)
    while i < n:
        c = text[i]
        if modes[-1] == "string":
            if c == "\\":
                i += 2
                continue
            if c == '"':
                modes.pop()
            elif c in "$%" and text.startswith("{", i + 1):
                modes.append("code")
                i += 1
            elif c in "$%" and text.startswith(c + "{", i + 1):
                i += 2  # $${ / %%{ escape
        elif c == "{":
            modes.append("code")
        elif c == "}":
            modes.pop()
            if not modes:
                return i
        elif c == '"':
            modes.append("string")
        elif c == "#" or text.startswith("//", i):
            newline = text.find("\n", i)
            i = n if newline < 0 else newline
            continue
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
            continue
        i += 1
    return -1


# ---------------------------------------------------------------- template tokens
# A template is first a flat list of str (literal text) and _Seq (interpolations and
# directives); strip markers and heredoc indentation are applied on that list, then
# directives are assembled into TemplateIf / TemplateFor.
# ---------------------------------------------------------------- the tree walker
_BINARY_OPS = {
    "DOUBLE_EQ": "==", "NEQ": "!=", "LT": "<", "GT": ">", "LEQ": "<=", "GEQ": ">=",
    "PLUS": "+", "MINUS": "-", "ASTERISK": "*", "SLASH": "/", "PERCENT": "%",
    "DOUBLE_AMP": "&&", "DOUBLE_PIPE": "||",
}
_LITERAL_VALUES = {"true": True, "false": False, "null": None}
_TRAVERSALS = frozenset({"index_expr_term", "get_attr_expr_term",
                         "attr_splat_expr_term", "full_splat_expr_term"})
_NL = "new_line_or_comment"

_DIRECTIVE_RE = re.compile(r"\s*(if|else|endif|for|endfor)\b(.*)\Z", re.S)
_FOR_HEAD_RE = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_-]*)\s*(?:,\s*([A-Za-z_][A-Za-z0-9_-]*)\s*)?\bin\b(.*)\Z", re.S)
_SEQUENCE_START_RE = re.compile(r"\$\$\{|%%\{|\$\{|%\{")


def _subtrees(tree: Tree) -> list:
    """Child trees, without tokens and newline/comment nodes."""
    return [c for c in tree.children if type(c) is Tree and c.data != _NL]


class _Converter:
    """Walks one file's Lark tree (and the trees of its heredoc sequences) into ast nodes."""

    def __init__(self, path: str, budget: Optional[list] = None):
        self.path = path
        self.budget = budget if budget is not None else [MAX_TOKENS]
        self.line_offset = 0      # added to Lark lines while converting a heredoc sequence
        self.depth = 0
        self.current_line = 0     # line of the attribute/block being converted, for errors
        self.handlers = {
            "identifier": self.variable,
            "int_lit": self.int_literal,
            "float_lit": self.float_literal,
            "literal_value": self.literal_value,
            "string": self.string,
            "template_string": self.template_string,
            "heredoc_template": self.heredoc,
            "heredoc_template_trim": self.heredoc,
            "tuple": self.tuple,
            "object": self.object,
            "function_call": self.call,
            "index_expr_term": self.traversal,
            "get_attr_expr_term": self.traversal,
            "attr_splat_expr_term": self.traversal,
            "full_splat_expr_term": self.traversal,
            "for_tuple_expr": self.for_expr,
            "for_object_expr": self.for_expr,
            "unary_op": self.unary,
            "binary_op": self.binary,
            "conditional": self.conditional,
        }

    def error(self, message: str, line: int) -> InputError:
        return InputError(message, self.path, line)

    def enter(self, levels: int, line: int) -> None:
        self.depth += levels
        if self.depth > MAX_DEPTH:
            raise self.error("nesting too deep", line)

    # ------------------------------------------------------------ structure
    def body(self, tree: Tree) -> Body:
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        for child in tree.children:
            kind = child.data
            if kind == "attribute":
                attr = self.attribute(child)
                first = attributes.get(attr.name)
                if first is not None:
                    raise self.error(f"attribute {attr.name} redefined "
                                     f"(first defined on line {first.line})", attr.line)
                attributes[attr.name] = attr
            elif kind == "block":
                blocks.append(self.block(child))
        return Body(attributes, blocks)

    def attribute(self, tree: Tree) -> Attribute:
        name_tree, _eq, expr_tree = tree.children
        name_token = name_tree.children[0]
        line = self.current_line = name_token.line + self.line_offset
        return Attribute(name_token.value, self.expr(expr_tree), line,
                         _end_line(tree) + self.line_offset)

    def block(self, tree: Tree) -> Block:
        children = tree.children
        type_token = children[0].children[0]
        line = self.current_line = type_token.line + self.line_offset
        self.enter(1, line)
        labels = []
        body_tree = None
        for child in children[1:]:
            if type(child) is Token:
                continue  # { and }
            if child.data == "body":
                body_tree = child
            elif child.data == "string":
                labels.append(self.label(child))
            elif child.data != _NL:
                labels.append(child.children[0].value)
        block = Block(type_token.value, labels, self.body(body_tree), line,
                      children[-1].line + self.line_offset)
        self.depth -= 1
        return block

    def label(self, tree: Tree) -> str:
        value = self.string(tree)
        if type(value) is not Literal:
            raise self.error("block labels must be plain strings", value.line)
        return value.value

    # ------------------------------------------------------------ expressions
    def expr(self, tree: Tree):
        # Parentheses and expr_term wrappers produce no node of their own.
        while tree.data == "expr_term":
            children = tree.children
            tree = children[0] if len(children) == 1 else _subtrees(tree)[0]
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("nesting too deep", self.line(tree))
        node = self.handlers[tree.data](tree)
        self.depth -= 1
        return node

    def line(self, tree: Tree) -> int:
        return tree.meta.line + self.line_offset

    def variable(self, tree: Tree) -> Variable:
        token = tree.children[0]
        return Variable(token.value, token.line + self.line_offset)

    def int_literal(self, tree: Tree) -> Literal:
        token = tree.children[0]
        return Literal(self.int_value(token), token.line + self.line_offset)

    def int_value(self, token: Token) -> int:
        try:
            return int(token.value)
        except ValueError:  # more digits than Python's int/str conversion limit
            raise self.error("number literal too long", token.line + self.line_offset) from None

    def float_literal(self, tree: Tree) -> Literal:
        token = tree.children[0]
        return Literal(float(token.value), token.line + self.line_offset)

    def literal_value(self, tree: Tree) -> Literal:
        token = tree.children[0]
        return Literal(_LITERAL_VALUES[token.value], token.line + self.line_offset)

    def tuple(self, tree: Tree) -> TupleExpr:
        return TupleExpr(tuple(self.expr(c) for c in _subtrees(tree)), self.line(tree))

    def object(self, tree: Tree) -> ObjectExpr:
        items = []
        for elem in _subtrees(tree):
            key_tree, _sep, value_tree = elem.children
            items.append((self.object_key(key_tree.children[0]), self.expr(value_tree)))
        return ObjectExpr(tuple(items), self.line(tree))

    def object_key(self, tree: Tree):
        """A bare name (even a keyword, true/false/null) is a string key, as in HCL."""
        if tree.data == "keyword":
            token = tree.children[0]
            return Literal(token.value, token.line + self.line_offset)
        children = tree.children
        if tree.data == "expr_term" and len(children) == 1 and (
                children[0].data == "identifier" or children[0].data == "literal_value"):
            token = children[0].children[0]
            return Literal(token.value, token.line + self.line_offset)
        return self.expr(tree)

    def call(self, tree: Tree) -> Call:
        names = []
        args: tuple = ()
        expand_final = False
        for child in tree.children:
            if type(child) is Token or child.data == _NL:
                continue
            if child.data == "identifier":
                names.append(child.children[0].value)
            else:  # arguments
                args = tuple(self.expr(c) for c in _subtrees(child))
                expand_final = any(type(c) is Token and c.type == "ELLIPSIS"
                                   for c in child.children)
        return Call("::".join(names), args, expand_final, self.line(tree))

    def unary(self, tree: Tree):
        op_token, operand_tree = tree.children
        operand = self.expr(operand_tree)
        line = op_token.line + self.line_offset
        if op_token.type == "MINUS" and type(operand) is Literal \
                and type(operand.value) in (int, float):
            return Literal(-operand.value, line)  # `-1` is the number -1, not an operation
        return Unary("-" if op_token.type == "MINUS" else "!", operand, line)

    def binary(self, tree: Tree) -> Binary:
        # Binary operators are left-recursive in the grammar: walk the left spine in a loop.
        line = self.line(tree)
        terms = []
        while tree.data == "binary_op":
            terms.append(tree.children[1])
            tree = tree.children[0]
        self.enter(len(terms), line)
        node = self.expr(tree)
        for term in reversed(terms):
            op_tree, right_tree = term.children[0], term.children[-1]
            node = Binary(_BINARY_OPS[op_tree.children[0].type], node, self.expr(right_tree), line)
        self.depth -= len(terms)
        return node

    def conditional(self, tree: Tree) -> Conditional:
        cond, then, otherwise = _subtrees(tree)
        return Conditional(self.expr(cond), self.expr(then), self.expr(otherwise), self.line(tree))

    def for_expr(self, tree: Tree) -> ForExpr:
        intro = cond = None
        exprs = []
        group = False
        for child in tree.children:
            if type(child) is Token:
                group = group or child.type == "ELLIPSIS"
            elif child.data == "for_intro":
                intro = child
            elif child.data == "for_cond":
                cond = self.expr(_subtrees(child)[0])
            elif child.data != _NL:
                exprs.append(child)
        names = [c.children[0].value for c in _subtrees(intro) if c.data == "identifier"]
        collection = next(c for c in _subtrees(intro) if c.data != "identifier")
        key_var = names[0] if len(names) == 2 else None
        key_expr = self.expr(exprs[0]) if len(exprs) == 2 else None
        return ForExpr(key_var, names[-1], self.expr(collection), key_expr,
                       self.expr(exprs[-1]), cond, group, self.line(tree))

    # ------------------------------------------------------------ traversals
    def traversal(self, tree: Tree):
        """`root.a[0].*.b[*].c`: flatten the left-nested chain, then apply HCL's splat rules."""
        line = self.line(tree)
        steps = []
        while True:
            if tree.data in _TRAVERSALS:
                steps.append(tree.children[1])
                tree = tree.children[0]
            elif tree.data == "expr_term" and len(tree.children) == 1 \
                    and tree.children[0].data in _TRAVERSALS:
                tree = tree.children[0]
            else:
                break
        ops = []
        for step in reversed(steps):
            self.add_operation(ops, step)
        self.enter(len(ops), line)
        node = _apply_operations(self.expr(tree), ops, 0, line)
        self.depth -= len(ops)
        return node

    def add_operation(self, ops: list, step: Tree) -> None:
        kind = step.data
        if kind == "get_attr":
            ops.append((_OP_ATTR, step.children[1].children[0].value))
        elif kind == "braces_index":
            ops.append((_OP_INDEX, self.expr(_subtrees(step)[0])))
        elif kind == "short_index":
            token = step.children[1]
            ops.append((_OP_LEGACY_INDEX,
                        Literal(self.int_value(token), token.line + self.line_offset)))
        else:  # attr_splat / full_splat, with the operations the grammar put inside them
            ops.append((_OP_ATTR_SPLAT if kind == "attr_splat" else _OP_FULL_SPLAT, None))
            for inner in step.children[1:]:
                self.add_operation(ops, inner)

    # ------------------------------------------------------------ quoted strings
    def string(self, tree: Tree):
        line = self.line(tree)
        tokens: list = []
        literal: list[str] = []
        for part in tree.children[1:-1]:  # between the quotes
            content = part.children[0]
            if type(content) is Token:
                literal.append(self.decode(content, line))
                continue
            if literal:
                tokens.append("".join(literal))
                literal = []
            tokens.append(self.quoted_sequence(content))
        if not tokens:
            return Literal("".join(literal), line)
        if literal:
            tokens.append("".join(literal))
        return self.template(tokens, line, flush=False)

    def decode(self, token: Token, line: int) -> str:
        value = token.value
        try:
            if token.type == "STRING_CHARS":
                return _unescape(value)
            return value[1:3] + _unescape(value[3:])  # $${ -> ${, %%{ -> %{
        except ValueError as exc:
            raise self.error(str(exc), token.line + self.line_offset or line) from None

    def quoted_sequence(self, tree: Tree) -> _Seq:
        kind = tree.data
        children = tree.children
        line = children[0].line + self.line_offset
        if kind == "interpolation":
            return _Seq(_INTERP, False, False, line, self.expr(children[1]))
        ltrim = type(children[1]) is Token and children[1].type == "STRIP_MARKER"
        rtrim = type(children[-2]) is Token and children[-2].type == "STRIP_MARKER"
        if kind == "template_if_start":
            return _Seq(_IF, ltrim, rtrim, line, self.expr(_subtrees(tree)[0]))
        if kind == "template_for_start":
            subtrees = _subtrees(tree)
            names = [c.children[0].value for c in subtrees[:-1]]
            return _Seq(_FOR, ltrim, rtrim, line, self.expr(subtrees[-1]),
                        names[0] if len(names) == 2 else None, names[-1])
        return _Seq(kind[len("template_"):], ltrim, rtrim, line)  # else / endif / endfor

    def template_string(self, tree: Tree) -> Literal:
        """The grammar's `\\"...\\"` string (escaped quotes inside a directive)."""
        token = tree.children[0]
        line = token.line + self.line_offset
        try:
            return Literal(_unescape(token.value[2:-2]), line)
        except ValueError as exc:
            raise self.error(str(exc), line) from None

    # ------------------------------------------------------------ heredocs
    def heredoc(self, tree: Tree):
        token = tree.children[0]
        value = token.value  # "<<EOT\n...\nEOT\n", the closing marker possibly indented
        line = token.line + self.line_offset
        body_start = value.index("\n") + 1
        body_end = value.rfind("\n", 0, len(value) - 1) + 1
        body = value[body_start:body_end] if body_end > body_start else ""
        trim = tree.data == "heredoc_template_trim"
        if "${" not in body and "%{" not in body and not trim:
            return Literal(body, line)
        return self.template(self.heredoc_tokens(body, line + 1), line, flush=trim)

    def heredoc_tokens(self, body: str, first_line: int) -> list:
        """Split a heredoc body into per-line literal chunks and _Seq sequences."""
        tokens: list = []
        literal: list[str] = []
        pos = 0
        counted_pos, counted_line = 0, first_line  # incremental line counting
        while True:
            m = _SEQUENCE_START_RE.search(body, pos)
            if m is None:
                literal.append(body[pos:])
                break
            literal.append(body[pos:m.start()])
            marker = m.group()
            if len(marker) == 3:  # $${ or %%{ escape
                literal.append(marker[1:])
                pos = m.end()
                continue
            tokens.extend(_line_chunks("".join(literal)))
            literal = []
            counted_line += body.count("\n", counted_pos, m.start())
            counted_pos = m.start()
            end = _find_sequence_end(body, m.end())
            if end < 0:
                raise self.error(f"unclosed template sequence {marker}", counted_line)
            tokens.append(self.heredoc_sequence(marker, body[m.end():end], counted_line))
            pos = end + 1
        tokens.extend(_line_chunks("".join(literal)))
        return tokens

    def heredoc_sequence(self, marker: str, inner: str, line: int) -> _Seq:
        context = _shorten(marker + inner + "}")
        ltrim = inner.startswith("~")
        rtrim = inner.endswith("~") and len(inner) > ltrim
        inner = inner[ltrim:len(inner) - rtrim]
        if marker == "${":
            return _Seq(_INTERP, ltrim, rtrim, line, self.sub_expression(inner, line, context))
        m = _DIRECTIVE_RE.match(inner)
        if m is None:
            raise self.error(f"invalid template directive {context}", line)
        keyword, rest = m.groups()
        rest_line = line + inner.count("\n", 0, m.start(2))
        if keyword == "if":
            return _Seq(_IF, ltrim, rtrim, line, self.sub_expression(rest, rest_line, context))
        if keyword == "for":
            head = _FOR_HEAD_RE.match(rest)
            if head is None:
                raise self.error(f"invalid template directive {context}", line)
            first, second, collection = head.groups()
            coll_line = rest_line + rest.count("\n", 0, head.start(3))
            return _Seq(_FOR, ltrim, rtrim, line,
                        self.sub_expression(collection, coll_line, context),
                        first if second else None, second or first)
        if rest.strip():
            raise self.error(f"invalid template directive {context}", line)
        return _Seq(keyword, ltrim, rtrim, line)

    def sub_expression(self, source: str, line: int, context: str):
        """Parse the expression text of a heredoc sequence that starts on `line`."""
        if not source.strip():
            raise self.error(f"empty template sequence {context}", line)
        # Parenthesised so that newlines inside the expression are allowed, as HCL allows
        # them in template sequences; the closing paren on its own line ends any comment.
        try:
            tree = _parse_tree(f"x = ({source}\n)", self.path, line - 1, self.budget)
        except InputError as exc:
            last_line = line + source.count("\n")
            if exc.line > last_line and self.budget[0] > 0:  # the error is at our synthetic closing paren
                raise self.error(f"incomplete expression in template sequence {context}",
                                 last_line) from None
            raise
        items = tree.children[0].children
        attrs = [c for c in items if c.data != _NL]
        if len(attrs) != 1 or attrs[0].data != "attribute":
            raise self.error(f"invalid expression in template sequence {context}", line)
        saved = self.line_offset
        self.line_offset = line - 1
        try:
            return self.expr(attrs[0].children[2])
        finally:
            self.line_offset = saved

    # ------------------------------------------------------------ templates
    def template(self, tokens: list, line: int, flush: bool):
        return build_template(tokens, line, flush, self.depth, MAX_DEPTH, self.error)


def _end_line(tree: Tree) -> int:
    """Line of the last token of `tree`, ignoring trailing newlines and comments (which the
    grammar lets binary operations swallow)."""
    node = tree
    while type(node) is Tree:
        children = node.children
        i = len(children) - 1
        while i >= 0 and type(children[i]) is Tree and children[i].data == _NL:
            i -= 1
        if i < 0:
            return node.meta.line if not node.meta.empty else 0
        node = children[i]
    # A heredoc token includes the newline after its closing marker.
    return node.end_line - 1 if node.value.endswith("\n") else node.end_line
