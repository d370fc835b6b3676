"""The generated pages of the site, as Markdown, from a loaded knowledge base.

Nothing here knows about MkDocs: the renderer returns page paths and Markdown text
(with sanitised HTML blocks for record text), so another engine could build them too.
"""

from __future__ import annotations

import itertools
import json
import posixpath
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

import jinja2

from ..records.loader import Elsewhere, KnowledgeBase
from ..records.model import Fault
from . import filters, kbformat, safe, select, upgrade
from .idlinks import page_address, record_page
from .labels import labels_for
from .templating import compile_ahead, environment
from .view import (
    RecordView,
    Text,
    TextTable,
    build_views,
    context_for,
    version_anchor,
)

TOKEN = re.compile(r"\{\{\s*rkb\.([a-z_]+)\s*\}\}")
STANDARD_PAGES = {  # generated only where docs/ has no hand-written page
    "index.md": "home.md.j2",
    "guide/index.md": "guide_index.md.j2",
    "support.md": "support.md.j2",
}


class RowMemo(Protocol):
    """Keeps a listing's row by its listing and record (the build cache's `RecordMemo`,
    whose key holds what every such row shows of the rest of the kb)."""

    def get(self, record: object, compute: Callable[[], str]) -> str: ...

    def mark(self) -> int: ...

    def since(self, mark: int) -> dict[str, str]: ...

    def adopt(self, values: Mapping[str, str]) -> None: ...


class PageMemo(Protocol):
    """Keeps a record page's Markdown by its template and record (the build cache's
    `LazyRecordMemo`, whose key holds what every such page shows of the rest of the kb),
    read only when asked for."""

    def has(self, record: object) -> bool: ...

    def get(self, record: object, compute: Callable[[], str]) -> str: ...

    def keep(self, record: object) -> str | None: ...


Rendered = tuple[dict[str, str], dict[str, str]]
"""What the work `Elsewhere` starts gives back: the pages it rendered, the listings and
some record pages (path → Markdown), while the other pages are rendered here; and the
memo's values it asked for (`PageMemo.since`), which this process adopts."""

MIN_ELSEWHERE = 100
LISTING_MS, RECORD_MS, STARTING_MS = 0.11, 0.29, 50.0
"""Measured at 1,000 and 3,000 records: the listings take about 0.11 ms per record, a
record's page 0.29 ms, and the second process about 50 ms more than this one to start
(it compiles the templates again)."""
LISTING_PARTS = {
    "releases/index.md": 0.40,
    "faq/index.md": 0.32,
    "faults/index.md": 0.19,
    "proposals/index.md": 0.06,
    "training/index.md": 0.03,
}
"""Each listing's part of the listings' time (measured at 3,000 records)."""


def share_elsewhere(listings: Sequence[str], records: int, missing: int) -> tuple[set[str], int]:
    """Which of the `listings` and how many of the `missing` record pages the second
    process renders (of `records` records), for both processes to finish as early as
    they can: every way of sharing the listings tried, the record pages then divided."""
    cost = {path: LISTING_MS * records * LISTING_PARTS.get(path, 0.05) for path in listings}
    total = sum(cost.values())
    best: tuple[float, set[str], int] = (float("inf"), set(), 0)
    for size in range(len(listings) + 1):
        for there in itertools.combinations(listings, size):
            child = STARTING_MS + sum(cost[path] for path in there)
            parent = total - (child - STARTING_MS) + RECORD_MS * missing
            pages = max(0, min(missing, int((parent - child) / (2 * RECORD_MS))))
            finish = max(child + pages * RECORD_MS, parent - pages * RECORD_MS)
            if finish < best[0]:
                best = (finish, set(there), pages)
    return best[1], best[2]


@dataclass(frozen=True)
class GeneratedPage:
    """One page to add to the site: its path under docs/, its Markdown (`text`, or, for
    a page whose Markdown a memo keeps, read by `load` only when asked for, with the hash
    of that Markdown in `digest`), nav or not."""

    path: str
    text: str | None
    in_nav: bool
    digest: str = ""
    load: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    @property
    def markdown(self) -> str:
        if self.text is not None:
            return self.text
        assert self.load is not None  # a page is given one of them
        return self.load()


record_path = record_page
page_url = page_address


def _html_list(items: Iterable[str]) -> str:
    """`<ul>`, one `<li>` a line, `</ul>`: as the templates' loops write a list."""
    return "<ul>\n" + "".join(f"{item}\n" for item in items) + "</ul>"


