"""Measure the site search against tests/search_queries.yaml.

    scripts/eval_search.py [--site SITE_DIR] [--verbose] [--material]

Every query runs with limit 10; a query is a hit at k when one of its expected records is
among the first k results. For each kind of query the table shows the number of queries,
recall@1, recall@3 and MRR (1/rank of the first expected record, 0 when it is absent).

Without --site the site is built with `rkb build` into a temporary folder. If the build
does not write search/rkb-index.json (yet), the index is built directly from kb/.
--material measures Material for MkDocs' default search on the same site, in Chromium.
tests/test_search_quality.py imports this file for its floors.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import yaml

from rkb import load_kb
from rkb.search.documents import record_documents
from rkb.search.index import build_index
from rkb.search.query import SearchIndex

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "tests" / "search_queries.yaml"
INDEX_FILE = Path("search") / "rkb-index.json"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
KINDS = ("id", "code", "same", "wordform", "yo", "english", "paraphrase", "typo")
LIMIT = 10
TOP = 3
RECORD_ID = re.compile(r"[FPQ]-\d{4,}|T-\d{2,}")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MATERIAL_COPY = ("mkdocs.yml", "docs", "kb", "overrides")
RECORD_HREF = re.compile(r"/([FPQ]-\d{4,}|T-\d{2,})/")

# A search: query text -> the results in order, each a record id or "page:<url>" for a
# result that is not a record (a hand-written page or section).
Search = Callable[[str], list[str]]


# --- queries and metrics ----------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    expected: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    query: Query
    results: tuple[str, ...]

    @property
    def rank(self) -> int | None:
        """1-based position of the first expected record among the results, if any."""
        return first_rank(self.query.expected, self.results)


@dataclass(frozen=True)
class Stats:
    count: int
    recall1: float
    recall3: float
    mrr: float


def entry_problem(entry: Any) -> str | None:
    """What is wrong with one entry of the queries file, if anything."""
    if not isinstance(entry, dict):
        return "not a mapping"
    if entry.get("kind") not in KINDS:
        return f"unknown kind {entry.get('kind')!r}"
    text = entry.get("query")
    if not isinstance(text, str) or not text.strip():
        return "empty query"
    expected = entry.get("expected")
    if not isinstance(expected, list) or not expected:
        return "expected must be a non-empty list"
    wrong = [e for e in expected if not RECORD_ID.fullmatch(str(e))]
    return f"not record ids: {wrong}" if wrong else None


def load_queries(path: Path = QUERIES) -> list[Query]:
    """The queries of the YAML file; a malformed entry is an error naming it."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    queries = []
    for number, entry in enumerate(entries, 1):
        problem = entry_problem(entry)
        if problem:
            raise ValueError(f"{path}: entry {number}: {problem}")
        queries.append(Query(entry["kind"], entry["query"], tuple(entry["expected"])))
    return queries


def first_rank(expected: Sequence[str], results: Sequence[str]) -> int | None:
    for position, result in enumerate(results, 1):
        if result in expected:
            return position
    return None


def evaluate(queries: Sequence[Query], search: Search) -> list[Outcome]:
    return [Outcome(q, tuple(search(q.text)[:LIMIT])) for q in queries]


def stats(outcomes: Sequence[Outcome]) -> Stats:
    ranks = [o.rank for o in outcomes]
    count = len(ranks)
    if not count:
        return Stats(0, 0.0, 0.0, 0.0)
    return Stats(
        count=count,
        recall1=sum(r == 1 for r in ranks) / count,
        recall3=sum(r is not None and r <= TOP for r in ranks) / count,
        mrr=sum(1 / r for r in ranks if r is not None) / count,
    )


def table(outcomes: Sequence[Outcome]) -> dict[str, Stats]:
    """Stats per kind (in the usual order) and for "all"."""
    rows = {kind: stats([o for o in outcomes if o.query.kind == kind]) for kind in KINDS}
    rows["all"] = stats(outcomes)
    return rows


def format_table(rows: dict[str, Stats]) -> str:
    lines = [f"{'kind':<12}{'queries':>8}{'recall@1':>10}{'recall@3':>10}{'MRR':>8}"]
    for kind, row in rows.items():
        lines.append(
            f"{kind:<12}{row.count:>8}{row.recall1:>10.1%}{row.recall3:>10.1%}{row.mrr:>8.3f}"
        )
    return "\n".join(lines)


def misses(outcomes: Sequence[Outcome]) -> list[Outcome]:
    """Queries whose expected records are not in the top 3."""
    return [o for o in outcomes if o.rank is None or o.rank > TOP]


def format_misses(outcomes: Sequence[Outcome]) -> str:
    lines = []
    for outcome in misses(outcomes):
        query = outcome.query
        rank = f"rank {outcome.rank}" if outcome.rank else "not in top 10"
        top = ", ".join(outcome.results[:TOP]) or "nothing"
        lines.append(
            f"[{query.kind}] {query.text!r}: expected {', '.join(query.expected)} "
            f"({rank}); top 3: {top}"
        )
    return "\n".join(lines) or "no misses"


# --- the site's own search (rkb) ----------------------------------------------------------


