"""The index writer (`rkb.search.lunrbuild`) gives the very JSON lunr.py's Builder gives."""

from __future__ import annotations

import json
from typing import Any

from lunr.builder import Builder

from rkb.records.loader import load_kb
from rkb.search.documents import record_documents
from rkb.search.index import FIELD_BOOSTS, _field_terms
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
