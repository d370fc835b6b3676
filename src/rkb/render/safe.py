"""Record text made safe for a public page.

Markdown fields of records are rendered to HTML here and cleaned with an allow-list
(nh3, the binding to the Ammonia sanitiser): no scripts, no event handlers, no
`javascript:` or `data:` URLs, no frames, objects or styles. One-line fields are escaped
so that neither HTML nor Markdown written in them takes effect.
"""

from __future__ import annotations

import html
import re
import threading
from html.parser import HTMLParser

import markdown
import nh3
from pymdownx.superfences import fence_code_format

from ..records.mentions import MENTION
from .highlight import CachedHighlightExtension
from .idlinks import IdLinkExtension, Linker

_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd",
    "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
}
_SCHEMES = {"http", "https", "mailto"}
_EXTENSIONS = ["tables", "admonition", "sane_lists", "pymdownx.superfences"]
_MERMAID_FENCE = {  # drawn in the browser by the site's own Mermaid (as in mkdocs.yml)
    "name": "mermaid",
    "class": "mermaid",
    "format": fence_code_format,
}
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+!|>-])")


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Drop images from other hosts: the site must work in a closed network."""
    if tag == "img" and attribute == "src" and re.match(r"(?i)\s*(https?:)?//", value):
        return None
    return value


_UNWRAPPED_LINK = re.compile(r"<a\b(?![^>]*\shref=)[^>]*>(.*?)</a>", re.S)
_IMAGE = re.compile(r"<img\b[^>]*>")


_PER_THREAD = threading.local()


def _converter() -> tuple[markdown.Markdown, IdLinkExtension]:
    """One converter per thread (a converter keeps state while it converts)."""
    made: tuple[markdown.Markdown, IdLinkExtension] | None = getattr(_PER_THREAD, "made", None)
    if made is None:
        links = IdLinkExtension()
        converter = markdown.Markdown(
            extensions=[*_EXTENSIONS, CachedHighlightExtension(guess_lang=False), links],
            extension_configs={"pymdownx.superfences": {"custom_fences": [_MERMAID_FENCE]}},
        )
        made = _PER_THREAD.made = (converter, links)
    return made


def _valid_image(match: re.Match[str]) -> str:
    """An image without a source is dropped; one without a text gets an empty alt."""
    tag = match.group(0)
    if " src=" not in tag:
        return ""
    if " alt=" not in tag:
        return tag[:4] + ' alt=""' + tag[4:]
    return tag


_CLEANER = nh3.Cleaner(  # built once: its allow-lists are not converted at every call
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    url_schemes=_SCHEMES,
    attribute_filter=_keep_attribute,
    link_rel="noopener noreferrer",
)


def clean_html(fragment: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    cleaned = str(_CLEANER.clean(fragment))
    # what the allow-list leaves must still be valid HTML: a link whose address was
    # removed becomes its text, an image gets an alt (or goes, if its source went)
    previous = None
    while previous != cleaned:
        previous, cleaned = cleaned, _UNWRAPPED_LINK.sub(r"\1", cleaned)
    return _IMAGE.sub(_valid_image, cleaned)


_MARKUP = re.compile(r"[\\`*_{}\[\]<>&!#|~=\t\x00-\x08\x0b-\x1f\x7f]")
_BLOCK_START = re.compile(r"(?m)^(?:[-+:>]|\d+\. |[^\S\n])|[^\S\n]$")
_BLANK = re.compile(r"\n *\n")
_CODE = re.compile(r"(?<!`)`([^`\n<&\\\x00-\x08\x0b-\x1f\x7f]+)`(?!`)")
_STRONG = re.compile(r"\*\*([^*\s](?:[^*\n]*[^*\s])?)\*\*")
_RULE = re.compile(r"(?m)^ {0,3}(?:\* *){3,}$")
_STASHED = re.compile(r"\x01(\d+)\x02")  # a code span, set aside
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def simple_paragraphs_html(text: str) -> str | None:
    """The HTML of `text` when it is only paragraphs of text, code spans (`code`) and
    strong emphasis (**text**), as Python-Markdown converts it (`<p>` around each, its
    lines kept); None when any other character or line could be Markdown (emphasis with
    one star or underscores, links, HTML, entities, lists, headings, quotes, tables,
    fences, rules, line breaks), a code span holds `<`, `&` or a backslash, a span runs
    over a line's end, or an id would be linked. Two thirds of record fields are such
    paragraphs, and Python-Markdown takes 0.15-0.6 ms for each."""
    if _CONTROL.search(text) or MENTION.search(text) or _RULE.search(text):
        return None
    if text.lstrip("\n")[:1].isspace():  # an indented first line: a code block, maybe empty
        return None
    spans: list[str] = []

    def stash(match: re.Match[str]) -> str:
        spans.append(f"<code>{match.group(1).strip().replace('>', '&gt;')}</code>")
        return f"\x01{len(spans) - 1}\x02"

    rest = _CODE.sub(stash, text) if "`" in text else text
    if "*" in rest:
        if _MARKUP.search(_STASHED.sub("", _STRONG.sub(r"\1", rest))):
            return None
        rest = _STRONG.sub(r"<strong>\1</strong>", rest)
    elif _MARKUP.search(_STASHED.sub("", rest) if spans else rest):
        return None
    paragraphs = [part.strip("\n") for part in _BLANK.split(rest)]
    # a line of spaces is blank for Python-Markdown, one of other white space is not
    paragraphs = [part for part in paragraphs if part.strip(" \n")]
    if not paragraphs or any(_BLOCK_START.search(part) for part in paragraphs):
        return None
    html_text = "\n".join(f"<p>{part}</p>" for part in paragraphs)
    return _STASHED.sub(lambda match: spans[int(match.group(1))], html_text) if spans else html_text


def markdown_html(text: str, linker: Linker | None = None) -> str:
    """Render record Markdown to clean HTML; ids and targets linked by `linker`."""
    simple = simple_paragraphs_html(text)
    if simple is not None:
        return clean_html(simple)
    converter, links = _converter()
    links.linker = linker or Linker()
    converter.reset()
    try:
        return clean_html(converter.convert(text))
    finally:
        links.linker = Linker()


def html_block(body: str, css_class: str = "rkb-text") -> str:
    """Clean HTML as a raw HTML block any Markdown engine passes through unchanged: with
    no empty line inside (CommonMark ends a block there), a newline of `<pre>` text being
    written `&#10;` instead, which every browser reads as the same character."""
    body = body.strip()
    if not body:
        return ""
    while "\n\n" in body:
        body = body.replace("\n\n", "\n&#10;")
    return f'<div class="{css_class}">\n{body}\n</div>'


def inline(text: str) -> str:
    """A one-line field for a Markdown inline context (heading, link text, table cell)."""
    escaped = html.escape(" ".join(text.split()), quote=True)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped)


def attribute(text: str) -> str:
    """A value for an HTML attribute or a plain-HTML context."""
    return html.escape(" ".join(text.split()), quote=True)


def attribute_text(text: str) -> str:
    """A text of several lines for an HTML attribute, its line breaks kept as `&#10;`
    (the tag stays on one line, as a raw HTML block in Markdown must)."""
    return html.escape(text.strip(), quote=True).replace("\r", "").replace("\n", "&#10;")


def shorten(words: str, limit: int) -> str:
    """At most `limit` characters, cut at a word and marked with an ellipsis."""
    if limit and len(words) > limit:
        words = words[: limit - 1].rsplit(" ", 1)[0] + "…"
    return words


def plain_words(text: str, limit: int = 0) -> str:
    """One line of plain text (no Markdown is read: for one-line fields and labels)."""
    return shorten(" ".join(text.split()), limit)


def html_words(fragment: str, limit: int = 0) -> str:
    """Clean HTML reduced to one line of its words (for meta descriptions and search)."""
    words = re.sub(r"<[^>]*>", " ", fragment)
    words = " ".join(html.unescape(words).split())
    words = re.sub(r" ([.,;:!?)])", r"\1", words)
    return shorten(words, limit)


_BLOCKS = {"p", "div", "blockquote", "pre", "table", "dl", "details", "ul", "ol"}
_LINES = {"li", "tr", "dt", "dd", "h2", "h3", "h4", "h5", "h6", "summary", "caption", "hr"}


class _Lines:
    """Plain text that keeps paragraphs, list items and preformatted lines, from the
    start tags, end tags and texts of an HTML fragment (as `HTMLParser` reports them)."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.lists: list[list[int]] = []  # per open list: [is ordered, next number]
        self.pre = 0

    def _last(self) -> str:
        """The last character of the text so far ("" for none)."""
        for part in reversed(self.out):
            if part:
                return part[-1]
        return ""

    def _break(self, blank: bool) -> None:
        text = "".join(self.out).rstrip(" ")
        want = "\n\n" if blank else "\n"
        if text and not text.endswith(want):
            text = text.rstrip("\n") + want
        self.out = [text]

    def handle_starttag(self, tag: str) -> None:
        if tag in ("ul", "ol"):
            self._break(not self.lists)
            self.lists.append([tag == "ol", 1])
        elif tag == "li" and self.lists:
            self._break(False)
            ordered, number = self.lists[-1]
            self.out.append("  " * (len(self.lists) - 1) + (f"{number}. " if ordered else "- "))
            self.lists[-1][1] += 1
        elif tag in _BLOCKS and not self.lists:
            self._break(True)
        elif tag in _LINES or tag == "br":
            self._break(False)
        if tag == "pre":
            self.pre += 1
        if tag in ("td", "th") and self.out and self._last() != "\n":
            self.out.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._break(not self.lists)
        elif tag in _BLOCKS and not self.lists:
            self._break(True)
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.out.append(data)
            return
        words = " ".join(data.split())
        if data[:1].isspace() and words:
            words = " " + words
        if data[-1:].isspace() and words:
            words += " "
        if words:
            self.out.append(words.lstrip() if self._last() in ("", " ", "\n") else words)


