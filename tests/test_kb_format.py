"""The record-format reference (/kb-format/): made from the model, its examples a valid kb."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import RunRkb
from rkb import load_kb
from rkb.records.jsonschema import SCHEMA_FILES
from rkb.records.rules import RULES
from rkb.records.schema import ListOf, Nested, Spec, declared_fields
from rkb.render import kbformat
from rkb.render.labels import EN, RU


def test_the_examples_are_a_valid_knowledge_base() -> None:
    kb = load_kb(kbformat.EXAMPLES)
    assert [len(kb.faults), len(kb.proposals), len(kb.faq), len(kb.lessons)] == [1, 1, 1, 1]


def _names(cls: type, prefix: str = "") -> list[str]:
    names = []
    for name, item in declared_fields(cls).items():
        names.append(prefix + name)
        kind: Spec = item.metadata["spec"]
        inner = kind.item if isinstance(kind, ListOf) else kind
        if isinstance(inner, Nested):
            names += _names(inner.cls, f"{prefix}{name}.")
    return names


@pytest.mark.parametrize("kind", sorted(SCHEMA_FILES))
def test_every_field_is_described_and_shown_in_its_example(kind: str) -> None:
    cls, _ = SCHEMA_FILES[kind]
    text = kbformat.example(kind)
    for name in _names(cls):
        last = name.rsplit(".", 1)[-1]
        # a field appears as `name:`, maybe in a list item or commented out (an alternative)
        assert re.search(rf"(?m)^[ #-]*{re.escape(last)}:", text), f"{kind}: {name}"
    described = [row.name for table in kbformat.tables(cls, RU) for row in table.fields]
    assert sorted(described) == sorted(f"`{n.rsplit('.', 1)[-1]}`" for n in _names(cls))


def test_every_kind_has_a_file_an_example_and_labels() -> None:
    assert set(kbformat.FILES) == set(SCHEMA_FILES)
    assert set(RULES) - {"files"} <= set(SCHEMA_FILES)
    for labels in (RU, EN):
        for doc in kbformat.reference(labels):
            assert doc.example.strip() and doc.tables
            assert labels[f"fmt_file.{doc.kind}"]


def test_a_fence_is_longer_than_any_backticks_inside() -> None:
    assert kbformat._fence("a `b` c") == "```"
    assert kbformat._fence("x\n````\n") == "`````"


def test_the_page_is_in_the_site_and_linked_from_support(tmp_path: Path) -> None:
    from sitebuild import copy_project, rkb

    project = copy_project(tmp_path / "project")
    assert rkb("build", "-d", tmp_path / "site", cwd=project).returncode == 0
    page = (tmp_path / "site" / "kb-format" / "index.html").read_text(encoding="utf-8")
    assert "<h1" in page and "Формат записей базы знаний" in page
    assert 'id="file-fault-fix"' in page
    support = (tmp_path / "site" / "support" / "index.html").read_text(encoding="utf-8")
    assert 'href="../kb-format/"' in support
    nav = page[page.index('class="md-nav md-nav--primary"') :]
    assert "kb-format" not in nav[: nav.index("</nav>")]


def test_rkb_new_points_to_the_format(shipped_kb_copy: Path, run_rkb: RunRkb) -> None:
    result = run_rkb("new", "faq", "--module", "reports", cwd=shipped_kb_copy.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "the fields, their values and a complete example: https://docs.retributor.ru/kb-format/"
    )
