"""One rendered view per record: what every output of the site reads.

Each record's Markdown fields are converted once, here, to clean HTML (`safe.py`; ids
linked and the text's own links resolved by `idlinks.py`) and from that HTML to plain
text; the texts derived from them (the answer a fault gives as an FAQ entry, the ready
`reply` of "copy answer", the meta description, the feed summary) are put together from
those conversions. Pages, the search documents, `kb.json`, the feed and the helpdesk
export read the views; none of them converts Markdown itself.

The boundary, for caching (`build` may keep views on disk keyed by content):
- `render_view(record, context)` is a pure function of the record's public fields and
  the `ViewContext` (the link table: every record's id → title and page; the site's
  address; product name, support e-mail and language). It reads nothing else: no file,
  no clock, and never `internal:`.
- `RecordView`, `Text` and `ViewContext` are frozen dataclasses of str, tuples and
  `None`: picklable and comparable. Record HTML links with addresses absolute from the
  site root's path (`/faults/F-0042/` when `site_url` is `https://host/`), so one view
  serves every page that shows the record.
- `build_views(kb)` = `render_view` over every record and release of a kb, keyed by
  record id and by `release_key(version)`.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any
from urllib.parse import urlsplit

from ..records.loader import KnowledgeBase
from ..records.model import FaqEntry, Fault, Lesson, Proposal, Release
from ..records.schema import markdown_texts, markdown_values
from . import safe
from .idlinks import RecordLink, SiteLinker, page_address, record_page
from .labels import labels_for
from .perkb import derived

DESCRIPTION_CHARS = 160
SUMMARY_CHARS = 300
SYMPTOM_LINE_CHARS = 200


@dataclass(frozen=True)
class Text:
    """One Markdown field, rendered: as written, clean HTML, one line, plain lines."""

    markdown: str
    html: str
    plain: str
    lines: str


@dataclass(frozen=True)
class ViewContext:
    """Everything a view depends on besides its record."""

    links: tuple[tuple[str, RecordLink], ...]
    site_url: str
    product: str
    support_email: str
    language: str

    @property
    def base(self) -> str:
        """The site root's path: `/` for `https://host/`, `/docs/` for `https://host/docs`."""
        path = urlsplit(self.site_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @cached_property
    def linker(self) -> SiteLinker:
        return SiteLinker(dict(self.links), self.base)

    @cached_property
    def links_key(self) -> str:
        """One hash of the link table (what memos are keyed by: its repr is 3,000 records
        long at 3,000 records)."""
        return hashlib.sha256(repr(self.links).encode()).hexdigest()

    def canonical(self, page: str) -> str:
        return self.site_url.rstrip("/") + "/" + page_address(page)

    def address(self, page: str) -> str:
        """A page's address from the site root, for links inside record HTML."""
        return self.base + page_address(page)


@dataclass(frozen=True)
class RecordView:
    """A record (or a release) as every output shows it."""

    id: str
    kind: str  # fault, proposal, faq, lesson or release
    title: str
    path: str  # its page under docs/, e.g. faults/F-0042.md ('' for a release)
    url: str  # canonical address
    texts: tuple[tuple[str, Text], ...]
    answer: Text | None = None  # FAQ answer (an FAQ entry's, or a fault's as FAQ)
    reply: str | None = None
    description: str = ""
    summary: str = ""

    def text(self, name: str) -> Text | None:
        return next((text for key, text in self.texts if key == name), None)

    def html(self, name: str) -> str:
        found = self.text(name)
        return found.html if found else ""

    def plain(self, name: str) -> str:
        found = self.text(name)
        return found.plain if found else ""


def release_key(version: str) -> str:
    return f"release {version}"


def context_for(kb: KnowledgeBase) -> ViewContext:
    """What every view of `kb` depends on besides its record: made once per kb."""
    return derived(kb, "view context", lambda: _context_for(kb))


def _context_for(kb: KnowledgeBase) -> ViewContext:
    records: list[Any] = [*kb.faults, *kb.proposals, *kb.faq, *kb.lessons]
    links = tuple(
        (record.id, RecordLink(record_title(record), record_page(record.id))) for record in records
    )
    product = kb.product
    return ViewContext(
        links, product.site_url, product.name, product.support_email, product.language
    )


def record_title(record: Any) -> str:
    return str(getattr(record, "title", None) or getattr(record, "question", ""))


def render_text(markdown: str, context: ViewContext) -> Text:
    """The one Markdown conversion of a text."""
    body = safe.markdown_html(markdown, context.linker)
    return Text(markdown, body, safe.html_words(body), safe.html_lines(body))


def _texts(record: Any, context: ViewContext) -> tuple[tuple[str, Text], ...]:
    return tuple((t.name, render_text(t.value, context)) for t in markdown_texts(record))


def _join(*parts: Text | str | None) -> Text | None:
    """Texts one after another (a str is a paragraph of plain text, escaped for HTML)."""
    chosen = [
        Text(p, f"<p>{html.escape(p)}</p>", p, p) if isinstance(p, str) else p for p in parts if p
    ]
    if not chosen:
        return None
    return Text(
        "\n\n".join(t.markdown.strip() for t in chosen),
        "\n".join(t.html.strip() for t in chosen),
        " ".join(t.plain for t in chosen),
        "\n\n".join(t.lines for t in chosen),
    )


def version_anchor(version: str) -> str:
    """The anchor of a version's section on the releases page (2.4.1 → v2-4-1)."""
    return "v" + re.sub(r"[^0-9A-Za-z]+", "-", version).strip("-")


def _version_html(version: str, context: ViewContext) -> str:
    href = context.address("releases/index.md") + "#" + version_anchor(version)
    return f'<a href="{html.escape(href)}">{html.escape(version)}</a>'


def _fault_answer(fault: Fault, texts: Mapping[str, Text], ctx: ViewContext) -> Text | None:
    """The answer a fault gives as an FAQ entry: its workaround and how it is fixed."""
    labels = labels_for(ctx.language)
    fix: Text | None = None
    if fault.fix and fault.fix.method == "auto-update" and fault.fix.version:
        line = labels["fixed_auto"]
        plain = line.format(version=fault.fix.version)
        markup = html.escape(line).format(version=_version_html(fault.fix.version, ctx))
        fix = Text(plain, f"<p>{markup}</p>", plain, plain)
    elif fault.fix:
        line = labels["fixed_support"]
        email = ctx.support_email
        plain = line.format(email=email)
        link = f'<a href="mailto:{html.escape(email)}">{html.escape(email)}</a>'
        fix = _join(
            Text(plain, f"<p>{html.escape(line).format(email=link)}</p>", plain, plain),
            texts.get("fix.instructions"),
        )
    return _join(texts.get("workaround"), fix)


def _symptom_line(text: Text) -> str:
    """One line of symptoms: the first paragraph's whole sentences that fit, or its
    first words when even one sentence is too long."""
    first = " ".join(text.lines.split("\n\n", 1)[0].split())
    line = ""
    for sentence in re.split(r"(?<=[.!?…])\s+", first):
        if len(line) + len(sentence) + 1 > SYMPTOM_LINE_CHARS:
            break
        line = f"{line} {sentence}".strip()
    return line or safe.shorten(first, SYMPTOM_LINE_CHARS)


def _fault_reply(fault: Fault, texts: Mapping[str, Text], ctx: ViewContext, url: str) -> str:
    labels = labels_for(ctx.language)
    parts = [f"{labels['reply_symptoms']}: {_symptom_line(texts['symptoms'])}"]
    if "workaround" in texts:
        parts.append(f"{labels['reply_workaround']}:\n{texts['workaround'].lines}")
    if fault.fix and fault.fix.method == "auto-update":
        parts.append(labels["reply_fixed_auto"].format(version=fault.fix.version))
    elif fault.fix:
        support = labels["reply_fixed_support"].format(email=ctx.support_email)
        instructions = texts.get("fix.instructions")
        parts.append(support + (f"\n{instructions.lines}" if instructions else ""))
    else:
        if fault.status == "wontfix":
            parts.append(labels["reply_wontfix"])
        if "workaround" not in texts:
            parts.append(
                labels["reply_no_answer"].format(email=ctx.support_email, product=ctx.product)
            )
    parts.append(labels["reply_more"].format(url=url))
    return "\n\n".join(parts)


def _proposal_reply(proposal: Proposal, ctx: ViewContext, url: str) -> str:
    labels = labels_for(ctx.language)
    if proposal.status == "implemented" and proposal.implemented_in:
        status = labels["reply_implemented"].format(version=proposal.implemented_in)
    elif proposal.status == "planned" and proposal.planned_for:
        status = labels["reply_planned"].format(version=proposal.planned_for)
    else:
        status = labels["reply_status"].format(
            status=labels[f"proposal_status.{proposal.status}"].lower()
        )
    parts = [f"{proposal.id} · {proposal.title}", status]
    parts.append(labels["reply_more"].format(url=url))
    return "\n\n".join(parts)


def _answer_reply(answer: Text, ctx: ViewContext, url: str) -> str:
    return answer.lines + "\n\n" + labels_for(ctx.language)["reply_more"].format(url=url)


def _describe(title: str, body: str, limit: int) -> str:
    return safe.shorten(" ".join(part for part in (title, body) if part), limit)


def render_view(record: Fault | Proposal | FaqEntry | Lesson, context: ViewContext) -> RecordView:
    """The rendered view of one record (a pure function of the record and the context)."""
    texts = _texts(record, context)
    by_name = dict(texts)
    page = record_page(record.id)
    url = context.canonical(page)
    title = record_title(record)
    common: dict[str, Any] = {"id": record.id, "title": title, "path": page, "url": url}
    if isinstance(record, Fault):
        answer = _fault_answer(record, by_name, context)
        body = by_name["symptoms"].plain
        return RecordView(
            kind="fault",
            texts=texts,
            answer=answer,
            reply=_fault_reply(record, by_name, context, url),
            description=_describe(safe.plain_words(title) + ".", body, DESCRIPTION_CHARS),
            summary=safe.shorten(body, SUMMARY_CHARS),
            **common,
        )
    if isinstance(record, Proposal):
        body = by_name["summary"].plain
        return RecordView(
            kind="proposal",
            texts=texts,
            reply=_proposal_reply(record, context, url),
            description=_describe(safe.plain_words(title) + ".", body, DESCRIPTION_CHARS),
            summary=safe.shorten(body, SUMMARY_CHARS),
            **common,
        )
    if isinstance(record, FaqEntry):
        answer = by_name["answer"]
        return RecordView(
            kind="faq",
            texts=texts,
            answer=answer,
            reply=_answer_reply(answer, context, url),
            description=_describe(safe.plain_words(title), answer.plain, DESCRIPTION_CHARS),
            summary=safe.shorten(answer.plain, SUMMARY_CHARS),
            **common,
        )
    objectives = ". ".join(record.objectives)
    return RecordView(
        kind="lesson",
        texts=texts,
        description=_describe(safe.plain_words(title) + ".", objectives, DESCRIPTION_CHARS),
        summary=safe.shorten(objectives, SUMMARY_CHARS),
        **common,
    )


def render_release_view(release: Release, context: ViewContext) -> RecordView:
    texts = _texts(release, context)
    summary = dict(texts).get("summary")
    anchor = version_anchor(release.version)
    labels = labels_for(context.language)
    return RecordView(
        id=release_key(release.version),
        kind="release",
        title=labels["feed_release"].format(version=release.version),
        path="",
        url=context.canonical("releases/index.md") + "#" + anchor,
        texts=texts,
        summary=safe.shorten(summary.plain, SUMMARY_CHARS) if summary else "",
    )


def build_views(kb: KnowledgeBase, context: ViewContext | None = None) -> dict[str, RecordView]:
    """Every record's view by id, and every release's by `release_key(version)`."""
    context = context or context_for(kb)
    views: dict[str, RecordView] = {}
    records: list[Fault | Proposal | FaqEntry | Lesson] = [
        *kb.faults,
        *kb.proposals,
        *kb.faq,
        *kb.lessons,
    ]
    for record in records:
        views[record.id] = render_view(record, context)
    for release in kb.releases:
        views[release_key(release.version)] = render_release_view(release, context)
    return views


def texts_by_markdown(views: Mapping[str, RecordView]) -> dict[str, Text]:
    """Every rendered text by the Markdown it came from (for templates that name a field's
    Markdown, such as `{{ fault.symptoms|md }}`: they get the view's HTML, never a new
    conversion)."""
    table: dict[str, Text] = {}
    for view in views.values():
        for _name, text in view.texts:
            table.setdefault(text.markdown, text)
    return table


class TextTable:
    """Every record field's rendered text by the Markdown it came from, as templates ask
    for it (`{{ fault.symptoms|md }}`: they get the view's HTML, never a new conversion),
    as `texts_by_markdown` gives them, but read from one view per text: the Markdown is
    found among the records' fields, its text in that record's view. Views the build
    cache kept are unpickled when first asked for, so a rebuild reads the few it shows."""

    def __init__(self, kb: KnowledgeBase, views: Mapping[str, RecordView]) -> None:
        self.kb = kb
        self.views = views
        self._holder: dict[str, str] | None = None  # Markdown → the key of a view with it

    def _holders(self) -> dict[str, str]:
        if self._holder is None:
            kb = self.kb
            records: list[Fault | Proposal | FaqEntry | Lesson] = [
                *kb.faults,
                *kb.proposals,
                *kb.faq,
                *kb.lessons,
            ]
            keyed: list[tuple[str, Any]] = [(record.id, record) for record in records]
            keyed += [(release_key(r.version), r) for r in kb.releases]
            self._holder = {}
            for key, record in keyed:
                for markdown in markdown_values(record):
                    self._holder.setdefault(markdown, key)
        return self._holder

    def __getitem__(self, markdown: str) -> Text:
        """The text of `markdown`; KeyError when it is no record's field."""
        view = self.views[self._holders()[markdown]]
        for _name, text in view.texts:
            if text.markdown == markdown:
                return text
        raise KeyError(markdown)
