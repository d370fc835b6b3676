"""Record fields of simple paragraphs (text, code spans, strong emphasis), converted
without Python-Markdown (`safe`)."""

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
    "**",
    "***",
    "* ",
    "_",
    "`",
    "``",
    "`код`",
    "` `",
    "`a > b`",
    "`<b>`",
    "`a*b`",
    "**жирный**",
    "** не жирный **",
    ">",
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


def _texts(pieces: list[str], most: int) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=most).map("".join)


def _same_as_python_markdown(text: str) -> None:
    fast = safe.simple_paragraphs_html(text)
    if fast is not None:
        assert safe.clean_html(fast) == _slow(text)


@given(text=_texts(PIECES, 12))
def test_simple_paragraphs_convert_as_python_markdown_does(text: str) -> None:
    _same_as_python_markdown(text)


SIMPLE = [  # mostly what the fast path takes, to try its edges often
    "слово",
    "Word",
    " ",
    "    ",
    "\n",
    "\n\n",
    ":",
    "**",
    "*",
    "`",
    "`к д`",
    "` `",
    "`a > b`",
    "`**`",
    "**жирный**",
    "** x**",
    "-",
    "\xa0",
]


@given(text=_texts(SIMPLE, 14))
def test_text_code_and_strong_convert_as_python_markdown_does(text: str) -> None:
    _same_as_python_markdown(text)


def _slow(text: str) -> str:
    converter, links = safe._converter()
    links.linker = Linker()
    converter.reset()
    return safe.clean_html(converter.convert(text))


def test_simple_paragraphs_are_taken_and_other_markup_is_not() -> None:
    text = "Первый абзац,\nвторая строка.\n\nВторой «абзац» (с кавычками)."
    assert safe.simple_paragraphs_html(text) == (
        "<p>Первый абзац,\nвторая строка.</p>\n<p>Второй «абзац» (с кавычками).</p>"
    )
    text = "Нажмите **Сохранить** и выполните `systemctl restart app > /dev/null`."
    assert safe.simple_paragraphs_html(text) == (
        "<p>Нажмите <strong>Сохранить</strong> и выполните "
        "<code>systemctl restart app &gt; /dev/null</code>.</p>"
    )
    for simple in [text, "**Решение:** обновите", "`a` и `b`\n\nещё"]:
        assert safe.markdown_html(simple) == _slow(simple), simple
    for markup in [
        "*курсив*",
        "- пункт",
        "1. пункт",
        "см. F-12",
        "`F-12`",
        "a  \nb",
        "    код",
        "`<div>`",
        "```\nкод\n```",
        "**через\nстроку**",
        "** ** **",
    ]:
        assert safe.simple_paragraphs_html(markup) is None, markup
