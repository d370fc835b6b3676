"""The upgrade planner: what changes between "my version" and a target version.

One engine-free module used by the `/releases/` page (its static sections and the data
its script reads) and by `rkb releases`, so both always say the same.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..records.ids import KINDS
from ..records.loader import KnowledgeBase
from ..records.model import Fault, Proposal, Release
from ..records.problems import suggest
from . import safe, select
from .view import version_anchor

DATA_FILE = "releases/upgrade.json"  # what the planner's script reads (browser_data)


class UnknownVersionError(ValueError):
    """A version that cannot be planned from or to; the message says why and what exists."""


@dataclass(frozen=True)
class FixedFault:
    fault: Fault
    release: Release

    @property
    def arrives(self) -> str:
        """How the fix reaches the customer: `auto-update` or `manual` (its release's delivery)."""
        return self.release.delivery


@dataclass(frozen=True)
class UpgradePlan:
    source: Release
    target: Release
    releases: tuple[Release, ...]  # after source, up to and including target, oldest first
    fixed: tuple[FixedFault, ...]
    implemented: tuple[tuple[Proposal, Release], ...]
    still_open: tuple[Fault, ...]

    @property
    def manual(self) -> tuple[Release, ...]:
        return tuple(r for r in self.releases if r.delivery == "manual")


def released_oldest_first(kb: KnowledgeBase) -> list[Release]:
    return [r for r in reversed(select.releases_newest_first(kb)) if r.released]


def _find(kb: KnowledgeBase, version: str, role: str) -> Release:
    released = released_oldest_first(kb)
    versions = [r.version for r in released]
    for release in kb.releases:
        if release.version == version:
            if not release.released:
                raise UnknownVersionError(
                    f"{role} version {version} is planned, not released; "
                    f"expected one of {', '.join(versions)}"
                )
            return release
    prefixed = [v for v in versions if v.startswith(version + ".")]
    hint = f"; did you mean '{prefixed[-1]}'?" if prefixed else suggest(version, versions)
    raise UnknownVersionError(
        f"unknown {role} version '{version}'; expected one of {', '.join(versions)}{hint}"
    )


def plan(kb: KnowledgeBase, source: str, target: str | None = None) -> UpgradePlan:
    """The plan from `source` to `target` (default: the latest released version)."""
    released = released_oldest_first(kb)
    if not released:
        raise UnknownVersionError("releases.yaml has no released version")
    start = _find(kb, source, "current")
    end = _find(kb, target, "target") if target is not None else released[-1]
    first, last = released.index(start), released.index(end)
    if last < first:
        raise UnknownVersionError(
            f"target version {end.version} is older than the current version {start.version}"
        )
    between = tuple(released[first + 1 : last + 1])
    by_version = {r.version: r for r in between}
    fixed = tuple(
        FixedFault(fault, by_version[fault.fix.version])
        for release in between
        for fault in select.fixed_in(kb, release.version)
        if fault.fix is not None and fault.fix.version is not None
    )
    implemented = tuple(
        (proposal, release)
        for release in between
        for proposal in select.implemented_in(kb, release.version)
    )
    return UpgradePlan(
        source=start,
        target=end,
        releases=between,
        fixed=fixed,
        implemented=implemented,
        still_open=tuple(select.affecting(kb, end.version)),
    )


def plan_json(kb: KnowledgeBase, upgrade: UpgradePlan) -> dict[str, Any]:
    """The plan as plain data (`rkb releases --json`), addresses relative to the site."""

    def url(record_id: str) -> str:
        return kb.product.site_url.rstrip("/") + "/" + record_url(record_id)

    return {
        "from": upgrade.source.version,
        "to": upgrade.target.version,
        "releases": [
            {
                "version": r.version,
                "date": r.date.isoformat() if r.date else None,
                "delivery": r.delivery,
                "summary": r.summary,
            }
            for r in upgrade.releases
        ],
        "fixed": [
            {
                "id": f.fault.id,
                "title": f.fault.title,
                "url": url(f.fault.id),
                "version": f.release.version,
                "arrives": f.arrives,
            }
            for f in upgrade.fixed
        ],
        "implemented": [
            {"id": p.id, "title": p.title, "url": url(p.id), "version": r.version}
            for p, r in upgrade.implemented
        ],
        "manual": [r.version for r in upgrade.manual],
        "still_open": [
            {
                "id": f.id,
                "title": f.title,
                "url": url(f.id),
                "status": f.status,
                "fixed_in": f.fix.version if f.fix else None,
            }
            for f in upgrade.still_open
        ],
    }


def record_url(record_id: str) -> str:
    return f"{KINDS[record_id[0]].folder}/{record_id}/"


def all_plans(kb: KnowledgeBase) -> dict[str, dict[str, list[str]]]:
    """Every plan between two released versions, as ids: what the page's script shows."""
    versions = [r.version for r in released_oldest_first(kb)]
    plans: dict[str, dict[str, list[str]]] = {}
    for index, source in enumerate(versions):
        for target in versions[index:]:
            upgrade = plan(kb, source, target)
            plans[f"{source}>{target}"] = {
                "fixed": [f.fault.id for f in upgrade.fixed],
                "implemented": [p.id for p, _ in upgrade.implemented],
                "manual": [r.version for r in upgrade.manual],
                "still_open": [f.id for f in upgrade.still_open],
            }
    return plans


def browser_data(
    kb: KnowledgeBase, labels: Any, root: str, html: Callable[[str], str]
) -> dict[str, Any]:
    """What the `/releases/` planner script needs: versions, every plan as ids, and each
    listed item as clean HTML (`root` leads from the page to the site's root; `html` gives
    a Markdown field's clean HTML, from the records' views)."""

    def link(record_id: str, title: str) -> str:
        href = safe.attribute(root + record_url(record_id))
        return f'<a href="{href}">{safe.attribute(record_id)} · {safe.attribute(title)}</a>'

    def version(v: str) -> str:
        return f'<a href="#{safe.attribute(version_anchor(v))}">{safe.attribute(v)}</a>'

    items: dict[str, str] = {}
    for fault in kb.faults:
        fix = fault.fix
        if fix is not None and fix.method == "auto-update" and fix.version is not None:
            release = next(r for r in kb.releases if r.version == fix.version)
            how = labels[f"arrives.{release.delivery}"].format(version=version(fix.version))
            items[f"fixed:{fault.id}"] = f"{link(fault.id, fault.title)} — {how}"
        status = labels[f"fault_status.{fault.status}"]
        fixed = ""
        if fix is not None and fix.version is not None:
            fixed = f", {labels['fixed_in'].lower()} {version(fix.version)}"
        items[f"open:{fault.id}"] = f"{link(fault.id, fault.title)} — {status}{fixed}"
    for proposal in kb.proposals:
        if proposal.implemented_in:
            items[f"implemented:{proposal.id}"] = (
                f"{link(proposal.id, proposal.title)} — {version(proposal.implemented_in)}"
            )
    for release in kb.releases:
        summary = html(release.summary).strip() if release.summary else ""
        items[f"manual:{release.version}"] = f"{version(release.version)}{summary}"
    released = released_oldest_first(kb)
    return {
        "versions": [r.version for r in released],
        "latest": released[-1].version if released else None,
        "plans": all_plans(kb),
        "items": items,
    }
