"""MkDocs plugin `rkb`: adds the knowledge base's generated pages to a MkDocs site.

It only adapts the engine-independent core: loading (`loader`), rendering (`render`).
"""

from __future__ import annotations

import logging
import os
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page

from .buildcmd import KB_ENV
from .loader import KnowledgeBase, load_kb
from .problems import KbError
from .render import SiteRenderer

log = logging.getLogger("mkdocs.plugins.rkb")

ASSETS = ("rkb.css", "rkb.js")
ASSET_DIR = "assets/rkb"
REQUIRED_EXTENSIONS = ("toc", "tables", "attr_list", "def_list", "md_in_html", "admonition")


class KnowledgeBaseConfig(base.Config):
    kb = c.Type(str, default="kb")
    """The knowledge-base folder, relative to mkdocs.yml."""


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    """Validates kb/ and turns it into pages; hand-written docs/ are never overwritten."""

    kb: KnowledgeBase
    renderer: SiteRenderer
    kb_dir: Path

    def __init__(self) -> None:
        self.generated: set[str] = set()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        self.kb_dir = Path(os.environ.get(KB_ENV) or root / self.config.kb).resolve()
        try:
            self.kb = load_kb(self.kb_dir)
        except KbError as error:
            raise PluginError(f"the knowledge base {self.kb_dir} has problems:\n{error}") from None
        custom_dir = config.theme.custom_dir
        self.renderer = SiteRenderer(self.kb, Path(custom_dir) if custom_dir else None)
        product = self.kb.product
        config.site_name = product.name
        config.site_url = config.site_url or product.site_url
        config.theme["language"] = product.language
        if not config.nav:
            config.nav = self.renderer.nav()
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        config.extra_css.append(f"{ASSET_DIR}/rkb.css")
        config.extra_javascript.append(f"{ASSET_DIR}/rkb.js")
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        handwritten = {f.src_uri for f in files if f.is_documentation_page()}
        self.generated = set()
        for page in self.renderer.pages(handwritten):
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(
                File.generated(config, page.path, content=page.markdown, inclusion=inclusion)
            )
            self.generated.add(page.path)
        assets = package_files("rkb") / "assets"
        for name in ASSETS:
            uri = f"{ASSET_DIR}/{name}"
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, uri, content=(assets / name).read_bytes()))
        return files

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        path = page.file.src_uri
        if path in self.generated:
            return markdown
        markdown, unknown = self.renderer.expand_tokens(markdown, path)
        for name in unknown:
            log.warning("%s: unknown token {{ rkb.%s }}", path, name)
        module = self.renderer.module_of(path)
        if module is not None:
            markdown = markdown.rstrip() + "\n\n" + self.renderer.guide_sections(module, path)
        return markdown

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self.kb_dir))
        return server
