"""Declarative field specifications: one declaration gives conversion, errors and JSON Schema.

A record class is a frozen dataclass whose fields carry a `Spec` in their metadata
(see `model.py`). `convert_record` turns a YAML mapping node into an instance of such a
class, collecting every problem with its position instead of stopping at the first.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem, closest, key_name, quote, suggest
from .yamlfile import describe, is_null, position

PLACEHOLDER = "TODO:"
T = TypeVar("T")


class Invalid:
    """Marker for a value that failed to convert (its problem is already recorded)."""


INVALID = Invalid()


@dataclass
class Context:
    """Where problems go while one file is converted."""

    path: str
    problems: list[Problem] = field(default_factory=list)
    lines: tuple[str, ...] = ()
    """The file's lines as written, for positions inside Markdown fields."""

    def error(self, node: Node, message: str) -> Invalid:
        line, column = position(node.start_mark)
        self.problems.append(Problem(self.path, line, column, message))
        return INVALID


@dataclass(frozen=True)
class TextSpan:
    """Where a Markdown field's value is written: its first line and column and the
    source lines it covers, so an offset in the value can be found in the file."""

    line: int
    column: int
    source: tuple[str, ...]

    def position(self, value: str, offset: int, token: str) -> tuple[int, int]:
        """Line and column (1-based) of `token`, found at `offset` in the field's value.

        YAML folds, unindents and unescapes what it reads, so the value's offsets are not
        the file's: the same occurrence of the token (the n-th) is looked up in the lines
        as written instead. Falls back to the start of the value.
        """
        nth = value.count(token, 0, offset)
        written = "\n".join(self.source)
        at = self.column - 1
        for _ in range(nth + 1):
            at = written.find(token, at)
            if at < 0:
                return self.line, self.column
            at += 1
        at -= 1
        line = self.line + written.count("\n", 0, at)
        column = at - (written.rfind("\n", 0, at) + 1) + 1
        return line, column


@dataclass(frozen=True)
class Loc:
    """Positions inside a record: of the mapping and of each field's value."""

    path: str
    line: int
    column: int
    fields: dict[str, tuple[int, int]] = field(default_factory=dict)
    texts: dict[str, TextSpan] = field(default_factory=dict)

    def at(self, name: str | None = None) -> tuple[int, int]:
        if name is not None and name in self.fields:
            return self.fields[name]
        return self.line, self.column

    def in_text(self, name: str, value: str, offset: int, token: str) -> tuple[int, int]:
        """The position of `token` at `offset` in the Markdown field `name`."""
        span = self.texts.get(name)
        return span.position(value, offset, token) if span else self.at(name)

    def problem(self, name: str | None, message: str) -> Problem:
        line, column = self.at(name)
        return Problem(self.path, line, column, message)


class Spec:
    """How one field is read and described."""

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError


def _text(node: Node, ctx: Context, name: str, expected: str) -> str | Invalid:
    """The text of a scalar node, or an error naming what was expected."""
    if not isinstance(node, ScalarNode) or is_null(node):
        return ctx.error(node, f"{name}: expected {expected}; got {describe(node)}")
    text = str(node.value)
    if text.startswith(PLACEHOLDER):
        return ctx.error(node, f"{name}: placeholder not filled in; replace it with {expected}")
    if not text.strip():
        return ctx.error(node, f"{name}: expected {expected}; got an empty text")
    return text


@dataclass(frozen=True)
class Line(Spec):
    """One line of plain text, optionally matching a pattern."""

    pattern: str | None = None
    example: str = ""

    @property
    def expected(self) -> str:
        return f"an id like {self.example}" if self.pattern else "one line of text"

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        text = _text(node, ctx, name, self.expected)
        if isinstance(text, Invalid):
            return text
        if "\n" in text.strip():
            return ctx.error(node, f"{name}: expected one line of text; got several lines")
        text = text.strip()
        if self.pattern and not re.fullmatch(self.pattern, text):
            return ctx.error(node, f"{name}: expected {self.expected}; got {quote(text)}")
        return text

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1}
        if self.pattern:
            schema["pattern"] = f"^{self.pattern}$"
        return schema


