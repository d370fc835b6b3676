"""Raw HTML blocks of record pages, kept away from Python-Markdown.

A fault, proposal or FAQ page is Markdown headings around raw HTML blocks (the facts, the
record's rendered text, the links: see `templates/md/fault.md.j2`), and no block has an
empty line inside (`safe.html_block`). Python-Markdown passes such blocks through
unchanged, but parses every tag of them to find where they end, which is most of the
time a record page takes. So before MkDocs converts the page, each block is replaced by a
one-word paragraph, and after, that paragraph by the block: the same bytes as converting
the whole page (tested), the headings and the table of contents still made by MkDocs
(or, for a record page, which is then an outline of headings and tokens, by
`mkdocs_outline`, with the same result). Blocks that follow one another share one token
(a paragraph costs Python-Markdown about as much as 90 characters of text).
What is not exactly one block stays Markdown, and so does a page with Markdown inside
HTML (`markdown="1"`): that extension lays out the HTML around it anew.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

TOKEN = "rkbhtmlblock{}"
_OPENING = re.compile(r"<(p|div|ul|dl|aside)\b[^>]*>")
_MARKDOWN_IN_HTML = re.compile(r"""\bmarkdown=["']""")
_ID = re.compile(r"""id=["']([^"']+)["']""")
"""An id attribute, and other attributes ending in `-id` (see `_is_attribute`). (A
pattern that starts with a literal is searched for as one, a sixteenth of the time of
starting it with `\b`.)"""
_TOKEN_PARAGRAPH = re.compile("<p>" + TOKEN.format(r"(\d+)") + "</p>")


def _is_block(chunk: str) -> bool:
    """Whether `chunk` is one element of these from its opening tag to its end tag (what
    `<(p|div|ul|dl|aside)\b[^>]*>.*</\1>` matches whole, without reading the middle)."""
    opening = _OPENING.match(chunk)
    if opening is None:
        return False
    closing = f"</{opening.group(1)}>"
    return chunk.endswith(closing) and opening.end() + len(closing) <= len(chunk)


def _has_markdown_in_html(text: str) -> bool:
    return "markdown=" in text and _MARKDOWN_IN_HTML.search(text) is not None


def hide(markdown: str, rest: str = "") -> tuple[str, list[str]]:
    """The Markdown with every raw HTML block replaced by a token, and the blocks.
    `rest`: the other Markdown of the page `markdown` is part of, where nothing is
    hidden (a hand-written page's text before its generated sections)."""
    blocks: list[str] = []
    if _has_markdown_in_html(markdown) or _has_markdown_in_html(rest):
        return markdown, blocks
    kept: list[str] = []
    follows_block = False
    for chunk in markdown.split("\n\n"):
        block = chunk.strip("\n")
        if not _is_block(block):
            kept.append(chunk)
            follows_block = False
        elif follows_block:  # blocks one after another: one token, laid out as they are
            blocks[-1] += "\n\n" + block
        else:
            kept.append(TOKEN.format(len(blocks)))
            blocks.append(block)
            follows_block = True
    return "\n\n".join(kept), blocks


def restore(html: str, blocks: Sequence[str]) -> str:
    """The converted page with each token's paragraph replaced by its block again, laid
    out as Python-Markdown lays out a raw block (an empty line after it, none at the end
    of the page): the same bytes as converting the page with its blocks."""
    found = [0] * len(blocks)

    def put_back(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if number >= len(blocks):
            return match.group(0)
        found[number] += 1
        return blocks[number] + "\n"

    html = _TOKEN_PARAGRAPH.sub(put_back, html)
    for number, times in enumerate(found):
        if times == 0:
            raise ValueError(f"HTML block {number} of the page was lost in its conversion")
        if times > 1:
            raise ValueError(f"HTML block {number} of the page came out {times} times")
    return html.strip()


def anchor_ids(blocks: Sequence[str]) -> set[str]:
    """The ids of the blocks' elements, which links from other pages may point to."""
    return {
        match.group(1)
        for block in blocks
        for match in _ID.finditer(block)
        if _is_attribute(block, match.start())
    }


def _is_attribute(text: str, start: int) -> bool:
    """Whether `id=` at `start` begins a word (what `\bid=` matches)."""
    if start == 0:
        return True
    before = text[start - 1]
    return not (before.isalnum() or before == "_")
