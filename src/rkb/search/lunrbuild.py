"""A serialised lunr index, written directly: the same JSON lunr.py's `Builder` gives.

lunr.py builds a whole in-memory index (tokens, vectors, a token set for wildcard
search) token by token before it can serialise it; the site needs only the serialised
form, which lunr.js and `rkb search` load. This writes that form from the documents'
terms with the same arithmetic, in the same order (BM25 with lunr's defaults, scores
rounded to 3 places), so the file is identical to lunr.py's for the same input
(`tests/test_search_engine.py` compares the two).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

LUNR_VERSION = "2.3.9"  # lunr.py's __TARGET_JS_VERSION__, the lunr.js it writes for
K1 = 1.2
B = 0.75

Document = tuple[Mapping[str, Sequence[str]], float]
"""A document: its terms per field, and its boost. Its ref is its position."""


def serialized_index(documents: Sequence[Document], boosts: Mapping[str, float]) -> dict[str, Any]:
    """The serialised index of `documents` (fields and their boosts in `boosts`)."""
    fields = list(boosts)
    postings: dict[str, dict[str, Any]] = {}
    frequencies: list[tuple[str, str, Counter[str], int]] = []  # ref, field, tf, length
    totals = dict.fromkeys(fields, 0)
    for number, (terms, _) in enumerate(documents):
        ref = str(number)
        for name in fields:
            words = terms.get(name, ())
            counts = Counter(words)
            frequencies.append((ref, name, counts, len(words)))
            totals[name] += len(words)
            for term in counts:
                posting = postings.get(term)
                if posting is None:
                    posting = {field: {} for field in fields}
                    posting["_index"] = len(postings)
                    postings[term] = posting
                posting[name][ref] = {}
    average = {name: totals[name] / len(documents) if documents else 0 for name in fields}
    idf = {term: _idf(posting, len(documents)) for term, posting in postings.items()}
    numbers = {term: posting["_index"] for term, posting in postings.items()}
    vectors = []
    for ref, name, counts, length in frequencies:  # lunr's arithmetic, in its order
        boost = boosts[name] * 1.0
        doc_boost = documents[int(ref)][1]
        elements = []
        norm = K1 * (1 - B + B * (length / average[name])) if counts else 0.0
        for term, tf in counts.items():
            score = idf[term] * ((K1 + 1) * tf) / (norm + tf)
            score *= boost
            score *= doc_boost
            elements.append((numbers[term], round(score, 3)))
        elements.sort()
        vectors.append([f"{name}/{ref}", [x for pair in elements for x in pair]])
    return {
        "version": LUNR_VERSION,
        "fields": fields,
        "fieldVectors": vectors,
        "invertedIndex": [[term, postings[term]] for term in sorted(postings)],
        "pipeline": [],
    }


def _idf(posting: Mapping[str, Any], document_count: int) -> float:
    """lunr's inverse document frequency (a document counts once per field)."""
    with_term = sum(len(docs) for field, docs in posting.items() if field != "_index")
    x = (document_count - with_term + 0.5) / (with_term + 0.5)
    return math.log(1 + abs(x))
