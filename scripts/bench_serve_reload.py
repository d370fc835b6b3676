#!/usr/bin/env python3
"""Benchmark `rkb serve`: the time from saving one record to the served page showing it.

    python scripts/bench_serve_reload.py                 # 1,000 records, 5 saves
    python scripts/bench_serve_reload.py --records 3000 --saves 3

Generates a knowledge base as scripts/bench_build.py does, starts `rkb serve` on a free
port of 127.0.0.1, waits for the first build, then saves a fault several times with new
text and measures, for each save, how long until the fault's page on the server has the
text (what the browser shows after its live reload). Prints each time and the median.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import BIN, generate_project

RECORD = "kb/faults/F-0002.yaml"
PAGE = "faults/F-0002/"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return str(answer.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, text: str, timeout: float) -> float:
    """Seconds until the page at `url` contains `text`."""
    started = time.perf_counter()
    while text not in fetch(url):
        if time.perf_counter() - started > timeout:
            raise TimeoutError(f"{url} never showed {text!r}")
        time.sleep(0.02)  # polling interval of the measurement, not synchronisation
    return time.perf_counter() - started


def save(project: Path, marker: str) -> None:
    path = project / RECORD
    text = path.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines(keepends=True) if "bench-marker" not in line]
    at = next(i for i, line in enumerate(lines) if line.startswith("symptoms: |")) + 1
    lines.insert(at, f"  Правка {marker} (bench-marker).\n")
    path.write_text("".join(lines), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rkb-bench-serve-") as work:
        project = Path(work) / "project"
        generate_project(project, args.records)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "rkb"), "serve", "-a", f"127.0.0.1:{port}"],
            cwd=project,
            env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}/{PAGE}"
        try:
            first = wait_for(url, "F-0002", timeout=600)
            print(f"first build and serve: {first:.1f} s ({args.records:,} records)")
            times = []
            for number in range(args.saves):
                marker = f"{number}-{time.time_ns()}"
                save(project, marker)
                times.append(wait_for(url, marker, timeout=300))
                print(f"save {number + 1}: {times[-1]:.2f} s")
            print(f"median save-to-reload: {statistics.median(times):.2f} s")
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.wait(timeout=60)
    return 0


if __name__ == "__main__":
    sys.exit(main())
