"""Read one YAML file into a tree of nodes that remember their positions.

Only PyYAML's composer runs: no Python object is constructed, so every scalar keeps
the text as written (`2.10` stays "2.10") and its line and column. Anchors and aliases
are refused before anything is expanded; size and depth are limited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .problems import Problem, quote

CParser: Any
try:
    from yaml._yaml import CParser
except ImportError:  # PyYAML built without libyaml
    CParser = None

MAX_FILE_BYTES = 1024 * 1024
MAX_STRING_CHARS = 200_000
MAX_DEPTH = 20
NULL_TAG = "tag:yaml.org,2002:null"


class _TooDeepError(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class _Refusing:
    """Composition that refuses anchors, aliases and deep nesting before any expansion."""

    refused: list[tuple[Any, str]]
    depth: int

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):  # type: ignore[attr-defined]
            event = self.get_event()  # type: ignore[attr-defined]
            self.refused.append((event.start_mark, f"alias '*{event.anchor}'"))
            return ScalarNode(NULL_TAG, "", event.start_mark, event.end_mark)
        event = self.peek_event()  # type: ignore[attr-defined]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.refused.append((event.start_mark, f"anchor '&{anchor}'"))
            event.anchor = None
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeepError(event.start_mark)
        node: Node = super().compose_node(parent, index)  # type: ignore[misc]
        self.depth -= 1
        return node


class _PythonComposer(_Refusing, yaml.SafeLoader):
    """Events from PyYAML's own parser, written in Python."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.refused = []
        self.depth = 0


class _LibyamlComposer(_Refusing, Composer, Resolver):
    """Events from libyaml's parser (about ten times faster), composed here in Python."""

    def __init__(self, text: str) -> None:
        self._events = CParser(text)
        Composer.__init__(self)
        Resolver.__init__(self)
        self.refused = []
        self.depth = 0

    def check_event(self, *choices: Any) -> bool:
        return bool(self._events.check_event(*choices))

    def peek_event(self) -> Any:
        return self._events.peek_event()

    def get_event(self) -> Any:
        return self._events.get_event()

    def dispose(self) -> None:
        self._events.dispose()


def _composer(text: str) -> _PythonComposer | _LibyamlComposer:
    return _LibyamlComposer(text) if CParser is not None else _PythonComposer(text)


def _show(character: Any) -> str:
    code = character if isinstance(character, int) else ord(character)
    return f"U+{code:04X} ({chr(code)!r})"


def _character_problem(text: str, index: int, display: str) -> Problem:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Problem(
        display,
        line,
        column,
        f"character {_show(text[index])} is not allowed in a YAML file; "
        "remove it or write it as text",
    )


def position(mark: Any) -> tuple[int, int]:
    """1-based line and column of a PyYAML mark."""
    return mark.line + 1, mark.column + 1


def describe(node: Node) -> str:
    """How a value reads in an error message: 'majr', a list, a mapping, nothing."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if is_null(node):
        return "nothing"
    return quote(str(node.value))


def is_null(node: Node) -> bool:
    """A plain `~`, `null` or nothing (libyaml marks plain scalars with style '')."""
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG and not node.style


def _decode(data: bytes, display: str) -> tuple[str | None, list[Problem]]:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", "replace")) + 1
        guess = _guess_encoding(data)
        return None, [
            Problem(
                display,
                line,
                column,
                f"file is not UTF-8{guess}; save it as UTF-8",
            )
        ]


def _guess_encoding(data: bytes) -> str:
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return ""
    cyrillic = sum("\u0400" <= ch <= "\u04ff" for ch in text)
    return " (it looks like cp1251, the Windows Cyrillic encoding)" if cyrillic else ""


def _long_strings(node: Node, display: str) -> list[Problem]:
    problems: list[Problem] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ScalarNode):
            if len(current.value) > MAX_STRING_CHARS:
                line, column = position(current.start_mark)
                problems.append(
                    Problem(
                        display,
                        line,
                        column,
                        f"text of {len(current.value):,} characters is too long; "
                        f"the limit is {MAX_STRING_CHARS:,}",
                    )
                )
        elif isinstance(current, SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
    return problems


def read_yaml(path: Path, display: str) -> tuple[Node | None, list[Problem]]:
    """Read `path` into a node tree; `display` is the path as the user should see it.

    Returns the root node (None for an empty file or when reading failed) and the
    problems found. Nothing is raised for a problem in the file itself.
    """
    node, problems, _text = read_yaml_text(path, display)
    return node, problems


def read_yaml_text(path: Path, display: str) -> tuple[Node | None, list[Problem], str]:
    """`read_yaml`, also returning the decoded text ('' when it could not be read), so
    that positions inside a Markdown field can be found in the lines as written."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return (
                None,
                [
                    Problem(
                        display,
                        1,
                        1,
                        f"file of {size:,} bytes is too large; the limit is {MAX_FILE_BYTES:,}",
                    )
                ],
                "",
            )
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, 0, f"cannot read the file: {exc.strerror}")], ""
    text, problems = _decode(data, display)
    if text is None:
        return None, problems, ""
    node, more = _compose(text, display)
    return node, problems + more, text


def _compose(text: str, display: str) -> tuple[Node | None, list[Problem]]:
    problems: list[Problem] = []
    bad = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if bad:  # checked here so that both parsers report the same position
        return None, [_character_problem(text, bad.start(), display)]
    composer: _PythonComposer | _LibyamlComposer | None = None
    node: Node | None
    try:
        composer = _composer(text)
        node = composer.get_single_node()
    except _TooDeepError as exc:
        line, column = position(exc.mark)
        return None, [Problem(display, line, column, f"nesting deeper than {MAX_DEPTH} levels")]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = position(mark) if mark else (1, 1)
        what = exc.problem or "invalid YAML"
        if exc.context:
            what = f"{exc.context}: {what}"
        return None, [Problem(display, line, column, f"YAML syntax error: {what}")]
    except yaml.reader.ReaderError as exc:
        return None, [_character_problem(text, exc.position, display)]
    finally:
        if composer is not None:
            composer.dispose()
    for mark, what in composer.refused:
        line, column = position(mark)
        problems.append(
            Problem(
                display,
                line,
                column,
                f"YAML {what} is not allowed; write the value out in full",
            )
        )
    if node is not None:
        problems.extend(_long_strings(node, display))
    return node, problems
