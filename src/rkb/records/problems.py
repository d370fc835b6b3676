"""Problems found in a knowledge base, and the error that carries them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches

QUOTE_LIMIT = 60
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


def escape(text: str) -> str:
    """`text` on one line, every character a writer cannot see written as an escape.

    Control characters, line and paragraph breaks, tabs and invisible format characters
    (zero-width spaces, bidi controls, the BOM) become `\\n`, `\\t`, `\\u200b`…; visible
    text, Cyrillic included, stays as it is.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def quote(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message quotes it: `'majr'`, escaped, shortened to `limit` characters."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return repr(text)


def key_name(key: str) -> str:
    """A mapping key as a message names it: `fix` as it is, anything unusual quoted."""
    return key if _PLAIN_KEY.fullmatch(key) and len(key) <= QUOTE_LIMIT else quote(key)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place: `path:line:column: message`."""

    path: str
    line: int
    column: int
    message: str

    def __post_init__(self) -> None:
        # The last guard of "one problem, one line": whatever a message quotes, it prints
        # as one line a writer can read.
        object.__setattr__(self, "path", escape(self.path))
        object.__setattr__(self, "message", escape(self.message))

    def __str__(self) -> str:
        if self.line <= 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.column}: {self.message}"


class KbError(Exception):
    """The knowledge base has problems; `problems` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice most like `word`, if one is close enough to be a likely typo."""
    close = get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def suggest(word: str, choices: Iterable[str]) -> str:
    """Return "; did you mean 'x'?" when one choice is close to `word`, else ''."""
    match = closest(word, choices)
    return f"; did you mean '{match}'?" if match else ""
