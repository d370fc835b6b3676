"""Record pages' raw HTML blocks: kept away from Python-Markdown and put back unchanged."""

from __future__ import annotations

import re

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rkb.adapters import mkdocs_blocks
from rkb.render import safe

PAGE = (
    "# F-0001 · Заголовок\n\n"
    '<p class="rkb-record-head"><a href="x">Ссылка</a></p>\n\n'
    '<div class="rkb-facts">\n<dl>\n<dt>Модуль</dt>\n<dd>Отчёты</dd>\n</dl>\n</div>\n\n'
    "## Признаки\n\n"
    + safe.html_block('<p id="шаг">Текст</p>\n<pre><code>первая\n\n\nпоследняя</code></pre>')
    + "\n\n<code>inline</code> starts a paragraph, not a block\n\n"
    "## Связанные записи\n\n"
    '<ul>\n<li><a href="../../faq/Q-0001/">Q-0001</a></li>\n</ul>\n'
)
EXTENSIONS = ["toc", "attr_list", "def_list", "md_in_html", "tables"]


def test_a_page_converts_to_the_same_html_with_its_blocks_hidden() -> None:
    hidden, blocks = mkdocs_blocks.hide(PAGE)
    assert len(blocks) == 3  # the head and the facts, one after the other, share a token
    assert blocks[0].startswith('<p class="rkb-record-head">') and blocks[0].endswith("</div>")
    assert "<dl>" not in hidden and "## Признаки" in hidden and "<code>inline" in hidden
    whole = markdown.Markdown(extensions=EXTENSIONS).convert(PAGE)
    fast = mkdocs_blocks.restore(markdown.Markdown(extensions=EXTENSIONS).convert(hidden), blocks)
    assert fast == whole


def test_a_block_keeps_no_empty_line_and_its_pre_text() -> None:
    block = safe.html_block("<pre><code>a\n\n\nb</code></pre>")
    assert "\n\n" not in block
    assert block.replace("&#10;", "\n").count("\n") == 5  # the div's two, the text's three


def test_a_block_lost_in_conversion_is_an_error() -> None:
    _, blocks = mkdocs_blocks.hide(PAGE)
    with pytest.raises(ValueError, match="HTML block 1 of the page was lost"):
        mkdocs_blocks.restore("<p>rkbhtmlblock0</p>", blocks)


def test_ids_inside_blocks_are_anchors_of_the_page() -> None:
    _, blocks = mkdocs_blocks.hide(PAGE)
    assert mkdocs_blocks.anchor_ids(blocks) == {"шаг"}


@pytest.mark.parametrize("where", ["page", "rest"])
def test_nothing_is_hidden_where_markdown_is_inside_html(where: str) -> None:
    """md_in_html lays out the HTML inside a `markdown="1"` block anew, so a page with one
    (or whose other part, `rest`, has one) is converted whole."""
    inside = '<div class="rkb-filter" markdown="1">\n\n## Группа\n\n</div>\n\n'
    page, rest = (inside + PAGE, "") if where == "page" else (PAGE, inside)
    hidden, blocks = mkdocs_blocks.hide(page, rest=rest)
    assert (hidden, blocks) == (page, [])


def test_a_block_put_back_twice_or_never_is_an_error() -> None:
    _, blocks = mkdocs_blocks.hide(PAGE)
    twice = "<p>rkbhtmlblock0</p>\n<p>rkbhtmlblock0</p>" + "".join(
        f"<p>rkbhtmlblock{n}</p>" for n in range(1, len(blocks))
    )
    with pytest.raises(ValueError, match="HTML block 0 of the page came out 2 times"):
        mkdocs_blocks.restore(twice, blocks)


_PIECES = ["<p>", "</p>", "<div>", "</div>", '<ul class="c">', "</ul>", "<dl>", "</dl>"]
_WHOLE_BLOCK = re.compile(r"<(p|div|ul|dl|aside)\b[^>]*>.*</\1>", re.DOTALL)


@given(st.lists(st.sampled_from([*_PIECES, "x", "\n", ">", "<", "<pre>"]), max_size=8))
def test_a_chunk_is_a_block_exactly_when_it_is_one_element_whole(pieces: list[str]) -> None:
    """The check reads only the chunk's ends, and says what matching it whole says."""
    chunk = "".join(pieces)
    assert mkdocs_blocks._is_block(chunk) == bool(_WHOLE_BLOCK.fullmatch(chunk))
