"""Problems found in a knowledge base, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches


@dataclass(frozen=True, order=True)
class Problem:
    """One problem at one place: `path:line:column: message`."""

    path: str
    line: int
    column: int
    message: str

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
