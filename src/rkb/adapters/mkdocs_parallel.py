"""MkDocs reads and converts pages one after another; rkb's generated pages (records,
listings) are shared with a second process (`build.parallel`).

Between `on_nav` and `on_env` MkDocs *populates* every page: reads its Markdown, runs
the plugins' page events and converts it to HTML. That step needs only the page, the
configuration and the file list, never the navigation or the other pages, so a forked
child can populate some generated pages with MkDocs' own function while the parent
populates the rest. The parent lets MkDocs' loop pass over the child's pages without
reading or converting them, then, in `on_env`, puts the child's results into those
pages: the same Markdown, metadata, HTML, table of contents and anchors MkDocs would have
made itself. Warnings logged in the child are handled again in the parent.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from typing import Any

from mkdocs.commands.build import _build_page, _populate_page  # the engine's own steps
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..build.cache import notice
from ..build.parallel import Child, Outcome, in_child

MIN_SHARED = 20  # fewer pages than this to share: not worth a second process
FIELDS = ("markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids")
"""What populating leaves on a page (and `links_to_anchors`, `update_date`)."""

Result = dict[str, dict[str, Any]]
Built = dict[str, dict[str, str]]
"""What the plugin noted of the pages it wrote (page path → output path → digest)."""


def _populated(page: Page) -> dict[str, Any]:
    state = {name: getattr(page, name) for name in FIELDS}
    state["update_date"] = page.update_date
    state["links_to_anchors"] = {
        target.src_uri: links for target, links in (page.links_to_anchors or {}).items()
    }
    return state


def _populate(pages: Sequence[Page], config: MkDocsConfig, files: Files) -> Result:
    for page in pages:
        _populate_page(page, config, files)
    return {page.file.src_uri: _populated(page) for page in pages}


def _nothing(*_: object) -> None:
    return None


def _share(
    pages: Sequence[Page], generated: Collection[str], cost: Callable[[Page], float]
) -> list[Page]:
    """The generated pages the child takes: from the end (the records), each that keeps
    its share within half of the estimated work (`cost` of each page)."""
    costs = {page.file.src_uri: cost(page) for page in pages}
    half = sum(costs.values()) / 2
    taken: list[Page] = []
    weight = 0.0
    for page in reversed(pages):
        cost_here = costs[page.file.src_uri]
        if page.file.src_uri in generated and weight + cost_here <= half:
            taken.append(page)
            weight += cost_here
    return taken[::-1]


class SharedPopulate:
    """Pages populated by a child process during MkDocs' own populate loop."""

    def __init__(self, pages: Sequence[Page], work: Child[Result] | Outcome[Result]) -> None:
        self.pages = {page.file.src_uri: page for page in pages}
        self.work = work

    @classmethod
    def start(
        cls,
        pages: Sequence[Page],
        generated: Collection[str],
        config: MkDocsConfig,
        files: Files,
        cost: Callable[[Page], float],
    ) -> SharedPopulate | None:
        taken = _share(pages, generated, cost)
        if len(taken) < MIN_SHARED:
            return None
        work = in_child(lambda: _populate(taken, config, files))
        if isinstance(work, Child):
            notice(f"a second process converts {len(taken)} of the {len(pages)} pages to read")
        return cls(taken, work)

    def elsewhere(self, page: Page) -> bool:
        return page.file.src_uri in self.pages

    def skip_here(self, page: Page) -> None:
        """MkDocs' loop reaches a page the child populates: leave it unread and
        unconverted (empty, as MkDocs requires, until `finish`)."""
        if self.elsewhere(page):
            page.markdown, page.content = "", ""
            page.read_source = _nothing  # type: ignore[method-assign,assignment]
            page.render = _nothing  # type: ignore[method-assign,assignment]

    def finish(self, files: Files) -> None:
        """Put the child's results into its pages (raises what the child raised)."""
        results = self.work.result()
        for uri, page in self.pages.items():
            state = results[uri]
            for name in FIELDS:
                setattr(page, name, state[name])
            page.update_date = state["update_date"]
            page.links_to_anchors = {
                target: links
                for target_uri, links in state["links_to_anchors"].items()
                if (target := files.get_file_from_path(target_uri)) is not None
            }
            for method in ("read_source", "render"):
                vars(page).pop(method, None)


def _build(
    pages: Sequence[Page],
    config: MkDocsConfig,
    files: Files,
    nav: Navigation,
    env: Any,
    collect: Callable[[], Built],
) -> Built:
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    for page in pages:
        _build_page(page, config, doc_files, nav, env)
    return collect()


def _unmodified() -> bool:
    return False


class SharedBuild:
    """Pages a child process renders with the theme and writes, while MkDocs' own loop
    renders the others. Only in a `dirty` build: MkDocs' loop passes over a page whose
    file says it is unmodified, which is how the child's pages are left to it."""

    def __init__(self, work: Child[Built] | Outcome[Built]) -> None:
        self.work = work

    @classmethod
    def start(
        cls,
        files: Files,
        skip: Collection[str],
        config: MkDocsConfig,
        nav: Navigation,
        env: Any,
        collect: Callable[[], Built],
    ) -> SharedBuild | None:
        """Give the child the last half of the pages to render, taken from the pages out
        of the nav that are not in `skip` (pages put back from the build cache); once
        they are written, the child returns what `collect` gives."""
        pages = [
            f.page
            for f in files.documentation_pages(inclusion=InclusionLevel.is_included)
            if f.page is not None and f.src_uri not in skip
        ]
        out_of_nav = [p for p in pages if p.file.inclusion == InclusionLevel.NOT_IN_NAV]
        taken = out_of_nav[max(0, len(out_of_nav) - len(pages) // 2) :]
        if len(taken) < MIN_SHARED:
            return None
        # one of them written here first: the theme's templates it needs are compiled,
        # and its shared fragments rendered, once, and the child inherits them
        first, taken = taken[0], taken[1:]
        _build([first], config, files, nav, env, lambda: {})
        first.file.is_modified = _unmodified  # type: ignore[method-assign]
        work = in_child(lambda: _build(taken, config, files, nav, env, collect))
        if isinstance(work, Child):
            notice(f"a second process writes {len(taken)} of the {len(pages)} pages to write")
        for page in taken:
            page.file.is_modified = _unmodified  # type: ignore[method-assign]
        return cls(work)

    def finish(self) -> Built:
        """Wait for the child's pages to be written (raises what the child raised);
        what `collect` gave there."""
        return self.work.result()
