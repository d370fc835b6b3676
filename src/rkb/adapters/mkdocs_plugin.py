"""MkDocs plugin `rkb`: adds the knowledge base's generated pages to a MkDocs site.

It only adapts the engine-independent core: loading (`loader`), rendering (`render`).
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import logging
import os
import posixpath
from collections.abc import Callable, Iterable, Mapping
from importlib.resources import files as package_files
from pathlib import Path, PurePosixPath
from typing import Any

import material
import mkdocs
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import CountHandler
from mkdocs.utils.meta import get_data

from ..build.cache import (
    CACHE_ENV,
    PARALLEL_VIEWS,
    LazyRecordMemo,
    PageCache,
    RecordKeys,
    RecordMemo,
    Remembered,
    cached_views,
    code_digest,
    digest,
    notice,
    page_memos,
    targets_memo,
    tree_digest,
)
from ..build.compress import COMPRESSED_SUFFIXES, LEVEL, compressed_copy
from ..build.folders import Folders, finish_early, remember_folders, start_folders
from ..build.gzcache import CompressedCopies
from ..build.markdown_tree import has_diagram, with_diagram_script
from ..build.parallel import Child, Later, Outcome, can_fork, in_child, lowered
from ..build.pdf import PDF_PATH
from ..build.pipeline import INTERNAL_ENV, KB_ENV, PDF_ENV, TEMPLATES_DIR, checked_kb
from ..build.sitedata import (
    SiteDataWork,
    start_exports,
    start_search_index,
    write_site_data,
)
from ..records.loader import Elsewhere, KnowledgeBase, load_kb
from ..records.problems import KbError
from ..render import SiteRenderer
from ..render.checks import broken_targets, unknown_mentions
from ..render.feed import record_date
from ..render.idlinks import IdLinkExtension, PageLinker
from ..render.pages import Rendered
from ..render.templating import compiled_templates
from ..render.view import RecordView, context_for
from ..search.documents import SearchDocument
from ..search.sections import page_sections
from . import mkdocs_blocks as html_blocks
from .mkdocs_outline import Outline
from .mkdocs_parallel import SharedBuild, SharedPopulate
from .mkdocs_sections import KeptSections, PageKey
from .mkdocs_theme import list_visible_theme_files

# "mkdocs.plugins.rkb", or "properdocs.plugins.rkb" when ProperDocs runs the plugin (its
# `mkdocs` is an alias of `properdocs`): warnings must reach the engine's --strict counter.
log = logging.getLogger(f"{BasePlugin.__module__.split('.')[0]}.plugins.rkb")
ENGINE_LOG = logging.getLogger(BasePlugin.__module__.split(".")[0])  # its --strict counts these

ASSET_DIR = "assets/rkb"
REQUIRED_EXTENSIONS = ("toc", "tables", "attr_list", "def_list", "md_in_html", "admonition")
THEME_LABELS = (  # labels the overrides read from config.extra.rkb
    "search",
    "search_placeholder",
    "search_nothing",
    "search_loading",
    "search_found",
    "feedback_question",
    "feedback_yes",
    "feedback_no",
    "feedback_thanks",
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
        (f"{ASSET_DIR}/rkb-training.js", ours / "rkb-training.js"),
        (f"{ASSET_DIR}/rkb-upgrade.js", ours / "rkb-upgrade.js"),
        (f"{ASSET_DIR}/rkb-search.js", ours / "rkb-search.js"),
        (f"{ASSET_DIR}/rkb-feedback.js", ours / "rkb-feedback.js"),
    ]
    return dict(_fingerprinted(uri, source.read_bytes()) for uri, source in sources)


MERMAID_URI = f"{ASSET_DIR}/vendor/mermaid.min.js"


def mermaid_assets(package: Path) -> dict[str, bytes]:
    """Mermaid from the npm package installed by `npm ci` (never committed), with its
    licence; empty when it is not installed."""
    script = package / "dist" / "mermaid.min.js"
    if not script.is_file():
        return {}
    licence = (package / "LICENSE").read_bytes() if (package / "LICENSE").is_file() else b""
    return {
        **dict([_fingerprinted(MERMAID_URI, script.read_bytes())]),
        f"{ASSET_DIR}/vendor/LICENSE.mermaid": licence,
    }


class LazyFile(File):
    """A generated page whose Markdown is read (from the build cache) only when asked
    for: the Markdown of a page put back from the page cache is never read."""

    load: Callable[[], str] | None = None

    @classmethod
    def lazy(
        cls, config: MkDocsConfig, path: str, load: Callable[[], str], inclusion: InclusionLevel
    ) -> LazyFile:
        made = cls.generated(config, path, content="", inclusion=inclusion)
        assert isinstance(made, LazyFile)
        made.load = load
        made.__dict__.pop("_loaded", None)
        return made

    @property
    def _content(self) -> str | bytes | None:
        if "_loaded" not in self.__dict__:
            assert self.load is not None
            self.__dict__["_loaded"] = self.load()
        loaded: str | bytes | None = self.__dict__["_loaded"]
        return loaded

    @_content.setter
    def _content(self, value: str | bytes | None) -> None:
        self.__dict__["_loaded"] = value


@dataclasses.dataclass
class WrittenThere:
    """What the second process wrote: its pages (as `written`), the copied files whose
    .gz copy it made, the kept .gz copies it used, and its generated pages as the build
    cache keeps them (see `PageCache.remembered`)."""

    pages: dict[str, dict[str, str]]
    compressed: list[str]
    used: dict[str, tuple[int, int, int]]
    remembered: Remembered | None


class FragmentCache:
    """`{% call rkb_fragment(key...) %}markup{% endcall %}`: the markup rendered once per
    key in a build: theme markup many pages share (the navigation of pages out of it,
    the header, the configuration and scripts, a table of contents; see overrides/)."""

    def __init__(self) -> None:
        self.fragments: dict[tuple[Any, ...], str] = {}

    @staticmethod
    def frozen(key: tuple[Any, ...]) -> tuple[str, ...]:
        """How a key is kept: the repr of each part (Jinja values, tuples of them)."""
        return tuple(repr(part) for part in key)

    def __call__(self, *key: Any, caller: Any) -> str:
        frozen = self.frozen(key)
        if frozen not in self.fragments:
            self.fragments[frozen] = caller()
        return self.fragments[frozen]


class KnowledgeBaseConfig(base.Config):
    kb = c.Type(str, default="kb")
    """The knowledge-base folder, relative to mkdocs.yml."""
    internal = c.Type(bool, default=False)
    """Show `internal:` fields, marked as such: only for the support staff's own site."""
    precompress = c.Type(bool, default=True)
    """Write a .gz copy beside every text file (for nginx's gzip_static)."""
    mermaid = c.Type(str, default="node_modules/mermaid")
    """The Mermaid npm package (relative to mkdocs.yml), for pages with diagrams."""


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    """Validates kb/ and turns it into pages; hand-written docs/ are never overwritten."""

    kb: KnowledgeBase
    renderer: SiteRenderer
    kb_dir: Path

    def __init__(self) -> None:
        self.generated: set[str] = set()
        self.warnings = CountHandler(level=logging.WARNING)  # MkDocs' own counter's kind
        """Warnings logged in this build: a hand-written page is kept in the build cache
        only from a build without any, so that a rebuild warns again as a cold one would."""
        self.assets: dict[str, bytes] = {}
        self.mermaid: dict[str, bytes] = {}
        self.mermaid_dir = Path("node_modules/mermaid")
        self.command = "build"
        self.use_cache = False
        """Set by the engine when it builds into a fresh folder with MkDocs' `dirty`."""
        self.cache: PageCache | None = None
        self.cacheable: dict[str, str] = {}
        """Page path → the hash of what it is made of (its Markdown, for a generated
        page), for the pages the build cache keeps."""
        self.reused: set[str] = set()
        self.reused_outputs: set[str] = set()  # files put back from the cache, .gz included
        self.internal = False
        self.own_nav = True
        self._files = Files([])
        self.idlinks = IdLinkExtension()
        self.views_memo: Any = None
        self.page_memo: LazyRecordMemo | None = None  # record pages' Markdown
        self.rows_memo: RecordMemo[str] | None = None  # the listings' rows
        self.targets_memo: RecordMemo[bool] | None = None  # records without broken links
        self.compiled: Path | None = None
        self.site_data: list[SiteDataWork] = []  # data files being written elsewhere
        self.index_started = False
        self.data_started = False  # the index, kb.json and the feed (`_start_site_data`)
        self.memos_saved = False
        self.sections_pending: set[str] = set()
        self.html_blocks: dict[str, list[str]] = {}  # page path → its hidden HTML blocks
        self.guide_sections: dict[str, str] = {}  # chapter path → its generated end
        self.shared_populate: SharedPopulate | None = None
        self.shared_build: SharedBuild[WrittenThere] | None = None
        self.nav: Navigation | None = None
        self.outline: Outline | None = None
        self.record_pages: set[str] = set()
        self.written: dict[str, dict[str, str]] = {}
        """Pages written with their .gz copy by `on_post_page`: page path → output path
        (relative to the site) → its digest ("" when no build cache keeps it)."""
        self.copies = CompressedCopies(None, LEVEL)  # the build's (`on_env`)
        self.copied_compressed: list[str] = []
        """Files MkDocs copies whose .gz copy the second process wrote (`_compress_copied`)."""
        self.compress_pages = False
        self.pages_built = 0  # pages written by the last build (with the cache's)
        self.kept_sections = KeptSections(None, "")
        self.index_work: SiteDataWork | None = None
        self.index_later: Later[list[SearchDocument]] | None = None  # the index waits
        self.links_key = ""  # what the ids in hand-written pages link to
        self.folders: Folders | None = None  # the record pages' being made (`build.folders`)
        self.page_folders: set[str] = set()  # the record pages' folders
        self.placing: Child[None] | Outcome[None] | None = None  # pages put back elsewhere
        self.saving_memos: Child[None] | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.warnings.counts.clear()
        self.memos_saved, self.saving_memos = False, None
        ENGINE_LOG.addHandler(self.warnings)  # until the build ends or fails
        list_visible_theme_files(config.theme)  # its static files found without its icons
        root = Path(config.config_file_path or ".").resolve().parent
        self.root = root
        self.kb_dir = Path(os.environ.get(KB_ENV) or root / self.config.kb).resolve()
        try:
            self.kb = checked_kb(self.kb_dir) or load_kb(self.kb_dir)
        except KbError as error:
            raise PluginError(f"the knowledge base {self.kb_dir} has problems:\n{error}") from None
        custom_dir = config.theme.custom_dir
        internal = self.config.internal or os.environ.get(INTERNAL_ENV) == "1"
        self.internal = internal
        keys = RecordKeys(self.kb.sources)  # each record's key worked out once, for all memos
        views, self.views_memo = cached_views(self.kb, self._cache_root(), keys)
        self._start_index_early(config, views)
        overrides = Path(custom_dir) if custom_dir else None
        pdf = os.environ.get(PDF_ENV) == "1"
        cache = self._cache_root()
        self.compiled = cache / TEMPLATES_DIR if cache is not None else None
        self.renderer = SiteRenderer(
            self.kb, overrides, internal=internal, pdf=pdf, views=views, compiled=self.compiled
        )
        self.page_memo, self.rows_memo = page_memos(
            self._cache_root(), self.kb, overrides, (internal, pdf), keys
        )
        self.targets_memo = targets_memo(cache, keys) if cache is not None else None
        product = self.kb.product
        config.site_name = product.name
        config.site_url = config.site_url or product.site_url
        config.theme["language"] = product.language
        labels = self.renderer.labels
        config.extra["rkb"] = {key: labels[key] for key in THEME_LABELS}
        self.own_nav = not config.nav  # every generated page in it has its title there
        if self.own_nav:
            config.nav = self.renderer.nav()
        for extension in REQUIRED_EXTENSIONS:
            if extension not in config.markdown_extensions:
                config.markdown_extensions.append(extension)
        # ids written in docs/ link to their records, as in record text
        self.idlinks = IdLinkExtension()
        config.markdown_extensions.append(self.idlinks)
        context = context_for(self.kb)
        self.record_links = dict(context.links)  # as the views link them
        self.record_pages = {link.path for link in self.record_links.values()}
        self.links_key = context.links_key
        self.outline = Outline.for_config(config)  # record pages converted without MkDocs
        self.assets = site_assets()
        self.mermaid = mermaid_assets(root / self.config.mermaid)
        self.mermaid_dir = root / self.config.mermaid
        for uri in self.assets:
            target = config.extra_css if uri.endswith(".css") else config.extra_javascript
            target.append(uri)
        self._keep_loaded()
        return config

    def _start_index_early(self, config: MkDocsConfig, views: Mapping[str, RecordView]) -> None:
        """Start the search index, kb.json and the feed as soon as the views are known,
        in second processes: the records' part of the index is worked out while the
        pages are made (the longest work of a rebuild beside them); the hand-written
        pages' sections follow when they are known (`_start_search_index`). Only in
        rkb's own builds into a fresh folder (`use_cache`: MkDocs' `dirty`): otherwise
        MkDocs empties the site folder after this and could delete what they wrote;
        they start with the files then (`_start_site_data`)."""
        self.site_data = []
        self.index_later = None
        self.data_started = False
        if self.use_cache and self._elsewhere() is not None and can_fork(pure=True):
            self._keep_loaded()  # the kb and its views, out of the collector's sight
            self._start_site_data(Path(config.site_dir), views)

    def _start_site_data(self, site_dir: Path, views: Mapping[str, RecordView]) -> None:
        if self.data_started:
            return
        self.data_started = True
        if self._elsewhere() is not None and can_fork(pure=True):
            self.index_later = Later()
            self._add_index_work(
                start_search_index(
                    self.kb,
                    site_dir,
                    self.index_later,
                    views,
                    self._compress(),
                    self._cache_root(),
                    self.views_memo,
                )
            )
        # kb.json and the feed need only the views: written while the pages are made
        self.site_data.append(
            start_exports(self.kb, site_dir, views, self._compress(), self.views_memo)
        )

    def _keep_loaded(self) -> None:
        """In a build, what is loaded so far (the kb, its views, the pages' Markdown)
        lives until the build ends: moved out of the garbage collector's sight, which
        otherwise walks it again at every full collection (about 1 s of a 3,000-record
        build), and which would copy it into a second process page by page as it marks
        it. Not in the preview server, which lives on from build to build."""
        if self.command == "build":
            gc.freeze()

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        handwritten = {f.src_uri for f in files if f.is_documentation_page()}
        self.generated = set()
        self.cacheable = {}
        self.html_blocks = {}
        self.guide_sections = {}
        self.folders = None
        self._start_site_data(Path(config.site_dir), self.renderer.views)  # if not yet
        self.page_folders = (
            {path.removesuffix(".md") for path in self.record_pages}
            if config.use_directory_urls
            else set()
        )
        if self._rebuilding() and self.page_folders:
            self.folders = start_folders(Path(config.site_dir), self.page_folders)
        self._start_kept_search_index(files, config)
        pages = self.renderer.pages(
            handwritten, self.page_memo, self._elsewhere(), rows=self.rows_memo
        )
        for page in pages:
            inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
            if page.load is not None:  # its Markdown read from the build cache if asked for
                files.append(LazyFile.lazy(config, page.path, page.load, inclusion))
            else:
                files.append(
                    File.generated(config, page.path, content=page.markdown, inclusion=inclusion)
                )
            self.generated.add(page.path)
            if self.own_nav or not page.in_nav:
                self.cacheable[page.path] = page.digest or digest(page.markdown)
        for path, text in self.renderer.data_files().items():
            files.append(File.generated(config, path, content=text))
        if os.environ.get(PDF_ENV) == "1":  # written by the pipeline after the pages
            files.append(File.generated(config, PDF_PATH, content=b""))
        for uri, content in {**self.assets, **self.mermaid}.items():
            existing = files.get_file_from_path(uri)
            if existing is not None:
                files.remove(existing)
            files.append(File.generated(config, uri, content=content))
        problems = [  # shown as the other kb problems are: relative to where rkb runs
            dataclasses.replace(problem, path=os.path.relpath(problem.path))
            for problem in broken_targets(
                self.kb, {f.url for f in files}, self.renderer.views, self.targets_memo
            )
        ]
        if problems:
            raise PluginError(
                f"the knowledge base {self.kb_dir} has problems:\n{KbError(problems)}"
            )
        self._files = files
        self._reuse_cached_pages(files, config)
        return files

    def _rebuilding(self) -> bool:
        """A build after an earlier one whose views it mostly kept: few pages to render,
        so the pages' folders, which a cold build makes as it writes them (in both
        processes), are better made beside the work (`build.folders`)."""
        memo = self.views_memo
        return (
            self.command == "build"
            and memo is not None
            and memo.computed * 2 < len(self.renderer.views)
        )

    def _start_kept_search_index(self, files: Files, config: MkDocsConfig) -> None:
        """Note the hand-written pages (`files` holds only them yet), whose sections the
        search index holds, and start the index now if the last build kept them all."""
        self.index_started = False
        read = InclusionLevel.is_in_serve if self.command == "serve" else InclusionLevel.is_included
        pages = files.documentation_pages(inclusion=read)
        self.sections_pending = {f.src_uri for f in pages}
        root = self._cache_root()
        self.kept_sections = KeptSections(root, self._site_key(files, config) if root else "")
        if self.kept_sections.memo is not None:
            kept = self.kept_sections.guess([(f.src_uri, self._page_key(f)) for f in pages])
            if kept is not None:  # unchanged since the last build: the index can start now
                self._start_search_index(config, kept)

    def _elsewhere(self) -> Elsewhere[Rendered] | None:
        """Where pages' Markdown (the listings, record pages) can be rendered beside
        this process (`build` only: the preview server runs threads)."""
        return in_child if self.command == "build" else None

    # -- the build cache (see rkb.build.cache) -----------------------------------------

    def _cache_root(self) -> Path | None:
        root = os.environ.get(CACHE_ENV)
        return Path(root) if root and self.use_cache else None

    def _site_key(self, files: Files, config: MkDocsConfig) -> str:
        """What every page's output depends on besides its own Markdown."""
        custom_dir = config.theme.custom_dir
        shared = {
            "rkb": code_digest(),
            "engine": [mkdocs.__version__, material.__version__],
            "config": digest(Path(config.config_file_path or "mkdocs.yml").read_bytes()),
            "theme": tree_digest([Path(custom_dir)] if custom_dir else []),
            "settings": [
                config.site_name,
                config.site_url,
                config.strict,
                config.theme["language"],
                config.extra,
                config.nav,
                config.extra_css,
                config.extra_javascript,
                [
                    e if isinstance(e, str) else type(e).__qualname__
                    for e in config.markdown_extensions
                ],
                self.internal,
            ],
            "files": sorted((f.src_uri, f.dest_uri, f.inclusion.name) for f in files),
            "nav_meta": self._nav_meta(files),
        }
        return digest(json.dumps(shared, default=repr, sort_keys=True, ensure_ascii=False))

    def _nav_meta(self, files: Files) -> list[tuple[str, Any]]:
        """The front matter of the pages in the nav: every page shows some of it (icons,
        subtitles, status) in its navigation."""
        return [
            (f.src_uri, get_data(f.content_string)[1])
            for f in files.documentation_pages()
            if not f.inclusion.is_not_in_nav()
        ]

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        """Pages in the nav put back from the cache are not read by MkDocs; read their
        source still, for the front matter that other pages' navigation shows."""
        for page in nav.pages:
            if page.file.src_uri in self.reused:
                page.read_source(config)
        self._restore_links(files)  # links to and from pages put back checked as before
        self._keep_loaded()
        self.shared_populate, self.shared_build, self.nav = None, None, nav
        if self._share_work(config):
            pages = [
                f.page
                for f in files.documentation_pages()
                if f.page is not None and f.src_uri not in self.reused
            ]
            shared = SharedPopulate.start(pages, self.generated, config, files)
            self.shared_populate = shared
        return nav

    def _share_work(self, config: MkDocsConfig) -> bool:
        """Whether pages can be shared with a second process (`mkdocs_parallel`): a
        build (not the threaded preview server), on two cores, with no other plugin that
        would see pages in one process only."""
        return self.command == "build" and can_fork() and set(config.plugins) == {"rkb"}

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        if self.shared_populate is not None:
            self.shared_populate.skip_here(page)
        return page

    def _reuse_cached_pages(self, files: Files, config: MkDocsConfig) -> None:
        self.cache, self.reused, self.reused_outputs = None, set(), set()
        self.placing = None
        root = self._cache_root()
        if root is None:
            return
        handwritten = [f for f in files.documentation_pages() if f.src_uri not in self.generated]
        kept: dict[str, list[SearchDocument]] = {}  # hand-written pages' kept sections
        for page_file in handwritten:  # read and built, unless put back from the cache
            page_file.is_modified = lambda: True  # type: ignore[method-assign]
            path = page_file.src_uri
            key = self.kept_sections.keys.get(path)
            if key is not None:  # what it is made of (the rest is in the site key)
                self.cacheable[path] = digest("\0".join(("hand-written", *key)))
                if (sections := self.kept_sections.kept(path)) is not None:
                    kept[path] = sections
        self.cache = PageCache(root, self._site_key(files, config))
        # their files are put into the site later, while the search index is made
        self.reused = self.cache.reusable(
            {p: text for p, text in self.cacheable.items() if p in self.generated or p in kept}
        )
        for path in self.reused:
            file = files.src_uris.get(path)  # a source path as is: no PurePath
            if file is not None:
                file.is_modified = lambda: False  # type: ignore[method-assign]
            self.reused_outputs.update(self.cache.current[path].outputs)
            if path not in self.generated:  # not read: its sections are those kept
                self.kept_sections.found(path, kept[path])
                self.sections_pending.discard(path)
        self._start_placing(Path(config.site_dir))
        generated = [path for path in self.cacheable if path in self.generated]
        read = [f for f in handwritten if f.src_uri not in self.reused]
        notice(
            f"{len(set(generated) - self.reused)} of {len(generated)} generated pages to render "
            f"and {len(read)} of {len(handwritten)} hand-written ones to read; the others are "
            "unchanged, from the build cache"
        )

    def _start_placing(self, site_dir: Path) -> None:
        """In a rebuild, put the pages kept by the cache into the site from a second
        process (hard links: the kernel's work), while this one builds the others; MkDocs
        writes none of them (it passes over unmodified files)."""
        cache, reused = self.cache, sorted(self.reused)
        if cache is not None and self._rebuilding() and reused and can_fork(pure=True):
            self.placing = in_child(lambda: cache.place(reused, site_dir), pure=True)

    def _meanwhile(self, site_dir: Path) -> None:
        """What this process does while the site data are written elsewhere."""
        self._finish_pages(site_dir)
        self._save_memos()

    def _finish_pages(self, site_dir: Path) -> None:
        """The pages put back from the cache placed in the site, the others kept in it."""
        if self.placing is not None:
            self.placing.result()
            self.placing = None
        elif self.cache is not None:
            self.cache.place(self.reused, site_dir)
        self._remember_built_pages(self._files, site_dir)

    def _remember_built_pages(
        self, files: Files, site_dir: Path, paths: Iterable[str] | None = None
    ) -> None:
        """Keep the pages written in this build (or those of `paths`) for the next one,
        except those the cache holds already (put back, or kept by the second process)."""
        if self.cache is None:
            return
        for path in self.cacheable if paths is None else paths:
            markdown = self.cacheable.get(path)
            file = files.src_uris.get(path)
            if path in self.cache.current or markdown is None or file is None:
                continue
            if path not in self.generated:  # hand-written, read in this build
                if self.warnings.counts or file.page is None:
                    continue  # put back, it would not warn again in the next build
                self._keep_links(file.page)
            outputs = [file.dest_uri, file.dest_uri + ".gz"]
            known = self.written.get(path)
            self.cache.remember(path, markdown, site_dir, outputs, known)

    def _keep_links(self, page: Page) -> None:
        """Keep a hand-written page's anchors and links to anchors, so that MkDocs
        checks the links to and from it when the next build puts it back (`on_nav`)."""
        links = tuple(
            (target.src_uri, anchor, original)
            for target, anchors in (page.links_to_anchors or {}).items()
            for anchor, original in anchors.items()
        )
        self.kept_sections.keep_links(page.file.src_uri, page.present_anchor_ids or set(), links)

    def _restore_links(self, files: Files) -> None:
        """The kept anchors and links to anchors of the hand-written pages put back."""
        for path in self.reused - self.generated:
            file = files.src_uris.get(path)
            kept = self.kept_sections.kept_links(path)
            if file is None or file.page is None or kept is None:
                continue
            file.page.present_anchor_ids, links = kept
            file.page.links_to_anchors = {}
            for target, anchor, original in links:
                if (linked := files.src_uris.get(target)) is not None:
                    file.page.links_to_anchors.setdefault(linked, {})[anchor] = original

    def save_cache(self) -> None:
        """Called by the engine once the build succeeded: only then is the page table
        kept (the memos, facts about records and pages, may be kept before)."""
        if self.cache is not None:
            self.cache.save()
        self._save_memos()

    def _save_memos(self) -> None:
        """Keep the memos (once a build): views, pages' Markdown and rows, checked links,
        the hand-written pages' sections and links, each true whether the build succeeds:
        in a build, while the search index and kb.json are still being written."""
        if self.memos_saved:
            return
        self.memos_saved = True
        if self.saving_memos is not None:
            self.saving_memos.result()
            self.saving_memos = None
        else:
            self._save_record_memos()
        self.kept_sections.save()  # with the links of the pages written last

    def _save_record_memos(self) -> None:
        for memo in (self.views_memo, self.page_memo, self.rows_memo, self.targets_memo):
            if memo is not None:
                memo.save()

    def _start_saving_memos(self) -> None:
        """Once every page is read, a build that made many records' values keeps them
        from a second process at a lower priority, beside the page writing (0.1 s at
        1,000 records), rather than on the one core that ends the build."""
        made = self.views_memo.computed if self.views_memo is not None else 0
        if self.command == "build" and made >= PARALLEL_VIEWS and can_fork():
            self.saving_memos = Child(lowered(self._save_record_memos))

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        path = page.file.src_uri
        blocks = self.html_blocks.pop(path, None)
        if blocks is not None:
            try:
                html = html_blocks.restore(html, blocks)
            except ValueError as error:
                raise PluginError(f"{path}: {error}") from None
            page.present_anchor_ids = (page.present_anchor_ids or set()) | (
                html_blocks.anchor_ids(blocks)
            )
        if path not in self.generated:  # read here, never by a second process
            sections = page_sections(page.url, str(page.title), html) if page.title else []
            self.kept_sections.found(path, sections)
            self.sections_pending.discard(path)
            if not self.sections_pending:  # the hand-written pages (read first) are read
                self._start_search_index(config)
        return html

    def _page_key(self, file: File) -> PageKey:
        """What a hand-written page's search sections are made of: its source, the
        tokens and generated sections put into it, the records its ids link to."""
        path, source = file.src_uri, file.content_string
        expanded, _ = self.renderer.expand_tokens(source, path)
        return (path, file.url, source, expanded, self._guide_sections(path), self.links_key)

    def _start_search_index(
        self, config: MkDocsConfig, sections: list[SearchDocument] | None = None
    ) -> None:
        """Start the search index once every hand-written page's sections are known,
        while the other pages are still read and written (once per build), or earlier
        from `sections` kept by the last build: made again if they turn out otherwise."""
        if self.index_started and (sections is not None or self._kept_confirmed()):
            return
        self.index_started = True
        documents = self.kept_sections.in_order() if sections is None else sections
        if self.index_later is not None:  # started early: waiting for these
            self.index_later.give(documents)
            self.index_later = None
            return
        views = self.renderer.views
        site_dir = Path(config.site_dir)
        self._add_index_work(
            start_search_index(
                self.kb,
                site_dir,
                documents,
                views,
                self._compress(),
                self._cache_root(),
                self.views_memo,
            )
        )

    def _add_index_work(self, work: SiteDataWork) -> None:
        self.index_work = work
        self.site_data.append(work)

    def _kept_confirmed(self) -> bool:
        """Whether the index started from kept sections was started from the right ones,
        once every page is read; if not, that index is waited for, to be made again."""
        if self.sections_pending or self.kept_sections.confirmed(self.kept_sections.in_order()):
            return True
        if self.index_work is not None:
            self.index_work.result()  # it writes the same file: let it finish first
            self.site_data.remove(self.index_work)
        notice("the hand-written pages' search sections changed: the search index is made again")
        return False

    def _date_page(self, page: Page) -> None:
        record = self.kb.record(posixpath.basename(page.file.src_uri).removesuffix(".md"))
        day = record_date(record) if record is not None else None
        if day is not None:  # the sitemap's lastmod: the record's date, not the build's
            page.update_date = day.isoformat()

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        """Pages put back from the cache were not read: date them for the sitemap too."""
        for path in self.reused:
            file = files.src_uris.get(path)
            if file is not None and file.page is not None:
                self._date_page(file.page)
        if self.shared_populate is not None:  # the pages the second process rendered
            self.shared_populate.finish(files)
            self.shared_populate = None
        self._keep_loaded()  # every page's HTML, kept until written
        env.globals["rkb_fragment"] = FragmentCache()
        self._start_search_index(config)  # every page has been read, if not before
        self._start_saving_memos()
        if self.compiled is not None:  # the theme's templates, compiled once
            env.bytecode_cache = compiled_templates(self.compiled)
        if self.command == "build":  # no template changes during a build: none looked at
            env.auto_reload = False
        self.written = {}
        root = self._cache_root()
        self.copies = CompressedCopies(root / "gz" if root is not None else None, LEVEL)
        self.copied_compressed = []
        # the pages' .gz copies made as they are written, when no plugin after rkb could
        # change a page once rkb has seen it
        self.compress_pages = self._compress() and list(config.plugins)[-1:] == ["rkb"]
        if self.use_cache and self.nav is not None and self._share_work(config):
            site_dir = Path(config.site_dir)
            self.shared_build = SharedBuild.start(
                files,
                self.reused,
                config,
                self.nav,
                env,
                before=lambda: self._compress_copied(files, site_dir),
                each=lambda page: self._remember_generated(page, files, site_dir),
                collect=self._written_there,
            )
        return env

    def _remember_generated(self, page: Page, files: Files, site_dir: Path) -> None:
        """In the second process, a generated page it wrote, kept for the next build
        (hard links, beside this process's writing, rather than after it)."""
        if page.file.src_uri in self.generated:
            self._remember_built_pages(files, site_dir, [page.file.src_uri])

    def _written_there(self) -> WrittenThere:
        """In the second process, once its pages are written: what it wrote and kept
        (the cache holds only the pages it kept itself among those written here)."""
        remembered = None
        if self.cache is not None:
            remembered = self.cache.remembered(self.written)
        return WrittenThere(
            self.written, self.copied_compressed, dict(self.copies.checked), remembered
        )

    def _compress_copied(self, files: Files, site_dir: Path) -> None:
        """The `.gz` copies of the files MkDocs copies into the site (the theme's and
        rkb's assets, Mermaid), made from the same bytes: in the second process, before
        it takes pages to write (so this process takes more of them), rather than after
        every page is written, when nothing runs beside it."""
        if not self._compress():
            return
        for file in files:
            suffix = PurePosixPath(file.dest_uri).suffix
            if file.is_documentation_page() or not file.inclusion.is_included():
                continue
            if suffix in COMPRESSED_SUFFIXES:
                compressed_copy(file.content_bytes, Path(file.abs_dest_path), self.copies)
                self.copied_compressed.append(file.dest_uri)

    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        """A page's .gz copy, written from the page in memory by the process that writes
        the page (MkDocs writes the page itself, the same bytes, right after)."""
        if self.compress_pages and output.strip():
            data = output.encode("utf-8", errors="xmlcharrefreplace")  # as MkDocs writes it
            path = Path(page.file.abs_dest_path)
            packed = compressed_copy(data, path)
            uri = page.file.dest_uri
            keep = self.cache is not None and page.file.src_uri in self.cacheable
            self.written[page.file.src_uri] = {
                uri: digest(data) if keep else "",
                uri + ".gz": digest(packed) if keep else "",
            }
        return output

    def on_page_markdown(
        self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        path = page.file.src_uri
        if self.shared_populate is not None and self.shared_populate.elsewhere(page):
            return markdown
        self.idlinks.linker = PageLinker(self.record_links, path, path not in self.generated)
        if path in self.generated:
            self._date_page(page)
            markdown = self._with_diagrams(markdown, path)
            # its HTML blocks skip Python-Markdown
            markdown, self.html_blocks[path] = html_blocks.hide(markdown)
            if self.outline is not None:
                self.outline.render(page, markdown)
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
        sections = self._guide_sections(path)
        if sections:  # generated: its HTML blocks skip Python-Markdown, as pages' do
            sections, self.html_blocks[path] = html_blocks.hide(sections, rest=markdown)
            markdown = markdown.rstrip() + "\n\n" + sections
        return self._with_diagrams(markdown, path)

    def _guide_sections(self, path: str) -> str:
        """The generated end of a module's hand-written chapter ("" for other pages)."""
        if path not in self.guide_sections:
            module = self.renderer.module_of(path)
            sections = self.renderer.guide_sections(module, path, self.rows_memo) if module else ""
            self.guide_sections[path] = sections
        return self.guide_sections[path]

    def _with_diagrams(self, markdown: str, path: str) -> str:
        script = next((uri for uri in self.mermaid if uri.endswith(".min.js")), None)
        if script is None and has_diagram(markdown):
            raise PluginError(
                f"{path}: has a Mermaid diagram, but Mermaid is not installed "
                f"({self.mermaid_dir}/dist/mermaid.min.js is missing); run `npm ci` in "
                "the project folder (scripts/run.sh does)"
            )
        return with_diagram_script(markdown, path, script)

    def _compress(self) -> bool:
        """Precompressed copies: in builds, not for the preview server."""
        return bool(self.config.precompress) and self.command != "serve"

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.shared_build is not None:  # its pages written before the site data
            there = self.shared_build.finish()
            self.written.update(there.pages)
            self.copied_compressed.extend(there.compressed)
            self.copies.adopt(there.used)
            if self.cache is not None and there.remembered is not None:
                self.cache.add(there.remembered)
            self.shared_build = None
        if self.folders is not None:
            self.folders.result()
            self.folders = None
        site_dir = Path(config.site_dir)
        pages = self._files.documentation_pages(inclusion=InclusionLevel.is_included)
        self.pages_built = len(pages)
        outputs = [f.dest_uri for f in self._files] + sorted(config.theme.static_templates)
        copies = self.copies
        write_site_data(
            self.kb,
            site_dir,
            self.kept_sections.in_order(),
            compress=self._compress(),
            compressed={
                *self.reused_outputs,
                *(output for outputs in self.written.values() for output in outputs),
                *self.copied_compressed,
            },
            views=self.renderer.views,
            started=self.site_data,
            meanwhile=lambda: self._meanwhile(site_dir),
            files=outputs,
            copies=copies,
        )
        copies.save()
        self.site_data = []
        finish_early(site_dir, self.page_folders)  # nothing writes into it any more
        root = self._cache_root()
        if root is not None and self.command == "build":
            remember_folders(root, site_dir, self.page_folders)
        ENGINE_LOG.removeHandler(self.warnings)

    def on_build_error(self, *, error: Exception) -> None:
        ENGINE_LOG.removeHandler(self.warnings)

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        server.watch(str(self.kb_dir))
        return server
