"""Search quality floors: tests/search_queries.yaml against the site's search index.

The evaluation itself (queries, metrics, building the site) lives in scripts/eval_search.py,
loaded here by path because scripts/ is not a package. A failure here means the search
misses answers it should find: improve the engine, never the expectations.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from rkb import load_kb

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "eval_search.py"

# recall@3 per kind of query, and MRR over all of them.
FLOORS = {
    "id": 1.00,
    "code": 0.95,
    "same": 0.95,
    "yo": 0.95,
    "wordform": 0.90,
    "english": 0.90,
    "paraphrase": 0.50,
    "typo": 0.50,
}
MRR_FLOOR = 0.85
MIN_QUERIES = {
    "id": 20,
    "code": 15,
    "same": 15,
    "wordform": 20,
    "yo": 10,
    "english": 10,
    "paraphrase": 20,
    "typo": 10,
}


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_search", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


ev = _load_script()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list:
    """Every query run once against the index of a freshly built site."""
    site = tmp_path_factory.mktemp("site")
    ev.build_site(site)
    index, note = ev.load_index(site)  # falls back to kb/ only while the build writes no index
    print(note)
    return ev.evaluate(ev.load_queries(), ev.rkb_search(index))


def _report(outcomes: list, kind: str | None = None) -> str:
    chosen = [o for o in outcomes if kind is None or o.query.kind == kind]
    return f"\n{ev.format_table(ev.table(outcomes))}\n\nmisses:\n{ev.format_misses(chosen)}"


def test_enough_queries_of_every_kind() -> None:
    counts = dict.fromkeys(MIN_QUERIES, 0)
    for query in ev.load_queries():
        counts[query.kind] += 1
    short = {kind: n for kind, n in counts.items() if n < MIN_QUERIES[kind]}
    assert not short, f"too few queries: {short} (minimums {MIN_QUERIES})"


def test_every_error_code_is_queried() -> None:
    typed = {q.text for q in ev.load_queries() if q.kind == "code"}
    codes = {code for fault in load_kb(ROOT / "kb").faults for code in fault.error_codes}
    assert not codes - typed, f"error codes without a code query: {sorted(codes - typed)}"


@pytest.mark.parametrize("kind", list(FLOORS))
def test_recall_at_3_floor(outcomes: list, kind: str) -> None:
    row = ev.table(outcomes)[kind]
    assert row.recall3 >= FLOORS[kind], (
        f"recall@3 for {kind} is {row.recall3:.1%}, floor {FLOORS[kind]:.0%}"
        + _report(outcomes, kind)
    )


def test_mrr_floor(outcomes: list) -> None:
    row = ev.table(outcomes)["all"]
    assert row.mrr >= MRR_FLOOR, (
        f"MRR over all queries is {row.mrr:.3f}, floor {MRR_FLOOR}" + _report(outcomes)
    )
