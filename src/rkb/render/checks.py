"""Checks that need the whole site: ids mentioned in docs/ pages, and the pages and images
that record text links to (the site's files are known only once the engine lists them)."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Mapping
from functools import partial
from typing import Any

from ..records.ids import canonical_id
from ..records.loader import KnowledgeBase, ParseMemo, kept_or_found
from ..records.mentions import scan
from ..records.problems import Problem, suggest
from ..records.schema import markdown_texts
from .idlinks import internal_address
from .view import RecordView


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def unknown_mentions(kb: KnowledgeBase, markdown: str) -> list[tuple[int, int, str]]:
    """(line, column, message) for every id in a page's Markdown that names no record."""
    found: list[tuple[int, int, str]] = []
    names: list[str] | None = None
    for mention in scan(markdown).mentions:
        if kb.record(mention.text) is not None:
            continue
        if names is None:
            names = [*(f.id for f in kb.faults), *(p.id for p in kb.proposals)]
            names += [*(q.id for q in kb.faq), *(t.id for t in kb.lessons)]
        line, column = _position(markdown, mention.offset)
        wanted = canonical_id(mention.text) or mention.text
        found.append(
            (
                line,
                column,
                f"no record '{mention.text}' in the kb; expected the id of an existing record "
                f"(or `{mention.text}` in backticks if it is not one){suggest(wanted, names)}",
            )
        )
    return found


def broken_targets(
    kb: KnowledgeBase,
    addresses: Collection[str],
    views: Mapping[str, RecordView],
    checked: ParseMemo | None = None,
) -> list[Problem]:
    """Links and images in record text whose page or file the site does not have.

    `addresses` are the site's own (`guide/reports/`, `assets/x.png`, `` for the start
    page), as the engine lists them. With `checked`, a record an earlier build found
    without such links, among the same addresses, is not looked at again.
    """
    del views  # the targets are read from the text as written, for their positions
    known = {address.lstrip("/") for address in addresses} | {""}
    known |= {address.removesuffix("index.html") for address in known}
    among = hashlib.sha256("\0".join(sorted(known)).encode()).hexdigest()
    problems: list[Problem] = []
    records = [*kb.faults, *kb.proposals, *kb.faq, *kb.lessons, *kb.releases]
    for record in records:
        find = partial(_broken_in, record, known)
        problems += kept_or_found(checked, ("targets", among, record), find)
    return problems


def _broken_in(record: Any, known: Collection[str]) -> list[Problem]:
    """The links and images of one record whose target is not among `known`."""
    problems: list[Problem] = []
    for text in markdown_texts(record):
        for target in scan(text.value).targets:
            inside = internal_address(target.target)
            if inside is None or inside[0] in known:
                continue
            what = "image" if target.image else "link"
            hint = suggest(inside[0], sorted(known))
            line, column = text.position(target.offset, target.target)
            problems.append(
                Problem(
                    record.loc.path,
                    line,
                    column,
                    f"{text.name}: {what} to '{target.target}': the site has no such "
                    f"{'file' if target.image else 'page'}; expected a page such as "
                    f"guide/reports.md or /faults/F-0001/ or a file in docs/{hint}",
                )
            )
    return problems
