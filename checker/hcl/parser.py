"""HCL2 (Terraform) source text -> the syntax tree of checker.hcl.ast.

A recursive-descent parser over the tokens of checker.hcl.scanner, following HCL's own
parser (hclsyntax): newlines end attributes and separate object items, but are ignored
inside parentheses, brackets, function arguments, for-expressions and template sequences.
Binary operators use HCL's precedence table, reduced with an operator stack so a long chain
costs no recursion. Also accepted, as python-hcl2 accepts them: a newline right after a
binary operator, `?` or the `:` of a conditional, and before the `{` of a block.

Every syntax problem becomes InputError(message, path, line); hostile input (deep nesting,
huge files) is rejected early rather than crashing or hanging.
"""
from __future__ import annotations

import gc
import re

from checker.errors import InputError
from checker.hcl.ast import (
    Attribute, Binary, Block, Body, Call, Conditional, File, ForExpr, GetAttr, Index, Literal,
    ObjectExpr, Splat, SplatItem, TupleExpr, Unary, Variable,
)
from checker.hcl.scanner import MAX_TOKENS, scan, scan_template
from checker.hcl.templates import (
    ELSE, ENDFOR, ENDIF, FOR, IF, INTERP, Seq, build_template, line_chunks,
)

# Deeper than any real configuration, shallow enough that recursive consumers of the tree
# (this parser, the evaluator) stay well inside Python's default recursion limit.
MAX_DEPTH = 200
# Bracket depth at which a file is rejected before it is tokenized at all. Generous because
# brackets inside strings and comments are counted too.
_PRECHECK_DEPTH = 1000

__all__ = ["parse_hcl", "parse_template", "MAX_DEPTH", "MAX_TOKENS"]


def parse_hcl(text: str, path: str) -> File:
    """Parse HCL2 source `text` (read from `path`, used in error messages) into a File."""
    text = _clean(text)
    _check_bracket_depth(text, path)
    parser = _Parser(path)
    return File(path, parser.run(lambda: scan(text, path), parser.file_body))


def parse_template(text: str, path: str):
    """Parse a template file (templatefile()): heredoc syntax without the markers."""
    text = _clean(text)
    _check_bracket_depth(text, path)
    parser = _Parser(path)
    return parser.run(lambda: scan_template(text, path), parser.template_file)


def _clean(text: str) -> str:
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n")
    return text


_BRACKET_RE = re.compile(r"[\[\]{}()]")


def _check_bracket_depth(text: str, path: str) -> None:
    """Reject absurdly deep bracket nesting cheaply, before any tokenizing."""
    if text.count("[") + text.count("{") + text.count("(") <= _PRECHECK_DEPTH:
        return
    depth = 0
    for m in _BRACKET_RE.finditer(text):
        if m.group() in "[{(":
            depth += 1
            if depth > _PRECHECK_DEPTH:
                raise InputError("nesting too deep", path, text.count("\n", 0, m.start()) + 1)
        elif depth:
            depth -= 1


# Binary operators by precedence (HCL: higher binds tighter; all left-associative).
_PRECEDENCE = {
    "||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
    "+": 5, "-": 5, "*": 6, "/": 6, "%": 6,
}
_LITERALS = {"true": True, "false": False, "null": None}
_DESCRIBE = {"nl": "newline", "eof": "end of file", "oquote": "'\"'", "cquote": "'\"'",
             "oheredoc": "heredoc", "cheredoc": "end of heredoc", "seqend": "'}'",
             "interp": "'${'", "directive": "'%{'", "lit": "template text", "str": "string"}

# Traversal operations, flattened before HCL's splat rules regroup them: (kind, argument).
_OP_ATTR, _OP_INDEX, _OP_LEGACY_INDEX, _OP_ATTR_SPLAT, _OP_FULL_SPLAT = range(5)


