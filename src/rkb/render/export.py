"""`/kb.json`: every public record in one document, for helpdesk integrations.

Each record has its id, type, title and canonical address, its question and answer (or
symptoms and workaround) both as Markdown and as plain text, and `reply`, the ready
reply text of "copy answer". Everything comes from the records' views (`view.py`);
`internal:` is never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..records.loader import KnowledgeBase
from .view import RecordView, Text, build_views

EXPORT_PATH = "kb.json"


def _text(text: Text | None) -> dict[str, str] | None:
    if text is None:
        return None
    return {"markdown": text.markdown, "text": text.plain}


def export(kb: KnowledgeBase, views: Mapping[str, RecordView] | None = None) -> dict[str, Any]:
    views = views if views is not None else build_views(kb)
    site = kb.product.site_url.rstrip("/") + "/"

    def base(record_id: str, module: str | None) -> dict[str, Any]:
        view = views[record_id]
        return {
            "id": record_id,
            "type": view.kind,
            "title": view.title,
            "url": view.url,
            "module": module,
        }

    records: list[dict[str, Any]] = []
    for fault in kb.faults:
        view = views[fault.id]
        records.append(
            base(fault.id, fault.module)
            | {
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
        )
    for proposal in kb.proposals:
        view = views[proposal.id]
        records.append(
            base(proposal.id, proposal.module)
            | {
                "status": proposal.status,
                "planned_for": proposal.planned_for,
                "implemented_in": proposal.implemented_in,
                "tags": list(proposal.tags),
                "summary": _text(view.text("summary")),
                "decision": _text(view.text("decision")),
                "updated": proposal.updated.isoformat() if proposal.updated else None,
                "reply": view.reply,
            }
        )
    for entry in kb.faq:
        view = views[entry.id]
        records.append(
            base(entry.id, entry.module)
            | {
                "tags": list(entry.tags),
                "question": entry.question,
                "answer": _text(view.answer),
                "updated": entry.updated.isoformat() if entry.updated else None,
                "reply": view.reply,
            }
        )
    for lesson in kb.lessons:
        records.append(
            base(lesson.id, None)
            | {"duration": lesson.duration, "objectives": list(lesson.objectives)}
        )
    return {
        "product": kb.product.name,
        "site_url": site,
        "language": kb.product.language,
        "records": records,
    }