@dataclass(frozen=True)
class Markdown(Spec):
    """A Markdown text (any number of lines)."""

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        return _text(node, ctx, name, "Markdown text")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "minLength": 1}


@dataclass(frozen=True)
class Choice(Spec):
    """One of a fixed set of words."""

    choices: tuple[str, ...]

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        expected = "one of " + ", ".join(self.choices)
        text = _text(node, ctx, name, expected)
        if isinstance(text, Invalid):
            return text
        if text not in self.choices:
            return ctx.error(
                node,
                f"{name}: expected {expected}; got {quote(text)}{suggest(text, self.choices)}",
            )
        return text

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


@dataclass(frozen=True)
class Date(Spec):
    """A real calendar date written as YYYY-MM-DD, quoted or not."""

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        expected = "a date YYYY-MM-DD"
        text = _text(node, ctx, name, expected)
        if isinstance(text, Invalid):
            return text
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return ctx.error(node, f"{name}: expected {expected}; got {quote(text)}")
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            return ctx.error(node, f"{name}: {quote(text)} is not a real date ({exc})")

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}


@dataclass(frozen=True)
class Version(Spec):
    """A version, read as the text written (unquoted 2.10 is "2.10")."""

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        text = _text(node, ctx, name, "a version such as 2.4.1")
        if isinstance(text, Invalid):
            return text
        if any(ch.isspace() for ch in text.strip()):
            return ctx.error(node, f"{name}: expected a version such as 2.4.1; got {quote(text)}")
        return text.strip()

    def json_schema(self) -> dict[str, Any]:
        return {"type": ["string", "number"]}


@dataclass(frozen=True)
class Integer(Spec):
    """A whole number not below `minimum`."""

    minimum: int = 0

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        expected = f"a whole number ≥ {self.minimum}"
        text = _text(node, ctx, name, expected)
        if isinstance(text, Invalid):
            return text
        if not re.fullmatch(r"[+-]?\d+", text.strip()):
            return ctx.error(node, f"{name}: expected {expected}; got {quote(text)}")
        value = int(text)
        if value < self.minimum:
            return ctx.error(node, f"{name}: expected {expected}; got {value}")
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": self.minimum}


@dataclass(frozen=True)
class ListOf(Spec):
    """A YAML list whose items all follow `item`; a tuple in the model."""

    item: Spec
    nonempty: bool = False

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        if not isinstance(node, SequenceNode):
            return ctx.error(node, f"{name}: expected a list; got {describe(node)}")
        if self.nonempty and not node.value:
            return ctx.error(node, f"{name}: expected a non-empty list; got an empty one")
        values = [
            self.item.convert(child, ctx, f"{name}[{index}]")
            for index, child in enumerate(node.value)
        ]
        if any(isinstance(value, Invalid) for value in values):
            return INVALID
        return tuple(values)

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.nonempty:
            schema["minItems"] = 1
        return schema


@dataclass(frozen=True)
class OneOrList(Spec):
    """One value, or a non-empty list of distinct values (a tuple in the model)."""

    item: Spec

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        if not isinstance(node, SequenceNode):
            return self.item.convert(node, ctx, name)
        values = ListOf(self.item, nonempty=True).convert(node, ctx, name)
        if isinstance(values, Invalid):
            return values
        for index, value in enumerate(values):
            if value in values[:index]:
                return ctx.error(
                    node.value[index], f"{name}[{index}]: {value} is listed twice; list it once"
                )
        return values

    def json_schema(self) -> dict[str, Any]:
        single = self.item.json_schema()
        many = {"type": "array", "items": single, "minItems": 1, "uniqueItems": True}
        return {"oneOf": [single, many]}


@dataclass(frozen=True)
class Nested(Spec):
    """A mapping converted into another declared record class."""

    cls: type[Any]

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        return convert_record(self.cls, node, ctx, prefix=f"{name}.")

    def json_schema(self) -> dict[str, Any]:
        return object_schema(self.cls)


