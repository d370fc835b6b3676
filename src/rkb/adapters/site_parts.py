"""What the rkb plugin adds to a MkDocs configuration, for the engine-free source tree."""

from __future__ import annotations

from ..build.markdown_tree import ThemeParts
from .mkdocs_plugin import REQUIRED_EXTENSIONS, THEME_LABELS, mermaid_assets, site_assets


def theme_parts() -> ThemeParts:
    return ThemeParts(site_assets(), THEME_LABELS, REQUIRED_EXTENSIONS, mermaid_assets)
