"""YAML loading that keeps line numbers and leaves dates as plain strings.

Dates stay strings so that the JSON Schemas can check them and so that error messages can quote
exactly what the contributor wrote.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from .errors import BuildError


class _Loader(yaml.SafeLoader):
    def compose_node(self, parent, index):
        # An alias (*name) repeats a node; nine nested ones make a 1 KB file expand to gigabytes.
        # Nothing the project reads needs them, so they are refused before anything expands.
        if self.check_event(yaml.events.AliasEvent):
            where = self.peek_event().start_mark
            why = "aliases (*name) are not allowed: write the value out"
            raise yaml.composer.ComposerError(None, None, why, where)
        return super().compose_node(parent, index)


# Drop the timestamp resolver: "2016-12-12" stays a string, checked by the schema.
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class LineDict(dict):
    """A mapping that remembers the line of each key (1-based, relative to the YAML text)."""

    line: int = 0
    key_lines: dict[str, int]
    item_lines: dict[str, list[int]]  # for a key whose value is a list: the line of each item


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    out.item_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            )
        if key in out:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = key_node.start_mark.line + 1
        if isinstance(value_node, yaml.SequenceNode):
            out.item_lines[str(key)] = [n.start_mark.line + 1 for n in value_node.value]
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)

# The same loader over libyaml's parser (when PyYAML has it), about ten times faster: reading the front
# matter of 10,000 seeds took 15 s with the Python one. It is used only for a text with no anchor (&)
# and no alias (*), which its C composer cannot refuse one by one, and it only stands in for the
# Python loader: a text it finds an error in is read again by the Python loader, whose message (and
# line) is the one given. tests/test_hardening.py compares both loaders' results.
_CLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):
        pass

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load(text: str) -> Any:
    if _CLoader is not None and "*" not in text and "&" not in text:
        try:
            return yaml.load(text, Loader=_CLoader)  # noqa: S506 - CSafeLoader subclass
        except yaml.YAMLError:
            pass  # read again below, for the Python loader's own message
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass


def load_yaml(text: str, path: Path | str, line_offset: int = 0) -> Any:
    """Parse YAML text; syntax errors become BuildError with the file's real line number."""
    try:
        data = _load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + line_offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise BuildError(path, line, f"YAML error: {problem}") from None
    _shift_lines(data, line_offset)
    return data


def _shift_lines(data: Any, offset: int) -> None:
    if not offset:
        return
    if isinstance(data, LineDict):
        data.line += offset
        data.key_lines = {k: v + offset for k, v in data.key_lines.items()}
        data.item_lines = {k: [v + offset for v in vs] for k, vs in data.item_lines.items()}
        for v in data.values():
            _shift_lines(v, offset)
    elif isinstance(data, list):
        for v in data:
            _shift_lines(v, offset)


def line_of(data: Any, path: list) -> int | None:
    """Best line for a JSON-Schema error path inside line-annotated data."""
    line = getattr(data, "line", None)
    node = data
    for i, part in enumerate(path):
        if isinstance(node, LineDict) and str(part) in node.key_lines:
            line = node.key_lines[str(part)]
            items = node.item_lines.get(str(part), [])
            nxt = path[i + 1] if i + 1 < len(path) else None
            if isinstance(nxt, int) and nxt < len(items):
                line = items[nxt]
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            line = getattr(node, "line", line)
        else:
            break
    return line


def read_text_utf8(path: Path, display: str | None = None) -> str:
    """Read a file as UTF-8, naming the line of the first bad byte."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise BuildError(
            display or path,
            line,
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
        ) from None
    return text.removeprefix("\ufeff")


# Characters a YAML double-quoted scalar must not hold as they are: PyYAML rejects non-printable ones,
# and reads NEL, LS and PS as line breaks. They are written as escapes instead.
_YAML_UNSAFE = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar that reads back as exactly `text`, whatever characters it holds."""

    def esc(m: re.Match) -> str:
        c = m.group(0)
        if c in _ESCAPES:
            return _ESCAPES[c]
        n = ord(c)
        return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}" if n < 0x10000 else f"\\U{n:08x}"

    out = re.sub(r'[\\"]', lambda m: _ESCAPES[m.group(0)], text)
    return '"' + _YAML_UNSAFE.sub(esc, out) + '"'


def yaml_scalar(value: object) -> str:
    """A YAML value that reads back as exactly `value` (a string, None, a bool or a number)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return yaml_quote(str(value))
