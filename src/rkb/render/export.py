"""`/kb.json`: every public record in one document, for helpdesk integrations.

Each record has its id, type, title and canonical address, its question and answer (or
symptoms and workaround) both as Markdown and as plain text, and `reply`, the ready
reply text of "copy answer". Everything comes from the records' views (`view.py`);
`internal:` is never read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from ..records.loader import KnowledgeBase
from ..records.model import FaqEntry, Fault, Lesson, Proposal
from .view import RecordView, Text, build_views

EXPORT_PATH = "kb.json"


def _text(text: Text | None) -> dict[str, str] | None:
    if text is None:
        return None
    return {"markdown": text.markdown, "text": text.plain}


Entry = tuple[object, Callable[[], dict[str, Any]]]
"""A record of kb.json and what makes its part (from the record and its view only)."""


def export_entries(kb: KnowledgeBase, views: Mapping[str, RecordView]) -> list[Entry]:
    """Every record of kb.json, in order, each with what makes its part (which reads
    the record's view only when called)."""
    return [
        *((fault, partial(_with_view, _fault, fault, views)) for fault in kb.faults),
        *((item, partial(_with_view, _proposal, item, views)) for item in kb.proposals),
        *((entry, partial(_with_view, _faq, entry, views)) for entry in kb.faq),
        *((lesson, partial(_with_view, _lesson, lesson, views)) for lesson in kb.lessons),
    ]


def _with_view(
    make: Callable[[Any, RecordView], dict[str, Any]],
    record: Any,
    views: Mapping[str, RecordView],
) -> dict[str, Any]:
    return make(record, views[record.id])


def export_head(kb: KnowledgeBase) -> dict[str, Any]:
    """kb.json without its records (`records` comes last)."""
    return {
        "product": kb.product.name,
        "site_url": kb.product.site_url.rstrip("/") + "/",
        "language": kb.product.language,
        "records": [],
    }


def export(kb: KnowledgeBase, views: Mapping[str, RecordView] | None = None) -> dict[str, Any]:
    views = views if views is not None else build_views(kb)
    return export_head(kb) | {"records": [make() for _, make in export_entries(kb, views)]}


def _base(view: RecordView, module: str | None) -> dict[str, Any]:
    return {
        "id": view.id,
        "type": view.kind,
        "title": view.title,
        "url": view.url,
        "module": module,
    }


def _fault(fault: Fault, view: RecordView) -> dict[str, Any]:
    return _base(view, fault.module) | {
        "status": fault.status,
        "severity": fault.severity,
        "affected_versions": list(fault.affected_versions),
        "fixed_in": fault.fix.version if fault.fix else None,
        "error_codes": list(fault.error_codes),
        "tags": list(fault.tags),
        "question": fault.faq.question if fault.faq else None,
        "answer": _text(view.answer),
        "symptoms": _text(view.text("symptoms")),
        "workaround": _text(view.text("workaround")),
        "updated": fault.updated.isoformat() if fault.updated else None,
        "reply": view.reply,
    }


def _proposal(proposal: Proposal, view: RecordView) -> dict[str, Any]:
    return _base(view, proposal.module) | {
        "status": proposal.status,
        "planned_for": proposal.planned_for,
        "implemented_in": proposal.implemented_in,
        "tags": list(proposal.tags),
        "summary": _text(view.text("summary")),
        "decision": _text(view.text("decision")),
        "updated": proposal.updated.isoformat() if proposal.updated else None,
        "reply": view.reply,
    }


def _faq(entry: FaqEntry, view: RecordView) -> dict[str, Any]:
    return _base(view, entry.module) | {
        "tags": list(entry.tags),
        "question": entry.question,
        "answer": _text(view.answer),
        "updated": entry.updated.isoformat() if entry.updated else None,
        "reply": view.reply,
    }


def _lesson(lesson: Lesson, view: RecordView) -> dict[str, Any]:
    return _base(view, None) | {"duration": lesson.duration, "objectives": list(lesson.objectives)}