def build_site(site_dir: Path) -> None:
    """`rkb build` of the project into site_dir."""
    command = [sys.executable, "-m", "rkb", "build", "-d", str(site_dir)]
    done = subprocess.run(
        command, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"rkb build failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def load_index(site_dir: Path) -> tuple[SearchIndex, str]:
    """The built site's index; while the build does not write one, an index built from kb/."""
    if (site_dir / INDEX_FILE).is_file():
        return SearchIndex.load(site_dir), f"index loaded from {site_dir / INDEX_FILE}"
    index = SearchIndex(build_index(record_documents(load_kb(ROOT / "kb"))))
    note = (
        f"{site_dir / INDEX_FILE} not found: index built directly from kb/ "
        "(records only, no hand-written pages)"
    )
    return index, note


def rkb_search(index: SearchIndex) -> Search:
    def search(text: str) -> list[str]:
        return [hit.id or f"page:{hit.url}" for hit in index.search(text, LIMIT)]

    return search


# --- Material for MkDocs' default search, in Chromium -------------------------------------


def with_material_search(config: str) -> str:
    """mkdocs.yml text whose plugin list has Material's `search` (lang: ru) and no other
    search plugin; the other plugins and the rest of the file are left as they are."""
    lines = config.splitlines()
    start = next((n for n, line in enumerate(lines) if re.match(r"plugins:\s*$", line)), None)
    if start is None:
        return config.rstrip("\n") + "\nplugins:\n  - search:\n      lang: ru\n"
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] in " #-"):
        end += 1
    entries: list[list[str]] = []
    for line in lines[start + 1 : end]:
        if re.match(r"\s*- ", line) or not entries:
            entries.append([line])
        else:
            entries[-1].append(line)
    indent = re.match(r"\s*", entries[0][0]).group() if entries else "  "
    kept = [e for e in entries if "search" not in e[0].split("#")[0]]
    block = [f"{indent}- search:", f"{indent}    lang: ru", *(ln for e in kept for ln in e)]
    return "\n".join([*lines[: start + 1], *block, *lines[end:]]) + "\n"


def material_project(target: Path) -> list[str]:
    """A copy of the project in target that uses Material's default search; returns notes."""
    notes = []
    for name in MATERIAL_COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name)
        else:
            shutil.copy(source, target / name)
    config = target / "mkdocs.yml"
    config.write_text(with_material_search(config.read_text(encoding="utf-8")), encoding="utf-8")
    header = target / "overrides" / "partials" / "header.html"
    if header.is_file() and "partials/search.html" not in header.read_text(encoding="utf-8"):
        header.unlink()
        notes.append("overrides/partials/header.html replaces Material's search: not copied")
    return notes


def build_material_site(project: Path, site_dir: Path) -> None:
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site_dir)]
    done = subprocess.run(
        command, cwd=project, env=ENV, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"mkdocs build failed ({done.returncode}):\n{done.stderr}")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve folder over HTTP on 127.0.0.1 in a thread; yields the base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def href_result(href: str) -> str:
    """A result link → the record id of its page, or "page:<path>"."""
    path = unquote(urlparse(href).path)
    match = RECORD_HREF.search(path)
    return match.group(1) if match else f"page:{path}"


RESULT_HREFS = """items => items.map(item => {
    const link = item.querySelector("a"); return link ? link.href : ""; })"""


def settled_results(page: Any, timeout: float = 5.0, quiet: float = 0.5) -> list[str]:
    """Poll the result links every 100 ms until unchanged for `quiet` s (at most `timeout` s)."""
    deadline = time.monotonic() + timeout
    last = page.eval_on_selector_all(".md-search-result__item", RESULT_HREFS)
    since = time.monotonic()
    while time.monotonic() < deadline and time.monotonic() - since < quiet:
        time.sleep(0.1)
        current = page.eval_on_selector_all(".md-search-result__item", RESULT_HREFS)
        if current != last:
            last, since = current, time.monotonic()
    return last


def type_query(page: Any, text: str) -> list[str]:
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')", timeout=2000)
    box.press_sequentially(text, delay=10)
    return settled_results(page)


def material_outcomes(site_dir: Path, queries: Sequence[Query]) -> list[Outcome]:
    from playwright.sync_api import sync_playwright  # only --material needs it

    with serve(site_dir) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(base)
            page.locator("input.md-search__input").click()
            page.locator("input.md-search__input").press_sequentially("reTributor", delay=10)
            page.wait_for_selector(".md-search-result__item", timeout=60_000)
            return [
                Outcome(q, tuple(href_result(h) for h in type_query(page, q.text)[:LIMIT]))
                for q in queries
            ]
        finally:
            browser.close()


def measure_material(queries: Sequence[Query]) -> list[Outcome]:
    with tempfile.TemporaryDirectory(prefix="rkb-material-") as tmp:
        project, site = Path(tmp) / "project", Path(tmp) / "site"
        project.mkdir()
        for note in material_project(project):
            print(note)
        build_material_site(project, site)
        return material_outcomes(site, queries)


# --- command line -------------------------------------------------------------------------


def report(title: str, outcomes: Sequence[Outcome], verbose: bool) -> None:
    print(f"\n{title}\n{format_table(table(outcomes))}")
    if verbose:
        print(f"\nmisses (expected record not in the top {TOP}):\n{format_misses(outcomes)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one now)")
    parser.add_argument("--queries", type=Path, default=QUERIES, help="the queries file")
    parser.add_argument("--verbose", action="store_true", help="list the misses")
    parser.add_argument(
        "--material", action="store_true", help="also measure Material's default search"
    )
    args = parser.parse_args(argv)
    queries = load_queries(args.queries)

    if args.material and not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: --material needs Debian's Chromium", file=sys.stderr)
        return 1

    with tempfile.TemporaryDirectory(prefix="rkb-site-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp)
            print(f"building the site with rkb build into {site} ...")
            build_site(site)
        index, note = load_index(site)
    print(note)
    report("rkb search", evaluate(queries, rkb_search(index)), args.verbose)

    if args.material:
        print("\nbuilding a copy of the site with Material's default search ...")
        report("Material for MkDocs default search", measure_material(queries), args.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main())
