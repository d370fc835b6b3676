"""What the search index holds: one document per record, one per hand-written section.

Only public fields go in: `internal:` is never read here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..loader import KnowledgeBase
from ..render.pages import page_url, record_path
from ..render.safe import plain_text
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


def _plain(*parts: str | None) -> str:
    return " ".join(plain_text(part) for part in parts if part)


def record_documents(kb: KnowledgeBase) -> list[SearchDocument]:
    """A document for every record, from its public fields."""
    modules = {m.id: m.title for m in kb.modules}
    docs: list[SearchDocument] = []
    for fault in kb.faults:
        fix = fault.fix.instructions if fault.fix else None
        body = _plain(fault.symptoms, fault.workaround, fault.cause, fix)
        docs.append(
            SearchDocument(
                record_id=fault.id,
                title=fault.title,
                url=page_url(record_path(fault.id)),
                text=body[:SNIPPET_CHARS],
                fields={
                    "ids": id_term(fault.id) or "",
                    "codes": " ".join(code_term(c) for c in fault.error_codes),
                    "title": _join(fault.title, fault.faq.question if fault.faq else None),
                    "tags": " ".join((*fault.tags, *fault.error_codes, modules[fault.module])),
                    "body": body,
                },
                boost=1.2 if "user" in fault.audience else 1.0,
            )
        )
    for proposal in kb.proposals:
        body = _plain(proposal.summary, proposal.effect, proposal.docs, proposal.decision)
        docs.append(
            SearchDocument(
                record_id=proposal.id,
                title=proposal.title,
                url=page_url(record_path(proposal.id)),
                text=body[:SNIPPET_CHARS],
                fields={
                    "ids": id_term(proposal.id) or "",
                    "title": proposal.title,
                    "tags": " ".join((*proposal.tags, modules[proposal.module])),
                    "body": body,
                },
                boost=0.9,
            )
        )
    for entry in kb.faq:
        body = _plain(entry.answer)
        docs.append(
            SearchDocument(
                record_id=entry.id,
                title=entry.question,
                url=page_url(record_path(entry.id)),
                text=body[:SNIPPET_CHARS],
                fields={
                    "ids": id_term(entry.id) or "",
                    "title": entry.question,
                    "tags": " ".join((*entry.tags, modules[entry.module])),
                    "body": body,
                },
                boost=1.3,
            )
        )
    for lesson in kb.lessons:
        practice = [f"{p.task} {p.check}" for p in lesson.practice]
        body = _plain(" ".join(lesson.objectives), lesson.body, *practice)
        docs.append(
            SearchDocument(
                record_id=lesson.id,
                title=lesson.title,
                url=page_url(record_path(lesson.id)),
                text=body[:SNIPPET_CHARS],
                fields={"ids": id_term(lesson.id) or "", "title": lesson.title, "body": body},
                boost=0.9,
            )
        )
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