def _describe(token: tuple) -> str:
    kind, value = token[0], token[1]
    if kind == "name" or kind == "number":
        return repr(value if len(value) <= 20 else value[:20] + "...")
    if kind == "qstr":
        return repr('"' + (value if len(value) <= 20 else value[:20] + "...") + '"')
    return _DESCRIBE.get(kind) or repr(kind)


class _Parser:
    def __init__(self, path: str):
        self.path = path
        self.tokens: list = []
        self.pos = 0
        self.skip_newlines = False   # HCL's "newline mode": False where newlines matter
        self.depth = 0
        self.last_line = 0           # line of the last token consumed, for end_line

    def run(self, tokenize, entry):
        """Tokenize and parse with the cyclic GC paused (the tree holds no cycles, and
        collections over many fresh nodes cost more than the parse)."""
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            self.tokens = tokenize()
            return entry()
        except RecursionError:
            raise InputError("nesting too deep", self.path, self.current_line()) from None
        finally:
            if gc_was_enabled:
                gc.enable()

    # ------------------------------------------------------------ token access
    def peek(self) -> tuple:
        token = self.tokens[self.pos]
        if token[0] == "nl" and self.skip_newlines:
            tokens = self.tokens
            pos = self.pos + 1
            while tokens[pos][0] == "nl":
                pos += 1
            self.pos = pos
            token = tokens[pos]
        return token

    def peek_after(self) -> tuple:
        """The token after peek(), with the same newline mode."""
        pos = self.pos + 1
        tokens = self.tokens
        if self.skip_newlines:
            while tokens[pos][0] == "nl":
                pos += 1
        return tokens[pos]

    def advance(self) -> tuple:
        token = self.peek()
        self.pos += 1
        self.last_line = token[2]
        return token

    def skip_nl(self) -> None:
        tokens = self.tokens
        while tokens[self.pos][0] == "nl":
            self.pos += 1

    def expect(self, kind: str, what: str = "") -> tuple:
        token = self.peek()
        if token[0] != kind:
            raise self.unexpected(token, what or repr(kind))
        self.pos += 1
        self.last_line = token[2]
        return token

    def current_line(self) -> int:
        if not self.tokens:
            return 1
        return self.tokens[min(self.pos, len(self.tokens) - 1)][2]

    def error(self, message: str, line: int) -> InputError:
        return InputError(message, self.path, line)

    def unexpected(self, token: tuple, expected: str = "") -> InputError:
        if token[0] == "eof":
            message = "unexpected end of file"
        else:
            message = f"unexpected {_describe(token)}"
        return self.error(message + (f" (expected {expected})" if expected else ""), token[2])

    def enter(self, levels: int, line: int) -> None:
        self.depth += levels
        if self.depth > MAX_DEPTH:
            raise self.error("nesting too deep", line)

    # ------------------------------------------------------------ structure
    def file_body(self) -> Body:
        return self.body(block_line=0)

    def body(self, block_line: int) -> Body:
        """Attributes and blocks up to the end of the file (block_line 0) or to the `}` of the
        block opened on block_line."""
        in_block = block_line > 0
        attributes: dict[str, Attribute] = {}
        blocks: list[Block] = []
        tokens = self.tokens
        while True:
            self.skip_nl()
            token = tokens[self.pos]
            kind = token[0]
            if kind == "}" and in_block:
                return Body(attributes, blocks)
            if kind == "eof":
                if in_block:
                    raise self.unexpected(token, _closing("}", block_line))
                return Body(attributes, blocks)
            if kind != "name":
                raise self.unexpected(token, "an attribute or block")
            self.pos += 1
            self.last_line = token[2]
            following = tokens[self.pos][0]
            if following == "=":
                self.pos += 1
                attr = self.attribute(token)
                first = attributes.get(attr.name)
                if first is not None:
                    raise self.error(f"attribute {attr.name} redefined "
                                     f"(first defined on line {first.line})", attr.line)
                attributes[attr.name] = attr
            elif following == "name" or following == "qstr" or following == "oquote" \
                    or following == "{" or following == "nl":
                blocks.append(self.block(token))
            else:
                raise self.unexpected(tokens[self.pos], "'=' or a block")
            self.end_of_item(in_block)

    def end_of_item(self, in_block: bool) -> None:
        """An attribute or block ends with a newline, the end of the file or the block's `}`."""
        kind = self.tokens[self.pos][0]
        if kind == "nl":
            self.pos += 1
        elif not (kind == "eof" or (kind == "}" and in_block)):
            raise self.unexpected(self.tokens[self.pos], "a newline")

    def attribute(self, name_token: tuple) -> Attribute:
        line = name_token[2]
        self.skip_newlines = False
        expr = self.expression()
        return Attribute(name_token[1], expr, line, self.last_line)

    def block(self, type_token: tuple) -> Block:
        line = type_token[2]
        self.enter(1, line)
        labels = []
        tokens = self.tokens
        while True:
            token = tokens[self.pos]
            kind = token[0]
            if kind == "name" or kind == "qstr":
                labels.append(token[1])
                self.pos += 1
            elif kind == "oquote":
                labels.append(self.label())
            elif kind == "nl":
                self.skip_nl()
                if tokens[self.pos][0] != "{":
                    raise self.unexpected(tokens[self.pos], "'{'")
            elif kind == "{":
                self.pos += 1
                break
            else:
                raise self.unexpected(token, "a block label or '{'")
        body = self.body(block_line=line)
        end = self.expect("}")
        self.depth -= 1
        return Block(type_token[1], labels, body, line, end[2])

    def label(self) -> str:
        value = self.quoted()
        if type(value) is not Literal:
            raise self.error("block labels must be plain strings", value.line)
        return value.value

    # ------------------------------------------------------------ expressions
    def expression(self):
        """An expression: a conditional over binary operations."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error("nesting too deep", self.peek()[2])
        start_line = self.peek()[2]
        node = self.binary()
        if self.peek()[0] == "?":
            self.pos += 1
            self.skip_nl()
            then = self.expression()
            self.skip_nl()
            self.expect(":", "':' of the conditional")
            self.skip_nl()
            otherwise = self.expression()
            node = Conditional(node, then, otherwise, start_line)
        self.depth -= 1
        return node

    def binary(self):
        line = self.peek()[2]
        node = self.operand()
        kind = self.peek()[0]
        if kind not in _PRECEDENCE:
            return node
        # Operator-precedence reduction with explicit stacks: no recursion per operator.
        operands = [(node, line)]
        operators: list = []
        count = 0
        while kind in _PRECEDENCE:
            precedence = _PRECEDENCE[kind]
            while operators and _PRECEDENCE[operators[-1]] >= precedence:
                _reduce(operands, operators)
            operators.append(kind)
            self.pos += 1
            self.skip_nl()
            count += 1
            self.enter(1, line)
            line = self.peek()[2]
            operands.append((self.operand(), line))
            kind = self.peek()[0]
        while operators:
            _reduce(operands, operators)
        self.depth -= count
        return operands[0][0]

    def operand(self):
        """A unary operation or a term with its traversals."""
        token = self.peek()
        kind = token[0]
        if kind == "-" or kind == "!":
            self.pos += 1
            self.last_line = token[2]
            self.enter(1, token[2])
            operand = self.operand()
            self.depth -= 1
            if kind == "-" and type(operand) is Literal and type(operand.value) in (int, float):
                return Literal(-operand.value, token[2])  # `-1` is the number -1
            return Unary(kind, operand, token[2])
        node = self.term(token)
        kind = self.peek()[0]
        if kind == "." or kind == "[":
            return self.traversal(node, token[2])
        return node

    def term(self, token: tuple):
        kind = token[0]
        line = token[2]
        if kind == "qstr":   # a quoted string without sequences: the scanner decoded it
            self.pos += 1
            self.last_line = line
            return Literal(token[1], line)
        if kind == "name":
            self.pos += 1
            self.last_line = line
            name = token[1]
            following = self.tokens[self.pos][0]
            if following == "(" or following == "::":
                return self.call(name, line)
            if name in _LITERALS:
                return Literal(_LITERALS[name], line)
            return Variable(name, line)
        if kind == "number":
            self.pos += 1
            self.last_line = line
            return Literal(self.number(token), line)
        if kind == "oquote":
            return self.quoted()
        if kind == "(":
            self.pos += 1
            saved = self.skip_newlines
            self.skip_newlines = True
            node = self.expression()
            self.expect(")", _closing(")", line))
            self.skip_newlines = saved
            return node
        if kind == "[":
            return self.tuple_or_for(line)
        if kind == "{":
            return self.object_or_for(line)
        if kind == "oheredoc":
            return self.heredoc()
        if kind == "str":
            self.pos += 1
            self.last_line = line
            return Literal(token[1], line)
        raise self.unexpected(token, "an expression")

    def number(self, token: tuple):
        text = token[1]
        if "." in text or "e" in text or "E" in text:
            return float(text)
        try:
            return int(text)
        except ValueError:  # more digits than Python's int/str conversion limit
            raise self.error("number literal too long", token[2]) from None

    def call(self, name: str, line: int) -> Call:
        names = [name]
        while self.tokens[self.pos][0] == "::":
            self.pos += 1
            names.append(self.expect("name", "a function name")[1])
        self.expect("(", "'('")
        saved = self.skip_newlines
        self.skip_newlines = True
        args = []
        expand_final = False
        while self.peek()[0] != ")":
            args.append(self.expression())
            kind = self.peek()[0]
            if kind == ",":
                self.pos += 1
            elif kind == "...":   # expands the last argument: must be followed by `)`
                self.pos += 1
                expand_final = True
                if self.peek()[0] != ")":
                    raise self.unexpected(self.peek(), "')' after '...'")
            elif kind != ")":
                raise self.unexpected(self.peek(), "',' or " + _closing(")", line))
        self.advance()
        self.skip_newlines = saved
        return Call("::".join(names), tuple(args), expand_final, line)

    def tuple_or_for(self, line: int):
        self.pos += 1
        saved = self.skip_newlines
        self.skip_newlines = True
        if self.is_for():
            node = self.for_expr(line, "]")
        else:
            items = []
            while self.peek()[0] != "]":
                items.append(self.expression())
                kind = self.peek()[0]
                if kind == ",":
                    self.pos += 1
                elif kind != "]":
                    raise self.unexpected(self.peek(), "',' or " + _closing("]", line))
            self.advance()
            node = TupleExpr(tuple(items), line)
        self.skip_newlines = saved
        return node

    def is_for(self) -> bool:
        token = self.peek()
        return token[0] == "name" and token[1] == "for" and self.peek_after()[0] == "name"

    def object_or_for(self, line: int):
        self.pos += 1
        saved = self.skip_newlines
        self.skip_newlines = True
        if self.is_for():
            node = self.for_expr(line, "}")
            self.skip_newlines = saved
            return node
        # Object items are separated by commas or newlines.
        self.skip_newlines = False
        items = []
        tokens = self.tokens
        while True:
            self.skip_nl()
            token = tokens[self.pos]
            if token[0] == "}":
                break
            if token[0] == "eof":
                raise self.unexpected(token, _closing("}", line))
            key = self.object_key(token)
            self.expect_any(("=", ":"), "'=' or ':'")
            items.append((key, self.expression()))
            kind = tokens[self.pos][0]
            if kind == ",":
                self.pos += 1
            elif kind == "nl":
                self.pos += 1
            elif kind != "}":
                raise self.unexpected(tokens[self.pos], "',', a newline or " + _closing("}", line))
        self.pos += 1
        self.last_line = tokens[self.pos - 1][2]
        self.skip_newlines = saved
        return ObjectExpr(tuple(items), line)

    def object_key(self, token: tuple):
        """A bare name (even a keyword, true/false/null) is a string key, as in HCL."""
        if token[0] == "name" and self.tokens[self.pos + 1][0] in ("=", ":"):
            self.pos += 1
            return Literal(token[1], token[2])
        return self.expression()

    def expect_any(self, kinds: tuple, what: str) -> tuple:
        token = self.peek()
        if token[0] not in kinds:
            raise self.unexpected(token, what)
        self.pos += 1
        return token

    def for_expr(self, line: int, closer: str) -> ForExpr:
        """`[for k, v in coll : value if cond]` / `{for k, v in coll : key => value... if cond}`
        (newlines ignored; the opening bracket is consumed)."""
        self.pos += 1  # `for`
        key_var, value_var = self.for_variables()
        collection = self.expression()
        self.expect(":", "':'")
        key_expr = None
        value = self.expression()
        group = False
        if closer == "}":
            self.expect("=>", "'=>'")
            key_expr, value = value, self.expression()
            if self.peek()[0] == "...":
                self.pos += 1
                group = True
        cond = None
        token = self.peek()
        if token[0] == "name" and token[1] == "if":
            self.pos += 1
            cond = self.expression()
        self.expect(closer, _closing(closer, line))
        return ForExpr(key_var, value_var, collection, key_expr, value, cond, group, line)

    def for_variables(self) -> tuple:
        """`k, v in` or `v in` of a for-expression or %{for}: (key variable or None, value
        variable)."""
        names = [self.expect("name", "a variable name")[1]]
        if self.peek()[0] == ",":
            self.pos += 1
            names.append(self.expect("name", "a variable name")[1])
        token = self.expect("name", "'in'")
        if token[1] != "in":
            raise self.unexpected(token, "'in'")
        return (names[0] if len(names) == 2 else None), names[-1]

    # ------------------------------------------------------------ traversals
    def traversal(self, node, line: int):
        """`root.a[0].*.b[*].c`: collect the operations, then apply HCL's splat rules."""
        ops = []
        tokens = self.tokens
        while True:
            kind = self.peek()[0]
            if kind == ".":
                self.pos += 1
                token = tokens[self.pos]
                self.pos += 1
                self.last_line = token[2]
                if token[0] == "name":
                    ops.append((_OP_ATTR, token[1]))
                elif token[0] == "number":
                    ops.append((_OP_LEGACY_INDEX, Literal(self.number(token), token[2])))
                elif token[0] == "*":
                    ops.append((_OP_ATTR_SPLAT, None))
                else:
                    raise self.unexpected(token, "an attribute name")
            elif kind == "[":
                self.pos += 1
                saved = self.skip_newlines
                self.skip_newlines = True
                if self.peek()[0] == "*" and self.peek_after()[0] == "]":
                    self.advance()
                    ops.append((_OP_FULL_SPLAT, None))
                else:
                    ops.append((_OP_INDEX, self.expression()))
                self.expect("]", "']'")
                self.skip_newlines = saved
            else:
                break
            if self.depth + len(ops) > MAX_DEPTH:
                raise self.error("nesting too deep", line)
        return _apply_operations(node, ops, 0, line)

    # ------------------------------------------------------------ templates
    def quoted(self):
        line = self.expect("oquote")[2]
        tokens = self.template_tokens("cquote")
        if not any(type(t) is Seq for t in tokens):
            return Literal("".join(tokens), line)
        return self.template(tokens, line, flush=False)

    def heredoc(self):
        token = self.advance()
        trim = token[1]
        tokens = []
        for chunk in self.template_tokens("cheredoc"):
            if type(chunk) is str:
                tokens.extend(line_chunks(chunk))
            else:
                tokens.append(chunk)
        if not trim and not any(type(t) is Seq for t in tokens):
            return Literal("".join(tokens), token[2])
        return self.template(tokens, token[2], flush=trim)

    def template_file(self):
        tokens = []
        for chunk in self.template_tokens("eof"):
            if type(chunk) is str:
                tokens.extend(line_chunks(chunk))
            else:
                tokens.append(chunk)
        return self.template(tokens, 1, flush=False)

    def template(self, tokens: list, line: int, flush: bool):
        return build_template(tokens, line, flush, self.depth, MAX_DEPTH, self.error)

    def template_tokens(self, closer: str) -> list:
        """Literal text and sequences up to the `closer` token (consumed)."""
        out: list = []
        tokens = self.tokens
        saved = self.skip_newlines
        while True:
            token = tokens[self.pos]
            kind = token[0]
            self.pos += 1
            if kind == "lit":
                out.append(token[1])
            elif kind == "interp":
                self.skip_newlines = True
                out.append(self.interpolation(token))
            elif kind == "directive":
                self.skip_newlines = True
                out.append(self.directive(token))
            elif kind == closer:
                self.last_line = token[2]
                self.skip_newlines = saved
                return out
            else:  # the scanner only produces these kinds inside a template
                raise self.unexpected(token)

    def interpolation(self, token: tuple) -> Seq:
        line = token[2]
        if self.peek()[0] == "seqend":
            raise self.error("empty template sequence ${}", line)
        expr = self.sequence_expression(line)
        return Seq(INTERP, token[1], self.sequence_end(), line, expr)

    def sequence_expression(self, line: int):
        try:
            return self.expression()
        except InputError as exc:
            if self.peek()[0] == "seqend" and exc.line == self.peek()[2]:
                raise self.error("incomplete expression in template sequence", line) from None
            raise

    def sequence_end(self) -> bool:
        token = self.peek()
        if token[0] != "seqend":
            raise self.unexpected(token, "'}' closing the template sequence")
        self.pos += 1
        return token[1]

    def directive(self, token: tuple) -> Seq:
        line = token[2]
        keyword = self.peek()
        word = keyword[1] if keyword[0] == "name" else None
        if word not in (IF, ELSE, ENDIF, FOR, ENDFOR):
            raise self.error("invalid template directive: expected if, else, endif, for or "
                             "endfor after %{", line)
        self.pos += 1
        if word == IF:
            expr = self.sequence_expression(line)
            return Seq(IF, token[1], self.sequence_end(), line, expr)
        if word == FOR:
            key_var, value_var = self.for_variables()
            expr = self.sequence_expression(line)
            return Seq(FOR, token[1], self.sequence_end(), line, expr, key_var, value_var)
        return Seq(word, token[1], self.sequence_end(), line)


