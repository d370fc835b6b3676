"""A record text's plain lines (`safe.html_lines`), read from its clean HTML without
`HTMLParser`: the same text as the parser gives."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rkb.render import safe

PIECES = [
    "Текст",
    "отчёт ё",
    " ",
    "\n",
    "\n\n",
    "- пункт\n",
    "1. первый\n",
    "   - вложенный\n",
    "> цитата\n",
    "```\nкод  с  пробелами\n\n  и строкой\n```\n",
    "```sql\nSELECT 1;\n```\n",
    "    отступ кода\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n",
    "## Заголовок\n",
    "---\n",
    "`код`",
    "**жирный**",
    "*курсив*",
    "[ссылка](https://example.com/a?b=1&c=2)",
    "<https://example.com>",
    "&amp;",
    "&lt;",
    "&#10;",
    "a < b > c",
    "<br>",
    "<b>жирный</b>",
    "<!-- комментарий -->",
    '<a href="https://example.com" title="a > b">ссылка</a>',
    "<script>alert(1)</script>",
    "!!! note\n    заметка\n",
    "\xa0",
    "строка  \nперенос",
]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@given(text=TEXTS)
def test_plain_lines_of_clean_html_are_the_parsers(text: str) -> None:
    fragment = safe.markdown_html(text)
    assert safe.html_lines(fragment) == safe.parsed_lines(fragment)


@given(parts=st.lists(st.sampled_from(["<p>", "</p>", "<br/>", "<!-- x -->", "a", "&amp;", "<"])))
def test_any_fragment_is_read_as_the_parser_reads_it(parts: list[str]) -> None:
    """Markup other than tags and text (a comment, a stray `<`) is left to the parser."""
    fragment = "".join(parts)
    assert safe.html_lines(fragment) == safe.parsed_lines(fragment)


def test_quoted_values_may_hold_a_closing_bracket() -> None:
    fragment = (
        '<p><a href="https://e.example/" title="a > b">ссылка</a> дальше</p><ul><li>x</li></ul>'
    )
    assert safe.html_lines(fragment) == "ссылка дальше\n\n- x"
