"""MkDocs plugin `rkb`: adds the knowledge base's generated pages to a MkDocs site.

It only adapts the engine-independent core: loading (`loader`), rendering (`render`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
import posixpath
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

from ..build.pipeline import INTERNAL_ENV, KB_ENV
from ..build.sitedata import write_site_data
from ..records.loader import KnowledgeBase, load_kb
from ..records.problems import KbError
from ..render import SiteRenderer
from ..render.checks import broken_targets, unknown_mentions
from ..render.feed import record_date
from ..render.idlinks import IdLinkExtension, PageLinker, RecordLink
from ..search.documents import SearchDocument
from ..search.sections import page_sections

# "mkdocs.plugins.rkb", or "properdocs.plugins.rkb" when ProperDocs runs the plugin (its
# `mkdocs` is an alias of `properdocs`): warnings must reach the engine's --strict counter.
log = logging.getLogger(f"{BasePlugin.__module__.split('.')[0]}.plugins.rkb")

ASSET_DIR = "assets/rkb"
REQUIRED_EXTENSIONS = ("toc", "tables", "attr_list", "def_list", "md_in_html", "admonition")
THEME_LABELS = (  # labels the overrides read from config.extra.rkb
    "search",
    "search_placeholder",
    "search_nothing",
    "search_loading",
    "search_found",
)


def _fingerprinted(uri: str, content: bytes) -> tuple[str, bytes]:
    """`name.min.js` → `name.<hash>.min.js`; `name.css` → `name.<hash>.css`."""
    suffix = ".min.js" if uri.endswith(".min.js") else "." + uri.rsplit(".", 1)[1]
    digest = hashlib.sha256(content).hexdigest()[:10]
    return f"{uri.removesuffix(suffix)}.{digest}{suffix}", content


def site_assets() -> dict[str, bytes]:
    """The site's own CSS and JS, and the search libraries, under fingerprinted names.

    Order matters: scripts are loaded in this order (lunr before its Russian stemmer,
    both before the search).
    """
    ours = package_files("rkb") / "assets"
    theirs = package_files("material") / "templates/assets/javascripts/lunr/min"
    sources = [
        (f"{ASSET_DIR}/rkb.css", ours / "rkb.css"),
        (f"{ASSET_DIR}/rkb-search.css", ours / "rkb-search.css"),
        (f"{ASSET_DIR}/vendor/lunr.min.js", ours / "vendor/lunr.min.js"),
        (f"{ASSET_DIR}/vendor/lunr.stemmer.support.min.js", theirs / "lunr.stemmer.support.min.js"),
        (f"{ASSET_DIR}/vendor/lunr.ru.min.js", theirs / "lunr.ru.min.js"),
        (f"{ASSET_DIR}/rkb.js", ours / "rkb.js"),
        (f"{ASSET_DIR}/rkb-copy.js", ours / "rkb-copy.js"),
        (f"{ASSET_DIR}/rkb-filters.js", ours / "rkb-filters.js"),
        (f"{ASSET_DIR}/rkb-quiz.js", ours / "rkb-quiz.js"),
        (f"{ASSET_DIR}/rkb-search.js", ours / "rkb-search.js"),
    ]
    return dict(_fingerprinted(uri, source.read_bytes()) for uri, source in sources)


class KnowledgeBaseConfig(base.Config):
    kb = c.Type(str, default="kb")
    """The knowledge-base folder, relative to mkdocs.yml."""
    internal = c.Type(bool, default=False)
    """Show `internal:` fields, marked as such: only for the support staff's own site."""
    precompress = c.Type(bool, default=True)
    """Write a .gz copy beside every text file (for nginx's gzip_static)."""


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    """Validates kb/ and turns it into pages; hand-written docs/ are never overwritten."""

    kb: KnowledgeBase
    renderer: SiteRenderer
    kb_dir: Path

    def __init__(self) -> None:
        self.generated: set[str] = set()
        self.sections: list[SearchDocument] = []
        self.assets: dict[str, bytes] = {}
        self.command = "build"
        self.idlinks = IdLinkExtension()

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        root = Path(config.config_file_path or ".").resolve().parent
        self.root = root
        self.kb_dir = Path(os.environ.get(KB_ENV) or root / self.config.kb).resolve()
        try:
            self.kb = load_kb(self.kb_dir)
        except KbError as error:
            raise PluginError(f"the knowledge base {self.kb_dir} has problems:\n{error}") from None
        custom_dir = config.theme.custom_dir
        internal = self.config.internal or os.environ.get(INTERNAL_ENV) == "1"
        self.renderer = SiteRenderer(
            self.kb, Path(custom_dir) if custom_dir else None, internal=internal
        )
        product = self.kb.product
        config.site_name = product.name
        config.site_url = config.site_url or product.site_url
        config.theme["language"] = product.language
        labels = self.renderer.labels
        config.extra["rkb"] = {key: labels[key] for key in THEME_LABELS}
        if not config.nav:
            config.nav = self.renderer.nav()
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        # ids written in docs/ link to their records, as in record text
        self.idlinks = IdLinkExtension()
        config.markdown_extensions.append(self.idlinks)
        self.record_links = {
            view.id: RecordLink(view.title, view.path)
            for view in self.renderer.views.values()
            if view.path
        }
        self.assets = site_assets()
        for uri in self.assets:
            target = config.extra_css if uri.endswith(".css") else config.extra_javascript
            target.append(uri)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        handwritten = {f.src_uri for f in files if f.is_documentation_page()}
        self.generated = set()
        self.sections = []
        for page in self.renderer.pages(handwritten):
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            files.append(
                File.generated(config, page.path, content=page.markdown, inclusion=inclusion)
            )
            self.generated.add(page.path)
        for uri, content in self.assets.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, uri, content=content))
        problems = [  # shown as the other kb problems are: relative to where rkb runs
            dataclasses.replace(problem, path=os.path.relpath(problem.path))
            for problem in broken_targets(self.kb, {f.url for f in files}, self.renderer.views)
        ]
        if problems:
            raise PluginError(
                f"the knowledge base {self.kb_dir} has problems:\n{KbError(problems)}"
            )
        return files

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        path = page.file.src_uri
        if path not in self.generated and page.title:
            self.sections += page_sections(page.url, str(page.title), html)
        return html

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        path = page.file.src_uri
        self.idlinks.linker = PageLinker(self.record_links, path, path not in self.generated)
        if path in self.generated:
            record = self.kb.record(posixpath.basename(path).removesuffix(".md"))
            day = record_date(record) if record is not None else None
            if day is not None:  # the sitemap's lastmod: the record's date, not the build's
                page.update_date = day.isoformat()
            return markdown
        source = page.file.content_string
        start = source.find(markdown[:200]) if markdown else -1
        shift = source.count("\n", 0, start) if start > 0 else 0  # front matter lines
        for line, column, message in unknown_mentions(self.kb, markdown):
            shown = os.path.relpath(page.file.abs_src_path or path, self.root)
            log.warning("%s:%d:%d: %s", shown, line + shift, column, message)
        markdown, unknown = self.renderer.expand_tokens(markdown, path)
        for name in unknown:
            log.warning("%s: unknown token {{ rkb.%s }}", path, name)
        module = self.renderer.module_of(path)
        if module is not None:
            markdown = markdown.rstrip() + "\n\n" + self.renderer.guide_sections(module, path)
        return markdown

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        write_site_data(
            self.kb,
            Path(config.site_dir),
            self.sections,
            compress=self.config.precompress and self.command != "serve",
            views=self.renderer.views,
        )

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self.kb_dir))
        return server
