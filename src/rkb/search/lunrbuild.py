"""A serialised lunr index, written directly: the same JSON lunr.py's `Builder` gives.

lunr.py builds a whole in-memory index (tokens, vectors, a token set for wildcard
search) token by token before it can serialise it; the site needs only the serialised
form, which lunr.js and `rkb search` load. This writes that form from the documents'
terms with the same arithmetic, in the same order (BM25 with lunr's defaults, scores
rounded to 3 places), so the file is identical to lunr.py's for the same input
(`tests/test_search_index_writer.py` compares the two).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

LUNR_VERSION = "2.3.9"  # lunr.py's __TARGET_JS_VERSION__, the lunr.js it writes for
K1 = 1.2
B = 0.75

_NO_METADATA: dict[str, Any] = {}  # lunr's per-posting metadata: none is kept
Document = tuple[Mapping[str, Sequence[str]], float]
"""A document: its terms per field, and its boost. Its ref is its position."""


def serialized_index(
    documents: Sequence[Document], boosts: Mapping[str, float], compact: bool = False
) -> dict[str, Any]:
    """The serialised index of `documents` (fields and their boosts in `boosts`).

    With `compact`, the smaller file the site ships, with the same answers: a term's
    empty postings and the empty vectors are left out (`rkb.search.index.restore` and
    the browser put them back), and weights are rounded on to one decimal (both search
    sides load the same values). Written directly, not compacted from the full form,
    with one shared empty metadata object in every posting, and each weight's tenth
    worked out once per value (`_Tenths`): 0.24 s for the 3,000 records of the
    benchmark, where lunr.py's own way took 0.80 s."""
    fields = list(boosts)
    # term → field → ref → metadata (none: one shared empty object, written as {});
    # terms in the order they first appear, which numbers them
    postings: defaultdict[str, defaultdict[str, dict[str, Any]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    rows: list[tuple[str, str, float, Counter[str], int]] = []  # ref, field, boost, tf, length
    totals = dict.fromkeys(fields, 0)
    for number, (terms, doc_boost) in enumerate(documents):
        ref = str(number)
        for name in fields:
            words = terms.get(name, ())
            counts = Counter(words)
            rows.append((ref, name, doc_boost, counts, len(words)))
            totals[name] += len(words)
            for term in counts:
                postings[term][name][ref] = _NO_METADATA
    count = len(documents)
    average = {name: totals[name] / count if count else 0 for name in fields}
    numbers = {term: number for number, term in enumerate(postings)}
    idf = {term: _idf(posting, count) for term, posting in postings.items()}
    tenths = _Tenths()
    k = K1 + 1
    vectors = []
    for ref, name, doc_boost, counts, length in rows:  # lunr's arithmetic, in its order
        if compact and not counts:
            continue
        boost = boosts[name] * 1.0
        norm = K1 * (1 - B + B * (length / average[name])) if counts else 0.0
        elements = sorted(
            [
                (numbers[term], round(idf[term] * (k * tf) / (norm + tf) * boost * doc_boost, 3))
                for term, tf in counts.items()
            ]
        )
        if compact:
            flat = [x for n, w in elements for x in (n, tenths[w])]
        else:
            flat = [x for pair in elements for x in pair]
        vectors.append([f"{name}/{ref}", flat])
    inverted = []
    for term in sorted(postings):
        posting = postings[term]
        if compact:
            ordered = {name: posting[name] for name in fields if name in posting}
        else:
            ordered = {name: posting.get(name, {}) for name in fields}
        ordered["_index"] = numbers[term]  # type: ignore[assignment]
        inverted.append([term, ordered])
    return {
        "version": LUNR_VERSION,
        "fields": fields,
        "fieldVectors": vectors,
        "invertedIndex": inverted,
        "pipeline": [],
    }


class _Tenths(dict[float, float]):
    """`round(weight, 1)` of each weight rounded to 3 places, worked out once per value:
    230,000 weights at 3,000 records take a few thousand values."""

    def __missing__(self, weight: float) -> float:
        self[weight] = rounded = round(weight, 1)
        return rounded


def _idf(posting: Mapping[str, Any], document_count: int) -> float:
    """lunr's inverse document frequency (a document counts once per field)."""
    with_term = sum(len(docs) for docs in posting.values())
    x = (document_count - with_term + 0.5) / (with_term + 0.5)
    return math.log(1 + abs(x))
