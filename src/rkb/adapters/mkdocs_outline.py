"""Record pages converted without Python-Markdown.

Once its HTML blocks are hidden (`mkdocs_blocks`), a fault, proposal or FAQ page is an
outline: headings of plain text and the blocks' tokens, one per paragraph. Python-Markdown
still takes about a millisecond for that (a new converter for every page, then every
block and inline processor over every line), as long as plain Material takes for a whole
page. `Outline` makes what MkDocs' `Page.render` would make of such a page (the HTML, the
table of contents, the title, the anchors) itself, in a few microseconds.

It does only when the result is certainly the same:
- every processor of the configured Markdown extensions is one whose effect on plain text
  is known (`KNOWN`): any other extension, and the page goes through MkDocs;
- a converter made with the site's configuration, given a sample outline, returns
  exactly what `Outline` makes of it (the permalink, the id of a repeated heading);
- every line of the page is a token or `#`... a heading whose text has no character
  Python-Markdown would read as markup (backslash escapes aside, which it removes),
  ending, if the site has `attr_list`, in a list of attributes of the plain kind the FAQ's
  headings have (`{: #id .class data-x="value" }`: ids, classes, quoted values without
  markup), checked on a sample of its own.
A test builds a site both ways and compares every file; a property test compares
outlines with what MkDocs makes of them.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import markdown
from markdown.extensions.attr_list import get_attrs_and_remainder, sanitize_name
from markdown.extensions.toc import TocTreeprocessor, nest_toc_tokens, unique
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from . import mkdocs_blocks

KNOWN = {  # registry name → what the processors of rkb's own mkdocs.yml are called
    "preprocessors": {"normalize_whitespace", "html_block", "fenced_code_block"},
    "blockprocessors": {
        "empty",
        "indent",
        "code",
        "hashheader",
        "setextheader",
        "hr",
        "olist",
        "ulist",
        "quote",
        "reference",
        "paragraph",
        "table",
        "defindent",
        "deflist",
        "markdown_block",
        "admonition",
        "details",
        "fenced_code_block",
    },
    "inlinePatterns": {
        "backtick",
        "escape",
        "reference",
        "link",
        "image_link",
        "image_reference",
        "short_reference",
        "short_image_ref",
        "autolink",
        "automail",
        "linebreak",
        "html",
        "entity",
        "not_strong",
        "em_strong",
        "em_strong2",
    },
    "treeprocessors": {
        "inline",
        "prettify",
        "unescape",
        "attr_list",
        "toc",
        "md_in_html",
        "rkb_idlinks",
        "indent-highlight",
    },
    "postprocessors": {"raw_html", "amp_substitute", "unescape"},
}
"""Inline, none of these acts on text without `\\ ` * _ { } [ ] < > & ! #`; as blocks,
none on a line that begins `# ` or is one word, in a paragraph of its own."""

_TOKEN = re.compile(mkdocs_blocks.TOKEN.format(r"\d+"))
_HEADING = re.compile(r"(#{1,6}) (\S(?:.*\S)?)")
_MARKUP = re.compile(r"[`*_{}\[\]<>&!#\\\x00-\x1f]")
_ESCAPE = re.compile(r"\\(.)")
_VALUE = r'"[^"\\`*_{}\[\]<>&!#\x00-\x1f]*"'
_ATTRIBUTES = re.compile(
    rf"(.*?) +\{{:((?: +(?:[#.][A-Za-z0-9-]+|[A-Za-z][A-Za-z0-9-]*={_VALUE}))+) *\}}"
)
"""A heading's text and its plain attribute list: ids, classes, quoted values in which no
inline pattern finds anything (attr_list reads the list after the inline patterns ran)."""
_SAMPLE = "# rkbsample\n\nrkbhtmlblock0\n\n## rkbsample\n\n## rkbsample\n\nrkbhtmlblock1\n"
_ATTRIBUTES_SAMPLE = (
    '# rkbsample\n\n## rkbsample \\(1\\) {: data-rkbsample="a b" .rkbsample-b .rkbsample-a }\n\n'
    'rkbhtmlblock0\n\n### rkbsample {: #rkbsample-1 data-rkbsample="1" }\n\n## rkbsample\n'
)
"""Explicit ids are taken before any id is made (the second heading's is `rkbsample-1_1`),
classes are joined, attributes are written in the order of their names."""
log = logging.getLogger("mkdocs.structure.pages")  # MkDocs keeps anchor links above DEBUG


@dataclass(frozen=True)
class Converted:
    """What `Page.render` leaves on a page."""

    content: str
    toc_tokens: list[Any]  # as the toc extension leaves them
    title: str | None
    anchor_ids: set[str]
    permalinks: list[str]  # the anchors the headings' own links point to


class Outline:
    """Converts outline pages as the site's Markdown configuration would."""

    def __init__(self, toc: TocTreeprocessor, escaped: set[str]) -> None:
        self.slugify: Callable[[str, str], str] = toc.slugify
        self.separator: str = toc.sep
        self.top, self.bottom = int(toc.toc_top), int(toc.toc_bottom)
        permalink = toc.use_permalinks
        self.permalink = "" if permalink in (False, None) else self._permalink(toc)
        self.escaped = escaped
        self.attributes = False
        """Whether headings' attribute lists are read here (the site has `attr_list`)."""

    @staticmethod
    def _permalink(toc: TocTreeprocessor) -> str:
        text = "&para;" if toc.use_permalinks is True else html.escape(str(toc.use_permalinks))
        title = f' title="{html.escape(toc.permalink_title)}"' if toc.permalink_title else ""
        return f'<a class="{html.escape(toc.permalink_class)}" href="#{{}}"{title}>{text}</a>'

    @classmethod
    def for_config(cls, config: MkDocsConfig) -> Outline | None:
        """The converter for this site, or None when its Markdown may do more to an
        outline than `Outline` knows (an extension it does not know, a sample converted
        otherwise)."""
        md = markdown.Markdown(
            extensions=config.markdown_extensions, extension_configs=config.mdx_configs or {}
        )
        registries = {
            "preprocessors": md.preprocessors,
            "blockprocessors": md.parser.blockprocessors,
            "inlinePatterns": md.inlinePatterns,
            "treeprocessors": md.treeprocessors,
            "postprocessors": md.postprocessors,
        }
        for name, registry in registries.items():
            if not {entry.name for entry in registry._priority} <= KNOWN[name]:
                return None
        if "toc" not in md.treeprocessors:
            return None
        toc = md.treeprocessors["toc"]
        if not isinstance(toc, TocTreeprocessor):
            return None
        if toc.base_level or toc.use_anchors or toc.permalink_leading:
            return None
        outline = cls(toc, set(md.ESCAPED_CHARS) - set("<>&"))
        expected = outline.convert(_SAMPLE)
        content = md.convert(_SAMPLE)
        if expected is None or expected.content != content:
            return None
        if expected.toc_tokens != getattr(md, "toc_tokens", None):
            return None
        if "attr_list" in md.treeprocessors:  # else a page with an attribute list is MkDocs'
            outline.attributes = True
            expected = outline.convert(_ATTRIBUTES_SAMPLE)
            md.reset()
            made = (md.convert(_ATTRIBUTES_SAMPLE), getattr(md, "toc_tokens", None))
            same = expected is not None and (expected.content, expected.toc_tokens) == made
            outline.attributes = same
        return outline

    def _text(self, source: str) -> str | None:
        """A heading's text as HTML, or None if Python-Markdown would read markup in it."""
        text = _ESCAPE.sub(lambda m: m.group(1) if m.group(1) in self.escaped else "\0", source)
        if "\0" in text or _MARKUP.search(_ESCAPE.sub("", source)):
            return None
        if text != " ".join(text.split()):  # the table of contents would differ
            return None
        return text

    def _attributes(self, source: str) -> tuple[str, dict[str, str]] | None:
        """A heading's source without its attribute list, and the attributes as
        attr_list sets them (None: a list this does not read)."""
        found = _ATTRIBUTES.fullmatch(source) if self.attributes else None
        if found is None:
            return None
        pairs, remainder = get_attrs_and_remainder(found.group(2).strip())
        if remainder:
            return None
        attributes: dict[str, str] = {}
        for key, value in pairs:
            if value is None:
                return None
            name = "class" if key == "." else key
            if sanitize_name(name) != name or name == "data-toc-label":
                return None
            joined = key == "." and "class" in attributes
            attributes[name] = f"{attributes[name]} {value}" if joined else value
        return found.group(1), attributes

    def _heading(self, line: str) -> tuple[int, str, dict[str, str]] | None:
        """A heading line's level, text as HTML and attributes (None: not a heading
        converted here)."""
        heading = _HEADING.fullmatch(line)
        if heading is None:
            return None
        source, attributes = heading.group(2), dict[str, str]()
        if source.endswith("}"):
            split = self._attributes(source)
            if split is None:
                return None
            source, attributes = split
        text = self._text(source)
        return None if text is None else (len(heading.group(1)), text, attributes)

    def convert(self, outline: str) -> Converted | None:
        """What Python-Markdown makes of `outline`, or None if it is not one."""
        lines: list[str | tuple[int, str, dict[str, str]]] = []
        used: set[str] = set()  # the toc extension takes every explicit id first
        for chunk in outline.split("\n\n"):
            line = chunk.strip("\n")
            if not line:
                continue
            if "\n" in line:
                return None
            if _TOKEN.fullmatch(line):
                lines.append(line)
                continue
            heading = self._heading(line)
            if heading is None:
                return None
            if "id" in heading[2]:
                used.add(heading[2]["id"])
            lines.append(heading)
        parts: list[str] = []
        tokens: list[dict[str, Any]] = []
        counters: dict[str, int] = {}
        title: str | None = None
        permalinks: list[str] = []
        for item in lines:
            if isinstance(item, str):
                parts.append(f"<p>{item}</p>")
                continue
            level, text, attributes = item
            if "id" not in attributes:
                attributes["id"] = unique(self.slugify(text, self.separator), used, counters)
            anchor = attributes["id"]
            link = ""
            if self.permalink:
                link = self.permalink.format(anchor)
                permalinks.append(anchor)
            written = "".join(f' {name}="{value}"' for name, value in sorted(attributes.items()))
            parts.append(f"<h{level}{written}>{text}{link}</h{level}>")
            if self.top <= level <= self.bottom:
                token = {"level": level, "id": anchor, "name": text, "html": text}
                tokens.append({**token, "data-toc-label": ""})
            if level == 1 and len(parts) == 1:  # MkDocs: the title of a page that opens so
                title = text
        return Converted("\n".join(parts), nest_toc_tokens(tokens), title, used, permalinks)

    def render(self, page: Page, markdown: str) -> bool:
        """Have `page` converted here when `markdown`, what it is to be converted from,
        is an outline (its `render` replaced, once); False if MkDocs must convert it."""
        converted = self.convert(markdown)
        if converted is None:
            return False

        def render(*_: object) -> None:  # (config, files), as `Page.render` takes
            del vars(page)["render"]  # once: MkDocs' own for any later build
            page.content = converted.content
            page.toc = get_toc(converted.toc_tokens)
            page._title_from_render = converted.title
            page.present_anchor_ids = set(converted.anchor_ids)
            if log.getEffectiveLevel() > logging.DEBUG:  # as MkDocs: links to the page itself
                links = {anchor: "#" + anchor for anchor in converted.permalinks}
                page.links_to_anchors = {page.file: links} if links else {}

        page.render = render  # type: ignore[method-assign,assignment]
        return True
