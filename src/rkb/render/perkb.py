"""Tables worked out of a knowledge base once: for the kb last asked about, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from ..records.loader import KnowledgeBase

T = TypeVar("T")

_tables_of: list[tuple[KnowledgeBase, dict[str, Any]]] = []


def derived(kb: KnowledgeBase, name: str, compute: Callable[[], T]) -> T:
    """A table of `kb` (never changed by its callers), worked out once."""
    if not _tables_of or _tables_of[0][0] is not kb:
        _tables_of[:] = [(kb, {})]
    tables = _tables_of[0][1]
    if name not in tables:
        tables[name] = compute()
    return cast(T, tables[name])
