"""The search itself, as the browser runs it (assets/rkb-search.js mirrors this file)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from lunr.index import Index
from lunr.query import Query

from .analysis import STOP_WORDS, code_term, id_term, normalise, stem, words
from .index import restore

FUZZY_MIN_LENGTH = 5


@dataclass
class Concept:
    """One thing the reader asked for: a word (with synonyms), a record id or an error code."""

    kind: str
    terms: list[str]
    prefix: bool = False


@dataclass(frozen=True)
class Hit:
    ref: str
    id: str
    title: str
    url: str
    text: str
    score: float
    matched: int
    terms: tuple[str, ...] = field(default=())


def parse(query: str, codes: frozenset[str], synonyms: dict[str, list[str]]) -> list[Concept]:
    raw = normalise(query).split()
    concepts: list[Concept] = []
    position = 0
    while position < len(raw):
        for width in (3, 2, 1):
            key = code_term(" ".join(raw[position : position + width]))
            if position + width <= len(raw) and key and key in codes:
                concepts.append(Concept("code", [key]))
                position += width
                break
        else:
            token = raw[position]
            position += 1
            record = id_term(token)
            if record:
                concepts.append(Concept("id", [record]))
                continue
            for word in words(token):
                if word in STOP_WORDS:
                    continue
                term = stem(word)
                alternatives = [term] + [s for s in synonyms.get(term, []) if s != term]
                concepts.append(Concept("word", alternatives))
    if concepts and concepts[-1].kind == "word" and not query[-1:].isspace():
        concepts[-1].prefix = True
    return concepts


class SearchIndex:
    """A built site's search index, loaded from `search/rkb-index.json`."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.codes = frozenset(data["codes"])
        self.synonyms: dict[str, list[str]] = data["synonyms"]
        self.store: list[list[str]] = data["docs"]

    @classmethod
    def load(cls, site_dir: Path) -> SearchIndex:
        path = site_dir / "search" / "rkb-index.json"
        return cls(json.loads(path.read_text(encoding="utf-8")))

    @cached_property
    def index(self) -> Index:
        return Index.load(restore(self.data["index"]))

    def known(self, term: str) -> bool:
        """Whether the term is in the index as typed (then it is no typo)."""
        return term in self.index.inverted_index

    def _run(self, concept: Concept) -> dict[str, float]:
        query = self.index.create_query()
        for number, term in enumerate(concept.terms):
            boost = 1.0 if number == 0 else 0.5
            if concept.kind == "id":
                query.term(term, fields=["ids"], boost=boost)
            elif concept.kind == "code":
                query.term(term, fields=["codes"], boost=boost)
            else:
                query.term(term, boost=boost)
                if number == 0 and concept.prefix:
                    query.term(term, boost=0.3, wildcard=Query.WILDCARD_TRAILING)
                if number == 0 and len(term) >= FUZZY_MIN_LENGTH and not self.known(term):
                    query.term(term, boost=0.2, edit_distance=1)  # a likely typo
        return {result["ref"]: float(result["score"]) for result in self.index.query(query)}

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        concepts = parse(query, self.codes, self.synonyms)
        totals: dict[str, float] = {}
        matched: dict[str, int] = {}
        for concept in concepts:
            for ref, score in self._run(concept).items():
                totals[ref] = totals.get(ref, 0.0) + score
                matched[ref] = matched.get(ref, 0) + 1
        wanted = len(concepts) or 1
        ranking = {
            ref: round(total * (matched[ref] / wanted) ** 2, 6) for ref, total in totals.items()
        }  # all query words matter more than one strong word
        ranked = sorted(ranking, key=lambda ref: (-ranking[ref], int(ref)))
        hits = []
        for ref in ranked[:limit]:
            record_id, title, url, text = self.store[int(ref)]
            hits.append(
                Hit(
                    ref,
                    record_id,
                    title,
                    url,
                    text,
                    ranking[ref],
                    matched[ref],
                    tuple(t for c in concepts for t in c.terms),
                )
            )
        return hits
