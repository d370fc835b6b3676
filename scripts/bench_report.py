"""Benchmark `rkb report`: generate realistic nginx logs and time the report on them.

    .venv/bin/python scripts/bench_report.py [--lines 1000000] [--limit 30]

The logs imitate a month of a busy site: the access log in nginx's combined format (record
pages, listings, assets, search index, short links, bots' 404s, a few POSTs), the
feedback log in rkb's JSON format (votes, searches that found nothing, rate-limited
requests), a gzipped rotated part of each, and some damaged lines. Runs `rkb report` in a
fresh process on all of them, prints lines per second, checks the counts against what was
generated, and exits 1 if it took `--limit` seconds or more.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

SEARCHES = (
    "абракадабра",
    "Абракадабра",
    "ошибка RT-9999",
    "выгрузка в 1С не работает",
    "кнопка пропала",
    "ёлка",
    "report scheduler",
    "как удалить организацию",
)
OTHER = ("/", "/faults/", "/faq/", "/guide/reports/", "/search/rkb-index.json", "/kb.json")
ASSETS = ("/assets/rkb/rkb.0f3a9c1d.css", "/assets/javascripts/bundle.6ad8f1b4.min.js")
AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126"


def _record_page(rng: random.Random) -> str:
    kind = rng.choices(["faults/F", "faq/Q", "proposals/P", "training/T"], [6, 3, 2, 1])[0]
    return f"/{kind}-{int(rng.paretovariate(1.2)) % 3000 + 1:04d}/"


def _combined(rng: random.Random, when: datetime, path: str, status: int, method: str) -> str:
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S +0000")
    address = f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    return f'{address} - - [{stamp}] "{method} {path} HTTP/1.1" {status} 5120 "-" "{AGENT}"\n'


def _feedback(rng: random.Random, when: datetime, expected: Counter[str]) -> str:
    status = 429 if rng.random() < 0.02 else 204
    if rng.random() < 0.6:
        page = _record_page(rng)
        vote = "no" if rng.random() < 0.3 else "yes"
        uri = f"/_rkb/feedback?page={page}&vote={vote}"
        if status == 204:
            expected["votes"] += 1
    else:
        query = rng.choice(SEARCHES)
        uri = f"/_rkb/feedback?search={quote(query)}&results=0"
        if status == 204:
            expected["searches"] += 1
    entry = {"time": when.isoformat(timespec="seconds"), "uri": uri, "status": status}
    return json.dumps(entry, ensure_ascii=False) + "\n"


def generate(folder: Path, lines: int, seed: int = 7) -> tuple[list[Path], Counter[str]]:
    """Write the logs (half of each rotated and gzipped); returns the files and expectations."""
    rng = random.Random(seed)
    expected: Counter[str] = Counter()
    start = datetime(2026, 11, 1, tzinfo=UTC)
    step = timedelta(days=30) / lines
    access: list[str] = []
    feedback: list[str] = []
    for number in range(lines):
        when = start + step * number
        roll = rng.random()
        if roll < 0.04:
            feedback.append(_feedback(rng, when, expected))
        elif roll < 0.045:
            access.append("\x00\x17garbage \xff line cut sho\n")
            expected["unparsed"] += 1
        elif roll < 0.45:
            status = 304 if rng.random() < 0.2 else 200
            access.append(_combined(rng, when, _record_page(rng), status, "GET"))
            expected["visits"] += 1
        elif roll < 0.7:
            access.append(_combined(rng, when, rng.choice(OTHER), 200, "GET"))
        elif roll < 0.95:
            access.append(_combined(rng, when, rng.choice(ASSETS), 200, "GET"))
        elif roll < 0.99:
            access.append(_combined(rng, when, "/wp-login.php", 404, "GET"))
        else:
            access.append(_combined(rng, when, "/", 405, "POST"))
    files = []
    for name, content in (("access.log", access), ("rkb-feedback.log", feedback)):
        half = len(content) // 2
        rotated = folder / f"{name}.1.gz"
        with gzip.open(rotated, "wt", encoding="utf-8") as stream:
            stream.writelines(content[:half])
        current = folder / name
        current.write_text("".join(content[half:]), encoding="utf-8")
        files += [rotated, current]
    return files, expected


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--limit", type=float, default=30.0, help="seconds (default: 30)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rkb-bench-report-") as tmp:
        print(f"generating {args.lines:,} log lines ...", flush=True)
        files, expected = generate(Path(tmp), args.lines)
        command = [sys.executable, "-m", "rkb", "report", "--json"]
        for path in files:
            command += ["--access-log", str(path)]
        started = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stderr, file=sys.stderr)
        return 1
    report = json.loads(result.stdout)
    print(
        f"rkb report: {report['lines']:,} lines in {elapsed:.1f} s "
        f"({report['lines'] / elapsed:,.0f} lines/s), {report['unparsed']:,} not understood"
    )
    problems = []
    if report["lines"] != args.lines:
        problems.append(f"read {report['lines']} lines, wrote {args.lines}")
    if report["unparsed"] != expected["unparsed"]:
        problems.append(f"{report['unparsed']} unparsed, expected {expected['unparsed']}")
    counted = sum(v["yes"] + v["no"] for v in report["votes"])
    if counted != expected["votes"]:
        problems.append(f"{counted} votes counted, {expected['votes']} sent")
    for problem in problems:
        print(f"MISMATCH: {problem}", file=sys.stderr)
    if elapsed >= args.limit:
        print(f"too slow: {elapsed:.1f} s >= {args.limit} s", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
