"""Record ids: their kinds, canonical spelling and the forms readers type."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class IdKind:
    letter: str
    folder: str
    digits: int
    name: str

    def canonical(self, number: int) -> str:
        return f"{self.letter}-{number:0{self.digits}d}"

    @property
    def pattern(self) -> str:
        return rf"{self.letter}-\d{{{self.digits},}}"


KINDS = {
    "F": IdKind("F", "faults", 4, "fault"),
    "P": IdKind("P", "proposals", 4, "proposal"),
    "Q": IdKind("Q", "faq", 4, "FAQ entry"),
    "T": IdKind("T", "training", 2, "lesson"),
}

_TYPED = re.compile(r"\s*([FfPpQqTt])[-\s]?0*(\d+)\s*")


def id_key(text: str) -> tuple[str, int] | None:
    """(letter, number) for any form a person types: F-0042, f-42, F42, f0042."""
    match = _TYPED.fullmatch(text)
    if not match:
        return None
    return match.group(1).upper(), int(match.group(2))


def canonical_id(text: str) -> str | None:
    """The canonical spelling of a typed id (f-42 → F-0042), or None if it is not an id."""
    key = id_key(text)
    return KINDS[key[0]].canonical(key[1]) if key else None
