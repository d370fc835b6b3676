"""`/kb.json`: every public record in one document, for helpdesk integrations.

Each record has its id, type, title and canonical address, and its question and answer
(or symptoms and workaround) both as Markdown and as plain text. `internal:` is never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..records.loader import KnowledgeBase
from ..records.model import Fault
from .labels import labels_for
from .pages import page_url, record_path
from .safe import plain_text

EXPORT_PATH = "kb.json"


def _text(markdown: str | None) -> dict[str, str] | None:
    if not markdown:
        return None
    return {"markdown": markdown, "text": plain_text(markdown)}


def fault_answer(fault: Fault, labels: Mapping[str, str], email: str) -> str | None:
    """The answer a fault gives as an FAQ entry: its workaround and how it is fixed."""
    parts = []
    if fault.workaround:
        parts.append(fault.workaround.strip())
    if fault.fix and fault.fix.method == "auto-update":
        parts.append(labels["fixed_auto"].format(version=fault.fix.version))
    elif fault.fix:
        parts.append(labels["fixed_support"].format(email=email))
        if fault.fix.instructions:
            parts.append(fault.fix.instructions.strip())
    return "\n\n".join(parts) or None


def export(kb: KnowledgeBase) -> dict[str, Any]:
    labels = labels_for(kb.product.language)
    site = kb.product.site_url.rstrip("/") + "/"
    email = kb.product.support_email

    def base(record_id: str, kind: str, title: str, module: str | None) -> dict[str, Any]:
        return {
            "id": record_id,
            "type": kind,
            "title": title,
            "url": site + page_url(record_path(record_id)),
            "module": module,
        }

    records: list[dict[str, Any]] = []
    for fault in kb.faults:
        records.append(
            base(fault.id, "fault", fault.title, fault.module)
            | {
                "status": fault.status,
                "severity": fault.severity,
                "affected_versions": list(fault.affected_versions),
                "fixed_in": fault.fix.version if fault.fix else None,
                "error_codes": list(fault.error_codes),
                "tags": list(fault.tags),
                "question": fault.faq.question if fault.faq else None,
                "answer": _text(fault_answer(fault, labels, email)),
                "symptoms": _text(fault.symptoms),
                "workaround": _text(fault.workaround),
            }
        )
    for proposal in kb.proposals:
        records.append(
            base(proposal.id, "proposal", proposal.title, proposal.module)
            | {
                "status": proposal.status,
                "planned_for": proposal.planned_for,
                "implemented_in": proposal.implemented_in,
                "tags": list(proposal.tags),
                "summary": _text(proposal.summary),
                "decision": _text(proposal.decision),
            }
        )
    for entry in kb.faq:
        records.append(
            base(entry.id, "faq", entry.question, entry.module)
            | {
                "tags": list(entry.tags),
                "question": entry.question,
                "answer": _text(entry.answer),
            }
        )
    for lesson in kb.lessons:
        records.append(
            base(lesson.id, "lesson", lesson.title, None)
            | {"duration": lesson.duration, "objectives": list(lesson.objectives)}
        )
    return {
        "product": kb.product.name,
        "site_url": site,
        "language": kb.product.language,
        "records": records,
    }
