"""What the search index holds: one document per record, one per hand-written section.

Only public fields go in: `internal:` is never read here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..records.loader import KnowledgeBase
from ..render.pages import page_url, record_path
from ..render.view import RecordView, build_views
from .analysis import code_term, id_term

SNIPPET_CHARS = 220


@dataclass(frozen=True)
class SearchDocument:
    record_id: str
    title: str
    url: str
    text: str
    fields: dict[str, str] = field(default_factory=dict)
    boost: float = 1.0


def _join(*parts: str | None) -> str:
    return "\n\n".join(part for part in parts if part)


def _plain(view: RecordView, *names: str) -> str:
    """The words of a record's fields, from its view (in the order given)."""
    return " ".join(view.plain(name) for name in names if view.text(name))


def _record(record_id: str, label: str, body: str, boost: float, **fields: str) -> SearchDocument:
    """A record's document: its id as a term, its label as title, and the given fields."""
    return SearchDocument(
        record_id=record_id,
        title=label,
        url=page_url(record_path(record_id)),
        text=body[:SNIPPET_CHARS],
        fields={"ids": id_term(record_id) or "", "title": label, "body": body} | fields,
        boost=boost,
    )


def record_documents(
    kb: KnowledgeBase, views: Mapping[str, RecordView] | None = None
) -> list[SearchDocument]:
    """A document for every record, from its public fields as its view renders them."""
    views = views if views is not None else build_views(kb)
    modules = {m.id: m.title for m in kb.modules}
    docs: list[SearchDocument] = []
    for fault in kb.faults:
        docs.append(
            _record(
                fault.id,
                fault.title,
                _plain(views[fault.id], "symptoms", "workaround", "cause", "fix.instructions"),
                1.2 if "user" in fault.audience else 1.0,
                codes=" ".join(code_term(c) for c in fault.error_codes),
                title=_join(fault.title, fault.faq.question if fault.faq else None),
                tags=" ".join((*fault.tags, *fault.error_codes, modules[fault.module])),
            )
        )
    for proposal in kb.proposals:
        body = _plain(views[proposal.id], "summary", "effect", "docs", "decision")
        tags = " ".join((*proposal.tags, modules[proposal.module]))
        docs.append(_record(proposal.id, proposal.title, body, 0.9, tags=tags))
    for entry in kb.faq:
        tags = " ".join((*entry.tags, modules[entry.module]))
        body = _plain(views[entry.id], "answer")
        docs.append(_record(entry.id, entry.question, body, 1.3, tags=tags))
    for lesson in kb.lessons:
        practice = [
            f"practice[{index}].{part}"
            for index in range(len(lesson.practice))
            for part in ("task", "check")
        ]
        body = " ".join(
            part
            for part in (" ".join(lesson.objectives), _plain(views[lesson.id], "body", *practice))
            if part
        )
        docs.append(_record(lesson.id, lesson.title, body, 0.9))
    return docs


def section_document(url: str, title: str, text: str) -> SearchDocument:
    """A document for one section of a hand-written page."""
    return SearchDocument(
        record_id="",
        title=title,
        url=url,
        text=text[:SNIPPET_CHARS],
        fields={"title": title, "body": text},
        boost=1.0,
    )
