"""rkb: the knowledge base and documentation site generator for reTributor."""

from .records.loader import KnowledgeBase, load_kb
from .records.problems import KbError, Problem

__version__ = "0.1.0"

__all__ = ["KbError", "KnowledgeBase", "Problem", "__version__", "load_kb"]
