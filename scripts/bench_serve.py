"""Benchmark serving: the generated nginx configuration on 127.0.0.1 under `wrk`.

    .venv/bin/python scripts/bench_serve.py [--duration 10] [--connections 32] [--publishes 20]

Publishes the project (kb/, docs/) into a temporary ROOT, writes the configuration with
`rkb nginx`, runs nginx as tests/nginxrun.py does, and measures with Debian's `wrk`
(installed with apt-get when missing and run as root; otherwise: `apt-get install wrk`):
requests per second and p99 latency for a record page and for the search index, both with
`Accept-Encoding: gzip`; then the same while `rkb publish` runs --publishes times into the
served root, with a checker fetching the record page throughout: every answer must be 200,
complete (the whole gzip stream, ending in </html>) and from one release (each publish
changes a fault's title to "Проверка выпуска N"; a page naming two is mixed). Every run is
bounded in time. Exits 1 on any error, incomplete or mixed page.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from nginxrun import NGINX, free_port, running_nginx  # noqa: E402

RECORD = "/faults/F-0001/"
INDEX = "/search/rkb-index.json"
MARKER = re.compile(r"Проверка выпуска (\d+)")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


@dataclass
class Load:
    requests: int
    seconds: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("bench_serve: installing wrk with apt-get ...", flush=True)
        for command in (["update", "-qq"], ["install", "-y", "-qq", "wrk"]):
            subprocess.run(["apt-get", *command], stdout=subprocess.DEVNULL, check=False)
        found = shutil.which("wrk")
    if not found:
        sys.exit("bench_serve: needs wrk from Debian: sudo apt-get install wrk")
    return found


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def wrk(binary: str, url: str, seconds: int, connections: int) -> Load:
    """One bounded wrk run; errors are socket errors plus non-2xx/3xx answers."""
    result = subprocess.run(
        [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
         "-H", "Accept-Encoding: gzip", url],
        capture_output=True, text=True, timeout=seconds + 60, check=True,
    )  # fmt: skip
    out = result.stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m)", out)
    p99 = re.search(r"^\s*99%\s+(\S+)", out, re.M)
    if not done or not p99:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(bad.group(1)) if bad else 0
    elapsed = _milliseconds(done.group(2) + done.group(3)) / 1000
    return Load(int(done.group(1)), elapsed, _milliseconds(p99.group(1)), errors)


class Checker(threading.Thread):
    """Fetches the record page (gzip) until stopped; counts bad, incomplete and mixed pages."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.stop = threading.Event()
        self.checked = self.errors = self.incomplete = self.mixed = 0
        self.releases: list[int] = []

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        while not self.stop.is_set():
            try:
                connection.request("GET", RECORD, headers={"Accept-Encoding": "gzip"})
                response = connection.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                self.errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                continue
            self.checked += 1
            if response.status != 200:
                self.errors += 1
                continue
            try:
                text = gzip.decompress(body).decode("utf-8")
            except (OSError, EOFError, UnicodeDecodeError):
                self.incomplete += 1
                continue
            if not text.rstrip().endswith("</html>"):
                self.incomplete += 1
            numbers = set(MARKER.findall(text))
            if len(numbers) != 1:
                self.mixed += 1
            else:
                self.releases.append(int(numbers.pop()))
        connection.close()


def _rkb(*args: str | Path, cwd: Path) -> None:
    command = [sys.executable, "-m", "rkb", *map(str, args)]
    result = subprocess.run(
        command, cwd=cwd, env=ENV, capture_output=True, text=True, timeout=600, check=False
    )
    if result.returncode != 0:
        sys.exit(f"bench_serve: rkb {args[0]} failed:\n{result.stderr}")


def _project(folder: Path) -> tuple[Path, Path, str]:
    project = folder / "project"
    for name in ("kb", "docs", "overrides"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns(".schema"))
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    if (ROOT / "node_modules").is_dir():  # Mermaid, installed by `npm ci`
        (project / "node_modules").symlink_to(ROOT / "node_modules")
    fault = project / "kb/faults/F-0001.yaml"
    return project, fault, fault.read_text(encoding="utf-8")


def _set_release(fault: Path, original: str, number: int) -> None:
    title = f"title: Проверка выпуска {number}"
    fault.write_text(re.sub(r"(?m)^title: .*$", title, original, count=1), encoding="utf-8")


def _row(name: str, load: Load) -> str:
    return f"  {name:<44} {load.rate:>10.0f} {load.p99_ms:>10.2f} {load.errors:>8}"


