"""The index writer (`rkb.search.lunrbuild`) gives the very JSON lunr.py's Builder gives."""

from __future__ import annotations

import json
from typing import Any

from lunr.builder import Builder

from rkb.build.sitedata import index_json, safe_json
from rkb.records.loader import load_kb
from rkb.search.documents import record_documents
from rkb.search.index import FIELD_BOOSTS, _field_terms, build_index
from rkb.search.lunrbuild import serialized_index
from sitebuild import FIXTURES, ROOT


def lunr_py(documents: list[tuple[dict[str, list[str]], float]]) -> object:
    builder = Builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("ref")
    for name, boost in FIELD_BOOSTS.items():
        builder.field(name, boost=boost)
    for number, (fields, boost) in enumerate(documents):
        builder.add(
            {"ref": str(number), **{n: " ".join(t) for n, t in fields.items()}}, {"boost": boost}
        )
    return builder.build().serialize()


def test_the_written_index_is_lunr_pys_for_every_shipped_and_fixture_kb() -> None:
    for kb_dir in (ROOT / "kb", FIXTURES / "minimal_kb", FIXTURES / "other_kb"):
        docs = record_documents(load_kb(kb_dir))
        terms = [
            ({n: _field_terms(n, d.fields.get(n, "")) for n in FIELD_BOOSTS}, d.boost) for d in docs
        ]
        ours = json.dumps(serialized_index(terms, FIELD_BOOSTS))
        assert ours == json.dumps(lunr_py(terms)), kb_dir


def compacted(full: dict[str, Any]) -> dict[str, Any]:
    """What the compact index is: the full one without empty postings or vectors, its
    weights rounded to one decimal."""
    inverted = [
        [term, {name: docs for name, docs in posting.items() if name == "_index" or docs}]
        for term, posting in full["invertedIndex"]
    ]
    vectors = [
        [ref, [round(x, 1) if i % 2 else x for i, x in enumerate(vector)]]
        for ref, vector in full["fieldVectors"]
        if vector
    ]
    return {**full, "invertedIndex": inverted, "fieldVectors": vectors}


def test_the_compact_index_is_the_full_one_compacted() -> None:
    for kb_dir in (ROOT / "kb", FIXTURES / "minimal_kb", FIXTURES / "other_kb"):
        docs = record_documents(load_kb(kb_dir))
        terms = [
            ({n: _field_terms(n, d.fields.get(n, "")) for n in FIELD_BOOSTS}, d.boost) for d in docs
        ]
        full = serialized_index(terms, FIELD_BOOSTS)
        compact = serialized_index(terms, FIELD_BOOSTS, compact=True)
        assert json.dumps(compact) == json.dumps(compacted(full)), kb_dir


def test_an_empty_field_everywhere_and_repeated_terms_match_too() -> None:
    terms = [
        ({"ids": [], "codes": [], "title": ["отчет", "отчет"], "tags": [], "body": []}, 1.2),
        ({"ids": ["f1"], "codes": [], "title": ["выгрузк"], "tags": ["x"], "body": ["a"]}, 0.9),
    ]
    assert json.dumps(serialized_index(terms, FIELD_BOOSTS)) == json.dumps(lunr_py(terms))
    compact = serialized_index(terms, FIELD_BOOSTS, compact=True)
    assert json.dumps(compact) == json.dumps(compacted(serialized_index(terms, FIELD_BOOSTS)))


def test_the_index_file_is_written_as_json_writes_it() -> None:
    """`index_json` (orjson) gives `safe_json`'s text for the index of every shipped and
    fixture kb, and for strings of every character."""
    for kb_dir in (ROOT / "kb", FIXTURES / "minimal_kb", FIXTURES / "other_kb"):
        index = build_index(record_documents(load_kb(kb_dir)))
        assert index_json(index) == safe_json(index), kb_dir
    characters = "".join(chr(n) for n in range(0x10FFFF + 1) if not 0xD800 <= n <= 0xDFFF)
    for start in range(0, len(characters), 4096):
        piece = {"text": [characters[start : start + 4096], 0.1, 2.5, 0, 12.0, -3]}
        assert index_json(piece) == safe_json(piece)
    odd = {"surrogate": "\ud800", "big": 2**70}  # orjson takes neither: json does
    assert index_json(odd) == safe_json(odd)
