"""Build the search index file (`search/rkb-index.json`) with lunr.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lunr.builder import Builder

from .analysis import STOP_WORDS, terms
from .documents import SearchDocument
from .thesaurus import GROUPS, synonym_map

INDEX_PATH = "search/rkb-index.json"
FORMAT = 1
FIELD_BOOSTS: Mapping[str, int] = {"ids": 60, "codes": 30, "title": 8, "tags": 4, "body": 1}
PRE_TOKENISED = ("ids", "codes")


def _field_text(name: str, text: str) -> str:
    return text if name in PRE_TOKENISED else " ".join(terms(text))


def build_index(
    documents: Iterable[SearchDocument],
    extra_synonyms: Iterable[Iterable[str]] = (),
    language: str = "ru",
) -> dict[str, Any]:
    """The whole index document: the lunr index, the result store, codes and synonyms."""
    builder = Builder()
    builder.pipeline.reset()
    builder.search_pipeline.reset()
    builder.ref("ref")
    for name, boost in FIELD_BOOSTS.items():
        builder.field(name, boost=boost)
    store = []
    codes: set[str] = set()
    for number, doc in enumerate(documents):
        entry = {"ref": str(number)}  # short refs keep the postings small
        for name in FIELD_BOOSTS:
            entry[name] = _field_text(name, doc.fields.get(name, ""))
        codes.update(doc.fields.get("codes", "").split())
        builder.add(entry, {"boost": doc.boost})
        store.append([doc.record_id, doc.title, doc.url, doc.text])
    serialized = compact(builder.build().serialize())
    return {
        "format": FORMAT,
        "language": language,
        "index": serialized,
        "docs": store,
        "codes": sorted(codes),
        "stopwords": sorted(STOP_WORDS),
        "synonyms": synonym_map([*GROUPS, *[tuple(g) for g in extra_synonyms]]),
    }


def compact(serialized: dict[str, Any]) -> dict[str, Any]:
    """A smaller file with the same answers: empty postings and vectors left out (restored
    on loading), term weights to one decimal (both search sides load the same values)."""
    for _, posting in serialized["invertedIndex"]:
        for name in list(posting):
            if name != "_index" and not posting[name]:
                del posting[name]
    serialized["fieldVectors"] = [
        [ref, [round(x, 1) if i % 2 else x for i, x in enumerate(vector)]]
        for ref, vector in serialized["fieldVectors"]
        if vector
    ]
    return serialized


def restore(serialized: dict[str, Any]) -> dict[str, Any]:
    """Put back the empty postings: lunr looks up every field of a term's posting.
    (Left-out empty vectors need no restoring: lunr reads a vector only for a posting.)"""
    for _, posting in serialized["invertedIndex"]:
        for name in serialized["fields"]:
            posting.setdefault(name, {})
    return serialized
