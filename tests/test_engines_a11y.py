"""axe-core and the Nu Html Checker on one page of each kind, built by each engine from
the test knowledge base (the checkers and their requirements as in tests/test_a11y.py)."""

from __future__ import annotations

import functools
import json
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitebuild import FIXTURES, copy_project, rkb
from test_a11y import (
    JAVA,
    PAGES,
    VNU,
    _blocking_violations,
    _file_of,
    _QuietHandler,
    _QuietServer,
)
from test_a11y import pytestmark as a11y_requirements

pytestmark = a11y_requirements
ENGINES = ["mkdocs", "properdocs", "zensical"]


@pytest.fixture(scope="module", params=ENGINES)
def engine_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    engine = str(request.param)
    project = copy_project(tmp_path_factory.mktemp(engine) / "p", kb=FIXTURES / "minimal_kb")
    out = project.parent / "site"
    result = rkb("build", "--engine", engine, "-d", out, cwd=project)
    assert result.returncode == 0, result.stderr
    assert [p for p in PAGES if not _file_of(out, p).is_file()] == []
    return out


@pytest.fixture(scope="module")
def engine_url(engine_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(engine_site))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_axe_on_a_page_of_each_kind(engine_url: str, browser: Any) -> None:
    problems: list[str] = []
    for path in PAGES:
        page = browser.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        try:
            page.goto(engine_url + path, wait_until="load")
            problems += [f"{path}: {v}" for v in _blocking_violations(page)]
            problems += [f"{path}: script error: {e}" for e in errors]
        finally:
            page.close()
    assert problems == []


def test_search_box_finds_a_record_as_you_type(engine_url: str, browser: Any) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    try:
        page.goto(engine_url + "/", wait_until="load")
        page.locator("#rkb-search-input").press_sequentially("RT-2107", delay=10)
        # results change as the query grows: wait for those of the whole query
        expect(page.locator(".rkb-search-hit").first).to_contain_text("F-0002")
    finally:
        page.close()


def test_nu_html_checker_on_a_page_of_each_kind(engine_site: Path) -> None:
    files = [str(_file_of(engine_site, page)) for page in PAGES]
    result = subprocess.run(
        [JAVA or "java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert result.returncode in (0, 1), result.stdout + result.stderr
    messages = json.loads(result.stderr)["messages"]
    errors = [
        f"{str(m.get('url', '?')).removeprefix('file:' + str(engine_site))}"
        f":{m.get('lastLine', '?')}: {m.get('message', '')}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert errors == []
