"""Sorting, grouping and filtering of records for the pages (no layout here)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ..records.ids import id_key
from ..records.loader import KnowledgeBase
from ..records.model import PROPOSAL_STATUSES, FaqEntry, Fault, Proposal, Release
from .perkb import derived

BOARD_ORDER = ("received", "review", "accepted", "planned", "implemented", "rejected")
assert set(BOARD_ORDER) == set(PROPOSAL_STATUSES)


@dataclass(frozen=True)
class FaqItem:
    """One FAQ entry: a stand-alone Q- record or a fault that carries a question."""

    question: str
    module: str
    record: FaqEntry | Fault

    @property
    def id(self) -> str:
        return self.record.id


def by_number(records: Iterable[Fault | Proposal | FaqEntry]) -> list[Fault | Proposal | FaqEntry]:
    return sorted(records, key=lambda record: id_key(record.id) or ("", 0))


def releases_newest_first(kb: KnowledgeBase) -> list[Release]:
    """Releases by date (planned ones without a date last in time), newest first."""
    order = {release.version: index for index, release in enumerate(kb.releases)}
    return sorted(
        kb.releases,
        key=lambda r: (r.date or date.max, order[r.version]),
        reverse=True,
    )


def latest_released(kb: KnowledgeBase, count: int = 3) -> list[Release]:
    return [r for r in releases_newest_first(kb) if r.released][:count]


def faq_items(kb: KnowledgeBase) -> list[FaqItem]:
    return list(_sorted_faq_items(kb))


def _sorted_faq_items(kb: KnowledgeBase) -> tuple[FaqItem, ...]:
    def compute() -> tuple[FaqItem, ...]:
        items = [FaqItem(entry.question, entry.module, entry) for entry in kb.faq]
        items += [FaqItem(f.faq.question, f.module, f) for f in kb.faults if f.faq is not None]
        return tuple(sorted(items, key=lambda item: id_key(item.id) or ("", 0)))

    return derived(kb, "faq items", compute)


def faq_by_module(kb: KnowledgeBase) -> list[tuple[str, list[FaqItem]]]:
    by_module: dict[str, list[FaqItem]] = {}
    for item in _sorted_faq_items(kb):
        by_module.setdefault(item.module, []).append(item)
    return [(m.id, by_module[m.id]) for m in kb.modules if m.id in by_module]


def user_faults(kb: KnowledgeBase, module: str) -> tuple[list[Fault], list[Fault]]:
    """A module's faults for users: (still a problem, fixed)."""

    def compute() -> dict[str, list[Fault]]:
        by_module: dict[str, list[Fault]] = {}
        for fault in kb.faults:
            if "user" in fault.audience:
                by_module.setdefault(fault.module, []).append(fault)
        return by_module

    faults: list[Fault] = derived(kb, "user faults", compute).get(module, [])
    return [f for f in faults if f.status != "fixed"], [f for f in faults if f.status == "fixed"]


def implemented(kb: KnowledgeBase, module: str | None = None) -> list[Proposal]:
    """Implemented proposals, newest version first."""
    rank = {r.version: i for i, r in enumerate(releases_newest_first(kb))}
    chosen = [
        p
        for p in kb.proposals
        if p.status == "implemented" and (module is None or p.module == module)
    ]
    return sorted(chosen, key=lambda p: (rank.get(p.implemented_in or "", len(rank)), p.id))


def board(kb: KnowledgeBase) -> list[tuple[str, list[Proposal]]]:
    return [(status, [p for p in kb.proposals if p.status == status]) for status in BOARD_ORDER]


@dataclass(frozen=True)
class _ByVersion:
    """The records each version names, in kb order: looked up, not searched for, by the
    listings and upgrade plans that ask for every release (a plan per pair of them)."""

    fixed: dict[str, list[Fault]]  # fixed there by the automatic update
    implemented: dict[str, list[Proposal]]
    planned: dict[str, list[Proposal]]
    affecting: dict[str, list[Fault]]

    @classmethod
    def of(cls, kb: KnowledgeBase) -> _ByVersion:
        fixed: dict[str, list[Fault]] = {}
        affecting: dict[str, list[Fault]] = {}
        for fault in kb.faults:
            if fault.fix is not None and fault.fix.method == "auto-update" and fault.fix.version:
                fixed.setdefault(fault.fix.version, []).append(fault)
            for version in dict.fromkeys(fault.affected_versions):
                affecting.setdefault(version, []).append(fault)
        implemented: dict[str, list[Proposal]] = {}
        planned: dict[str, list[Proposal]] = {}
        for proposal in kb.proposals:
            if proposal.status == "implemented" and proposal.implemented_in is not None:
                implemented.setdefault(proposal.implemented_in, []).append(proposal)
            if proposal.status == "planned" and proposal.planned_for is not None:
                planned.setdefault(proposal.planned_for, []).append(proposal)
        return cls(fixed, implemented, planned, affecting)


_last: list[tuple[KnowledgeBase, _ByVersion]] = []
"""The tables of the kb last asked about (one kb at a time is built; a preview's next
one replaces it)."""


def _by_version(kb: KnowledgeBase) -> _ByVersion:
    """`kb`'s records by version, worked out once."""
    for known, tables in _last:
        if known is kb:
            return tables
    tables = _ByVersion.of(kb)
    _last[:] = [(kb, tables)]
    return tables


def fixed_in(kb: KnowledgeBase, version: str) -> list[Fault]:
    return list(_by_version(kb).fixed.get(version, ()))


def implemented_in(kb: KnowledgeBase, version: str) -> list[Proposal]:
    return list(_by_version(kb).implemented.get(version, ()))


def planned_for(kb: KnowledgeBase, version: str) -> list[Proposal]:
    return list(_by_version(kb).planned.get(version, ()))


def affecting(kb: KnowledgeBase, version: str) -> list[Fault]:
    """Known problems of a version: every fault that lists it as affected."""
    return list(_by_version(kb).affecting.get(version, ()))


def lesson_faults(kb: KnowledgeBase, ids: Iterable[str]) -> list[Fault]:
    found = (kb.record(i) for i in ids)
    return [f for f in found if isinstance(f, Fault)]
