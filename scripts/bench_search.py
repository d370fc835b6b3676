#!/usr/bin/env python3
"""Benchmark the search on generated knowledge bases of 1,000 and 10,000 records.

For each size: the site's build time, the index size (raw and gzip), the time from page
load to the first results in headless Chromium (Debian's /usr/bin/chromium), and query
latency p50/p95 in the browser and in `rkb search`'s Python engine.

    python scripts/bench_search.py                 # 1,000 and 10,000 records
    python scripts/bench_search.py --records 3000  # one size
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "отчёты не выгружаются",
    "f-42",
    "RT-1042",
    "HTTP 502",
    "не могу войти",
    "резервная копия",
    "nginx",
    "сертификат просрочен",
    "выплаты банк",
    "импорт из 1С",
    "тормозит отчёт",
    "пароль",
    "обновление не установилось",
    "SQLSTATE 53300",
    "уведомления на почту",
    "начисление не рассчитано",
    "выгрзка",
    "права доступа",
    "LDAP",
    "excel",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def generate_kb(target: Path, records: int) -> None:
    """The shipped kb plus generated faults, proposals and FAQ entries up to `records`."""
    shutil.copytree(ROOT / "kb", target)
    templates = {
        folder: sorted((ROOT / "kb" / folder).glob("*.yaml"))
        for folder in ("faults", "proposals", "faq")
    }
    shipped = sum(len(files) for files in templates.values()) + 5
    letters = {"faults": "F", "proposals": "P", "faq": "Q"}
    share = {"faults": 0.6, "proposals": 0.2, "faq": 0.2}
    for folder, files in templates.items():
        count = int((records - shipped) * share[folder])
        for number in range(len(files) + 1, len(files) + 1 + count):
            source = files[number % len(files)].read_text(encoding="utf-8")
            record_id = f"{letters[folder]}-{number:04d}"
            text = re.sub(r"(?m)^id: .*$", f"id: {record_id}", source)
            text = re.sub(
                r"(?m)^(title|question): (.*)$", rf"\1: \2 (вариант {number})", text, count=1
            )
            text = re.sub(r"(?m)^related: .*$", "related: []", text)
            (target / folder / f"{record_id}.yaml").write_text(text, encoding="utf-8")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def browser_numbers(site: Path) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            firsts = []
            for _ in range(3):
                page = browser.new_page()
                page.goto(base, wait_until="load")
                loaded = page.evaluate("performance.now()")
                page.locator("#rkb-search-input").fill("отчёты не выгружаются")
                page.wait_for_selector(".rkb-search-hit", timeout=60000)
                firsts.append((page.evaluate("performance.now()") - loaded) / 1000)
                page.close()
            page = browser.new_page()
            page.goto(base, wait_until="load")
            times = page.evaluate(
                """async queries => {
                    await window.rkbSearch('прогрев', 1);
                    const times = [];
                    for (let round = 0; round < 5; round++) {
                        for (const q of queries) {
                            const t = performance.now();
                            await window.rkbSearch(q, 10);
                            times.push(performance.now() - t);
                        }
                    }
                    return times;
                }""",
                QUERIES,
            )
            browser.close()
    finally:
        server.shutdown()
    return {
        "first": statistics.median(firsts),
        "p50": percentile(times, 0.5),
        "p95": percentile(times, 0.95),
    }


def python_numbers(site: Path) -> dict[str, float]:
    sys.path.insert(0, str(ROOT / "src"))
    from rkb.search.query import SearchIndex

    index = SearchIndex.load(site)
    index.search("прогрев", 1)
    times = []
    for _ in range(5):
        for query in QUERIES:
            started = time.perf_counter()
            index.search(query, 10)
            times.append((time.perf_counter() - started) * 1000)
    return {"p50": percentile(times, 0.5), "p95": percentile(times, 0.95)}


def bench(records: int, work: Path, reuse: bool = False) -> dict[str, float]:
    kb = work / f"kb-{records}"
    site = work / f"site-{records}"
    started = time.monotonic()
    if reuse and (site / "search" / "rkb-index.json").is_file():
        return measure(records, site, float("nan"))
    shutil.rmtree(kb, ignore_errors=True)
    generate_kb(kb, records)
    subprocess.run(
        [sys.executable, "-m", "rkb", "build", "--kb", str(kb), "-d", str(site)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return measure(records, site, time.monotonic() - started)


def measure(records: int, site: Path, build: float) -> dict[str, float]:
    index = site / "search" / "rkb-index.json"
    numbers = {
        "records": records,
        "build_s": build,
        "index_mb": index.stat().st_size / 1e6,
        "index_gz_mb": index.with_suffix(".json.gz").stat().st_size / 1e6,
    }
    numbers.update({f"browser_{k}": v for k, v in browser_numbers(site).items()})
    numbers.update({f"python_{k}": v for k, v in python_numbers(site).items()})
    return numbers


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, action="append", help="size to measure (repeatable)")
    parser.add_argument(
        "--work", type=Path, help="keep generated kbs and sites here and reuse built sites"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="with --work: build again even if a site exists"
    )
    args = parser.parse_args()
    sizes = args.records or [1000, 10000]
    if not Path("/usr/bin/chromium").exists():
        print("bench_search: needs Debian's chromium at /usr/bin/chromium", file=sys.stderr)
        return 1
    print(
        f"{'records':>8} {'build s':>8} {'index MB':>9} {'gzip MB':>8} {'first results s':>16} "
        f"{'browser p50/p95 ms':>19} {'python p50/p95 ms':>18}"
    )
    with tempfile.TemporaryDirectory() as folder:
        work = args.work or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            n = bench(size, work, reuse=bool(args.work) and not args.rebuild)
            print(
                f"{n['records']:>8} {n['build_s']:>8.1f} "
                f"{n['index_mb']:>9.2f} {n['index_gz_mb']:>8.2f} "
                f"{n['browser_first']:>16.2f} {n['browser_p50']:>9.1f}/{n['browser_p95']:<9.1f}"
                f"{n['python_p50']:>8.1f}/{n['python_p95']:<8.1f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
