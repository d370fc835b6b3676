"""What the search index holds: one document per record, one per hand-written section.

Only public fields go in: `internal:` is never read here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

from ..records.loader import KnowledgeBase
from ..records.model import FaqEntry, Fault, Lesson, Proposal
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


DocumentMemo = Callable[[object, Callable[[], SearchDocument]], SearchDocument]
"""Where records' documents may be kept between builds: called with a record and what
makes its document (from the record, its view and the modules' titles), it gives the
document, made or kept."""


def record_documents(
    kb: KnowledgeBase,
    views: Mapping[str, RecordView] | None = None,
    memo: DocumentMemo | None = None,
) -> list[SearchDocument]:
    """A document for every record, from its public fields as its view renders them.
    With `memo`, a kept document is taken without its view."""
    views = views if views is not None else build_views(kb)
    modules = {m.id: m.title for m in kb.modules}
    records: list[Fault | Proposal | FaqEntry | Lesson] = [
        *kb.faults,
        *kb.proposals,
        *kb.faq,
        *kb.lessons,
    ]
    makes = [partial(_document, record, views, modules) for record in records]
    if memo is None:
        return [make() for make in makes]
    return [memo(record, make) for record, make in zip(records, makes, strict=True)]


def _document(
    record: Fault | Proposal | FaqEntry | Lesson,
    views: Mapping[str, RecordView],
    modules: Mapping[str, str],
) -> SearchDocument:
    view = views[record.id]
    if isinstance(record, Fault):
        fault = record
        return _record(
            fault.id,
            fault.title,
            _plain(view, "symptoms", "workaround", "cause", "fix.instructions"),
            1.2 if "user" in fault.audience else 1.0,
            codes=" ".join(code_term(c) for c in fault.error_codes),
            title=_join(fault.title, fault.faq.question if fault.faq else None),
            tags=" ".join((*fault.tags, *fault.error_codes, modules[fault.module])),
        )
    if isinstance(record, Proposal):
        body = _plain(view, "summary", "effect", "docs", "decision")
        tags = " ".join((*record.tags, modules[record.module]))
        return _record(record.id, record.title, body, 0.9, tags=tags)
    if isinstance(record, FaqEntry):
        tags = " ".join((*record.tags, modules[record.module]))
        return _record(record.id, record.question, _plain(view, "answer"), 1.3, tags=tags)
    practice = [
        f"practice[{index}].{part}"
        for index in range(len(record.practice))
        for part in ("task", "check")
    ]
    body = " ".join(
        part for part in (" ".join(record.objectives), _plain(view, "body", *practice)) if part
    )
    return _record(record.id, record.title, body, 0.9)


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
