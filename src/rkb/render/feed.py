"""`/feed.xml`: an Atom feed (RFC 4287) of releases and of records added or changed.

Dates come only from the records: a release's `date`, a record's `updated` or else its
`reported` (faults) or `submitted` (proposals); FAQ entries and lessons have no date of
their own and appear once they carry `updated`. Never the build time, never Git: two
builds of the same kb/ give the same feed, byte for byte. Entry ids are the canonical
addresses, which never change. Summaries are the views' plain text (`view.py`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from xml.etree import ElementTree as ET

from ..records.loader import KnowledgeBase
from .idlinks import page_address, record_page
from .labels import labels_for
from .view import RecordView, build_views, release_key

FEED_PATH = "feed.xml"
ATOM = "http://www.w3.org/2005/Atom"
MAX_ENTRIES = 50


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str
    updated: date
    summary: str
    category: str


def record_date(record: Any) -> date | None:
    """The date a record was last changed for its readers: `updated`, or else when it was
    reported (faults) or submitted (proposals); None when a record has neither."""
    updated: date | None = getattr(record, "updated", None)
    return updated or getattr(record, "reported", None) or getattr(record, "submitted", None)


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def feed_entries(kb: KnowledgeBase, views: Mapping[str, RecordView]) -> list[FeedEntry]:
    """Every dated release and record, newest first (ties by kind and address, stably):
    the first `MAX_ENTRIES`, sorted by date before any entry is made, so only their
    views are read."""
    dated: list[tuple[int, str, str, str, date]] = []  # -day, kind, address, view, day
    for release in kb.releases:
        key = release_key(release.version)
        if release.released and release.date is not None:
            released = release.date
            dated.append((-released.toordinal(), "release", views[key].url, key, released))
    kinds: list[tuple[str, tuple[Any, ...]]] = [
        ("fault", kb.faults),
        ("proposal", kb.proposals),
        ("faq", kb.faq),
        ("lesson", kb.lessons),
    ]
    site = kb.product.site_url.rstrip("/") + "/"
    for category, records in kinds:
        for record in records:
            changed = record_date(record)
            if changed is not None:  # its view's url: the canonical address of its page
                url = site + page_address(record_page(record.id))
                dated.append((-changed.toordinal(), category, url, record.id, changed))
    dated.sort(key=lambda item: item[:3])
    return [_entry(views[key], day, category) for _, category, _, key, day in dated[:MAX_ENTRIES]]


def _entry(view: RecordView, day: date, category: str) -> FeedEntry:
    title = view.title if view.kind == "release" else f"{view.id} · {view.title}"
    return FeedEntry(view.url, title, view.url, day, view.summary or view.description, category)


def render_feed(kb: KnowledgeBase, views: Mapping[str, RecordView] | None = None) -> str:
    """The feed as UTF-8 XML text."""
    views = views if views is not None else build_views(kb)
    labels = labels_for(kb.product.language)
    site = kb.product.site_url.rstrip("/") + "/"
    entries = feed_entries(kb, views)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": kb.product.language})
    _child(feed, "id", site + FEED_PATH)
    _child(feed, "title", labels["feed_title"].format(product=kb.product.name))
    newest = max((e.updated for e in entries), default=None)
    stamp = _stamp(newest) if newest else "1970-01-01T00:00:00Z"
    _child(feed, "updated", stamp)
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _child(author, "name", kb.product.name)
    _child(author, "email", kb.product.support_email)
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "self", "href": site + FEED_PATH})
    ET.SubElement(feed, f"{{{ATOM}}}link", {"rel": "alternate", "href": site})
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _child(item, "id", entry.id)
        _child(item, "title", entry.title)
        ET.SubElement(item, f"{{{ATOM}}}link", {"rel": "alternate", "href": entry.link})
        _child(item, "updated", _stamp(entry.updated))
        ET.SubElement(item, f"{{{ATOM}}}category", {"term": entry.category})
        if entry.summary:
            _child(item, "summary", entry.summary)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"


def _child(parent: ET.Element, name: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{name}")
    element.text = text
    if name in ("title", "summary"):
        element.set("type", "text")
    return element