def _closing(bracket: str, line: int) -> str:
    opener = {")": "(", "]": "[", "}": "{"}[bracket]
    return f"'{bracket}' closing the '{opener}' of line {line}"


def _reduce(operands: list, operators: list) -> None:
    right = operands.pop()[0]
    left, line = operands[-1]
    operands[-1] = (Binary(operators.pop(), left, right, line), line)


def _apply_operations(node, ops: list, start: int, line: int):
    """Apply ops[start:] to node.

    A full splat `[*]` takes every following operation into its `each` (further splats
    nest); an attribute splat `.*` takes only the following `.name` / `.0` steps, so
    `a.*.b[0]` indexes the resulting list.
    """
    i, n = start, len(ops)
    while i < n:
        kind = ops[i][0]
        if kind == _OP_FULL_SPLAT:
            return Splat(node, _apply_operations(SplatItem(line), ops, i + 1, line), line)
        if kind == _OP_ATTR_SPLAT:
            each = SplatItem(line)
            i += 1
            while i < n and ops[i][0] in (_OP_ATTR, _OP_LEGACY_INDEX):
                each = _apply_step(each, ops[i], line)
                i += 1
            node = Splat(node, each, line)
            continue
        node = _apply_step(node, ops[i], line)
        i += 1
    return node


def _apply_step(node, op: tuple, line: int):
    kind, arg = op
    if kind == _OP_ATTR:
        return GetAttr(node, arg, line)
    return Index(node, arg, line)

