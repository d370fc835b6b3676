"""Build the search index file (`search/rkb-index.json`): a lunr index (written by
`lunrbuild`, as lunr.py would), the result store, codes and synonyms."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .analysis import STOP_WORDS, terms
from .documents import SearchDocument
from .lunrbuild import serialized_index
from .thesaurus import GROUPS, synonym_map

INDEX_PATH = "search/rkb-index.json"
FORMAT = 1
FIELD_BOOSTS: Mapping[str, int] = {"ids": 60, "codes": 30, "title": 8, "tags": 4, "body": 1}
PRE_TOKENISED = ("ids", "codes")


def _field_terms(name: str, text: str) -> list[str]:
    """A field's index terms (words without spaces or hyphens: exactly the tokens lunr's
    tokenizer would make of them joined by spaces)."""
    return text.split() if name in PRE_TOKENISED else terms(text)


def build_index(
    documents: Iterable[SearchDocument],
    extra_synonyms: Iterable[Iterable[str]] = (),
    language: str = "ru",
) -> dict[str, Any]:
    """The whole index document: the lunr index, the result store, codes and synonyms."""
    store = []
    codes: set[str] = set()
    terms_of: list[tuple[dict[str, list[str]], float]] = []
    for doc in documents:  # refs are positions: short refs keep the postings small
        terms_of.append(
            ({n: _field_terms(n, doc.fields.get(n, "")) for n in FIELD_BOOSTS}, doc.boost)
        )
        codes.update(doc.fields.get("codes", "").split())
        store.append([doc.record_id, doc.title, doc.url, doc.text])
    serialized = serialized_index(terms_of, FIELD_BOOSTS, compact=True)
    return {
        "format": FORMAT,
        "language": language,
        "index": serialized,
        "docs": store,
        "codes": sorted(codes),
        "stopwords": sorted(STOP_WORDS),
        "synonyms": synonym_map([*GROUPS, *[tuple(g) for g in extra_synonyms]]),
    }


def restore(serialized: dict[str, Any]) -> dict[str, Any]:
    """Put back the empty postings the compact index leaves out (`serialized_index`):
    lunr looks up every field of a term's posting.
    (Left-out empty vectors need no restoring: lunr reads a vector only for a posting.)"""
    for _, posting in serialized["invertedIndex"]:
        for name in serialized["fields"]:
            posting.setdefault(name, {})
    return serialized