class _Parsed(HTMLParser):
    """Any HTML, reported to `_Lines`."""

    def __init__(self, lines: _Lines) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = lines

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        del attrs
        self.lines.handle_starttag(tag)

    def handle_endtag(self, tag: str) -> None:
        self.lines.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        self.lines.handle_data(data)


_TAG = re.compile(r"""<(/?)([a-zA-Z][^\t\n\f\r />]*)((?:[^>"']+|"[^"]*"|'[^']*')*)>""")
"""A start or end tag of clean HTML (quoted values may hold `>`, as nh3 writes them)."""


def _text_of(text: str) -> str:
    return html.unescape(text) if "&" in text else text


def _read(fragment: str, lines: _Lines) -> bool:
    """Report clean HTML to `lines` as `HTMLParser` would, in a third of its time; False
    when `fragment` has markup other than tags, texts and entities (`lines` is then left
    half-told)."""
    position = 0
    for tag in _TAG.finditer(fragment):
        start = tag.start()
        if start > position:
            text = fragment[position:start]
            if "<" in text:  # a comment, a declaration, a stray `<`: the parser decides
                return False
            lines.handle_data(_text_of(text))
        closing, name, rest = tag.groups()
        name = name.lower()
        if closing:
            lines.handle_endtag(name)
        else:
            lines.handle_starttag(name)
            if rest.endswith("/"):  # <br/>: HTMLParser's start and end tag
                lines.handle_endtag(name)
        position = tag.end()
    rest = fragment[position:]
    if "<" in rest:
        return False
    if rest:
        lines.handle_data(_text_of(rest))
    return True


def _text(lines: _Lines) -> str:
    text = [line.rstrip() for line in "".join(lines.out).split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(text)).strip()


def parsed_lines(fragment: str) -> str:
    """`html_lines` of any HTML, read by `HTMLParser`."""
    lines = _Lines()
    parser = _Parsed(lines)
    parser.feed(fragment)
    parser.close()
    return _text(lines)


def html_lines(fragment: str) -> str:
    """Clean HTML as plain text for a reply: paragraphs, `- ` list items, code lines."""
    lines = _Lines()
    return _text(lines) if _read(fragment, lines) else parsed_lines(fragment)  # anew