def page_environment(
    block: Callable[..., str], overrides: Path | None = None, compiled: Path | None = None
) -> jinja2.Environment:
    """The pages' templates with their filters (`md` is `block`)."""
    env = environment("md", overrides, compiled)
    env.filters.update(e=safe.inline, md=block, attr=safe.attribute, attr_text=safe.attribute_text)
    return env


def _compiling_only(*_: object) -> str:
    """`md` while templates are only compiled (see `compile_pages_ahead`)."""
    raise RuntimeError("the page templates are being compiled, not rendered")


def compile_pages_ahead(overrides: Path | None, compiled: Path) -> int:
    """Compile every page template into `compiled`, as `SiteRenderer` would when it
    first renders each (the filters are the same kind, so its environment finds them
    there); how many were compiled."""
    env = page_environment(_compiling_only, overrides, compiled)
    return compile_ahead(env, env.list_templates(filter_func=lambda name: name.endswith(".j2")))


class SiteRenderer:
    """Renders every generated page and section of the site from one knowledge base."""

    def __init__(
        self,
        kb: KnowledgeBase,
        overrides: Path | None = None,
        internal: bool = False,
        views: Mapping[str, RecordView] | None = None,
        pdf: bool = False,
        compiled: Path | None = None,
    ) -> None:
        self.kb = kb
        self.views: Mapping[str, RecordView] = views if views is not None else build_views(kb)
        self.texts = TextTable(kb, self.views)
        self.base = context_for(kb).base  # the site root's path, for addresses in HTML
        self.labels: Mapping[str, str] = labels_for(kb.product.language)
        self.env = page_environment(self.block, overrides, compiled)
        self.memo: RowMemo | None = None  # the build's, while `pages` renders them
        self.env.globals.update(
            row=self.row,
            kb=kb,
            L=self.labels,
            select=select,
            filters=filters,
            anchor=version_anchor,
            plain=self.plain,
            view=self.views.__getitem__,
            block=safe.html_block,
            show_internal=internal,
            with_pdf=pdf,
            upgrade=upgrade,
        )

    def _text(self, markdown: str) -> Text:
        """A record field's rendered text, taken from the views (never converted here)."""
        try:
            return self.texts[markdown]
        except KeyError:
            raise ValueError(
                "a template asked for Markdown that is no record field: "
                f"{markdown[:60]!r}; read it from the record's view"
            ) from None

    def block(self, markdown: str, css_class: str = "rkb-text") -> str:
        """`{{ record.field|md }}`: the field's HTML from its view, as a raw HTML block."""
        return safe.html_block(self._text(markdown).html, css_class)

    def plain(self, markdown: str) -> str:
        """`{{ plain(record.field) }}`: the field's words from its view."""
        return self._text(markdown).plain

    def row(self, *key: Any, caller: Callable[[], str]) -> str:
        """`{% call row(listing, page, record, ...) %}ROW{% endcall %}`: a listing's row,
        kept by the memo while its record (and the rest of `key`) is unchanged; key it
        by everything the row shows besides what the memo's own key holds."""
        if self.memo is None:
            return str(caller())
        return self.memo.get(key, lambda: str(caller()))

    # -- helpers bound to the page being rendered -------------------------------------

    def _helpers(self, page: str) -> dict[str, Callable[..., Any]]:
        here = posixpath.dirname(page)
        labels = self.labels

        def link(target: str) -> str:
            path, _, fragment = target.partition("#")
            relative = posixpath.relpath(path, here) if path else posixpath.basename(page)
            return relative + (f"#{fragment}" if fragment else "")

        def record_link(record_id: str) -> str:
            record = self.kb.record(record_id)
            title = str(getattr(record, "title", None) or getattr(record, "question", ""))
            return (
                f"[{safe.inline(record_id)} · {safe.inline(title)}]({link(record_path(record_id))})"
            )

        def version_link(version: str) -> str:
            return (
                f"[{safe.inline(version)}]({link('releases/index.md#' + version_anchor(version))})"
            )

        def module_link(module_id: str) -> str:
            title = self.kb.module(module_id).title
            return f"[{safe.inline(title)}]({link(f'guide/{module_id}.md')})"

        # the same links as HTML, for the HTML blocks of record pages: addresses from the
        # site root's path, as in record text (engines rewrite relative ones in raw HTML
        # differently: MkDocs keeps them, Zensical reads them from the source file)
        def href(target: str) -> str:
            path, _, fragment = target.partition("#")
            address = self.base + page_address(path) if path else ""
            return safe.attribute(address + (f"#{fragment}" if fragment else ""))

        def a(target: str, text: str) -> str:
            return f'<a href="{href(target)}">{safe.attribute(text)}</a>'

        @cache  # a listing links the same record from several places
        def record_a(record_id: str) -> str:
            record = self.kb.record(record_id)
            title = str(getattr(record, "title", None) or getattr(record, "question", ""))
            return a(record_path(record_id), f"{record_id} · {title}")

        @cache
        def version_a(version: str) -> str:
            return a("releases/index.md#" + version_anchor(version), version)

        def module_a(module_id: str) -> str:
            return a(f"guide/{module_id}.md", self.kb.module(module_id).title)

        items: dict[str, str] = {}

        def fault_item(fault: Fault) -> str:
            """A fault's `<li>` in a list of faults (`faults_html`): its link, status and
            fix version; made once per page (the releases list each open fault once per
            release: 14,000 items at 3,000 records)."""
            item = items.get(fault.id)
            if item is None:
                status = safe.attribute(labels[f"fault_status.{fault.status}"])
                fixed = ""
                if fault.fix and fault.fix.version:
                    fixed_in = safe.attribute(labels["fixed_in"].lower())
                    fixed = f", {fixed_in} {version_a(fault.fix.version)}"
                item = items[fault.id] = f"<li>{record_a(fault.id)} — {status}{fixed}</li>"
            return item

        def fault_items(faults: Iterable[Fault]) -> str:
            """A list of faults (`faults_html`): one call from the template, not one a fault."""
            return _html_list(fault_item(fault) for fault in faults)

        # the releases page's other lists, one call each (4,000 items at 3,000 records)
        def record_items(records: Iterable[Any]) -> str:
            return _html_list(f"<li>{record_a(record.id)}</li>" for record in records)

        def fixed_item(item: Any) -> str:  # a fault an upgrade plan fixes
            arrives = safe.attribute(label("arrives", item.arrives))
            version = version_a(item.release.version)
            return f"<li>{record_a(item.fault.id)} — {arrives.format(version=version)}</li>"

        def fixed_items(fixed: Iterable[Any]) -> str:
            return _html_list(fixed_item(item) for item in fixed)

        def implemented_items(implemented: Iterable[tuple[Any, Any]]) -> str:
            return _html_list(
                f"<li>{record_a(proposal.id)} — {version_a(release.version)}</li>"
                for proposal, release in implemented
            )

        def label(group: str, value: str) -> str:
            return labels[f"{group}.{value}"]

        def fmt_date(value: date | None) -> str:
            return value.strftime(labels["date_format"]) if value else ""

        def canonical(path: str) -> str:
            return self.kb.product.site_url.rstrip("/") + "/" + page_url(path)

        def description(text: str) -> str:
            return json.dumps(safe.attribute(safe.plain_words(text, 160)), ensure_ascii=False)

        return {
            "link": link,
            "record_link": record_link,
            "version_link": version_link,
            "module_link": module_link,
            "href": href,
            "a": a,
            "record_a": record_a,
            "version_a": version_a,
            "module_a": module_a,
            "fault_items": fault_items,
            "record_items": record_items,
            "fixed_items": fixed_items,
            "implemented_items": implemented_items,
            "label": label,
            "date": fmt_date,
            "canonical": canonical,
            "description": description,
            "mailto": self.mailto,
        }

    def render(self, template: str, page: str, **context: Any) -> str:
        return self.env.get_template(template).render(page=page, **self._helpers(page), **context)

    def mailto(self, kind: str, record: Any = None) -> str:
        """A mailto: address with a ready subject and body ("report" or "propose"), or
        about one record (kind "record": a fault's "did not help", a proposal's "me too")."""
        if kind == "record":
            return self.record_mailto(record)
        product = self.kb.product.name
        subject = self.labels[f"{kind}_subject"].format(product=product)
        body = self.labels[f"{kind}_body"].format(product=product)
        return self._mail_address(subject, body)

    def record_mailto(self, record: Any) -> str:
        """A mailto: address about one fault ("did not help") or proposal ("me too")."""
        kind = "fault" if record.id.startswith("F") else "proposal"
        fields = {
            "id": record.id,
            "title": record.title,
            "url": self.kb.product.site_url.rstrip("/") + "/" + page_url(record_path(record.id)),
            "product": self.kb.product.name,
            "module": self.kb.module(record.module).title,
        }
        subject = self.labels[f"{kind}_mail_subject"].format(**fields)
        body = self.labels[f"{kind}_mail_body"].format(**fields)
        return self._mail_address(subject, body)

    def _mail_address(self, subject: str, body: str) -> str:
        address = self.kb.product.support_email
        return f"mailto:{address}?subject={quote(subject)}&body={quote(body)}"

    # -- pages -------------------------------------------------------------------------

    def pages(
        self,
        handwritten: Collection[str],
        memo: PageMemo | None = None,
        elsewhere: Elsewhere[Rendered] | None = None,
        rows: RowMemo | None = None,
    ) -> list[GeneratedPage]:
        """Every generated page; `handwritten` are the docs/ paths that already exist.
        With `memo`, the pages of faults, proposals and FAQ entries unchanged since an
        earlier build are taken from it, read only when asked for (lessons, which show
        other records, never); with `rows`, the listings' rows.
        With `elsewhere` and many records, the listings and some of the record pages
        still to render are rendered by the work it starts (a second process)."""
        kb = self.kb
        records: list[tuple[str, Any]] = (
            [("fault.md.j2", f) for f in kb.faults]
            + [("proposal.md.j2", p) for p in kb.proposals]
            + [("faq_entry.md.j2", q) for q in kb.faq]
        )
        listed = [
            (path, template)
            for path, template in [
                ("faq/index.md", "faq_index.md.j2"),
                ("faults/index.md", "faults_index.md.j2"),
                ("proposals/index.md", "proposals_index.md.j2"),
                ("releases/index.md", "releases_index.md.j2"),
                ("training/index.md", "training_index.md.j2"),
            ]
            if path not in handwritten
        ]
        self.memo = rows
        missing = [item for item in records if memo is None or not memo.has(item)]
        listed_there: set[str] = set()
        given: list[tuple[str, Any]] = []
        work = None
        if elsewhere is not None and len(records) >= MIN_ELSEWHERE:
            paths = [path for path, _ in listed]
            listed_there, count = share_elsewhere(paths, len(records), len(missing))
            given = missing[:count]
        if elsewhere is not None and (listed_there or given):
            mark = rows.mark() if rows is not None else 0
            work = elsewhere(
                lambda: (
                    {path: self.render(t, path) for path, t in listed if path in listed_there}
                    | {record_path(item[1].id): self._record_page(item) for item in given},
                    rows.since(mark) if rows is not None else {},
                )
            )
        pages_out_of_nav = [
            ("search/index.md", "search.md.j2"),
            ("training/print/index.md", "training_print.md.j2"),
        ]
        pages: list[GeneratedPage] = []
        pages += [
            GeneratedPage(path, self.render(template, path), in_nav=False)
            for path, template in pages_out_of_nav
            if path not in handwritten
        ]
        if "kb-format/index.md" not in handwritten:  # the writers' reference, out of the nav
            text = self.render(
                "kb_format.md.j2",
                "kb-format/index.md",
                files=kbformat.reference(self.labels),
                general=kbformat.general_rules(),
            )
            pages.append(GeneratedPage("kb-format/index.md", text, in_nav=False))
        for path, template in STANDARD_PAGES.items():
            if path not in handwritten:
                pages.append(GeneratedPage(path, self.render(template, path), in_nav=True))
        for module in kb.modules:
            path = f"guide/{module.id}.md"
            if path not in handwritten:
                text = self.render("guide_chapter.md.j2", path, module=module)
                pages.append(GeneratedPage(path, text, in_nav=True))
        done = {r.id for _, r in given}
        texts = {
            item[1].id: self._kept_page(item, memo) for item in records if item[1].id not in done
        }
        here = {path: self.render(t, path) for path, t in listed if path not in listed_there}
        rendered, asked_there = work.result() if work is not None else ({}, {})
        if rows is not None:
            rows.adopt(asked_there)
        self.memo = None
        for item in given:
            there = partial(rendered.__getitem__, record_path(item[1].id))
            texts[item[1].id] = self._kept_page(item, memo, there)
        listings = [
            GeneratedPage(path, here[path] if path in here else rendered[path], in_nav=True)
            for path, _ in listed
        ]
        pages = listings + pages
        pages += [texts[record.id] for _, record in records]
        for index, lesson in enumerate(kb.lessons):
            path = record_path(lesson.id)
            text = self.render(
                "lesson.md.j2",
                path,
                r=lesson,
                v=self.views[lesson.id],
                previous=kb.lessons[index - 1] if index else None,
                next=kb.lessons[index + 1] if index + 1 < len(kb.lessons) else None,
            )
            pages.append(GeneratedPage(path, text, in_nav=False))
        return pages

    def _record_page(self, item: tuple[str, Any]) -> str:
        """The Markdown of the page of `item` (its template, its record)."""
        template, record = item
        return self.render(template, record_path(record.id), r=record, v=self.views[record.id])

    def _kept_page(
        self,
        item: tuple[str, Any],
        memo: PageMemo | None,
        made: Callable[[], str] | None = None,
    ) -> GeneratedPage:
        """The page of `item`: its Markdown from `memo`, read only when asked for, if
        the memo has it; else made now (by `made`, or rendered) and kept in it."""
        path = record_path(item[1].id)
        make = made or partial(self._record_page, item)
        kept = memo.keep(item) if memo is not None else None
        if memo is None or kept is None:
            return GeneratedPage(path, memo.get(item, make) if memo else make(), in_nav=False)
        return GeneratedPage(path, None, False, kept, partial(memo.get, item, make))

    def data_files(self) -> dict[str, str]:
        """Generated files that are not pages: the upgrade planner's data."""
        data = upgrade.browser_data(
            self.kb, self.labels, "../", lambda markdown: self._text(markdown).html
        )
        return {upgrade.DATA_FILE: json.dumps(data, ensure_ascii=False, sort_keys=True)}

    def guide_sections(self, module_id: str, page: str, memo: RowMemo | None = None) -> str:
        """The generated end of a module chapter: known problems and what is new (each
        record's part kept by `memo`, when given, as listings' rows are)."""
        outer, self.memo = self.memo, self.memo or memo
        try:
            return self.render("guide_sections.md.j2", page, module=self.kb.module(module_id))
        finally:
            self.memo = outer

    def module_of(self, page: str) -> str | None:
        """The module whose chapter `page` is (guide/reports.md → reports), if any."""
        match = re.fullmatch(r"guide/([a-z0-9-]+)\.md", page)
        ids = {module.id for module in self.kb.modules}
        return match.group(1) if match and match.group(1) in ids else None

    def tokens(self, page: str) -> dict[str, Callable[[], str]]:
        """What each `{{ rkb.name }}` token of `page` becomes, made only when used."""
        product = self.kb.product
        labels = self.labels
        return {
            "product_name": lambda: safe.inline(product.name),
            "support_email": lambda: product.support_email,
            "support_link": lambda: f"[{product.support_email}](mailto:{product.support_email})",
            "report_problem_link": lambda: f"[{labels['report_problem']}]({self.mailto('report')})",
            "propose_link": lambda: f"[{labels['propose']}]({self.mailto('propose')})",
            "latest_releases": lambda: self.render("latest_releases.md.j2", page).strip(),
            "site_url": lambda: product.site_url,
            "faults_link": lambda: (
                f"[{labels['faults']}]({self._helpers(page)['link']('faults/index.md')})"
            ),
        }

    def expand_tokens(self, text: str, page: str) -> tuple[str, list[str]]:
        """Replace `{{ rkb.name }}` tokens in a hand-written page; returns unknown names too."""
        makers = self.tokens(page) if TOKEN.search(text) else {}
        values: dict[str, str] = {}
        unknown: list[str] = []

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in makers:
                unknown.append(name)
                return match.group(0)
            if name not in values:
                values[name] = makers[name]()
            return values[name]

        return TOKEN.sub(replace, text), unknown

    def nav(self) -> list[dict[str, Any]]:
        """A short navigation: sections and module chapters, never individual records."""
        labels = self.labels
        chapters: list[Any] = ["guide/index.md"]
        chapters += [{safe.attribute(m.title): f"guide/{m.id}.md"} for m in self.kb.modules]
        return [
            {labels["home"]: "index.md"},
            {labels["guide"]: chapters},
            {labels["faq"]: "faq/index.md"},
            {labels["faults"]: "faults/index.md"},
            {labels["proposals"]: "proposals/index.md"},
            {labels["releases"]: "releases/index.md"},
            {labels["training"]: "training/index.md"},
            {labels["support"]: "support.md"},
        ]
