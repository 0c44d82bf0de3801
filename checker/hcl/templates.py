"""Assembling HCL templates (quoted strings, heredocs, template files) into ast nodes.

The parser first collects a template as a flat list of str (literal text, escapes already
decoded) and Seq (interpolations and directives). Strip markers and heredoc indentation are
applied on that list, then `%{if}` / `%{for}` directives are nested into TemplateIf /
TemplateFor, as HCL does.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from checker.hcl.ast import Literal, Template, TemplateFor, TemplateIf

INTERP, IF, ELSE, ENDIF, FOR, ENDFOR = "interp", "if", "else", "endif", "for", "endfor"

ErrorFactory = Callable[[str, int], Exception]


class Seq:
    """One `${...}` or `%{...}` sequence of a template, before assembly."""
    __slots__ = ("kind", "ltrim", "rtrim", "line", "expr", "key_var", "value_var")

    def __init__(self, kind, ltrim, rtrim, line, expr=None, key_var=None, value_var=None):
        self.kind = kind
        self.ltrim = ltrim      # `~` after the opening `${` / `%{`
        self.rtrim = rtrim      # `~` before the closing `}`
        self.line = line
        self.expr = expr        # interpolated expression, if condition or for collection
        self.key_var = key_var
        self.value_var = value_var


# ---------------------------------------------------------------- literal text
_ESCAPE_RE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|(.))", re.S)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def unescape(s: str) -> str:
    """Decode the backslash escapes of a quoted string; ValueError on an invalid one."""
    if "\\" not in s:
        return s
    return _ESCAPE_RE.sub(_replace_escape, s)


def _replace_escape(m: re.Match) -> str:
    hex_code = m.group(1) or m.group(2)
    if hex_code:
        code = int(hex_code, 16)
        if code > 0x10FFFF:
            raise ValueError(f"invalid escape sequence {m.group()}")
        return chr(code)
    char = m.group(3)
    if char in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[char]
    raise ValueError(f"invalid escape sequence \\{char}")


def line_chunks(text: str) -> list[str]:
    """Split text after each newline, as HCL's scanner splits heredoc literals."""
    if "\n" not in text:
        return [text] if text else []
    lines = text.split("\n")
    chunks = [line + "\n" for line in lines[:-1]]
    if lines[-1]:
        chunks.append(lines[-1])
    return chunks


# ---------------------------------------------------------------- assembly
def build_template(tokens: list, line: int, flush: bool, depth: int, max_depth: int,
                   error: ErrorFactory):
    """The Literal or Template for a flat token list (modified in place).

    `flush` removes the common indentation (`<<-` heredocs); `depth` is the nesting depth of
    the template itself, so nested directives stay within `max_depth`.
    """
    _apply_strip_markers(tokens)
    if flush:
        _flush_heredoc(tokens)
    parts = _assemble(_meld_literals(tokens), depth, max_depth, error)
    if not parts:
        return Literal("", line)
    if len(parts) == 1 and type(parts[0]) is str:
        return Literal(parts[0], line)
    return Template(tuple(parts), line)


def _apply_strip_markers(tokens: list) -> None:
    """`~` strips the whitespace of the adjacent literal token (HCL: only that one token)."""
    last = len(tokens) - 1
    for i, tok in enumerate(tokens):
        if type(tok) is str:
            continue
        if tok.ltrim and i > 0 and type(tokens[i - 1]) is str:
            tokens[i - 1] = tokens[i - 1].rstrip()
        if tok.rtrim and i < last and type(tokens[i + 1]) is str:
            tokens[i + 1] = tokens[i + 1].lstrip()


def _flush_heredoc(tokens: list) -> None:
    """Remove the common leading whitespace of `<<-` heredoc lines (HCL's algorithm).

    Literal tokens are per line. A whitespace-only line does not count towards the common
    indent (and keeps its whitespace); a line starting with a sequence has indent 0.
    """
    min_spaces = None
    at_line_start = True
    adjust = []
    for i, tok in enumerate(tokens):
        if at_line_start:
            at_line_start = False
            spaces = 0
            if type(tok) is str:
                stripped = tok.lstrip()
                if not stripped and tok.endswith("\n"):
                    spaces = None  # blank line
                else:
                    spaces = len(tok) - len(stripped)
                    adjust.append(i)
            if spaces is not None and (min_spaces is None or spaces < min_spaces):
                min_spaces = spaces
        if type(tok) is str and tok.endswith("\n"):
            at_line_start = True
    if min_spaces:
        for i in adjust:
            tokens[i] = tokens[i][min_spaces:]


def _meld_literals(tokens: list) -> list:
    """Join adjacent literal strings and drop empty ones."""
    out: list = []
    for tok in tokens:
        if type(tok) is str:
            if not tok:
                continue
            if out and type(out[-1]) is str:
                out[-1] += tok
                continue
        out.append(tok)
    return out


class _OpenDirective:
    __slots__ = ("seq", "then_parts", "else_parts")

    def __init__(self, seq: Seq):
        self.seq = seq
        self.then_parts: list = []
        self.else_parts: Optional[list] = None

    @property
    def current(self) -> list:
        return self.then_parts if self.else_parts is None else self.else_parts


def _assemble(tokens: list, depth: int, max_depth: int, error: ErrorFactory) -> list:
    """Nest the flat if/else/endif and for/endfor sequences (iteratively)."""
    root: list = []
    open_directives: list[_OpenDirective] = []
    current = root
    for tok in tokens:
        if type(tok) is str:
            current.append(tok)
            continue
        kind = tok.kind
        if kind == INTERP:
            current.append(tok.expr)
        elif kind == IF or kind == FOR:
            if depth + len(open_directives) >= max_depth:
                raise error("nesting too deep", tok.line)
            open_directives.append(_OpenDirective(tok))
            current = open_directives[-1].then_parts
        else:
            top = open_directives[-1] if open_directives else None
            if not _closes(top, kind):
                raise error(f"unexpected %{{{kind}}} directive", tok.line)
            if kind == ELSE:
                top.else_parts = []
                current = top.else_parts
                continue
            open_directives.pop()
            current = open_directives[-1].current if open_directives else root
            current.append(_close_directive(top))
    if open_directives:
        seq = open_directives[-1].seq
        closer = "endfor" if seq.kind == FOR else "endif"
        raise error(f"%{{{seq.kind}}} directive without %{{{closer}}}", seq.line)
    return root


def _closes(top: Optional[_OpenDirective], kind: str) -> bool:
    """Whether an else/endif/endfor sequence fits the innermost open directive."""
    if top is None:
        return False
    if kind == ENDFOR:
        return top.seq.kind == FOR
    if top.seq.kind != IF:
        return False
    return kind == ENDIF or top.else_parts is None  # a second else is an error


def _close_directive(directive: _OpenDirective):
    seq = directive.seq
    if seq.kind == FOR:
        return TemplateFor(seq.key_var, seq.value_var, seq.expr,
                           tuple(directive.then_parts), seq.line)
    return TemplateIf(seq.expr, tuple(directive.then_parts),
                      tuple(directive.else_parts or ()), seq.line)
