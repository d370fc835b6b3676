"""Rendering of the knowledge base into Markdown pages, independent of the site engine."""

from .pages import GeneratedPage, SiteRenderer

__all__ = ["GeneratedPage", "SiteRenderer"]
