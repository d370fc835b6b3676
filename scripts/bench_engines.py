#!/usr/bin/env python3
"""Benchmark a cold `rkb build` per site engine on generated knowledge bases.

For each size, the knowledge base is generated as scripts/bench_search.py generates it
(the shipped kb plus copies of its records), and `rkb build --engine E` runs in a fresh
process with no build cache, once per engine installed (mkdocs always; properdocs and
zensical from the optional extras). Prints a Markdown table: wall time, CPU time (user +
system, which tells more on a loaded machine) and peak memory, a column per engine.

    python scripts/bench_engines.py                      # 1,000 and 3,000 records
    python scripts/bench_engines.py --records 1000 --engines mkdocs zensical
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
ENGINES = ["mkdocs", "properdocs", "zensical"]
sys.path.insert(0, str(ROOT / "scripts"))


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_mib: float


def installed(engine: str) -> bool:
    return find_spec(engine) is not None


def generate_project(target: Path, records: int) -> None:
    from bench_search import generate_kb

    target.mkdir(parents=True)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    if (ROOT / "node_modules").is_dir():  # Mermaid, installed by `npm ci`
        (target / "node_modules").symlink_to(ROOT / "node_modules")
    generate_kb(target / "kb", records)


def cold_build(project: Path, engine: str) -> Run:
    """`rkb build --engine ENGINE` in a fresh process, nothing cached from a previous one."""
    site = project / f"site-{engine}"
    shutil.rmtree(project / ".cache", ignore_errors=True)
    shutil.rmtree(site, ignore_errors=True)
    command = [str(BIN / "rkb"), "build", "--engine", engine, "-d", str(site)]
    started = time.perf_counter()
    child = subprocess.Popen(
        command,
        cwd=project,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    shutil.rmtree(site, ignore_errors=True)
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def table(results: dict[int, dict[str, Run]], engines: list[str]) -> str:
    head = " | ".join(f"{e} wall s | {e} CPU s | {e} MiB" for e in engines)
    lines = [f"| records | {head} |", "|---:|" + "---:|" * (3 * len(engines))]
    for records, runs in results.items():
        cells = " | ".join(
            f"{runs[e].wall:.1f} | {runs[e].cpu:.1f} | {runs[e].peak_mib:.0f}" for e in engines
        )
        lines.append(f"| {records:,} | {cells} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=ENGINES)
    args = parser.parse_args()
    engines = [e for e in args.engines if installed(e)]
    for missing in sorted(set(args.engines) - set(engines)):
        print(f"{missing}: not installed (pip install '.[{missing}]'), left out", file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="rkb-bench-engines-"))
    results: dict[int, dict[str, Run]] = {}
    try:
        for records in args.records:
            project = work / f"project-{records}"
            generate_project(project, records)
            results[records] = {}
            for engine in engines:
                print(f"{records:,} records, {engine} ...", file=sys.stderr, flush=True)
                results[records][engine] = cold_build(project, engine)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(table(results, engines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
