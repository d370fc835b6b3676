"""Record ids written in text become links: one Python-Markdown extension for record
text and for the hand-written pages of docs/.

`IdLinkExtension(linker)` adds a treeprocessor that turns every id (`F-0042`, `f-42`,
`Q-17`: `records.mentions.MENTION`) outside code, preformatted text and existing links
into `<a href="…" title="record title">`, and lets the linker rewrite the targets of the
text's own links and images. What an id links to is the linker's business:
`SiteLinker` (record text, shared by several pages) gives addresses absolute from the
site root's path; the MkDocs adapter gives page-relative `.md` paths that MkDocs checks.
An id that names no record is left as text (validation reports it).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass
from xml.etree import ElementTree as etree  # noqa: N813 (Python-Markdown's name)

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE

from ..records.ids import KINDS, canonical_id
from ..records.mentions import MENTION

SKIPPED = {"a", "code", "pre", "kbd", "samp", "script", "style"}
_RAW_OPEN = re.compile(r"(?i)<(?:a|code|pre|kbd|samp)\b[^>]*(?<!/)>")
_RAW_CLOSE = re.compile(r"(?i)</(?:a|code|pre|kbd|samp)\s*>")
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")
LINK_CLASS = "rkb-id-link"


@dataclass(frozen=True)
class RecordLink:
    """What an id links to: the record's title and its page (`faults/F-0042.md`)."""

    title: str
    path: str


def record_page(record_id: str) -> str:
    return f"{KINDS[record_id[0]].folder}/{record_id}.md"


def page_address(path: str) -> str:
    """The address of a page built with directory URLs (faults/F-0001.md → faults/F-0001/)."""
    if path == "index.md":
        return ""
    stem = path.removesuffix(".md")
    return stem.removesuffix("index") if stem.endswith("/index") else stem + "/"


def internal_address(target: str) -> tuple[str, str] | None:
    """(site-relative address, '#fragment' or '') of a link target inside the site.

    Record text is shown on many pages, so its relative targets are read from the
    site root (docs/): `guide/reports.md` and `/guide/reports/` both mean the chapter.
    Targets with a scheme (`https:`, `mailto:`), `//host` and bare `#fragments` are not
    the site's and give None; so does a path that climbs out of the site (`../x`): that
    one comes back as an address starting with `..`, which no file has.
    """
    target = target.strip()
    if not target or target.startswith(("#", "//")) or _SCHEME.match(target):
        return None
    path, hash_, fragment = target.partition("#")
    path = path.split("?", 1)[0]
    suffix = hash_ + fragment
    if not path:
        return None
    absolute = path.startswith("/")
    normal = posixpath.normpath(path.lstrip("/")) if path.strip("/") else "."
    if normal == ".":
        return "", suffix
    directory = path.endswith("/") or (absolute and "." not in posixpath.basename(normal))
    if normal.endswith(".md"):
        return page_address(normal), suffix
    return normal + ("/" if directory and not normal.startswith("..") else ""), suffix


class Linker:
    """Where ids and targets lead; the base class links nothing and rewrites nothing."""

    enabled = True

    def record(self, typed_id: str) -> tuple[str, str] | None:
        """(href, title) for an id as written, or None when no record has it."""
        del typed_id
        return None

    def target(self, target: str) -> str:
        """The href or src to write for a target of the text's own link or image."""
        return target


class SiteLinker(Linker):
    """Links for text shown on any page: addresses absolute from the site root's path."""

    def __init__(self, records: Mapping[str, RecordLink], base: str = "/") -> None:
        self.records = records
        self.base = base if base.endswith("/") else base + "/"

    def record(self, typed_id: str) -> tuple[str, str] | None:
        canonical = canonical_id(typed_id)
        found = self.records.get(canonical) if canonical else None
        if found is None:
            return None
        return self.base + page_address(found.path), found.title

    def target(self, target: str) -> str:
        inside = internal_address(target)
        if inside is None or inside[0].startswith(".."):
            return target
        return self.base + inside[0] + inside[1]


