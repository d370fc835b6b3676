"""Code blocks of record text highlighted by pymdownx, with each Pygments lexer found once.

pymdownx makes a new highlighter for every code block, which asks Pygments for its lexer
by name. Pygments finds a name by going through every lexer it has, and a block without a
language costs that twice (no lexer is called "", then "text"): about 0.4 ms a block, a
fifth of the time the records' views of a 3,000-record knowledge base took. A lexer keeps no state
between the texts it reads, so the one found for a language and its options serves every
block written in it.
"""

from __future__ import annotations

import threading
from typing import Any

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


class CachedHighlightExtension(HighlightExtension):  # type: ignore[misc]
    """`pymdownx.highlight`, its lexers found once per language (same options)."""

    def get_pymdownx_highlighter(self) -> type[Highlight]:
        return _Highlight
