"""Read a CloudFormation template (YAML or JSON) into plain data that remembers its lines.

YAML is read with a safe PyYAML loader (libyaml's when available): only the node graph is composed by PyYAML;
nodes are turned into data here, so the short-form tags (!Ref, !GetAtt A.B, !Sub, ...) become
their long form ({"Ref": ...}, {"Fn::GetAtt": [A, B]}) and every mapping remembers the line of
each key. Work is bounded: alias expansions and the total number of nodes built are counted
(a "billion laughs" file is refused with an InputError naming the file), and so is the depth.

JSON is read by a small scanner (json's own string decoder for strings) so that keys carry
lines as well; JSON that is not valid is an InputError with its line.
"""
from __future__ import annotations

import bisect
import json
import re
from typing import Any

import yaml

from ..errors import InputError

MAX_NODES = 500_000       # values built, counting every alias expansion
MAX_DEPTH = 200


class LineDict(dict):
    """A mapping that knows its own line and the line of each key."""
    __slots__ = ("line", "lines")

    def __init__(self, *args, line: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.line = line
        self.lines: dict = {}


class LineList(list):
    """A sequence that knows its own line and the line of each item."""
    __slots__ = ("line", "lines")

    def __init__(self, *args, line: int = 0):
        super().__init__(*args)
        self.line = line
        self.lines: list = []


def line_of(container: Any, key: Any, default: int = 0) -> int:
    """Line of `container[key]` when known (LineDict key or LineList index)."""
    if isinstance(container, LineDict):
        return container.lines.get(key, default)
    if isinstance(container, LineList) and isinstance(key, int) and 0 <= key < len(container.lines):
        return container.lines[key] or default
    return default


# Short-form tag -> long-form key.
TAGS = {
    "!Ref": "Ref", "!Condition": "Condition",
    **{f"!{name}": f"Fn::{name}" for name in (
        "GetAtt", "Sub", "Join", "Select", "Split", "If", "Equals", "And", "Or", "Not",
        "FindInMap", "ImportValue", "Base64", "GetAZs", "Cidr", "Transform", "ToJsonString",
        "Length", "ForEach")},
}


# libyaml's parser when PyYAML was built with it (about ten times faster than the pure-Python
# one); the nodes it composes carry the same marks, and construction stays in Python.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CfnLoader(_SafeLoader):
    """Safe YAML loader for templates: no Python object tags; CloudFormation tags kept.
    Dates stay strings (`Version: 2012-10-17` is a policy language version, not a date)."""


CfnLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class _Builder:
    def __init__(self, loader: CfnLoader, rel: str):
        self.loader = loader
        self.rel = rel
        self.count = 0

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise InputError(f"template expands to more than {MAX_NODES} values (YAML alias "
                             "expansion?); refused", self.rel, node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise InputError(f"nesting deeper than {MAX_DEPTH} levels; refused", self.rel,
                             node.start_mark.line + 1)
        tag = node.tag
        if tag in TAGS:
            return self._short_form(node, TAGS[tag], depth)
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, depth, line)
        if isinstance(node, yaml.SequenceNode):
            out = LineList(line=line)
            for item in node.value:
                out.append(self.build(item, depth + 1))
                out.lines.append(item.start_mark.line + 1)
            return out
        if tag.startswith("!"):
            # An unknown local tag: keep the value as written.
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except (ValueError, TypeError, AttributeError, OverflowError):  # e.g. `!!timestamp null`
            raise InputError(f"invalid value for the YAML tag {tag}", self.rel, line) from None

    def _mapping(self, node: yaml.MappingNode, depth: int, line: int) -> LineDict:
        out = LineDict(line=line)
        merges = []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                merges.append(value_node)
                continue
            key = self.build(key_node, depth + 1)
            if isinstance(key, (dict, list)):
                raise InputError("a mapping key must be a scalar", self.rel, key_node.start_mark.line + 1)
            key = key if isinstance(key, str) else str(key) if not isinstance(key, bool) else str(key).lower()
            out[key] = self.build(value_node, depth + 1)
            out.lines[key] = key_node.start_mark.line + 1
        for merge in merges:   # YAML merge keys: explicit keys win
            sources = merge.value if isinstance(merge, yaml.SequenceNode) else [merge]
            for source in sources:
                value = self.build(source, depth + 1)
                if isinstance(value, LineDict):
                    for k, v in value.items():
                        if k not in out:
                            out[k] = v
                            out.lines[k] = value.lines.get(k, line)
        return out

    def _short_form(self, node: yaml.Node, name: str, depth: int) -> LineDict:
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            value: Any = self._mapping(node, depth + 1, line)
        elif isinstance(node, yaml.SequenceNode):
            value = LineList(line=line)
            for item in node.value:
                value.append(self.build(item, depth + 1))
                value.lines.append(item.start_mark.line + 1)
        else:
            value = node.value
            if name == "Fn::GetAtt":
                resource, _, attribute = value.partition(".")
                value = LineList([resource, attribute], line=line)
                value.lines = [line, line]
        out = LineDict({name: value}, line=line)
        out.lines[name] = line
        return out


def load_yaml(text: str, rel: str) -> Any:
    """The template as LineDict/LineList data; InputError with a line when it is not YAML."""
    try:
        loader = CfnLoader(text)
    except yaml.YAMLError as exc:   # e.g. a control character, found before parsing
        raise InputError(f"invalid YAML: {exc}", rel) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _Builder(loader, rel).build(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        raise InputError(f"invalid YAML: {exc.problem or exc.context}", rel, line) from None
    except yaml.YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}", rel) from None
    except RecursionError:
        raise InputError("nesting too deep; refused", rel) from None
    finally:
        loader.dispose()


# ------------------------------------------------------------------ JSON with lines
_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")


class _JSONScanner:
    def __init__(self, text: str, rel: str):
        self.text = text
        self.rel = rel
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.count = 0

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def error(self, message: str, pos: int) -> InputError:
        return InputError(f"invalid JSON: {message}", self.rel, self.line(pos))

    def skip(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()

    def value(self, pos: int, depth: int):
        self.count += 1
        if depth > MAX_DEPTH:
            raise self.error(f"nesting deeper than {MAX_DEPTH} levels; refused", pos)
        if self.count > MAX_NODES:
            raise self.error(f"more than {MAX_NODES} values; refused", pos)
        text = self.text
        if pos >= len(text):
            raise self.error("unexpected end of file", pos)
        ch = text[pos]
        if ch == "{":
            out = LineDict(line=self.line(pos))
            pos = self.skip(pos + 1)
            if text.startswith("}", pos):
                return out, pos + 1
            while True:
                if not text.startswith('"', pos):
                    raise self.error("expected a string key", pos)
                key_line = self.line(pos)
                try:
                    key, pos = json.decoder.scanstring(text, pos + 1)
                except json.JSONDecodeError as exc:
                    raise self.error(exc.msg, exc.pos) from None
                pos = self.skip(pos)
                if not text.startswith(":", pos):
                    raise self.error("expected ':'", pos)
                item, pos = self.value(self.skip(pos + 1), depth + 1)
                out[key] = item
                out.lines[key] = key_line
                pos = self.skip(pos)
                if text.startswith(",", pos):
                    pos = self.skip(pos + 1)
                    continue
                if text.startswith("}", pos):
                    return out, pos + 1
                raise self.error("expected ',' or '}'", pos)
        if ch == "[":
            out = LineList(line=self.line(pos))
            pos = self.skip(pos + 1)
            if text.startswith("]", pos):
                return out, pos + 1
            while True:
                out.lines.append(self.line(pos))
                item, pos = self.value(pos, depth + 1)
                out.append(item)
                pos = self.skip(pos)
                if text.startswith(",", pos):
                    pos = self.skip(pos + 1)
                    continue
                if text.startswith("]", pos):
                    return out, pos + 1
                raise self.error("expected ',' or ']'", pos)
        if ch == '"':
            try:
                return json.decoder.scanstring(text, pos + 1)
            except json.JSONDecodeError as exc:
                raise self.error(exc.msg, exc.pos) from None
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, pos):
                return val, pos + len(word)
        m = _NUMBER.match(text, pos)
        if m and m.end() > pos:
            number = m.group(0)
            return (float(number) if m.group(1) or m.group(2) else int(number)), m.end()
        raise self.error(f"unexpected character {ch!r}", pos)


def load_json(text: str, rel: str) -> Any:
    scanner = _JSONScanner(text, rel)
    value, pos = scanner.value(scanner.skip(0), 0)
    pos = scanner.skip(pos)
    if pos != len(text):
        raise scanner.error("extra data after the document", pos)
    return value