class PageLinker(Linker):
    """Links for one hand-written page: page-relative `.md` paths, which the site engine
    checks and turns into addresses like any link written in the page."""

    def __init__(self, records: Mapping[str, RecordLink], page: str, enabled: bool = True) -> None:
        self.records = records
        self.directory = posixpath.dirname(page)
        self.enabled = enabled

    def record(self, typed_id: str) -> tuple[str, str] | None:
        canonical = canonical_id(typed_id)
        found = self.records.get(canonical) if canonical else None
        if found is None:
            return None
        return posixpath.relpath(found.path, self.directory or "."), found.title


class _IdLinkProcessor(Treeprocessor):  # type: ignore[misc]
    def __init__(self, md: Markdown, extension: IdLinkExtension) -> None:
        super().__init__(md)
        self.extension = extension
        self.raw_depth = 0

    def run(self, root: etree.Element) -> None:
        linker = self.extension.linker
        if not linker.enabled:
            return
        self.raw_depth = 0
        self._walk(root, linker)

    def _walk(self, element: etree.Element, linker: Linker) -> None:
        if element.tag == "a" and element.get("href") is not None:
            element.set("href", linker.target(element.get("href", "")))
        if element.tag == "img" and element.get("src") is not None:
            element.set("src", linker.target(element.get("src", "")))
        if element.tag in SKIPPED:
            return
        pieces = self._split(element.text or "", linker)
        element.text = pieces[0] if isinstance(pieces[0], str) else ""
        position = 0
        for piece in pieces[1:]:
            position = self._place(element, position, piece)
        index = position
        while index < len(element):
            child = element[index]
            self._walk(child, linker)
            tail = self._split(child.tail or "", linker)
            child.tail = tail[0] if isinstance(tail[0], str) else ""
            index += 1
            for piece in tail[1:]:
                index = self._place(element, index, piece)

    @staticmethod
    def _place(parent: etree.Element, index: int, piece: str | etree.Element) -> int:
        """Put a piece after position `index`: an element is inserted, text is its tail."""
        if isinstance(piece, str):
            previous = parent[index - 1]
            previous.tail = (previous.tail or "") + piece
            return index
        parent.insert(index, piece)
        return index + 1

    def _split(self, text: str, linker: Linker) -> list[str | etree.Element]:
        """Text cut into text and links; raw inline HTML (stashed) is followed so that
        ids inside a raw `<a>` or `<code>` stay as they are."""
        pieces: list[str | etree.Element] = [""]
        position = 0
        for stash in [*HTML_PLACEHOLDER_RE.finditer(text), None]:
            end = stash.start() if stash else len(text)
            self._link(text[position:end], linker, pieces)
            if stash is None:
                break
            self._add(pieces, stash.group(0))
            self._follow(int(stash.group(1)))
            position = stash.end()
        return pieces

    def _follow(self, index: int) -> None:
        blocks = self.md.htmlStash.rawHtmlBlocks
        raw = str(blocks[index]) if index < len(blocks) else ""
        opened = len(_RAW_OPEN.findall(raw)) - len(_RAW_CLOSE.findall(raw))
        self.raw_depth = max(0, self.raw_depth + opened)

    def _link(self, text: str, linker: Linker, pieces: list[str | etree.Element]) -> None:
        if self.raw_depth:
            self._add(pieces, text)
            return
        position = 0
        for match in MENTION.finditer(text):
            found = linker.record(match.group(0))
            if found is None:
                continue
            self._add(pieces, text[position : match.start()])
            link = etree.Element("a", {"href": found[0], "title": found[1], "class": LINK_CLASS})
            link.text = match.group(0)
            pieces.append(link)
            position = match.end()
        self._add(pieces, text[position:])

    @staticmethod
    def _add(pieces: list[str | etree.Element], text: str) -> None:
        if not text:
            return
        if isinstance(pieces[-1], str):
            pieces[-1] += text
        else:
            pieces.append(text)


class IdLinkExtension(Extension):  # type: ignore[misc]
    """Register with a linker; swap `linker` to link against another knowledge base."""

    def __init__(self, linker: Linker | None = None) -> None:
        super().__init__()
        self.linker = linker or Linker()

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # after the inline patterns (20), attr_list (8) and toc (5); before MkDocs' link
        # checks and rewriting ("relpath", 0), so the links made here are checked too
        md.treeprocessors.register(_IdLinkProcessor(md, self), "rkb_idlinks", 2)
