"""Filters of the listing pages (faults, proposals, FAQ): what each record is filtered by.

The listing templates put each record's values into `data-rkb-NAME` attributes and the
choices into a form; rkb-filters.js only compares the two and keeps the choice in the
address (`/faults/?module=reports&status=workaround`). Values are ids and codes, never
the Russian labels, so a shared address works in every language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..records.loader import KnowledgeBase
from ..records.model import (
    AUDIENCES,
    FAULT_STATUSES,
    PROPOSAL_STATUSES,
    SEVERITIES,
    Fault,
    Proposal,
)
from .safe import attribute
from .select import FaqItem

Values = Mapping[str, tuple[str, ...]]

# address parameter: the label of its control
_CONTROL_LABELS = {
    "module": "module",
    "status": "status",
    "severity": "severity",
    "affected": "affected_versions",
    "fixed": "fixed_in",
    "planned": "planned_for",
    "implemented": "implemented_in",
    "audience": "audience",
}


@dataclass(frozen=True)
class Filter:
    """One control: its address parameter, its label and its (value, text) options."""

    name: str
    label: str
    options: tuple[tuple[str, str], ...]


def fault_values(fault: Fault) -> Values:
    return {
        "module": (fault.module,),
        "status": (fault.status,),
        "severity": (fault.severity,),
        "affected": tuple(fault.affected_versions),
        "fixed": (fault.fix.version,) if fault.fix and fault.fix.version else (),
        "audience": tuple(fault.audience),
    }


def proposal_values(proposal: Proposal) -> Values:
    return {
        "module": (proposal.module,),
        "status": (proposal.status,),
        "planned": (proposal.planned_for,) if proposal.planned_for else (),
        "implemented": (proposal.implemented_in,) if proposal.implemented_in else (),
        "audience": tuple(proposal.audience),
    }


def faq_values(item: FaqItem) -> Values:
    return {"module": (item.module,), "audience": tuple(item.record.audience)}


def values_of(kind: str, record: Fault | Proposal | FaqItem) -> Values:
    """The filter values of a listed record ("fault", "proposal" or "faq")."""
    if kind == "fault" and isinstance(record, Fault):
        return fault_values(record)
    if kind == "proposal" and isinstance(record, Proposal):
        return proposal_values(record)
    if kind == "faq" and isinstance(record, FaqItem):
        return faq_values(record)
    raise TypeError(f"{kind}: not a listing of {type(record).__name__}")


def data_attributes(values: Values) -> str:
    """`data-rkb-NAME="v1 v2"` for each filter (for an attr_list or an HTML tag)."""
    return " ".join(f'data-rkb-{name}="{attribute(" ".join(v))}"' for name, v in values.items())


def controls(
    kb: KnowledgeBase,
    labels: Mapping[str, str],
    kind: str,
    records: Iterable[Fault | Proposal | FaqItem],
) -> list[Filter]:
    """The controls of a listing of these records (a control with no values left out)."""
    rows = [values_of(kind, record) for record in records]
    if not rows:
        return []
    order = _orders(kb, kind)
    result = []
    for name in rows[0]:
        present = {value for row in rows for value in row[name]}
        known = order[name]
        values = [v for v in known if v in present] + sorted(present - set(known))
        if values:
            options = tuple((v, _text(kb, labels, kind, name, v)) for v in values)
            result.append(Filter(name, labels[_CONTROL_LABELS[name]], options))
    return result


def _orders(kb: KnowledgeBase, kind: str) -> dict[str, Sequence[str]]:
    versions = [release.version for release in kb.releases]
    statuses = FAULT_STATUSES if kind == "fault" else PROPOSAL_STATUSES
    return {
        "module": [module.id for module in kb.modules],
        "status": statuses,
        "severity": SEVERITIES,
        "affected": versions,
        "fixed": versions,
        "planned": versions,
        "implemented": versions,
        "audience": AUDIENCES,
    }


def _text(kb: KnowledgeBase, labels: Mapping[str, str], kind: str, name: str, value: str) -> str:
    if name == "module":
        return kb.module(value).title
    if name == "status":
        return labels[f"{kind}_status.{value}"]
    if name in ("severity", "audience"):
        return labels[f"{name}.{value}"]
    return value
