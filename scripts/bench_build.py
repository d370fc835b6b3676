#!/usr/bin/env python3
"""Benchmark the build on generated knowledge bases, against plain Material.

For each size: `rkb validate`, a cold `rkb build` in a fresh process (no cache), a
rebuild after changing one record (the cache of the cold build in place), and plain
Material for MkDocs building the same number of plain Markdown pages out of the nav, all
in the same run, in rounds (3 by default: every step once per round, so that each ratio
compares runs minutes apart at most on a machine whose speed drifts). Prints the median
wall time and each round's, the child's peak memory (RSS), output size and the median of
the rounds' ratios as a Markdown table.

    python scripts/bench_build.py                        # 1,000 and 3,000 records
    python scripts/bench_build.py --records 1000 3000 10000
    python scripts/bench_build.py --engines properdocs zensical   # a row per engine too
    python scripts/bench_build.py --rounds 1                     # one round, quicker

The knowledge bases are the shipped kb/ (every record kind, Russian text) plus copies of
its faults, proposals and FAQ entries under new ids, with cross-references between them.
Other build engines add a `Variant` to `VARIANTS`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SHARE = {"faults": 0.6, "proposals": 0.2, "faq": 0.2}
LETTERS = {"faults": "F", "proposals": "P", "faq": "Q"}


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mib: float
    output_mib: float


@dataclass(frozen=True)
class Variant:
    """One way of building the generated project: a command run in its folder."""

    name: str
    command: Callable[[Path], list[str]]
    cache: str = ".cache/rkb"  # relative to the project; removed before the cold build


VARIANTS: list[Variant] = [
    Variant("rkb build", lambda site: [str(BIN / "rkb"), "build", "-d", str(site)]),
]


def engine_variant(engine: str) -> Variant:
    """`rkb build --engine ENGINE` (installed with `pip install '.[ENGINE]'`)."""
    return Variant(
        f"rkb build --engine {engine}",
        lambda site: [str(BIN / "rkb"), "build", "--engine", engine, "-d", str(site)],
    )


# -- generated projects ---------------------------------------------------------------


def _clone(source: str, record_id: str, number: int, related: list[str]) -> str:
    text = re.sub(r"(?m)^id: .*$", f"id: {record_id}", source)
    text = re.sub(r"(?m)^(title|question): (.*)$", rf"\1: \2 (вариант {number})", text, count=1)
    text = re.sub(r"RT-(\d+)", lambda m: f"RT-{(int(m.group(1)) + number) % 9000 + 1000}", text)
    return re.sub(r"(?m)^related: .*$", f"related: [{', '.join(related)}]", text)


def generate_kb(target: Path, records: int) -> None:
    """The shipped kb plus copies of its records under new ids, up to `records` records."""
    shutil.copytree(ROOT / "kb", target)
    sources = {f: sorted((ROOT / "kb" / f).glob("*.yaml")) for f in SHARE}
    shipped = sum(len(files) for files in sources.values()) + 5
    for folder, files in sources.items():
        letter, first = LETTERS[folder], len(files) + 1
        for number in range(first, first + int((records - shipped) * SHARE[folder])):
            record_id = f"{letter}-{number:04d}"
            related = [f"{letter}-{number - 1:04d}", "Q-0001" if letter != "Q" else "F-0001"]
            text = _clone(
                files[number % len(files)].read_text(encoding="utf-8"), record_id, number, related
            )
            (target / folder / f"{record_id}.yaml").write_text(text, encoding="utf-8")


def generate_project(target: Path, records: int) -> None:
    """A copy of this project's site sources with a generated kb/."""
    target.mkdir(parents=True)
    for name in ("docs", "overrides"):
        shutil.copytree(ROOT / name, target / name)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    if (ROOT / "node_modules").is_dir():  # Mermaid, installed by `npm ci`
        (target / "node_modules").symlink_to(ROOT / "node_modules")
    generate_kb(target / "kb", records)


def _plain_page(source: Path) -> str:
    """A record file as a plain Markdown page: its text fields as paragraphs."""
    lines = source.read_text(encoding="utf-8").splitlines()
    title = next(line.split(": ", 1)[1] for line in lines if re.match(r"(title|question):", line))
    body = [line.strip() for line in lines if line.startswith("  ") and ":" not in line[:12]]
    return f"# {title}\n\n" + "\n".join(body) + "\n"


def generate_plain(target: Path, kb: Path) -> None:
    """Plain Material: one Markdown page per record of `kb`, all out of the nav."""
    docs = target / "docs"
    (docs / "records").mkdir(parents=True)
    (docs / "index.md").write_text("# Главная\n\nДокументация.\n", encoding="utf-8")
    for source in sorted(kb.glob("*/*-*.yaml")):
        (docs / "records" / f"{source.stem}.md").write_text(_plain_page(source), encoding="utf-8")
    (target / "mkdocs.yml").write_text(
        "site_name: Plain\nsite_url: https://docs.example.ru/\nuse_directory_urls: true\n"
        "theme:\n  name: material\n  language: ru\n  font: false\n"
        "nav:\n  - index.md\nnot_in_nav: |\n  /records/\n"
        "markdown_extensions: [toc, tables, attr_list, def_list, md_in_html, admonition]\n",
        encoding="utf-8",
    )


# -- measuring ------------------------------------------------------------------------


