"""The hand-written pages' search sections, kept from one build to the next, so that a
rebuild can start the search index before it has read those pages again.

The index holds every record and every section of the hand-written pages, which MkDocs
reads (converts) first of all pages. Once the last is read the index is started in a
second process. In a rebuild, though, that is most of the second process's wait: the
index (about a second and a half at 3,000 records) is the last thing the build waits
for. So each page's sections are kept with what they are made from (its source, what
rkb puts into it, the records its ids link to, the site's settings), and when every
page's are found unchanged the index starts as soon as the pages are known. A page the
build cache puts back (same key, and a build without warnings kept it) is not read
again: its kept sections stand for it, and its kept anchors and links to anchors let
MkDocs check the links between it and the pages that are read. The pages that are read
have their sections compared with those the index was started from, and if they differ
(something the key missed) the index is made again.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from ..build.cache import RecordMemo, code_digest
from ..search.documents import SearchDocument

PageKey = tuple[str, ...]
Links = tuple[tuple[str, str, str], ...]
"""A page's links to anchors: (the page linked to, the anchor, the link as written)."""
Anchors = tuple[set[str], Links]
"""A page's anchor ids, and its links to anchors."""


class KeptSections:
    """The sections of the hand-written pages of the last build (`root` None: none)."""

    def __init__(self, root: Path | None, site_key: str) -> None:
        self.memo: RecordMemo[tuple[Any, ...]] | None = (
            RecordMemo(root, "sections", (code_digest(), site_key), tuple) if root else None
        )
        self.keys: dict[str, PageKey] = {}
        self.read: dict[str, list[SearchDocument]] = {}
        self.guessed: list[SearchDocument] | None = None

    def guess(self, pages: Sequence[tuple[str, PageKey]]) -> list[SearchDocument] | None:
        """The sections of `pages` (path and key, in the order they will be read), if
        every page's are kept; None otherwise."""
        self.keys = dict(pages)
        memo = self.memo
        if memo is None or not all(memo.has(key) for _, key in pages):
            return None
        self.guessed = [doc for _, key in pages for doc in memo.get(key, tuple)]
        return self.guessed

    def kept(self, path: str) -> list[SearchDocument] | None:
        """The kept sections of one page (by its key noted by `guess`), if kept."""
        key = self.keys.get(path)
        if self.memo is None or key is None or not self.memo.has(key):
            return None
        return list(self.memo.get(key, tuple))

    def found(self, path: str, sections: list[SearchDocument]) -> None:
        """A page's sections, as read in this build (or kept, for a page put back from
        the build cache instead of being read)."""
        self.read[path] = sections

    def in_order(self) -> list[SearchDocument]:
        """Every section found so far, the pages in the order they are read."""
        order = self.keys or self.read
        return [doc for path in order for doc in self.read.get(path, [])]

    def _links_key(self, path: str) -> tuple[str, ...] | None:
        """Where a page's anchors and links are kept: beside its sections, by its key."""
        key = self.keys.get(path)
        return ("anchors", *key) if key is not None else None

    def kept_links(self, path: str) -> Anchors | None:
        """A page's anchors and links to anchors when it was last read (`keep_links`)."""
        key = self._links_key(path)
        if self.memo is None or key is None or not self.memo.has(key):
            return None
        ids, links = self.memo.get(key, tuple)
        return set(ids), links

    def keep_links(self, path: str, ids: set[str], links: Links) -> None:
        """Keep the anchor ids of a page the next build may put back from the build
        cache, and its links to anchors (target page, anchor, link as written): MkDocs
        checks every link to an anchor against the anchors of the page it points to."""
        key = self._links_key(path)
        if self.memo is not None and key is not None:
            self.memo.forget(key)
            self.memo.get(key, partial(tuple, (tuple(sorted(ids)), links)))

    def confirmed(self, sections: list[SearchDocument]) -> bool:
        """Whether the index was started from the sections the pages turned out to have
        (`sections`, all of them in reading order); if not, the kept ones are replaced."""
        if self.guessed is None or self.guessed == sections:
            return True
        if self.memo is not None:
            for path, key in self.keys.items():
                self.memo.forget(key)
                self.memo.get(key, partial(tuple, self.read.get(path, [])))
        self.guessed = None
        return False

    def save(self) -> None:
        """Keep this build's sections (after a successful build)."""
        if self.memo is None:
            return
        for path, key in self.keys.items():
            if path in self.read:
                self.memo.get(key, partial(tuple, self.read[path]))
        self.memo.save()
