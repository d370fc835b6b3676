"""The data files a built site carries beside its pages, whatever engine built the pages:
the search index, `/kb.json`, and compressed copies for nginx's `gzip_static`."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import orjson

from ..records.loader import KnowledgeBase
from ..render.export import EXPORT_PATH, export_entries, export_head
from ..render.feed import FEED_PATH, render_feed
from ..render.view import RecordView, build_views
from ..search.documents import SearchDocument, record_documents
from ..search.index import INDEX_PATH, build_index
from .cache import RecordMemo, documents_memo, export_memo, terms_memo
from .compress import compress_file, precompress
from .gzcache import CompressedCopies
from .parallel import Child, Later, Outcome, in_child


def safe_json(data: object, indent: int | None = None) -> str:
    """JSON whose text holds no `<`, `>` or `&`: they are written as \\u escapes, which
    every JSON reader turns back into the same characters, so record text can never
    become markup, even if the file is served as HTML or pasted into a page."""
    separators = (",", ":") if indent is None else (",", ": ")
    return _safe(json.dumps(data, ensure_ascii=False, indent=indent, separators=separators))


def _safe(text: str) -> str:
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def index_json(data: object) -> str:
    """`safe_json(data)` for the search index, written by orjson in a quarter of the
    time (0.17 → 0.04 s at 3,000 records, where it is the last thing a rebuild waits
    for). The same text for what an index holds: strings, integers, lists, mappings with
    string keys, and floats that are plain decimals (weights rounded to tenths; the two
    write a float below 1e-4 or from 1e16 on differently). Anything orjson does not
    take (a lone surrogate, an integer beyond 64 bits) goes to `safe_json`."""
    try:
        return _safe(orjson.dumps(data).decode("utf-8"))
    except TypeError:  # orjson.JSONEncodeError is one
        return safe_json(data)


def export_text(
    kb: KnowledgeBase, views: Mapping[str, RecordView], memo: RecordMemo[str] | None = None
) -> str:
    """kb.json: `safe_json(export(kb, views), indent=1)`, put together from each record's
    part, which `memo` keeps between builds (the pure-Python encoder that writes indented
    JSON took 0.2 s for 3,000 records)."""

    def part(make: Callable[[], dict[str, Any]]) -> str:  # as nested two levels deep
        return "  " + safe_json(make(), indent=1).replace("\n", "\n  ")

    parts = [
        memo.get(record, partial(part, make)) if memo is not None else part(make)
        for record, make in export_entries(kb, views)
    ]
    head = safe_json(export_head(kb), indent=1)  # ends with its empty "records": []
    if not parts:
        return head
    return head.removesuffix("[]\n}") + "[\n" + ",\n".join(parts) + "\n ]\n}"


SiteDataWork = Child[list[str]] | Outcome[list[str]]
"""Data files being written: `.result()` waits and gives the paths it compressed."""


def _written(site_dir: Path, files: Mapping[str, Callable[[], str]], compress: bool) -> list[str]:
    """Write each file (path relative to the site → its text), and its .gz copy with
    `compress`; returns the paths compressed."""
    for relative, text in files.items():
        path = site_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text(), encoding="utf-8")
        if compress:
            compress_file(path)
    return list(files) if compress else []


def start_exports(
    kb: KnowledgeBase,
    site_dir: Path,
    views: Mapping[str, RecordView],
    compress: bool = False,
    views_memo: RecordMemo[RecordView] | None = None,
) -> SiteDataWork:
    """Start writing kb.json and the feed into the site (with their .gz copies if
    `compress`): in a second process where there is one. They need only the records'
    views, so they are written while the pages are still being read. With `views_memo`
    (what the views were kept by), kb.json's parts are kept too (`export_memo`)."""

    def kb_json() -> str:
        memo = export_memo(views_memo) if views_memo is not None else None
        text = export_text(kb, views, memo)
        if memo is not None:
            memo.save()  # facts about records and views: true whether the build succeeds
        return text

    files = {
        EXPORT_PATH: kb_json,
        FEED_PATH: lambda: render_feed(kb, views),
    }
    return in_child(lambda: _written(site_dir, files, compress), pure=True)


def start_search_index(
    kb: KnowledgeBase,
    site_dir: Path,
    sections: Iterable[SearchDocument] | Later[list[SearchDocument]],
    views: Mapping[str, RecordView],
    compress: bool = False,
    cache: Path | None = None,
    views_memo: RecordMemo[RecordView] | None = None,
) -> SiteDataWork:
    """Start writing the search index (records and `sections`, the hand-written pages'
    sections) into the site, with its .gz copy if `compress`: in a second process where
    there is one, which goes on while the pages are written. `sections` may come
    `Later` (only to a second process, see `can_fork(pure=True)`): the records' part
    of the index is worked out meanwhile. `cache`: the build cache's folder, where the
    documents' terms are kept for the next build (`terms_memo`); with `views_memo` too
    (what the views were kept by), the records' documents (`documents_memo`)."""
    pages = sections if isinstance(sections, Later) else list(sections)

    def documents(kept: RecordMemo[SearchDocument] | None) -> Iterator[SearchDocument]:
        yield from record_documents(kb, views, kept.get if kept is not None else None)
        yield from pages.wait() if isinstance(pages, Later) else pages

    def index() -> str:  # in the second process: its memos are read there
        memo = terms_memo(cache)
        kept = documents_memo(views_memo, kb) if cache is not None and views_memo else None
        text = index_json(build_index(documents(kept), kb.synonyms, kb.product.language, memo.get))
        memo.save()  # what they keep are facts about texts: true whether the build succeeds
        if kept is not None:
            kept.save()
        return text

    return in_child(lambda: _written(site_dir, {INDEX_PATH: index}, compress), pure=True)


def write_site_data(
    kb: KnowledgeBase,
    site_dir: Path,
    sections: Iterable[SearchDocument] = (),
    compress: bool = True,
    compressed: Collection[str] = (),
    views: Mapping[str, RecordView] | None = None,
    started: Sequence[SiteDataWork] = (),
    meanwhile: Callable[[], None] | None = None,
    files: Iterable[str] | None = None,
    copies: CompressedCopies | None = None,
) -> None:
    """Write the search index, kb.json and the feed into a built site, then the .gz
    copies (except of the files in `compressed`: paths, relative to the site, of files
    whose .gz copy is already there, put back from the build cache); all from the
    records' views (built here when not given). `started`: that work already started
    (`start_exports` and `start_search_index`, with the same `compress`), else it is
    started here. The other files are compressed while it goes on, then `meanwhile` is
    called, then it is waited for. `files`: the paths (relative to the site) of every
    file the engine wrote, when it knows them (else the site's folders are walked).
    `copies`: compressed copies kept by earlier builds (`gzcache`), for those files."""
    views = views if views is not None else build_views(kb)
    site_dir.mkdir(parents=True, exist_ok=True)
    if not started:
        started = [
            start_exports(kb, site_dir, views, compress),
            start_search_index(kb, site_dir, sections, views, compress),
        ]
    data_files = {EXPORT_PATH, FEED_PATH, INDEX_PATH}
    if compress:
        precompress(site_dir, skip={*compressed, *data_files}, only=files, copies=copies)
    if meanwhile is not None:
        meanwhile()
    done_there = {path for work in started for path in work.result()}
    if compress:
        for path in sorted(data_files - done_there):
            compress_file(site_dir / path)
