"""Read one YAML file into a tree of nodes that remember their positions.

Only PyYAML's composer runs: no Python object is constructed, so every scalar keeps
the text as written (`2.10` stays "2.10") and its line and column. Anchors and aliases
are refused before anything is expanded; size and depth are limited.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem

MAX_FILE_BYTES = 1024 * 1024
MAX_STRING_CHARS = 200_000
MAX_DEPTH = 20
NULL_TAG = "tag:yaml.org,2002:null"


class _TooDeepError(Exception):
    def __init__(self, mark: Any) -> None:
        self.mark = mark


class _Composer(yaml.SafeLoader):
    """A loader used only to compose nodes; it refuses anchors, aliases and deep nesting."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.refused: list[tuple[Any, str]] = []
        self.depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        if self.check_event(yaml.AliasEvent):
            event = self.get_event()  # type: ignore[no-untyped-call]
            self.refused.append((event.start_mark, f"alias '*{event.anchor}'"))
            return ScalarNode(NULL_TAG, "", event.start_mark, event.end_mark)
        event = self.peek_event()  # type: ignore[no-untyped-call]
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            self.refused.append((event.start_mark, f"anchor '&{anchor}'"))
            event.anchor = None
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeepError(event.start_mark)
        node: Node = super().compose_node(parent, index)  # type: ignore[assignment]
        self.depth -= 1
        return node


def _show(character: Any) -> str:
    code = character if isinstance(character, int) else ord(character)
    return f"U+{code:04X} ({chr(code)!r})"


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
    text = str(node.value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


def is_null(node: Node) -> bool:
    return isinstance(node, ScalarNode) and node.tag == NULL_TAG and node.style is None


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
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                Problem(
                    display,
                    1,
                    1,
                    f"file of {size:,} bytes is too large; the limit is {MAX_FILE_BYTES:,}",
                )
            ]
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(display, 0, 0, f"cannot read the file: {exc.strerror}")]
    text, problems = _decode(data, display)
    if text is None:
        return None, problems
    composer: _Composer | None = None
    node: Node | None
    try:
        composer = _Composer(text)
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
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        return None, [
            Problem(
                display,
                line,
                column,
                f"character {_show(exc.character)} is not allowed in a YAML file; "
                "remove it or write it as text",
            )
        ]
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