@dataclass(frozen=True)
class FreeMapping(Spec):
    """Any mapping (used for staff-only `internal:` notes), kept as plain text values."""

    def convert(self, node: Node, ctx: Context, name: str) -> Any:
        if not isinstance(node, MappingNode):
            return ctx.error(node, f"{name}: expected a mapping; got {describe(node)}")
        before = len(ctx.problems)
        value = _plain(node, ctx, name)
        return INVALID if len(ctx.problems) > before else value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "object"}


def _plain(node: Node, ctx: Context, name: str) -> Any:
    """Plain Python values of a free-form node; duplicate keys are still errors."""
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(_plain(key_node, ctx, name))
            if key in lines:
                ctx.error(
                    key_node,
                    f"{name}.{key_name(key)}: duplicate key (first given at line {lines[key]}); "
                    "keep only one",
                )
                continue
            lines[key] = key_node.start_mark.line + 1
            result[key] = _plain(value_node, ctx, f"{name}.{key_name(key)}")
        return result
    if isinstance(node, SequenceNode):
        return [_plain(child, ctx, f"{name}[{i}]") for i, child in enumerate(node.value)]
    return None if is_null(node) else str(node.value)


def spec(kind: Spec, doc: str, default: Any = dataclasses.MISSING) -> Any:
    """Declare a record field: its spec, its description and (if optional) its default."""
    metadata = {"spec": kind, "doc": doc}
    if default is dataclasses.MISSING:
        return field(metadata=metadata)
    return field(default=default, metadata=metadata)


def declared_fields(cls: type[Any]) -> dict[str, dataclasses.Field[Any]]:
    """The fields of a record class that are read from YAML, in declaration order."""
    return {f.name: f for f in dataclasses.fields(cls) if "spec" in f.metadata}


_SPECS: dict[type[Any], tuple[tuple[str, Spec], ...]] = {}


def _declared_specs(cls: type[Any]) -> tuple[tuple[str, Spec], ...]:
    """Each declared field's name and spec (asked for every record, several times a
    build: `dataclasses.fields` builds its answer anew on each call)."""
    if cls not in _SPECS:
        _SPECS[cls] = tuple((n, item.metadata["spec"]) for n, item in declared_fields(cls).items())
    return _SPECS[cls]


def is_required(item: dataclasses.Field[Any]) -> bool:
    return item.default is dataclasses.MISSING and item.default_factory is dataclasses.MISSING


def _remember(loc: Loc, key: str, node: Node, kind: Spec, ctx: Context) -> None:
    """Keep where a field's value (and each list item) is, and the source lines of a
    Markdown value, for positions inside it."""
    loc.fields[key] = position(node.start_mark)
    if isinstance(node, SequenceNode):
        for index, child in enumerate(node.value):
            loc.fields[f"{key}[{index}]"] = position(child.start_mark)
    if isinstance(kind, Markdown) and ctx.lines:
        start, end = node.start_mark, node.end_mark
        loc.texts[key] = TextSpan(
            start.line + 1, start.column + 1, ctx.lines[start.line : end.line + 1]
        )


