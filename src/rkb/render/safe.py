"""Record text made safe for a public page.

Markdown fields of records are rendered to HTML here and cleaned with an allow-list
(nh3, the binding to the Ammonia sanitiser): no scripts, no event handlers, no
`javascript:` or `data:` URLs, no frames, objects or styles. One-line fields are escaped
so that neither HTML nor Markdown written in them takes effect.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import markdown
import nh3
from pymdownx.superfences import fence_code_format

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
_EXTENSIONS = ["tables", "admonition", "sane_lists", "pymdownx.superfences", "pymdownx.highlight"]
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


@lru_cache(maxsize=1)
def _converter() -> markdown.Markdown:
    return markdown.Markdown(
        extensions=_EXTENSIONS,
        extension_configs={
            "pymdownx.highlight": {"guess_lang": False},
            "pymdownx.superfences": {"custom_fences": [_MERMAID_FENCE]},
        },
    )


def clean_html(fragment: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return str(
        nh3.clean(
            fragment,
            tags=_TAGS,
            attributes=_ATTRIBUTES,
            url_schemes=_SCHEMES,
            attribute_filter=_keep_attribute,
            link_rel="noopener noreferrer",
        )
    )


def markdown_html(text: str) -> str:
    """Render record Markdown to clean HTML."""
    converter = _converter()
    converter.reset()
    return clean_html(converter.convert(text))


def markdown_block(text: str, css_class: str = "rkb-text") -> str:
    """Record Markdown as a raw HTML block any Markdown engine passes through unchanged."""
    body = markdown_html(text).strip()
    if not body:
        return ""
    return f'<div class="{css_class}">\n{body}\n</div>'


def inline(text: str) -> str:
    """A one-line field for a Markdown inline context (heading, link text, table cell)."""
    escaped = html.escape(" ".join(text.split()), quote=True)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped)


def attribute(text: str) -> str:
    """A value for an HTML attribute or a plain-HTML context."""
    return html.escape(" ".join(text.split()), quote=True)


def plain_text(text: str, limit: int = 0) -> str:
    """Markdown reduced to its words (for meta descriptions and feeds)."""
    words = re.sub(r"<[^>]*>", " ", markdown_html(text))
    words = " ".join(html.unescape(words).split())
    words = re.sub(r" ([.,;:!?)])", r"\1", words)
    if limit and len(words) > limit:
        words = words[: limit - 1].rsplit(" ", 1)[0] + "…"
    return words
