"""Shared fixtures: fresh copies of the sample knowledge bases and a way to run `rkb`.

Hypothesis runs with the `ci` profile unless `HYPOTHESIS_PROFILE` names another: derandomized,
no example database, a bounded number of examples and no deadline, so two runs of the same
commit test the same examples. `HYPOTHESIS_PROFILE=explore` searches with random seeds for
much longer (and keeps what it finds in `.hypothesis/`, which Git ignores).

Tests that need a tool (nginx, Chromium, the Nu Html Checker, ...) are skipped where it is
missing. `scripts/test.sh` installs every tool and sets `RKB_NO_SKIPS=1`: there, a skipped
test is a failure, so a missing tool can never pass unnoticed in CI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from browsing import launch

NO_SKIPS = os.environ.get("RKB_NO_SKIPS") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if NO_SKIPS and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped where every tool should be installed (RKB_NO_SKIPS=1): {reason}"


_SLOW_FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=150,
    deadline=None,
    print_blob=False,
    suppress_health_check=_SLOW_FIXTURES,
)
settings.register_profile(
    "explore",
    derandomize=False,
    max_examples=5000,
    deadline=None,
    suppress_health_check=_SLOW_FIXTURES,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TESTS = Path(__file__).parent
MINIMAL_KB = TESTS / "fixtures" / "minimal_kb"
SHIPPED_KB = TESTS.parent / "kb"

RunRkb = Callable[..., subprocess.CompletedProcess[str]]


def _copy_kb(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "kb"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".schema"))
    monkeypatch.chdir(tmp_path)
    return target


@pytest.fixture
def minimal_kb_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of tests/fixtures/minimal_kb at tmp_path/kb; the working directory is tmp_path,
    so `load_kb("kb")` reads it and problems are reported as `kb/...`."""
    return _copy_kb(MINIMAL_KB, tmp_path, monkeypatch)


@pytest.fixture
def shipped_kb_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the project's kb/ at tmp_path/kb; the working directory is tmp_path."""
    return _copy_kb(SHIPPED_KB, tmp_path, monkeypatch)


@pytest.fixture
def run_rkb() -> RunRkb:
    """Run `python -m rkb ARGS...` in `cwd`; returns the finished process (text output)."""

    def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rkb", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )

    return run


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium (never a downloaded one), one per test module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()
