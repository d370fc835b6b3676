"""The data files a built site carries beside its pages, whatever engine built the pages:
the search index, `/kb.json`, and compressed copies for nginx's `gzip_static`."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from .compress import precompress
from .loader import KnowledgeBase
from .render.export import EXPORT_PATH, export
from .search.documents import SearchDocument, record_documents
from .search.index import INDEX_PATH, build_index, dump_index


def write_site_data(
    kb: KnowledgeBase,
    site_dir: Path,
    sections: Iterable[SearchDocument] = (),
    compress: bool = True,
) -> None:
    """Write the search index and kb.json into a built site, then the .gz copies."""
    documents = record_documents(kb) + list(sections)
    index = site_dir / INDEX_PATH
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(
        dump_index(build_index(documents, kb.synonyms, kb.product.language)), encoding="utf-8"
    )
    (site_dir / EXPORT_PATH).write_text(
        json.dumps(export(kb), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    if compress:
        precompress(site_dir)
