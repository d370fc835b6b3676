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
from functools import partial
from typing import Any, Generic, TypeVar

from mkdocs.commands.build import _build_page, _populate_page  # the engine's own steps
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from ..build.cache import notice
from ..build.parallel import Child, Claims, can_fork, in_child

MIN_SHARED = 20  # fewer pages than this to share: not worth a second process
FIELDS = ("markdown", "meta", "content", "toc", "_title_from_render", "present_anchor_ids")
"""What populating leaves on a page (and `links_to_anchors`, `update_date`)."""

Result = dict[str, dict[str, Any]]
T = TypeVar("T")


def _populated(page: Page) -> dict[str, Any]:
    state = {name: getattr(page, name) for name in FIELDS}
    state["update_date"] = page.update_date
    state["links_to_anchors"] = {
        target.src_uri: links for target, links in (page.links_to_anchors or {}).items()
    }
    return state


def _populate_taken(
    pages: Sequence[Page], claims: Claims, config: MkDocsConfig, files: Files
) -> Result:
    """In the child: populate pages from the end of `pages` until it meets this
    process's loop; what each of them was given."""
    taken = []
    while (number := claims.take_last()) is not None:
        _populate_page(pages[number], config, files)
        taken.append(pages[number])
    return {page.file.src_uri: _populated(page) for page in taken}


def _nothing(*_: object) -> None:
    return None


class SharedPopulate:
    """Generated pages populated by a child process during MkDocs' own populate loop:
    the child takes them from the end, MkDocs' loop from the start, until they meet."""

    def __init__(self, pages: Sequence[Page], claims: Claims, work: Child[Result]) -> None:
        self.numbers = {page.file.src_uri: n for n, page in enumerate(pages)}
        self.claims = claims
        self.work = work
        self.there: dict[str, Page] = {}
        """The pages the child took (known as MkDocs' loop reaches them)."""

    @classmethod
    def start(
        cls,
        pages: Sequence[Page],
        generated: Collection[str],
        config: MkDocsConfig,
        files: Files,
    ) -> SharedPopulate | None:
        shared = [page for page in pages if page.file.src_uri in generated]
        if len(shared) < MIN_SHARED or not can_fork():
            return None
        claims = Claims(len(shared))
        work = in_child(lambda: _populate_taken(shared, claims, config, files))
        assert isinstance(work, Child)  # can_fork: forked
        return cls(shared, claims, work)

    def elsewhere(self, page: Page) -> bool:
        return page.file.src_uri in self.there

    def skip_here(self, page: Page) -> None:
        """MkDocs' loop reaches a page: unless this process takes it, the child has it,
        and it is left unread and unconverted (empty, as MkDocs requires, until
        `finish`)."""
        number = self.numbers.get(page.file.src_uri)
        if number is None or self.claims.take(number):
            return
        self.there[page.file.src_uri] = page
        page.markdown, page.content = "", ""
        page.read_source = _nothing  # type: ignore[method-assign,assignment]
        page.render = _nothing  # type: ignore[method-assign,assignment]

    def finish(self, files: Files) -> None:
        """Put the child's results into its pages (raises what the child raised)."""
        try:
            results = self.work.result()
        finally:
            self.claims.close()
        notice(
            f"a second process converted {len(results)} of the {len(self.numbers)} "
            "generated pages to read"
        )
        for uri, page in self.there.items():
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
) -> None:
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    for page in pages:
        _build_page(page, config, doc_files, nav, env)


def _build_taken(
    pages: Sequence[Page],
    claims: Claims,
    config: MkDocsConfig,
    files: Files,
    nav: Navigation,
    env: Any,
    each: Callable[[Page], None],
    collect: Callable[[], T],
) -> tuple[int, T]:
    """In the child: write pages from the end of `pages` until it meets this process's
    loop, calling `each` with each page once written; how many, and what `collect`
    gives once they are written."""
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    written = 0
    while (number := claims.take_last()) is not None:
        _build_page(pages[number], config, doc_files, nav, env)
        each(pages[number])
        written += 1
    return written, collect()


def _unmodified() -> bool:
    return False


class SharedBuild(Generic[T]):
    """Pages out of the nav a child process renders with the theme and writes, taken
    from the end while MkDocs' own loop takes them from the start, until they meet.
    Only in a `dirty` build: MkDocs' loop passes over a page whose file says it is
    unmodified, which is how this process leaves a page the child took."""

    def __init__(self, count: int, claims: Claims, work: Child[tuple[int, T]]) -> None:
        self.count = count
        self.claims = claims
        self.work = work

    @classmethod
    def start(
        cls,
        files: Files,
        skip: Collection[str],
        config: MkDocsConfig,
        nav: Navigation,
        env: Any,
        before: Callable[[], None],
        each: Callable[[Page], None],
        collect: Callable[[], T],
    ) -> SharedBuild[T] | None:
        """Share the pages out of the nav that are not in `skip` (pages put back from
        the build cache) with a child, which first does `before`, then calls `each`
        with each page it wrote; once it has no more pages to take, it returns what
        `collect` gives."""
        pages = [
            f.page
            for f in files.documentation_pages(inclusion=InclusionLevel.is_included)
            if f.page is not None and f.src_uri not in skip
        ]
        shared = [p for p in pages if p.file.inclusion == InclusionLevel.NOT_IN_NAV]
        if len(shared) < MIN_SHARED or not can_fork():
            return None
        # one of them written here first: the theme's templates it needs are compiled,
        # and its shared fragments rendered, once, and the child inherits them
        _build(shared[:1], config, files, nav, env)
        shared[0].file.is_modified = _unmodified  # type: ignore[method-assign]
        shared = shared[1:]
        claims = Claims(len(shared))

        def work_there() -> tuple[int, T]:
            before()
            return _build_taken(shared, claims, config, files, nav, env, each, collect)

        work = in_child(work_there)
        assert isinstance(work, Child)  # can_fork: forked
        for number, page in enumerate(shared):
            page.file.is_modified = partial(claims.take, number)  # type: ignore[method-assign]
        return cls(len(shared), claims, work)

    def finish(self) -> T:
        """Wait for the child's pages to be written (raises what the child raised);
        what `collect` gave there."""
        try:
            written, built = self.work.result()
        finally:
            self.claims.close()
        notice(f"a second process wrote {written} of the {self.count} pages out of the nav")
        return built
