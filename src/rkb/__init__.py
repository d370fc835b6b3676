"""rkb: the knowledge base and documentation site generator for reTributor."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .records.loader import KnowledgeBase, load_kb
    from .records.problems import KbError, Problem

__version__ = "0.1.0"

__all__ = ["KbError", "KnowledgeBase", "Problem", "__version__", "load_kb"]

_EXPORTS = {
    "KnowledgeBase": "records.loader",
    "load_kb": "records.loader",
    "KbError": "records.problems",
    "Problem": "records.problems",
}


def __getattr__(name: str) -> Any:
    """The records API, imported when first asked for: a command that starts work
    before it reads records (`rkb build`'s folders made ahead) does not wait for it."""
    if name in _EXPORTS:
        return getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