def measure(command: list[str], cwd: Path, output: Path | None = None) -> Run:
    """Run `command` in a fresh process: wall time, its peak RSS, size of `output`."""
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    started = time.perf_counter()
    child = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    assert child.stderr is not None
    errors = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        sys.exit(f"{' '.join(command)} failed in {cwd}:\n{errors.decode(errors='replace')}")
    size = sum(p.stat().st_size for p in output.rglob("*") if p.is_file()) if output else 0
    if output is not None:
        _replaced_site_deleted(output)
    return Run(seconds, usage.ru_maxrss / 1024, size / 2**20)


def _replaced_site_deleted(output: Path) -> None:
    """Wait until the site a build replaced is deleted (rkb leaves that to `rm -rf` in
    the background when it exits), so that the next measurement does not share the
    machine with it. Its time is not counted: rkb has returned by then."""
    deadline = time.monotonic() + 120
    while any(output.parent.glob(f".{output.name}.old-*")) and time.monotonic() < deadline:
        time.sleep(0.05)


def change_one_record(kb: Path) -> None:
    """What a writer does: edit the symptoms of one fault."""
    path = kb / "faults" / "F-0001.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("symptoms: |\n", "symptoms: |\n  Исправлено.\n", 1), "utf-8")


def bench_round(project: Path, plain: Path) -> list[tuple[str, Run]]:
    """One round: every step once, one after another."""
    rows = [("rkb validate", measure([str(BIN / "rkb"), "validate"], project))]
    for variant in VARIANTS:
        site = project / "site"
        shutil.rmtree(project / variant.cache, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        rows.append((f"{variant.name}, cold", measure(variant.command(site), project, site)))
        change_one_record(project / "kb")
        rows.append(
            (f"{variant.name}, 1 record changed", measure(variant.command(site), project, site))
        )
        shutil.copy(ROOT / "kb" / "faults" / "F-0001.yaml", project / "kb" / "faults")
    shutil.rmtree(plain / "site", ignore_errors=True)
    command = [str(BIN / "mkdocs"), "build", "-q", "-d", str(plain / "site")]
    rows.append(("plain Material", measure(command, plain, plain / "site")))
    return rows


def bench_size(records: int, work: Path, rounds: int) -> list[list[tuple[str, Run]]]:
    """`rounds` rounds of every step on one generated project, each round's steps run
    one after another, so that each ratio compares runs minutes apart at most."""
    project = work / f"project-{records}"
    generate_project(project, records)
    plain = work / f"plain-{records}"
    generate_plain(plain, project / "kb")
    results = []
    for number in range(rounds):
        print(f"  round {number + 1} of {rounds} ...", file=sys.stderr, flush=True)
        results.append(bench_round(project, plain))
    shutil.rmtree(project)
    shutil.rmtree(plain)
    return results


def _ratios(rounds: list[list[tuple[str, Run]]], step: str, base: str) -> float:
    """The median over the rounds of each round's time of `step` / time of `base`."""
    return statistics.median([dict(r)[step].seconds / dict(r)[base].seconds for r in rounds])


def table(results: dict[int, list[list[tuple[str, Run]]]]) -> str:
    lines = [
        "| records | step | wall s | each round, s | peak RSS MiB | output MiB "
        "| × plain Material | × cold |",
        "|---:|---|---:|---|---:|---:|---:|---:|",
    ]
    for records, rounds in results.items():
        cold = ""
        for step, _ in rounds[0]:
            runs = [dict(r)[step] for r in rounds]
            cold = step if step.endswith(", cold") else cold
            of_cold = f"{_ratios(rounds, step, cold):.2f}" if "changed" in step and cold else ""
            each = " ".join(f"{run.seconds:.1f}" for run in runs)
            wall = statistics.median([r.seconds for r in runs])
            lines.append(
                f"| {records:,} | {step} | {wall:.1f} | {each} "
                f"| {statistics.median([r.peak_mib for r in runs]):.0f} "
                f"| {statistics.median([r.output_mib for r in runs]):.1f} "
                f"| {_ratios(rounds, step, 'plain Material'):.2f} | {of_cold} |"
            )
    return "\n".join(lines)


def growth(results: dict[int, list[list[tuple[str, Run]]]]) -> list[str]:
    sizes = sorted(results)
    notes = []
    for variant in VARIANTS:
        step = f"{variant.name}, cold"
        cold = {n: statistics.median([dict(r)[step].seconds for r in results[n]]) for n in sizes}
        for n in sizes[1:]:
            notes.append(
                f"{variant.name}: time({n:,}) / time({sizes[0]:,}) = {cold[n] / cold[sizes[0]]:.1f}"
                f" for {n / sizes[0]:.0f}× the records (medians)"
            )
    return notes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[1000, 3000])
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds of every step per size (default 3); the table shows medians",
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--engines",
        nargs="*",
        choices=["properdocs", "zensical"],
        default=[],
        help="also time these engines (a row per engine, cold and after one change)",
    )
    args = parser.parse_args()
    VARIANTS.extend(engine_variant(engine) for engine in args.engines)
    work = args.keep or Path(tempfile.mkdtemp(prefix="rkb-bench-build-"))
    results = {}
    try:
        for records in args.records:
            print(f"{records:,} records ...", file=sys.stderr, flush=True)
            results[records] = bench_size(records, work, max(1, args.rounds))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(table(results))
    for note in growth(results):
        print(f"\n{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
