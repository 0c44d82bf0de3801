"""HCL2 native syntax -> a flat list of tokens, in one pass.

Like HCL's own scanner, it keeps a stack of modes: expression text, a quoted template
(`"..."`), a heredoc body, and the `${...}` / `%{...}` sequences inside templates, so a
template's literal text and the expressions in its sequences come out as one token stream.
Comments are dropped (a line comment leaves its newline, which ends an attribute).

A token is a tuple (kind, value, line). Punctuation and operators are their own kind
("{", "==", "..."); the others are:

    name      identifier or keyword, value = the text
    number    value = the text
    nl        a newline
    qstr      a quoted string without sequences, value = the text, escapes decoded
    oquote / cquote          opening / closing `"` of any other quoted template
    oheredoc / cheredoc      `<<EOT` / `<<-EOT` (value = True for `<<-`) / its closing marker
    lit       literal template text, escapes decoded (value = the text)
    interp / directive       `${` / `%{` (value = True when followed by the `~` strip marker)
    seqend    the `}` closing a sequence (value = True when preceded by `~`)
    str       a `\\"...\\"` string, Terraform 0.11 style, inside a sequence (value = the text)
    eof

Input problems are InputError(message, path, line); the token count is bounded.
"""
from __future__ import annotations

import re
import sys

from checker.errors import InputError
from checker.hcl.templates import unescape

__all__ = ["scan", "scan_template", "MAX_TOKENS"]

# Tokens one file may have. Parse time and memory grow with tokens (~3 us and ~100 bytes
# each); ordinary Terraform has ~0.15 tokens per byte, so this admits several MB of
# ordinary source while a file of a million newlines or operators is refused quickly.
MAX_TOKENS = 500_000

# A run of plain characters in a quoted string: possessive where Python has it (3.11), so that a
# string left open on its line fails in linear time either way.
_PLAIN_RUN = r'[^"\\$%\n]++' if sys.version_info >= (3, 11) else r'[^"\\$%\n]'

# One token per match, with the blanks before it (the end of the text matches as `end`).
_EXPRESSION_RE = re.compile(r"""
  [ \t\r\f\v]*
  (?:
    (?P<name>[^\W\d][\w-]*)
  | (?P<nl>\n)
  | (?P<comment>(?:\#|//)[^\n]*)
  | (?P<block>/\*)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<heredoc><<)
  | (?P<op>==|!=|<=|>=|&&|\|\||=>|\.\.\.|::|[-+*/%<>=!?:,.()\[\]])
  | (?P<brace>[{}])
  | (?P<string>"(?:PLAIN_RUN|\\.|\$\$\{|%%\{|\$(?!\{)|%(?!\{))*")    # no sequence in it
  | (?P<quote>")
  | (?P<strip>~[ \t]*})
  | (?P<escaped>\\"(?:[^"\\\n]|\\.)*\\")
  | (?P<end>\Z)
  )
""".replace("PLAIN_RUN", _PLAIN_RUN), re.X)
_INTEGER_RE = re.compile(r"[0-9]+")          # after a `.`: `a.0.1` is two legacy indexes
_HEREDOC_HEAD_RE = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)[ \t]*\n")
# Literal text of a quoted template: up to a quote, a backslash that is not an escape, a
# newline (quoted templates are one line) or a sequence start. `$${` and `%%{` are escapes.
_QUOTED_TEXT_RE = re.compile(r'(?:[^"\\$%\n]+|\\.|\$\$\{|%%\{|\$(?!\{)|%(?!\{))+')
_HEREDOC_TEXT_RE = re.compile(r"(?:[^$%]+|\$\$\{|%%\{|\$(?!\{)|%(?!\{))+")
_SEQUENCE_RE = re.compile(r"([$%])\{(~?)")
_marker_res: dict = {}    # heredoc marker -> the regular expression of its closing line

# Modes on the stack, as tuples whose first item is the kind:
#   (_EXPR,)  the file's top level          (_BRACE,)  inside `{ }` in expression text
#   (_SEQ, None, line, "${" or "%{")        a template sequence, opened on `line`
#   (_QUOTED, line)                         a quoted template, opened on `line`
#   (_HEREDOC, body_end, after_marker, first_line or None for a template file, outer_limit)
_EXPR, _BRACE, _SEQ, _QUOTED, _HEREDOC = range(5)


