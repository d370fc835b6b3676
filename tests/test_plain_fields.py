"""Record fields of plain paragraphs, converted without Python-Markdown (`safe`)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rkb.render import safe
from rkb.render.idlinks import Linker

PIECES = [
    "Текст",
    "отчёт",
    "Ошибка 413",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\n  \n",
    ".",
    ",",
    "«цитата»",
    '"кавычки"',
    "'",
    "(скобки)",
    "— тире",
    "-",
    "- ",
    "+ ",
    "1. ",
    "2)",
    ": ",
    "> ",
    "*",
    "_",
    "`",
    "#",
    "|",
    "~",
    "=",
    "&",
    "<b>",
    "!",
    "[",
    "\\",
    "\xa0",
    "\u2003",
    "\u2028",
    "\t",
    "\r",
    "F-12",
    "q-3",
    "http://example.ru/путь",
    "    код",
]


@given(text=st.lists(st.sampled_from(PIECES), max_size=12).map("".join))
def test_plain_paragraphs_convert_as_python_markdown_does(text: str) -> None:
    fast = safe.plain_paragraphs_html(text)
    if fast is not None:
        assert safe.clean_html(fast) == _slow(text)


def _slow(text: str) -> str:
    converter, links = safe._converter()
    links.linker = Linker()
    converter.reset()
    return safe.clean_html(converter.convert(text))


def test_plain_paragraphs_are_taken_and_markup_is_not() -> None:
    text = "Первый абзац,\nвторая строка.\n\nВторой «абзац» (с кавычками)."
    assert safe.plain_paragraphs_html(text) == (
        "<p>Первый абзац,\nвторая строка.</p>\n<p>Второй «абзац» (с кавычками).</p>"
    )
    assert safe.markdown_html(text) == _slow(text)
    for markup in ["**жирный**", "- пункт", "1. пункт", "см. F-12", "a  \nb", "    код"]:
        assert safe.plain_paragraphs_html(markup) is None, markup
