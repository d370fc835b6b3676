"""`rkb report`: what readers said and could not find, from nginx's logs.

Two line formats are read, from plain or gzipped (rotated) files:
- the feedback log `rkb nginx` configures (`log_format rkb_*_feedback`): one JSON object a
  line, `{"time": ISO 8601, "uri": request URI, "status": code}`;
- nginx's standard `combined` (and Debian's default) access log, for page visits (and
  feedback requests, if that is where they were logged).
Lines that are neither are counted, never fatal.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO
from urllib.parse import parse_qsl

from ..search.analysis import words

FEEDBACK_PATH = "/_rkb/feedback"
_COMBINED = re.compile(
    r'^\S+ \S+ \S+ \[(\d\d)/([A-Za-z]{3})/(\d{4}):[^\]]*\] "([A-Z]+) (\S+)(?: [^"]*)?" (\d{3}) '
)
_RECORD_PAGE = re.compile(r"^/(?:faults/F|proposals/P|faq/Q|training/T)-\d+/(?:index\.html)?$")
_MONTHS = {
    name: f"{number:02d}"
    for number, name in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
        start=1,
    )
}
_VISIT_STATUSES = frozenset({200, 304})


class ReportError(Exception):
    """A log cannot be read; the message says which and why."""


@dataclass
class Votes:
    yes: int = 0
    no: int = 0

    @property
    def no_share(self) -> float:
        total = self.yes + self.no
        return self.no / total if total else 0.0


@dataclass
class Report:
    lines: int = 0
    unparsed: int = 0
    before_since: int = 0
    votes: dict[str, Votes] = field(default_factory=dict)
    empty_searches: Counter[str] = field(default_factory=Counter)
    visits: Counter[str] = field(default_factory=Counter)

    def as_json(self, top: int) -> dict[str, object]:
        return {
            "lines": self.lines,
            "unparsed": self.unparsed,
            "before_since": self.before_since,
            "votes": [
                {"page": page, "yes": v.yes, "no": v.no, "no_share": round(v.no_share, 4)}
                for page, v in self.rated_pages()
            ],
            "empty_searches": [
                {"query": query, "count": count}
                for query, count in self.empty_searches.most_common(top)
            ],
            "visits": [
                {"page": page, "count": count} for page, count in self.visits.most_common(top)
            ],
        }

    def rated_pages(self) -> list[tuple[str, Votes]]:
        """Pages with votes, the most "no" first."""
        return sorted(
            self.votes.items(), key=lambda item: (-item[1].no, -item[1].no_share, item[0])
        )


def search_key(query: str) -> str:
    """A query as the search sees it: normalised words (ё → е, case, punctuation)."""
    return " ".join(words(query))


def _open(path: Path) -> IO[str]:
    with path.open("rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8", errors="replace")
    return path.open(encoding="utf-8", errors="replace")


def _parse(line: str) -> tuple[str, str, int] | None:
    """(date YYYY-MM-DD, request URI, status) of a GET line, or None if not understood."""
    if line.startswith("{"):
        try:
            entry = json.loads(line)
            return str(entry["time"])[:10], str(entry["uri"]), int(entry["status"])
        except (ValueError, KeyError, TypeError):
            return None
    match = _COMBINED.match(line)
    if match is None or match.group(2) not in _MONTHS:
        return None
    day, month, year, method, uri, status = match.groups()
    if method not in ("GET", "HEAD"):
        return ("", "", 0)  # understood, but not a read: ignored
    return f"{year}-{_MONTHS[month]}-{day}", uri, int(status)


def _count(report: Report, uri: str, status: int) -> None:
    path, _, query = uri.partition("?")
    if path == FEEDBACK_PATH:
        if not 200 <= status < 300:
            return  # refused (rate limit, method): not a reader's answer
        params = dict(parse_qsl(query))
        vote, page = params.get("vote"), params.get("page")
        if page and vote in ("yes", "no"):
            votes = report.votes.setdefault(page, Votes())
            if vote == "yes":
                votes.yes += 1
            else:
                votes.no += 1
        elif params.get("results") == "0" and (key := search_key(params.get("search", ""))):
            report.empty_searches[key] += 1
    elif status in _VISIT_STATUSES and _RECORD_PAGE.match(path):
        report.visits[path.removesuffix("index.html")] += 1


def _lines(paths: Iterable[Path]) -> Iterator[str]:
    for path in paths:
        try:
            with _open(path) as stream:
                yield from stream
        except OSError as error:
            raise ReportError(f"{path}: cannot read the log ({error.strerror or error})") from None
        except EOFError:
            raise ReportError(f"{path}: the gzipped log is cut short") from None


def summarise(paths: Iterable[Path], since: date | None = None) -> Report:
    """Read every log line once and count votes, empty searches and record-page visits."""
    report = Report()
    first_day = since.isoformat() if since else ""
    for line in _lines(paths):
        report.lines += 1
        parsed = _parse(line)
        if parsed is None:
            if line.strip():
                report.unparsed += 1
            continue
        day, uri, status = parsed
        if not uri:
            continue
        if day < first_day:
            report.before_since += 1
            continue
        _count(report, uri, status)
    return report


def _section(heading: str, rows: list[str], nothing: str) -> list[str]:
    return ["", heading, *(rows or [f"  {nothing}"])]


def render_text(report: Report, top: int) -> str:
    """The report for a person: three short tables."""
    head = f"{report.lines} lines read, {report.unparsed} not understood (skipped)" + (
        f", {report.before_since} before --since" if report.before_since else ""
    )
    rated = report.rated_pages()[:top]
    out = [head]
    out += _section(
        "Was this page helpful? (yes, no, share of no; most no first)",
        [f"  {v.yes:>6} {v.no:>6} {v.no_share:>5.0%}  {page}" for page, v in rated],
        "(no votes)",
    )
    out += _section(
        "Searches that found nothing (times, query)",
        [f"  {count:>6}  {query}" for query, count in report.empty_searches.most_common(top)],
        "(none)",
    )
    out += _section(
        "Most visited record pages (visits, page)",
        [f"  {count:>6}  {page}" for page, count in report.visits.most_common(top)],
        "(no record page visits in these logs)",
    )
    return "\n".join(out) + "\n"
