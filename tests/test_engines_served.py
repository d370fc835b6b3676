"""Each engine's site published and served by a real nginx with the configuration
`rkb nginx` writes, driven by Debian's Chromium: addresses, short links, the 404 page,
the strict CSP (the theme's inline scripts differ per engine), search, quizzes, filters
and copy buttons."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from typing import Any

import pytest

from browsing import CHROMIUM, launch
from nginxrun import NGINX, free_port, running_nginx
from sitebuild import FIXTURES, copy_project, rkb

pytestmark = [
    pytest.mark.nginx,
    pytest.mark.browser,
    pytest.mark.skipif(NGINX is None, reason="needs nginx (scripts/test.sh installs it)"),
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]
ENGINES = ["mkdocs", "properdocs", "zensical"]
ADDRESSES = ["/", "/guide/", "/guide/reports/", "/faq/", "/faq/Q-0001/", "/faults/"]
ADDRESSES += ["/faults/F-0001/", "/proposals/", "/proposals/P-0001/", "/releases/"]
ADDRESSES += ["/training/", "/training/T-01/", "/support/", "/search/", "/sitemap.xml"]
ADDRESSES += ["/search/rkb-index.json", "/kb.json"]


@pytest.fixture(scope="module", params=ENGINES)
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[int]:
    engine = str(request.param)
    base = tmp_path_factory.mktemp(f"served-{engine}")
    project = copy_project(base / "project", kb=FIXTURES / "minimal_kb")
    www = base / "www"
    result = rkb("publish", "--root", www, "--engine", engine, cwd=project)
    assert result.returncode == 0, result.stderr
    port = free_port()
    conf = base / "site.conf"
    result = rkb(
        "nginx", "--root", www / "current", "--listen", f"127.0.0.1:{port}", "-o", conf, cwd=project
    )
    assert result.returncode == 0, result.stderr
    with running_nginx(conf, port, base / "nginx"):
        yield port


def _get(port: int, path: str, gzip: bool = False) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip else {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def test_every_address_short_link_and_the_404_page(served: int) -> None:
    answers = {path: _get(served, path)[0] for path in ADDRESSES}
    assert {p: s for p, s in answers.items() if s != 200} == {}
    status, headers, _ = _get(served, "/f-1")
    assert (status, headers["Location"]) == (301, "/faults/F-0001/")
    status, _, body = _get(served, "/F-9999")
    assert status == 404
    assert "404: страница не найдена" in body.decode("utf-8")
    assert _get(served, "/faults/F-0001/", gzip=True)[1].get("Content-Encoding") == "gzip"


def test_reader_features_work_under_the_strict_csp(served: int) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = f"http://127.0.0.1:{served}"
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context()
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
        page: Any = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        # search as you type
        page.goto(base + "/", wait_until="networkidle")
        page.locator("#rkb-search-input").press_sequentially("RT-2107", delay=10)
        # results change as the query grows: wait for those of the whole query
        expect(page.locator(".rkb-search-hit").first).to_contain_text("F-0002")
        # the shareable results page
        page.goto(base + "/search/?q=F-0001", wait_until="networkidle")
        page.wait_for_selector("#rkb-search-page .rkb-search-hit")
        # a quiz
        page.goto(base + "/training/T-01/", wait_until="networkidle")
        question = page.locator(".rkb-quiz-question").first
        for right in (question.get_attribute("data-rkb-answer") or "").split():
            question.locator(f'input[value="{right}"]').check()
        question.locator(".rkb-quiz-check").click()
        assert question.locator(".rkb-quiz-result").inner_text() == "Верно!"
        # listing filters
        page.goto(base + "/faults/", wait_until="networkidle")
        rows = page.locator(".rkb-filter tbody tr")
        total = rows.count()
        page.locator('select[name="status"]').select_option(label="Исправлена")
        visible = [r for r in rows.all() if r.is_visible()]
        assert 0 < len(visible) < total
        # the copy button on a record page
        page.goto(base + "/faults/F-0001/", wait_until="networkidle")
        button = page.locator("button[data-rkb-copy]").first
        button.click()
        page.wait_for_function("navigator.clipboard.readText().then(t => t.length > 0)")
        assert page.evaluate("navigator.clipboard.readText()") == button.get_attribute(
            "data-rkb-copy"
        )
        browser.close()
    assert problems == []
