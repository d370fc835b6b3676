"""Accessibility and HTML validity of the built site, the theme's own markup included.

The project's standard: pages pass axe-core with no serious or critical violations and the
Nu Html Checker with no errors, and every page has a meta description. The checkers come
from the npm registry, pinned in tests/a11y/package.json (scripts/test.sh runs `npm ci`);
they run against a build of the shipped site served from 127.0.0.1 only.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest

from browsing import CHROMIUM

ROOT = Path(__file__).resolve().parents[1]
CHECKERS = ROOT / "tests" / "a11y" / "node_modules"
AXE = CHECKERS / "axe-core" / "axe.min.js"
VNU = CHECKERS / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/test.sh installs it)"
    ),
    pytest.mark.skipif(
        JAVA is None,
        reason="needs java for the Nu Html Checker (scripts/test.sh installs default-jre-headless)",
    ),
    pytest.mark.skipif(
        not (AXE.is_file() and VNU.is_file()),
        reason="needs axe-core and vnu-jar in tests/a11y/node_modules "
        "(scripts/test.sh runs `npm ci --prefix tests/a11y`)",
    ),
]

# A representative page of each kind: home, guide, record lists and records, 404.
PAGES = [
    "/",
    "/guide/",
    "/guide/reports/",
    "/faq/",
    "/faq/Q-0001/",
    "/faults/",
    "/faults/F-0001/",
    "/proposals/",
    "/proposals/P-0001/",
    "/releases/",
    "/training/",
    "/training/T-01/",
    "/support/",
    "/kb-format/",
    "/404.html",
]
BLOCKING_IMPACTS = {"serious", "critical"}


def _file_of(site: Path, page: str) -> Path:
    path = page.lstrip("/")
    return site / (path + "index.html" if page.endswith("/") else path)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a tab closed while its assets were loading: a broken pipe, nothing to report


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped site, built once with `rkb build`."""
    out = tmp_path_factory.mktemp("a11y") / "site"
    result = subprocess.run(
        [sys.executable, "-m", "rkb", "build", "-d", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    missing = [page for page in PAGES if not _file_of(out, page).is_file()]
    assert not missing, f"pages missing from the build: {missing}"
    return out


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    """The built site served over HTTP from 127.0.0.1 on a free port."""
    server = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _open(browser: Any, base_url: str, path: str, **options: Any) -> tuple[Any, list[str]]:
    """A new tab showing the page at `path`, and the list of requests it made to other hosts."""
    page = browser.new_page(**options)
    other_hosts: list[str] = []
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((base_url + "/", "data:")) else other_hosts.append(r.url)
        ),
    )
    page.goto(base_url + path, wait_until="load")
    return page, other_hosts


def _describe(violation: dict[str, Any]) -> str:
    nodes = violation.get("nodes", [])
    targets = ", ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
    more = f" and {len(nodes) - 3} more" if len(nodes) > 3 else ""
    return f"{violation['id']} ({violation['impact']}): {violation['help']}; {targets}{more}"


def _blocking_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    results = page.evaluate("async () => await axe.run(document)")
    return [_describe(v) for v in results["violations"] if v.get("impact") in BLOCKING_IMPACTS]


@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_serious_or_critical_violations(
    base_url: str, browser: Any, path: str
) -> None:
    page, other_hosts = _open(browser, base_url, path)
    try:
        blocking = _blocking_violations(page)
    finally:
        page.close()
    assert not blocking, f"axe-core on {path}:\n" + "\n".join(blocking)
    assert not other_hosts, f"{path} requested other hosts: {other_hosts}"


def test_axe_on_a_phone_with_the_navigation_drawer_open(base_url: str, browser: Any) -> None:
    """The phone layout: the drawer's section titles, tables that scroll sideways."""
    path = "/guide/reports/"
    page, _ = _open(browser, base_url, path, viewport={"width": 400, "height": 800})
    try:
        page.locator('header label[for="__drawer"]').click()
        page.wait_for_function("document.getElementById('__drawer').checked")
        blocking = _blocking_violations(page)
    finally:
        page.close()
    assert not blocking, f"axe-core on {path} with the drawer open:\n" + "\n".join(blocking)


def test_axe_on_search_results_as_you_type(base_url: str, browser: Any) -> None:
    """The search box's list of results, open, with an option chosen by the keyboard."""
    page, _ = _open(browser, base_url, "/")
    try:
        page.locator("#rkb-search-input").press_sequentially("отчёты не выгружаются", delay=10)
        page.wait_for_selector(".rkb-search-hit")
        page.keyboard.press("ArrowDown")
        blocking = _blocking_violations(page)
    finally:
        page.close()
    assert not blocking, "axe-core on the open search box:\n" + "\n".join(blocking)


def test_axe_on_the_search_results_page(base_url: str, browser: Any) -> None:
    path = "/search/?q=%D0%BE%D1%82%D1%87%D1%91%D1%82"
    page, _ = _open(browser, base_url, path)
    try:
        page.wait_for_selector("#rkb-search-page .rkb-search-hit")
        blocking = _blocking_violations(page)
    finally:
        page.close()
    assert not blocking, f"axe-core on {path}:\n" + "\n".join(blocking)


def test_nu_html_checker_finds_no_errors(site: Path) -> None:
    files = [str(_file_of(site, page)) for page in PAGES]
    # One run for all pages: the checker takes seconds to start.
    result = subprocess.run(
        [JAVA or "java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    # The report goes to stderr; the exit status is 1 when it lists errors.
    assert result.returncode in (0, 1), result.stdout + result.stderr
    messages = json.loads(result.stderr)["messages"]
    errors = [m for m in messages if m.get("type") in ("error", "non-document-error")]
    lines = [
        f"{str(m.get('url', '?')).removeprefix('file:').removeprefix(str(site) + '/')}"
        f":{m.get('lastLine', '?')}: {m.get('message', '')}"
        for m in errors
    ]
    assert not errors, f"the Nu Html Checker reports {len(errors)} errors:\n" + "\n".join(lines)


class _MetaDescriptions(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.contents: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "meta" and (values.get("name") or "").lower() == "description":
            self.contents.append(values.get("content") or "")


def test_every_page_has_a_meta_description(site: Path) -> None:
    pages = sorted(site.rglob("index.html"))
    assert pages
    without = []
    for page in pages:
        parser = _MetaDescriptions()
        parser.feed(page.read_text(encoding="utf-8"))
        if not any(content.strip() for content in parser.contents):
            without.append(str(page.relative_to(site)))
    assert not without, f"pages without a meta description: {without}"


COPIED_TEMPLATE = re.compile(r"Material for MkDocs (\S+)'s templates/(\S+),")


def test_copied_theme_templates_match_the_installed_material() -> None:
    """The theme's markup is fixed in copies of Material's templates under overrides/; a copy
    of another Material version's template would bring back that version's markup."""
    installed = version("mkdocs-material")
    copies = {
        str(path.relative_to(ROOT)): match.group(1)
        for path in sorted((ROOT / "overrides").rglob("*.html"))
        if (match := COPIED_TEMPLATE.search(path.read_text(encoding="utf-8")))
    }
    assert copies
    stale = {path: made for path, made in copies.items() if made != installed}
    assert not stale, f"re-copy these from Material {installed} and re-apply the fixes: {stale}"