def _merged(loads: list[Load]) -> Load:
    """Several wrk runs as one: their requests and time summed, the worst p99."""
    return Load(
        sum(x.requests for x in loads),
        sum(x.seconds for x in loads),
        max(x.p99_ms for x in loads),
        sum(x.errors for x in loads),
    )


@dataclass
class Setup:
    binary: str
    url: str
    www: Path
    project: Path
    fault: Path
    original: str
    args: argparse.Namespace


def _under_publishes(setup: Setup, checker: Checker) -> tuple[list[tuple[str, Load]], list[str]]:
    """wrk runs, record page and search index in turn, while the publishes go on."""
    args, failures = setup.args, []

    def publish_all() -> None:
        for number in range(1, args.publishes + 1):
            _set_release(setup.fault, setup.original, number)
            try:
                _rkb("publish", "--root", setup.www, cwd=setup.project)
            except SystemExit as error:
                failures.append(str(error))
                return

    publisher = threading.Thread(target=publish_all, daemon=True)
    started = time.monotonic()
    publisher.start()
    busy: list[tuple[str, Load]] = []
    while publisher.is_alive() and time.monotonic() - started < 1800:
        name, path = (("record page", RECORD), ("search index", INDEX))[len(busy) % 2]
        busy.append((name, wrk(setup.binary, setup.url + path, args.duration, args.connections)))
    publisher.join(timeout=600)
    deadline = time.monotonic() + 10  # open_file_cache_valid is 1 s
    while time.monotonic() < deadline and checker.releases[-1:] != [args.publishes]:
        time.sleep(0.05)
    print(f"bench_serve: {args.publishes} publishes in {time.monotonic() - started:.0f} s")
    return busy, failures


def _summary(
    args: argparse.Namespace,
    quiet: list[tuple[str, Load]],
    busy: list[tuple[str, Load]],
    checker: Checker,
) -> bool:
    """Print the table; True if anything failed."""
    print(f"\nbench_serve: wrk {args.connections} connections, 2 threads, {args.duration} s a run")
    print(f"  {'':<44} {'req/s':>10} {'p99 ms':>10} {'errors':>8}")
    failed = False
    for name, load in quiet:
        print(_row(name, load))
        failed |= load.errors > 0
    for name in ("record page", "search index"):
        loads = [load for kind, load in busy if kind == name]
        if loads:
            merged = _merged(loads)
            print(_row(f"{name}, during publishes (worst p99)", merged))
            failed |= merged.errors > 0
    ordered = checker.releases == sorted(checker.releases)
    last = checker.releases[-1] if checker.releases else None
    print(
        f"checker during publishes: {checker.checked} pages, {checker.errors} errors, "
        f"{checker.incomplete} incomplete, {checker.mixed} mixed, "
        f"releases in order: {'yes' if ordered else 'NO'}, last seen: {last}"
    )
    failed |= bool(checker.errors or checker.incomplete or checker.mixed or not ordered)
    return failed or last != args.publishes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--publishes", type=int, default=20)
    args = parser.parse_args()
    if NGINX is None:
        sys.exit("bench_serve: needs nginx: sudo apt-get install nginx")
    binary = ensure_wrk()
    with tempfile.TemporaryDirectory(prefix="rkb-bench-serve-") as tmp:
        base = Path(tmp)
        project, fault, original = _project(base)
        www, conf, port = base / "www", base / "site.conf", free_port()
        _set_release(fault, original, 0)
        print("bench_serve: publishing the project ...", flush=True)
        _rkb("publish", "--root", www, cwd=project)
        _rkb("nginx", "--root", www / "current", "--listen", f"127.0.0.1:{port}",
             "--feedback-log", base / "feedback.log", "-o", conf, cwd=project)  # fmt: skip
        setup = Setup(binary, f"http://127.0.0.1:{port}", www, project, fault, original, args)
        with running_nginx(conf, port, base / "nginx"):
            print("bench_serve: measuring the quiet site ...", flush=True)
            quiet = [
                (name, wrk(binary, setup.url + path, args.duration, args.connections))
                for name, path in (("record page (gzip)", RECORD), ("search index (gzip)", INDEX))
            ]
            print(f"bench_serve: measuring during {args.publishes} publishes ...", flush=True)
            checker = Checker(port)
            checker.start()
            busy, failures = _under_publishes(setup, checker)
            checker.stop.set()
            checker.join(timeout=30)
    failed = _summary(args, quiet, busy, checker)
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failed or failures else 0


if __name__ == "__main__":
    sys.exit(main())
