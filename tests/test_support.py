"""For support staff: mail links with context, listing filters kept in the address, and the
readers' feedback (votes, searches that found nothing) reaching a real nginx's log and
counted by `rkb report`. Clicked in Debian's headless Chromium."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from browsing import CHROMIUM, serving
from nginxrun import NGINX, free_port, running_nginx
from sitebuild import FIXTURES, copy_project, rkb

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal knowledge base, built."""
    base = tmp_path_factory.mktemp("support")
    project = copy_project(base / "project", kb=FIXTURES / "minimal_kb", docs=False)
    result = rkb("build", "-d", base / "site", cwd=project)
    assert result.returncode == 0, result.stderr
    return base / "site"


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


def _page(browser: Any, url: str, **context: Any) -> tuple[Any, list[str]]:
    page = browser.new_context(**context).new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url)
    return page, problems


def _mail(page: Any, selector: str) -> tuple[str, dict[str, str]]:
    href = page.locator(selector).get_attribute("href")
    parts = urlsplit(href)
    assert parts.scheme == "mailto"
    return parts.path, {key: values[0] for key, values in parse_qs(parts.query).items()}


# -- mail links -------------------------------------------------------------------------


def test_fault_page_mail_link_names_the_fault(base_url: str, browser: Any) -> None:
    page, problems = _page(browser, base_url + "faults/F-0001/")
    link = page.get_by_role("link", name="Не помогло? Написать в поддержку")
    assert link.is_visible()
    address, fields = _mail(page, "a.rkb-mail")
    assert address == "support@retributor.ru"
    title = "Отчёт не выгружается в Excel за длинный период"
    assert fields["subject"] == f"F-0001: {title} — не помогло"
    body = fields["body"]
    assert body.startswith(f"Проблема: F-0001 · {title}\n")
    assert "https://docs.retributor.ru/faults/F-0001/" in body
    for line in ("Версия reTributor:", "Модуль: Отчёты", "Что вы делали", "Что увидели:"):
        assert line in body
    assert "Код ошибки:" in body
    assert problems == []


def test_proposal_page_me_too_link_names_the_proposal(base_url: str, browser: Any) -> None:
    page, _ = _page(browser, base_url + "proposals/P-0002/")
    assert page.get_by_role("link", name="Мне это тоже нужно").is_visible()
    address, fields = _mail(page, "a.rkb-mail")
    assert address == "support@retributor.ru"
    assert fields["subject"].startswith("P-0002: ")
    assert fields["subject"].endswith("— мне это тоже нужно")
    assert "https://docs.retributor.ru/proposals/P-0002/" in fields["body"]


def test_support_page_keeps_its_two_templates(base_url: str, browser: Any) -> None:
    page, _ = _page(browser, base_url + "support/")
    _, report = _mail(page, 'a:text("Сообщить о проблеме")')
    _, propose = _mail(page, 'a:text("Предложить улучшение")')
    assert report["subject"] == "Проблема в reTributor"
    assert "Что вы делали (по шагам):" in report["body"]
    assert propose["subject"] == "Предложение по улучшению reTributor"


# -- filters ----------------------------------------------------------------------------


def _shown(page: Any, selector: str) -> list[str]:
    return [item.inner_text().strip() for item in page.locator(selector).all() if item.is_visible()]


FAULT_IDS = ".rkb-filter tbody tr td:first-child"


def test_fault_filters_live_in_the_address(base_url: str, browser: Any) -> None:
    page, problems = _page(browser, base_url + "faults/")
    count = page.locator(".rkb-filter-count")
    assert count.inner_text() == "показано 4 из 4"
    assert count.get_attribute("aria-live") == "polite"
    page.get_by_label("Модуль").select_option(label="Отчёты")
    assert page.url.endswith("/faults/?module=reports")
    assert _shown(page, FAULT_IDS) == ["F-0001", "F-0004"]
    assert count.inner_text() == "показано 2 из 4"
    page.get_by_label("Статус").select_option(label="Расследуется")
    assert page.url.endswith("/faults/?module=reports&status=open")
    assert _shown(page, FAULT_IDS) == ["F-0004"]

    page.reload()
    assert page.get_by_label("Статус").input_value() == "open"
    assert _shown(page, FAULT_IDS) == ["F-0004"]
    assert count.inner_text() == "показано 1 из 4"

    page.go_back()
    page.wait_for_url("**/faults/?module=reports")
    assert page.get_by_label("Статус").input_value() == ""
    assert _shown(page, FAULT_IDS) == ["F-0001", "F-0004"]
    page.go_back()
    page.wait_for_url("**/faults/")
    assert len(_shown(page, FAULT_IDS)) == 4
    assert problems == []