def scan(text: str, path: str, first_line: int = 1) -> list:
    """The tokens of a whole HCL file (`text` already free of BOM and CR LF)."""
    return _Scanner(text, path, first_line).run([(_EXPR,)])


def scan_template(text: str, path: str) -> list:
    """The tokens of a template file (templatefile()): a heredoc body that is the whole text."""
    scanner = _Scanner(text, path, 1)
    return scanner.run([(_EXPR,), (_HEREDOC, len(text), len(text), None, len(text))])


class _Scanner:
    def __init__(self, text: str, path: str, first_line: int):
        self.text = text
        self.path = path
        self.line = first_line

    def error(self, message: str, line: int) -> InputError:
        return InputError(message, self.path, line)

    def run(self, modes: list) -> list:
        text, n = self.text, len(self.text)
        tokens: list = []
        append = tokens.append
        expression_match = _EXPRESSION_RE.match
        pos = 0
        limit = modes[-1][4] if modes[-1][0] == _HEREDOC else n  # end of the innermost heredoc
        while True:
            if len(tokens) > MAX_TOKENS:
                raise self.error(f"too large to parse: more than {MAX_TOKENS:,} tokens; "
                                 "split the file", self.line)
            mode = modes[-1]
            kind = mode[0]
            if kind == _QUOTED:
                pos = self.quoted_text(pos, mode, modes, tokens)
                continue
            if kind == _HEREDOC:
                pos, limit = self.heredoc_text(pos, mode, modes, tokens, limit)
                continue
            # ---- expression mode: token after token until the mode changes
            countdown = 4096   # tokens between two checks of the budget
            while countdown:
                countdown -= 1
                m = expression_match(text, pos, limit)
                if m is None:
                    self.unexpected_character(pos)
                group = m.lastgroup
                end = m.end()
                if group == "name":
                    append(("name", m.group(group), self.line))
                elif group == "op":
                    op = m.group(group)
                    append((op, op, self.line))
                elif group == "string":
                    append(("qstr", self.simple_string(m.group(group)), self.line))
                elif group == "nl":
                    append(("nl", None, self.line))
                    self.line += 1
                elif group == "comment":
                    pass
                elif group == "number":
                    start = m.start(group)
                    if tokens and tokens[-1][0] == ".":
                        end = _INTEGER_RE.match(text, start).end()
                    append(("number", text[start:end], self.line))
                elif group == "block":
                    close = text.find("*/", end, limit)
                    if close < 0:
                        raise self.error("unterminated /* comment", self.line)
                    end = close + 2
                    self.line += text.count("\n", pos, end)
                elif group == "escaped":
                    try:
                        value = unescape(m.group(group)[2:-2])
                    except ValueError as exc:
                        raise self.error(str(exc), self.line) from None
                    append(("str", value, self.line))
                elif group == "end":
                    self.check_sequences_closed(modes)
                    append(("eof", None, self.line))
                    return tokens
                else:   # the mode changes
                    pos = self.change_mode(group, m, end, kind, modes, tokens, limit)
                    if group == "heredoc":
                        pos, limit = pos
                    break
                pos = end

    def change_mode(self, group: str, m: re.Match, end: int, kind: int, modes: list,
                    tokens: list, limit: int):
        """A token that opens or closes a mode; the position after it (and for a heredoc,
        the new limit)."""
        if group == "brace":
            if m.group(group) == "{":
                modes.append((_BRACE,))
                tokens.append(("{", "{", self.line))
            elif kind == _SEQ:
                modes.pop()
                tokens.append(("seqend", False, self.line))
            else:
                if kind == _BRACE:
                    modes.pop()
                tokens.append(("}", "}", self.line))
        elif group == "quote":
            modes.append((_QUOTED, self.line))
            tokens.append(("oquote", None, self.line))
        elif group == "heredoc":
            return self.heredoc_head(m.start(group), modes, tokens, limit)
        else:   # strip: `~}`
            if kind != _SEQ:
                raise self.error("unexpected '~'", self.line)
            modes.pop()
            tokens.append(("seqend", True, self.line))
        return end

    def simple_string(self, quoted: str) -> str:
        """The value of a quoted string with no template sequence."""
        raw = quoted[1:-1]
        if "$${" in raw or "%%{" in raw:
            raw = raw.replace("$${", "${").replace("%%{", "%{")
        try:
            return unescape(raw)
        except ValueError as exc:
            raise self.error(str(exc), self.line) from None

    def unexpected_character(self, pos: int) -> None:
        text = self.text
        while text[pos] in " \t\r\f\v":
            pos += 1
        if text.startswith("${", pos):
            raise self.error("unexpected '${' (interpolation belongs inside a quoted string)",
                             self.line)
        raise self.error(f"unexpected {text[pos]!r}", self.line)

    def check_sequences_closed(self, modes: list) -> None:
        """At the end of the input or of a heredoc body: no `${` / `%{` may be open."""
        for mode in reversed(modes):
            if mode[0] == _SEQ:
                raise self.error(f"unclosed template sequence {mode[3]}", mode[2])

    # ------------------------------------------------------------ templates
    def quoted_text(self, pos: int, mode: tuple, modes: list, tokens: list) -> int:
        text = self.text
        m = _QUOTED_TEXT_RE.match(text, pos)
        if m is not None:
            raw = m.group()
            if "$${" in raw or "%%{" in raw:
                raw = raw.replace("$${", "${").replace("%%{", "%{")
            try:
                tokens.append(("lit", unescape(raw), self.line))
            except ValueError as exc:
                raise self.error(str(exc), self.line) from None
            pos = m.end()
        char = text[pos:pos + 1]
        if char == '"':
            modes.pop()
            tokens.append(("cquote", None, self.line))
            return pos + 1
        seq = _SEQUENCE_RE.match(text, pos)
        if seq is None:  # a newline, the end of the file or a lone backslash
            raise self.error("unterminated string", mode[1])
        return self.open_sequence(seq, modes, tokens)

    def open_sequence(self, seq: re.Match, modes: list, tokens: list) -> int:
        marker = seq.group(1) + "{"
        modes.append((_SEQ, None, self.line, marker))
        tokens.append(("interp" if marker == "${" else "directive", bool(seq.group(2)), self.line))
        return seq.end()

    def heredoc_head(self, pos: int, modes: list, tokens: list, limit: int) -> tuple[int, int]:
        """`<<EOT` / `<<-EOT`: find the closing marker line and enter the body."""
        text = self.text
        head = _HEREDOC_HEAD_RE.match(text, pos)
        if head is None:
            raise self.error("invalid heredoc: expected <<MARKER or <<-MARKER and a newline",
                             self.line)
        marker = head.group(2)
        closing = _marker_res.get(marker)
        if closing is None:
            if len(_marker_res) > 256:   # hostile input: thousands of distinct markers
                _marker_res.clear()
            closing = _marker_res[marker] = re.compile(
                r"^[ \t]*" + re.escape(marker) + r"[ \t]*$", re.M)
        body_start = head.end()
        close = closing.search(text, body_start, limit)
        if close is None:
            raise self.error(f"unterminated heredoc <<{marker}", self.line)
        tokens.append(("oheredoc", bool(head.group(1)), self.line))
        self.line += 1
        modes.append((_HEREDOC, close.start(), close.end(), self.line, limit))
        return body_start, close.start()

    def heredoc_text(self, pos: int, mode: tuple, modes: list, tokens: list,
                     limit: int) -> tuple[int, int]:
        text = self.text
        end = mode[1]
        if pos < end:
            m = _HEREDOC_TEXT_RE.match(text, pos, end)
            if m is not None:
                raw = m.group()
                if "$${" in raw or "%%{" in raw:
                    raw = raw.replace("$${", "${").replace("%%{", "%{")
                tokens.append(("lit", raw, self.line))
                self.line += raw.count("\n")
                pos = m.end()
            if pos < end:  # the text stopped at a sequence
                seq = _SEQUENCE_RE.match(text, pos)
                if seq is None:  # cannot happen: every other character is template text
                    raise self.error("unreadable heredoc text", self.line)
                return self.open_sequence(seq, modes, tokens), limit
        modes.pop()
        if mode[3] is not None:  # (a template file's body ends with the input instead)
            tokens.append(("cheredoc", None, self.line))
        return mode[2], mode[4]
