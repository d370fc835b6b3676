"""Sections of hand-written pages (one search result each), from their rendered HTML."""

from __future__ import annotations

import html
import re

from .documents import SearchDocument, section_document

_H2 = re.compile(r"<h2[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")
GENERATED_SECTIONS = ("known-problems", "new-in-versions")


def _text(fragment: str) -> str:
    fragment = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", fragment, flags=re.S)
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def page_sections(url: str, title: str, content: str) -> list[SearchDocument]:
    """One document for the page's opening text and one per `<h2>` section."""
    parts = _H2.split(content)
    documents = []
    opening = _text(parts[0])
    if opening:
        documents.append(section_document(url, title, opening))
    for index in range(1, len(parts), 3):
        anchor, heading, body = parts[index], _text(parts[index + 1]), _text(parts[index + 2])
        if anchor in GENERATED_SECTIONS:
            break
        documents.append(section_document(f"{url}#{anchor}", f"{title} — {heading}", body))
    return documents