def test_a_shared_address_opens_filtered(base_url: str, browser: Any) -> None:
    page, problems = _page(browser, base_url + "faults/?affected=2.4.1&audience=admin")
    assert _shown(page, FAULT_IDS) == ["F-0002"]
    assert page.get_by_label("Затронутые версии").input_value() == "2.4.1"
    assert page.locator(".rkb-filter-count").inner_text() == "показано 1 из 4"
    page.get_by_role("button", name="Сбросить фильтры").click()
    assert page.url.endswith("/faults/")
    assert len(_shown(page, FAULT_IDS)) == 4

    page.goto(base_url + "proposals/?planned=2.5.0")
    assert _shown(page, ".rkb-filter tbody tr td:first-child") == ["P-0002"]
    assert not page.locator("#implemented").is_visible()  # an emptied group disappears
    assert page.locator("#planned").is_visible()

    page.goto(base_url + "faq/?module=admin")
    questions = _shown(page, "h3[data-rkb-item]")
    assert len(questions) == 2
    assert not page.locator("#reports").is_visible()
    assert page.locator(".rkb-filter-count").inner_text() == "показано 2 из 4"
    page.goto(base_url + "faq/?module=no-such-module")  # unknown values are ignored
    assert page.locator(".rkb-filter-count").inner_text() == "показано 4 из 4"
    assert problems == []


def test_without_javascript_the_whole_list_shows(base_url: str, browser: Any) -> None:
    page, _ = _page(browser, base_url + "faults/?module=reports", java_script_enabled=False)
    assert len(_shown(page, FAULT_IDS)) == 4
    assert not page.locator(".rkb-filter-controls").is_visible()


# -- feedback through a real nginx ------------------------------------------------------


def _wait_for_lines(log: Path, needle: str, count: int, limit: float = 20) -> list[str]:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        lines = (
            [line for line in log.read_text().splitlines() if needle in line]
            if log.exists()
            else []
        )
        if len(lines) >= count:
            return lines
        time.sleep(0.05)
    raise AssertionError(f"{log}: no {count} line(s) with {needle!r} within {limit} s")


@pytest.mark.nginx
@pytest.mark.skipif(NGINX is None, reason="needs nginx (scripts/test.sh installs it)")
def test_vote_and_empty_search_reach_nginx_and_the_report(
    site: Path, browser: Any, tmp_path: Path
) -> None:
    port = free_port()
    conf, feedback, access = tmp_path / "site.conf", tmp_path / "fb.log", tmp_path / "access.log"
    result = rkb(
        "nginx", "--root", site, "--listen", f"127.0.0.1:{port}",
        "--feedback-log", feedback, "-o", conf,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with running_nginx(conf, port, tmp_path / "nginx", access_log=access):
        context = browser.new_context()
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.goto(f"http://127.0.0.1:{port}/faults/F-0001/")
        group = page.get_by_role("group", name="Была ли страница полезна?")
        with page.expect_response("**/_rkb/feedback?**") as answer:
            group.get_by_role("button", name="Нет").click()
        assert answer.value.status == 204
        assert page.get_by_role("status").filter(has_text="Спасибо").is_visible()
        assert not group.is_visible()
        page.reload()  # the vote was sent: no second one
        assert page.locator(".rkb-feedback-thanks").inner_text() == "Спасибо!"
        assert not group.is_visible()

        page.goto(f"http://127.0.0.1:{port}/")
        box = page.locator("#rkb-search-input")
        box.click()
        box.press_sequentially("абракадабра", delay=40)
        page.wait_for_selector(".rkb-search-status:has-text('Ничего не найдено')")
        lines = _wait_for_lines(feedback, "search=", 1)
        page.goto(f"http://127.0.0.1:{port}/search/?q=" + "%D1%8B%D1%8B%D1%8B%D1%8B%D1%8B")
        results_page = _wait_for_lines(feedback, "search=", 2)  # the results page reports too
        assert "results=0" in results_page[1]
        assert context.cookies() == []
        context.close()
    assert problems == []
    votes = _wait_for_lines(feedback, "vote=", 1)
    assert len(votes) == 1 and "page=/faults/F-0001/&vote=no" in votes[0]
    assert len([line for line in feedback.read_text().splitlines() if "search=" in line]) == 2
    assert len(lines) == 1  # once per settled query, not per keystroke

    result = rkb("report", "--access-log", feedback, "--access-log", access, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["votes"] == [{"page": "/faults/F-0001/", "yes": 0, "no": 1, "no_share": 1.0}]
    assert report["empty_searches"] == [
        {"query": "абракадабра", "count": 1},
        {"query": "ыыыыы", "count": 1},
    ]
    assert {"page": "/faults/F-0001/", "count": 2} in report["visits"]
    text = rkb("report", "--access-log", feedback, "--access-log", access).stdout
    assert "абракадабра" in text and "/faults/F-0001/" in text
