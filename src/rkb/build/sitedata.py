"""The data files a built site carries beside its pages, whatever engine built the pages:
the search index, `/kb.json`, and compressed copies for nginx's `gzip_static`."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from ..records.loader import KnowledgeBase
from ..render.export import EXPORT_PATH, export
from ..render.feed import FEED_PATH, render_feed
from ..render.view import RecordView, build_views
from ..search.documents import SearchDocument, record_documents
from ..search.index import INDEX_PATH, build_index
from .compress import compress_file, precompress
from .parallel import Child, Outcome, in_child


def safe_json(data: object, indent: int | None = None) -> str:
    """JSON whose text holds no `<`, `>` or `&`: they are written as \\u escapes, which
    every JSON reader turns back into the same characters, so record text can never
    become markup, even if the file is served as HTML or pasted into a page."""
    separators = (",", ":") if indent is None else (",", ": ")
    text = json.dumps(data, ensure_ascii=False, indent=indent, separators=separators)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


SiteDataWork = Child[list[str]] | Outcome[list[str]]


def start_site_data(
    kb: KnowledgeBase,
    site_dir: Path,
    sections: Iterable[SearchDocument],
    views: Mapping[str, RecordView],
    compress: bool = False,
) -> SiteDataWork:
    """Start writing the search index (records and `sections`, the hand-written pages'
    sections), kb.json and the feed into a built site, with their .gz copies if
    `compress`: in a second process where there is one, which goes on while the pages are
    written. `.result()` waits for it and gives the paths (relative to the site) it
    compressed."""
    documents = record_documents(kb, views) + list(sections)

    def write() -> list[str]:
        data = build_index(documents, kb.synonyms, kb.product.language)
        (site_dir / INDEX_PATH).parent.mkdir(parents=True, exist_ok=True)
        (site_dir / INDEX_PATH).write_text(safe_json(data), encoding="utf-8")
        export_text = safe_json(export(kb, views), indent=1)
        (site_dir / EXPORT_PATH).write_text(export_text, encoding="utf-8")
        (site_dir / FEED_PATH).write_text(render_feed(kb, views), encoding="utf-8")
        written = [INDEX_PATH, EXPORT_PATH, FEED_PATH]
        if not compress:
            return []
        for path in written:
            compress_file(site_dir / path)
        return written

    return in_child(write, pure=True)


def write_site_data(
    kb: KnowledgeBase,
    site_dir: Path,
    sections: Iterable[SearchDocument] = (),
    compress: bool = True,
    compressed: Collection[str] = (),
    views: Mapping[str, RecordView] | None = None,
    site_data: SiteDataWork | None = None,
) -> None:
    """Write the search index, kb.json and the feed into a built site, then the .gz
    copies (except of the files in `compressed`: paths, relative to the site, of files
    whose .gz copy is already there, put back from the build cache); all from the
    records' views (built here when not given). `site_data`: that work already started
    (`start_site_data`, with the same `compress`), else it is started here."""
    views = views if views is not None else build_views(kb)
    site_dir.mkdir(parents=True, exist_ok=True)
    if site_data is None:
        site_data = start_site_data(kb, site_dir, sections, views, compress)
    done_there = site_data.result()
    if compress:
        precompress(site_dir, skip={*compressed, *done_there})
