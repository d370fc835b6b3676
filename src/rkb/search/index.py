"""Build the search index file (`search/rkb-index.json`): a lunr index (written by
`lunrbuild`, as lunr.py would), the result store, codes and synonyms."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
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


TermsMemo = Callable[[tuple[str, ...], Callable[[], tuple[str, ...]]], tuple[str, ...]]
"""Where a document's terms may be kept between builds: called with the document's
fields (the texts, in `FIELD_BOOSTS`' order) and what works their terms out, it gives
those terms (each field's, joined by spaces), computed or kept."""


def _document_terms(doc: SearchDocument, memo: TermsMemo | None) -> dict[str, list[str]]:
    texts = tuple(doc.fields.get(name, "") for name in FIELD_BOOSTS)

    def compute() -> tuple[str, ...]:  # terms hold no spaces: joined, they split back
        return tuple(" ".join(_field_terms(n, t)) for n, t in zip(FIELD_BOOSTS, texts, strict=True))

    joined = compute() if memo is None else memo(texts, compute)
    return {name: part.split() for name, part in zip(FIELD_BOOSTS, joined, strict=True)}


def build_index(
    documents: Iterable[SearchDocument],
    extra_synonyms: Iterable[Iterable[str]] = (),
    language: str = "ru",
    memo: TermsMemo | None = None,
) -> dict[str, Any]:
    """The whole index document: the lunr index, the result store, codes and synonyms.
    `memo`: where the documents' terms are kept between builds (none: worked out)."""
    store = []
    codes: set[str] = set()
    terms_of: list[tuple[dict[str, list[str]], float]] = []
    for doc in documents:  # refs are positions: short refs keep the postings small
        terms_of.append((_document_terms(doc, memo), doc.boost))
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
