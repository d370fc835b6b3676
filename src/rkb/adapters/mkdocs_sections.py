"""The hand-written pages' search sections, kept from one build to the next, so that a
rebuild can start the search index before it has read those pages again.

The index holds every record and every section of the hand-written pages, which MkDocs
reads (converts) first of all pages. Once the last is read the index is started in a
second process. In a rebuild, though, that is most of the second process's wait: the
index (about a second and a half at 3,000 records) is the last thing the build waits
for. So each page's sections are kept with what they are made from (its source, what
rkb puts into it, the records its ids link to, the site's settings), and when every
page's are found unchanged the index starts as soon as the pages are known. The pages
are read all the same: their sections are compared with those the index was started
from, and if they differ (something the key missed) the index is made again.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from ..build.cache import RecordMemo, code_digest
from ..search.documents import SearchDocument

PageKey = tuple[str, ...]


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

    def found(self, path: str, sections: list[SearchDocument]) -> None:
        """A page's sections, as read in this build."""
        self.read[path] = sections

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
