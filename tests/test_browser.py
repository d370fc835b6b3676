"""The site as a reader sees it: `rkb serve` and headless Chromium (Debian's /usr/bin/chromium)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsing import CHROMIUM
from sitebuild import ENV, copy_project

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/test.sh installs it)"
    ),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[str], limit: float = 120) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"rkb serve exited: {process.stdout.read() if process.stdout else ''}"
            )
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError("rkb serve did not start listening")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`rkb serve` running in a copy of the project, as the README's run command starts it."""
    project = copy_project(tmp_path_factory.mktemp("serve") / "project")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "rkb", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_for(port, process)
        yield f"http://127.0.0.1:{port}/", project
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _open(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("dialog", lambda d: (problems.append(f"dialog: {d.message}"), d.dismiss()))
    host = re.match(r"https?://[^/]+", url)
    assert host
    page.on(
        "request",
        lambda r: (
            None
            if r.url.startswith(host.group(0)) or r.url.startswith("data:")
            else problems.append(f"request to another host: {r.url}")
        ),
    )
    page.goto(url, wait_until="load")
    return page, problems


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("", "reTributor — документация"),
        ("faults/F-0001/", "F-0001 · Отчёт по начислениям"),
        ("faq/", "Вопросы и ответы"),
        ("training/T-01/", "T-01 · Установка reTributor"),
    ],
)
def test_pages_render_in_russian_without_console_errors(
    served: tuple[str, Path], browser: Any, path: str, heading: str
) -> None:
    base, _ = served
    page, problems = _open(browser, base + path)
    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("h1").first.inner_text().startswith(heading)
    assert page.locator('meta[name="description"]').get_attribute("content")
    assert problems == []
    page.close()


def test_lesson_quiz_answers_in_the_browser(served: tuple[str, Path], browser: Any) -> None:
    base, _ = served
    page, problems = _open(browser, base + "training/T-01/")
    question = page.locator(".rkb-quiz-question").first
    right = question.get_attribute("data-rkb-answer")
    wrong = "1" if right == "0" else "0"
    question.locator(f'input[value="{wrong}"]').check()
    question.locator(".rkb-quiz-check").click()
    assert question.locator(".rkb-quiz-result").inner_text() == "Неверно, попробуйте ещё раз."
    question.locator(".rkb-quiz-retry").click()
    question.locator(f'input[value="{right}"]').check()
    question.locator(".rkb-quiz-check").click()
    assert question.locator(".rkb-quiz-result").inner_text() == "Верно!"
    assert problems == []
    page.close()


def test_lesson_marked_done_shows_on_the_overview_after_a_reload(
    served: tuple[str, Path], browser: Any
) -> None:
    base, _ = served
    page, problems = _open(browser, base + "training/T-01/")
    page.locator(".rkb-mark-done").click()
    page.reload(wait_until="load")
    assert page.locator(".rkb-mark-done").get_attribute("aria-pressed") == "true"
    page.goto(base + "training/", wait_until="load")
    lessons = page.locator(".rkb-lesson-state").count()
    summary = page.locator(".rkb-progress-summary").inner_text()
    assert summary.startswith(f"Пройдено уроков: 1 из {lessons}.")
    page.locator(".rkb-progress-reset").click()
    assert problems == []
    page.close()


def test_faults_table_filters_by_status(served: tuple[str, Path], browser: Any) -> None:
    base, _ = served
    page, problems = _open(browser, base + "faults/")
    rows = page.locator(".rkb-filter tbody tr")
    total = rows.count()
    page.select_option("select >> nth=1", "Исправлена")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) < total
    assert all("Исправлена" in r.inner_text() for r in visible)
    assert problems == []
    page.close()


def test_serve_rebuilds_when_a_record_changes(served: tuple[str, Path], browser: Any) -> None:
    base, project = served
    fault = project / "kb/faults/F-0002.yaml"
    text = fault.read_text(encoding="utf-8")
    fault.write_text(
        re.sub(r"(?m)^title: .*$", "title: Заголовок изменён при работе serve", text),
        encoding="utf-8",
    )
    page = browser.new_page()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        page.goto(base + "faults/F-0002/")
        if "Заголовок изменён при работе serve" in page.locator("h1").inner_text():
            break
        time.sleep(1)
    else:
        raise AssertionError("the page was not rebuilt after the record changed")
    page.close()
