"""Property-based tests: mutated records give a valid load or clean `path:line:col` errors.

Never a traceback, never a hang: every outcome is either a KnowledgeBase or a KbError
whose problems each print as exactly one line `path:line:col: message`.

The Hypothesis settings (examples, seed, database) come from the profile that
tests/conftest.py loads: `ci` by default (the same examples on every run);
`HYPOTHESIS_PROFILE=explore .venv/bin/pytest tests/test_properties.py` searches longer
with random seeds.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from rkb import KbError, load_kb
from sitebuild import FIXTURES

FAULT = "faults/F-0001.yaml"

odd_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=40)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    odd_text,
    st.just("x" * 200_001),
    st.just(""),
    st.just("\x00\x07\x1b"),
    st.just("2026-02-30"),
    st.just("ё" * 50),
    st.just("\u202e\u200b"),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(odd_text, inner, max_size=4)
    ),
    max_leaves=12,
)


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("prop") / "kb"
    shutil.copytree(FIXTURES / "minimal_kb", target)
    return target


def _outcome(kb: Path) -> None:
    try:
        load_kb(kb)
    except KbError as error:
        assert error.problems
        for problem in error.problems:
            assert_one_line(str(problem), str(kb))


def assert_one_line(text: str, root: str) -> None:
    """`text` is one line `path:line:col: message`, with path under `root`."""
    assert text.splitlines() == [text], f"not one line: {text!r}"
    assert text.isprintable(), f"invisible characters: {text!r}"
    assert text.startswith(root), text
    assert re.fullmatch(r"[^:]+\.yaml:[1-9]\d*:[1-9]\d*: \S.*", text[len(root) :]), text
    assert "Traceback" not in text


def _original(kb: Path) -> dict[str, Any]:
    data = yaml.safe_load((FIXTURES / "minimal_kb" / FAULT).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@given(
    field=st.sampled_from(
        [
            "title",
            "module",
            "audience",
            "severity",
            "status",
            "reported",
            "affected_versions",
            "symptoms",
            "fix",
            "faq",
            "related",
            "tags",
            "internal",
            "error_codes",
            "unknown_key",
            "id",
        ]
    ),
    value=values,
)
def test_a_field_replaced_by_anything(kb: Path, field: str, value: Any) -> None:
    data = _original(kb)
    data[field] = value
    (kb / FAULT).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _outcome(kb)


@given(drop=st.sets(st.sampled_from(sorted(_original(Path()).keys())), max_size=4))
def test_fields_left_out(kb: Path, drop: set[str]) -> None:
    data = {k: v for k, v in _original(kb).items() if k not in drop}
    (kb / FAULT).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _outcome(kb)


@given(depth=st.integers(min_value=1, max_value=200))
def test_deep_nesting(kb: Path, depth: int) -> None:
    text = (FIXTURES / "minimal_kb" / FAULT).read_text(encoding="utf-8")
    (kb / FAULT).write_text(
        text + "internal: " + "[" * depth + "]" * depth + "\n", encoding="utf-8"
    )
    _outcome(kb)


@given(
    position=st.floats(min_value=0, max_value=1),
    junk=st.binary(min_size=1, max_size=12),
    crlf=st.booleans(),
)
def test_bytes_inserted_anywhere(kb: Path, position: float, junk: bytes, crlf: bool) -> None:
    data = (FIXTURES / "minimal_kb" / FAULT).read_bytes()
    if crlf:
        data = data.replace(b"\n", b"\r\n", 5)
    cut = int(len(data) * position)
    (kb / FAULT).write_bytes(data[:cut] + junk + data[cut:])
    _outcome(kb)


@given(text=st.text(max_size=300))
def test_any_text_as_a_record(kb: Path, text: str) -> None:
    (kb / FAULT).write_text(text, encoding="utf-8")
    _outcome(kb)


@given(
    field=st.sampled_from(["fix", "faq", "internal", None]),
    key=st.one_of(
        odd_text,
        st.sampled_from(["\n", "\t", "\r\n", "\u200b", "\u202e", "\ufeff", "k" * 500]),
    ),
    value=scalars,
)
def test_any_key_anywhere(kb: Path, field: str | None, key: str, value: Any) -> None:
    data = _original(kb)
    if field is None:
        data[key] = value
    else:
        data[field] = {"method": "support", key: value}
    (kb / FAULT).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _outcome(kb)


def test_the_fixture_is_restored_valid(kb: Path) -> None:
    shutil.copy(FIXTURES / "minimal_kb" / FAULT, kb / FAULT)
    load_kb(kb)


def test_the_pure_python_parser_gives_the_same_records(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where PyYAML has no libyaml, the slower parser reads the same knowledge base."""
    from rkb.records import yamlfile

    shutil.copy(FIXTURES / "minimal_kb" / FAULT, kb / FAULT)
    fast = load_kb(kb)
    monkeypatch.setattr(yamlfile, "CParser", None)
    slow = load_kb(kb)
    assert slow.faults == fast.faults and slow.lessons == fast.lessons
    (kb / FAULT).write_text("id: &a F-0001\ntitle: *a\n", encoding="utf-8")
    with pytest.raises(KbError) as error:
        load_kb(kb)
    assert [str(p).split(": ", 1)[1] for p in error.value.problems][:2] == [
        "YAML anchor '&a' is not allowed; write the value out in full",
        "YAML alias '*a' is not allowed; write the value out in full",
    ]
    shutil.copy(FIXTURES / "minimal_kb" / FAULT, kb / FAULT)
