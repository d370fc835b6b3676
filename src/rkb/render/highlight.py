"""Code blocks of record text highlighted by pymdownx, with each Pygments lexer found once
and each style's classes worked out once.

pymdownx makes a new highlighter for every code block, which asks Pygments for its lexer
by name. Pygments finds a name by going through every lexer it has, and a block without a
language costs that twice (no lexer is called "", then "text"): about 0.4 ms a block, a
fifth of the time the records' views of a 3,000-record knowledge base took. A lexer keeps no state
between the texts it reads, so the one found for a language and its options serves every
block written in it.

pymdownx also makes a new Pygments formatter for every block, which works out its style's
table of token classes from scratch (80 token types): 0.3 ms a block, a seventh of the
views' time at 3,000 records. The table depends only on the style and the class prefix,
and no formatter changes it, so `_create_stylesheet` of pymdownx's two formatters is made
to copy the one worked out first (for MkDocs' own pages too: the same tables).
"""

from __future__ import annotations

import threading
from typing import Any

from pymdownx import highlight as pymdownx_highlight
from pymdownx.highlight import Highlight, HighlightExtension

_FOUND: dict[tuple[Any, ...], tuple[Any, str]] = {}
_LOCK = threading.Lock()


class _Highlight(Highlight):  # type: ignore[misc]
    def get_lexer(self, src: str, language: str, inline: bool, stripnl: bool) -> tuple[Any, str]:
        if self.guess_lang:  # the lexer depends on the text
            found: tuple[Any, str] = super().get_lexer(src, language, inline, stripnl)
            return found
        key = (language, stripnl, self.default_lang, repr(self.extend_pygments_lang))
        with _LOCK:
            if key not in _FOUND:
                _FOUND[key] = super().get_lexer(src, language, inline, stripnl)
            return _FOUND[key]


_TABLES: dict[tuple[type[Any], Any, str], tuple[dict[Any, str], dict[str, Any]]] = {}


def _tables_once(formatter: type[Any]) -> None:
    """Make `formatter` (a Pygments HTML formatter class) work out each style's class
    tables once per process."""
    original = formatter._create_stylesheet
    if getattr(original, "rkb_once", False):
        return

    def create(self: Any) -> None:
        key = (formatter, self.style, self.classprefix)
        with _LOCK:
            if key not in _TABLES:
                original(self)
                _TABLES[key] = (self.ttype2class, self.class2style)
            classes, styles = _TABLES[key]
        self.ttype2class, self.class2style = dict(classes), dict(styles)

    create.rkb_once = True  # type: ignore[attr-defined]
    formatter._create_stylesheet = create


for _formatter in ("BlockHtmlFormatter", "InlineHtmlFormatter"):
    if hasattr(pymdownx_highlight, _formatter):  # (absent without Pygments)
        _tables_once(getattr(pymdownx_highlight, _formatter))


class CachedHighlightExtension(HighlightExtension):  # type: ignore[misc]
    """`pymdownx.highlight`, its lexers found once per language (same options)."""

    def get_pymdownx_highlighter(self) -> type[Highlight]:
        return _Highlight
