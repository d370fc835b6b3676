"""Both copy buttons in headless Chromium, served by a real nginx with the `rkb nginx`
configuration: over plain http:// under a host name that is not localhost (no clipboard
API there: an insecure origin) and over localhost (a secure context). What was copied is
read back from the browser's clipboard on a secure page of the same site."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsing import CHROMIUM, CHROMIUM_ARGS
from nginxrun import NGINX, free_port, running_nginx
from sitebuild import rkb

pytestmark = [
    pytest.mark.browser,
    pytest.mark.nginx,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium"),
    pytest.mark.skipif(NGINX is None, reason="needs nginx (scripts/test.sh installs it)"),
]
HOST = "rkb.test"  # resolved to 127.0.0.1 by Chromium itself, see --host-resolver-rules


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    base = tmp_path_factory.mktemp("copy")
    site = base / "site"
    result = rkb("build", "-d", site)
    assert result.returncode == 0, result.stderr
    port = free_port()
    conf = base / "site.conf"
    result = rkb(
        "nginx", "--root", site, "--listen", f"127.0.0.1:{port}", "--server-name", HOST, "-o", conf
    )
    assert result.returncode == 0, result.stderr
    with running_nginx(conf, port, base / "nginx"):
        yield port, site


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    rules = f"--host-resolver-rules=MAP {HOST} 127.0.0.1, MAP localhost 127.0.0.1"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, rules]
        )
        yield browser
        browser.close()


def _record(site: Path, record_id: str) -> dict[str, Any]:
    data = json.loads((site / "kb.json").read_text(encoding="utf-8"))
    found: dict[str, Any] = next(r for r in data["records"] if r["id"] == record_id)
    return found


def _clipboard(context: Any, port: int) -> str:
    """The clipboard's text, read on a secure page (localhost) of the same site."""
    reader = context.new_page()
    reader.goto(f"http://localhost:{port}/404.html", wait_until="load")
    text: str = reader.evaluate("() => navigator.clipboard.readText()")
    reader.close()
    return text


def _copy_with_keyboard(page: Any, name: str, done: str) -> None:
    button = page.get_by_role("button", name=name)
    button.focus()
    page.keyboard.press("Enter")
    status = page.locator(".rkb-record-head [role=status]")
    status.filter(has_text=done).wait_for()


@pytest.mark.parametrize(
    ("record_id", "path"),
    [("F-0001", "faults/F-0001/"), ("Q-0001", "faq/Q-0001/"), ("P-0001", "proposals/P-0001/")],
)
def test_copy_buttons_work_over_plain_http_without_a_clipboard_api(
    served: tuple[int, Path], chromium: Any, record_id: str, path: str
) -> None:
    port, site = served
    context = chromium.new_context()
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=f"http://localhost:{port}"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"http://{HOST}:{port}/{path}", wait_until="load")
    assert page.evaluate("() => [window.isSecureContext, typeof navigator.clipboard]") == [
        False,
        "undefined",
    ]
    record = _record(site, record_id)
    _copy_with_keyboard(page, "Скопировать ответ", "Ответ скопирован")
    assert _clipboard(context, port) == record["reply"]
    _copy_with_keyboard(page, "Скопировать ссылку", "Ссылка скопирована")
    assert _clipboard(context, port) == record["url"]
    assert errors == []
    context.close()


def test_copy_buttons_use_the_clipboard_api_on_localhost(
    served: tuple[int, Path], chromium: Any
) -> None:
    port, site = served
    context = chromium.new_context()
    context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=f"http://localhost:{port}"
    )
    page = context.new_page()
    page.goto(f"http://localhost:{port}/faults/F-0003/", wait_until="load")
    assert page.evaluate("() => [window.isSecureContext, typeof navigator.clipboard]") == [
        True,
        "object",
    ]
    page.get_by_role("button", name="Скопировать ответ").click()
    page.locator(".rkb-record-head [role=status]").filter(has_text="Ответ скопирован").wait_for()
    reply = _record(site, "F-0003")["reply"]
    assert page.evaluate("() => navigator.clipboard.readText()") == reply
    assert reply.endswith("https://docs.retributor.ru/faults/F-0003/")
    context.close()
