"""The record-format reference for writers (/kb-format/), read from the model itself.

The same declarations that convert records and give their JSON Schema (records/model.py,
records/schema.py, records/jsonschema.py) give every file, field, requirement and allowed
value here; the rules come from records/rules.py and the examples are the packaged example
knowledge base (templates/kb-example/), which tests load as a valid kb.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..records.jsonschema import SCHEMA_FILES
from ..records.rules import RULES
from ..records.schema import (
    Choice,
    Date,
    FreeMapping,
    Integer,
    Line,
    ListOf,
    Markdown,
    Nested,
    Spec,
    Version,
    declared_fields,
    is_required,
)
from . import safe

EXAMPLES = Path(__file__).resolve().parent.parent / "templates" / "kb-example"
FILES = {  # the file of each kind: its name in kb/, and its example's
    "product": ("product.yaml", "product.yaml"),
    "modules": ("modules.yaml", "modules.yaml"),
    "releases": ("releases.yaml", "releases.yaml"),
    "fault": ("faults/F-NNNN.yaml", "faults/F-0042.yaml"),
    "proposal": ("proposals/P-NNNN.yaml", "proposals/P-0007.yaml"),
    "faq": ("faq/Q-NNNN.yaml", "faq/Q-0001.yaml"),
    "course": ("training/course.yaml", "training/course.yaml"),
    "lesson": ("training/T-NN.yaml", "training/T-01.yaml"),
}


@dataclass(frozen=True)
class FieldDoc:
    """One row of a field table, every cell ready for a Markdown table."""

    name: str
    required: str
    value: str
    doc: str


@dataclass(frozen=True)
class Table:
    """The fields of one mapping: a file's, or a nested one's (`fix`, `quiz[]`)."""

    name: str
    fields: tuple[FieldDoc, ...]


@dataclass(frozen=True)
class FileDoc:
    kind: str
    path: str
    example_path: str
    is_list: bool
    tables: tuple[Table, ...]
    rules: tuple[str, ...]
    example: str
    fence: str = field(default="```")


def _code(text: str) -> str:
    return f"`{text}`"


def value_text(kind: Spec, labels: Mapping[str, str]) -> str:
    """What a field holds, for a table cell: 'one of `a`, `b`', 'a date YYYY-MM-DD'…"""
    if isinstance(kind, Choice):
        return labels["fmt_one_of"] + " " + ", ".join(_code(c) for c in kind.choices)
    if isinstance(kind, Line):
        return (
            labels["fmt_id_like"].format(example=_code(kind.example))
            if kind.pattern
            else (labels["fmt_line"])
        )
    if isinstance(kind, Integer):
        return labels["fmt_integer"].format(minimum=kind.minimum)
    if isinstance(kind, ListOf):
        start = labels["fmt_nonempty_list" if kind.nonempty else "fmt_list"]
        return f"{start}: {value_text(kind.item, labels)}"
    if isinstance(kind, Nested):
        return labels["fmt_nested"]
    simple: dict[type[Spec], str] = {
        Markdown: "fmt_markdown",
        Date: "fmt_date",
        Version: "fmt_version",
        FreeMapping: "fmt_free",
    }
    return labels[simple[type(kind)]]


def _required(item: Any, labels: Mapping[str, str]) -> str:
    if is_required(item):
        return labels["fmt_yes"]
    default = item.default
    if default in (None, ()):
        return labels["fmt_no"]
    shown = ", ".join(default) if isinstance(default, tuple) else str(default)
    return labels["fmt_no_default"].format(default=_code(shown))


def _nested_class(kind: Spec) -> type[Any] | None:
    if isinstance(kind, ListOf):
        return _nested_class(kind.item)
    return kind.cls if isinstance(kind, Nested) else None


def tables(cls: type[Any], labels: Mapping[str, str], name: str = "") -> list[Table]:
    """The table of `cls`, then one per nested mapping, depth first."""
    rows = []
    nested: list[Table] = []
    for field_name, item in declared_fields(cls).items():
        kind: Spec = item.metadata["spec"]
        rows.append(
            FieldDoc(
                _code(field_name),
                _required(item, labels),
                value_text(kind, labels),
                safe.inline(item.metadata["doc"]),
            )
        )
        inner = _nested_class(kind)
        if inner is not None:
            suffix = "[]" if isinstance(kind, ListOf) else ""
            nested += tables(inner, labels, f"{name}{field_name}{suffix}.")
    return [Table(name.rstrip("."), tuple(rows)), *nested]


def _fence(text: str) -> str:
    """A code fence longer than any run of backticks in `text`."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def example(kind: str) -> str:
    return (EXAMPLES / FILES[kind][1]).read_text(encoding="utf-8")


def reference(labels: Mapping[str, str]) -> list[FileDoc]:
    """Every file of a kb/, in the order a writer meets them."""
    docs = []
    for kind, (cls, is_list) in SCHEMA_FILES.items():
        text = example(kind)
        docs.append(
            FileDoc(
                kind=kind,
                path=FILES[kind][0],
                example_path=FILES[kind][1],
                is_list=is_list,
                tables=tuple(tables(cls, labels)),
                rules=RULES.get(kind, ()),
                example=text,
                fence=_fence(text),
            )
        )
    return docs


def general_rules() -> tuple[str, ...]:
    return RULES["files"]