def convert_record(cls: type[T], node: Node, ctx: Context, prefix: str = "") -> T | Invalid:
    """Convert a mapping node into `cls`, recording every problem found in it."""
    if not isinstance(node, MappingNode):
        return ctx.error(
            node,
            f"{prefix.rstrip('.') or 'file'}: expected a mapping of fields; got {describe(node)}",
        )
    known = declared_fields(cls)
    before = len(ctx.problems)
    values: dict[str, Any] = {}
    seen: dict[str, int] = {}
    meant: set[str] = set()  # fields an unknown key was probably meant to be
    line, column = position(node.start_mark)
    loc = Loc(ctx.path, line, column)
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode) or is_null(key_node):
            ctx.error(key_node, f"{prefix}?: expected a field name; got {describe(key_node)}")
            continue
        key = str(key_node.value)
        if key in seen:
            ctx.error(
                key_node,
                f"{prefix}{key_name(key)}: duplicate key (first given at line {seen[key]}); "
                "keep only one",
            )
            continue
        seen[key] = key_node.start_mark.line + 1
        if key not in known:
            match = closest(key, [name for name in known if name not in seen])
            if match:
                meant.add(match)
                ctx.error(
                    key_node, f"{prefix}{key_name(key)}: unknown field; did you mean '{match}'?"
                )
            else:
                ctx.error(
                    key_node,
                    f"{prefix}{key_name(key)}: unknown field; expected one of {', '.join(known)}",
                )
            continue
        _remember(loc, key, value_node, known[key].metadata["spec"], ctx)
        values[key] = known[key].metadata["spec"].convert(value_node, ctx, prefix + key)
    for name, item in known.items():
        if name not in seen and name not in meant and is_required(item):
            ctx.error(node, f"{prefix}{name}: required field is missing")
    if len(ctx.problems) > before:
        return INVALID
    factory: Any = cls
    record: T = factory(**values, loc=loc)
    return record


@dataclass(frozen=True)
class FieldText:
    """One Markdown field's value in a record: `name` as messages show it
    (`fix.instructions`, `practice[0].task`), the record part that holds it and its key."""

    name: str
    value: str
    owner: Any
    key: str

    def position(self, offset: int, token: str) -> tuple[int, int]:
        loc: Loc = self.owner.loc
        return loc.in_text(self.key, self.value, offset, token)


def markdown_texts(record: Any, prefix: str = "") -> list[FieldText]:
    """Every non-empty Markdown field of a record, nested parts included, in order."""
    found: list[FieldText] = []
    for name, kind in _declared_specs(type(record)):
        value = getattr(record, name)
        if isinstance(kind, Markdown) and value:
            found.append(FieldText(prefix + name, value, record, name))
        elif isinstance(kind, Nested) and value is not None:
            found += markdown_texts(value, f"{prefix}{name}.")
        elif isinstance(kind, ListOf) and isinstance(kind.item, Nested):
            for index, part in enumerate(value):
                found += markdown_texts(part, f"{prefix}{name}[{index}].")
    return found


_MARKDOWN_PARTS: dict[type[Any], tuple[tuple[str, str], ...]] = {}


def _markdown_parts(cls: type[Any]) -> tuple[tuple[str, str], ...]:
    """The fields of `cls` that hold Markdown ("text") or parts that may ("part",
    "parts"), in order: worked out once per class."""
    if cls not in _MARKDOWN_PARTS:
        parts: list[tuple[str, str]] = []
        for name, kind in _declared_specs(cls):
            if isinstance(kind, Markdown):
                parts.append((name, "text"))
            elif isinstance(kind, Nested):
                parts.append((name, "part"))
            elif isinstance(kind, ListOf) and isinstance(kind.item, Nested):
                parts.append((name, "parts"))
        _MARKDOWN_PARTS[cls] = tuple(parts)
    return _MARKDOWN_PARTS[cls]


def markdown_values(record: Any) -> Iterator[str]:
    """The values of `markdown_texts(record)`, in the same order, without their names
    and places (for a table of every record's texts: 8,000 at 3,000 records)."""
    for name, what in _markdown_parts(type(record)):
        value = getattr(record, name)
        if not value:
            continue
        if what == "text":
            yield value
        elif what == "part":
            yield from markdown_values(value)
        else:
            for part in value:
                yield from markdown_values(part)


def object_schema(cls: type[Any]) -> dict[str, Any]:
    """JSON Schema of a record class, from the same declarations that convert it."""
    fields = declared_fields(cls)
    properties = {}
    for name, item in fields.items():
        properties[name] = {
            "description": item.metadata["doc"],
            **item.metadata["spec"].json_schema(),
        }
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
    }
    required = [name for name, item in fields.items() if is_required(item)]
    if required:
        schema["required"] = required
    return schema


@dataclass(frozen=True, kw_only=True)
class Located:
    """Base of every declared record class: it remembers where it was read from."""

    loc: Loc = field(default=Loc("", 0, 0), repr=False, compare=False)
