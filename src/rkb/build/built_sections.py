"""Search sections of hand-written pages read from a built site's HTML, whatever built it.

The MkDocs plugin collects them while the engine renders; for an engine that runs no
plugin (Zensical), they are read back from each page's article and header title, which
hold the same HTML and title the plugin sees.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path

from ..render.pages import page_url
from ..search.documents import SearchDocument
from ..search.sections import page_sections

_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*)</article>', re.S)
_TOPIC = re.compile(
    r'data-md-component="header-topic">\s*<span class="md-ellipsis">(.*?)</span>', re.S
)
_TAG = re.compile(r"<[^>]+>")
# What the theme adds to the article after the page's own content (the "was this page
# helpful?" block of overrides/partials/feedback.html): not part of what the plugin sees.
_THEME_PARTS = re.compile(
    r'<div class="rkb-feedback".*?<p class="rkb-feedback-thanks"[^>]*></p>\s*</div>', re.S
)


def built_page(site_dir: Path, path: str) -> Path:
    """The HTML file of the page `path` (docs-relative) in a site built with directory URLs."""
    return site_dir / page_url(path) / "index.html"


def built_sections(site_dir: Path, pages: Iterable[str]) -> list[SearchDocument]:
    """One document per opening text and `<h2>` section of each hand-written page."""
    documents: list[SearchDocument] = []
    for path in pages:
        file = built_page(site_dir, path)
        if not file.is_file():
            continue
        text = file.read_text(encoding="utf-8")
        article, topic = _ARTICLE.search(text), _TOPIC.search(text)
        if article is None or topic is None:
            continue
        title = " ".join(html.unescape(_TAG.sub("", topic.group(1))).split())
        if title:
            content = _THEME_PARTS.sub("", article.group(1))
            documents += page_sections(page_url(path), title, content)
    return documents
