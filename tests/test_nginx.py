"""The site served by a real nginx on 127.0.0.1 with the configuration `rkb nginx` writes."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from browsing import CHROMIUM, launch
from nginxrun import NGINX, free_port, running_nginx
from rkb.build.compress import COMPRESSED_SUFFIXES
from rkb.serving.nginxconf import error_pages, render_config, site_language
from sitebuild import FIXTURES, copy_project, rkb

pytestmark = [
    pytest.mark.nginx,
    pytest.mark.skipif(NGINX is None, reason="needs nginx (scripts/test.sh installs it)"),
]
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Permissions-Policy",
)


def get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """The shipped kb published into www/ and served by nginx, as the README describes."""
    base = tmp_path_factory.mktemp("nginx")
    www = base / "www"
    result = rkb("publish", "--root", www)
    assert result.returncode == 0, result.stderr
    port = free_port()
    conf = base / "site.conf"
    result = rkb("nginx", "--root", www / "current", "--listen", f"127.0.0.1:{port}", "-o", conf)
    assert result.returncode == 0, result.stderr
    with running_nginx(conf, port, base / "nginx"):
        yield port, www


ADDRESSES = [
    ("/", "text/html; charset=utf-8"),
    ("/guide/", "text/html; charset=utf-8"),
    ("/guide/reports/", "text/html; charset=utf-8"),
    ("/faq/", "text/html; charset=utf-8"),
    ("/faq/Q-0001/", "text/html; charset=utf-8"),
    ("/faults/", "text/html; charset=utf-8"),
    ("/faults/F-0001/", "text/html; charset=utf-8"),
    ("/proposals/", "text/html; charset=utf-8"),
    ("/proposals/P-0001/", "text/html; charset=utf-8"),
    ("/releases/", "text/html; charset=utf-8"),
    ("/training/", "text/html; charset=utf-8"),
    ("/training/T-01/", "text/html; charset=utf-8"),
    ("/support/", "text/html; charset=utf-8"),
    ("/sitemap.xml", "text/xml; charset=utf-8"),
    ("/search/rkb-index.json", "application/json; charset=utf-8"),
    ("/kb.json", "application/json; charset=utf-8"),
]


@pytest.mark.parametrize(("path", "content_type"), ADDRESSES)
def test_every_address_kind_answers_200(
    published: tuple[int, Path], path: str, content_type: str
) -> None:
    status, headers, _ = get(published[0], path)
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert headers["Cache-Control"] == "no-cache"
    for name in SECURITY_HEADERS:
        assert name in headers
    assert headers["Server"] == "nginx"  # no version


@pytest.mark.parametrize(
    ("path", "location"),
    [
        ("/F-0001", "/faults/F-0001/"),
        ("/f-0001", "/faults/F-0001/"),
        ("/f-1", "/faults/F-0001/"),
        ("/F1", "/faults/F-0001/"),
        ("/f0001/", "/faults/F-0001/"),
        ("/F-00012", "/faults/F-0012/"),
        ("/p-7", "/proposals/P-0007/"),
        ("/P0007", "/proposals/P-0007/"),
        ("/q-12", "/faq/Q-0012/"),
        ("/t-3", "/training/T-03/"),
        ("/T03", "/training/T-03/"),
    ],
)
def test_short_links_redirect_to_the_canonical_page(
    published: tuple[int, Path], path: str, location: str
) -> None:
    status, headers, _ = get(published[0], path)
    assert (status, headers["Location"]) == (301, location)
    assert "Content-Security-Policy" in headers


@pytest.mark.parametrize("path", ["/F-9999", "/p-0", "/t-99", "/no/such/page/"])
def test_unknown_addresses_answer_the_russian_404_page(
    published: tuple[int, Path], path: str
) -> None:
    status, headers, body = get(published[0], path)
    assert status == 404
    assert "404: страница не найдена" in body.decode("utf-8")
    assert "<title>404: страница не найдена - reTributor</title>" in body.decode("utf-8")
    assert "Content-Security-Policy" in headers


def test_no_directory_listing(published: tuple[int, Path]) -> None:
    status, _, body = get(published[0], "/assets/")
    assert status in (403, 404)
    assert b"Index of" not in body


def raw(port: int, request: bytes) -> tuple[int, dict[str, str], str]:
    """Send `request` as written (nothing corrected by a client library); the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8")


ERRORS = [  # (what, request, status, the page's heading)
    ("a folder", b"GET /assets/ HTTP/1.1\r\nHost: x\r\n", 404, "404: страница не найдена"),
    ("POST", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nq=1", 405, "405: такой"),
    ("a large body", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n", 413, "413:"),
    ("a long address", b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n", 414, "414:"),
    ("two hosts", b"GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n", 400, "400: неверный запрос"),
    ("no host", b"GET / HTTP/1.1\r\n", 400, "400: неверный запрос"),
    (
        "a bad range",
        b"GET /sitemap.xml HTTP/1.1\r\nHost: x\r\nRange: bytes=99999999-\r\n",
        416,
        "416:",
    ),
    ("an unknown coding", b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: zip\r\n", 501, "501:"),
]


@pytest.mark.parametrize(
    ("what", "request_", "status", "heading"), ERRORS, ids=[e[0] for e in ERRORS]
)
def test_every_error_nginx_answers_is_a_russian_page(
    published: tuple[int, Path], what: str, request_: bytes, status: int, heading: str
) -> None:
    answer, headers, body = raw(published[0], request_ + b"Connection: close\r\n\r\n")
    assert answer == status
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="ru"' in body
    assert re.search(rf"<h1[^>]*>{re.escape(heading)}", body), body[:300]
    assert "nginx" not in body
    for name in SECURITY_HEADERS:
        assert name in headers


def test_the_error_pages_follow_the_site_language(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<!doctype html><html lang="en">', encoding="utf-8")
    assert site_language(tmp_path) == "en"
    pages = {page.code: page for page in error_pages("en")}
    assert "<h1>405: this request is not supported</h1>" in pages[405].html
    assert pages[400].codes == (400, 494)
    for page in error_pages("ru"):
        assert not {"'", "$", "\\", "\n"} & set(page.html), page.code  # safe in nginx '...'


def test_the_error_pages_are_not_addresses(published: tuple[int, Path]) -> None:
    status, _, body = get(published[0], "/_rkb/error/500")
    assert status == 404
    assert "404: страница не найдена" in body.decode("utf-8")


def test_gzip_static_answers_are_identical_once_unpacked(published: tuple[int, Path]) -> None:
    port, www = published
    site = (www / "current").resolve()
    css = next((site / "assets/rkb").glob("rkb.*.css")).name
    for path, file in [
        ("/faults/F-0001/", "faults/F-0001/index.html"),
        ("/search/rkb-index.json", "search/rkb-index.json"),
        (f"/assets/rkb/{css}", f"assets/rkb/{css}"),
        ("/sitemap.xml", "sitemap.xml"),
    ]:
        status, headers, body = get(port, path, {"Accept-Encoding": "gzip"})
        assert status == 200
        assert headers["Content-Encoding"] == "gzip", path
        assert gzip.decompress(body) == (site / file).read_bytes(), path
        assert headers.get("Vary") == "Accept-Encoding"


def test_fingerprinted_assets_are_cached_for_a_year(published: tuple[int, Path]) -> None:
    port, www = published
    site = (www / "current").resolve()
    css = next((site / "assets/rkb").glob("rkb.*.css")).name
    main_css = next((site / "assets/stylesheets").glob("main.*.min.css")).name
    for path in (f"/assets/rkb/{css}", f"/assets/stylesheets/{main_css}"):
        status, headers, _ = get(port, path)
        assert status == 200
        assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert "Content-Security-Policy" in headers


def test_every_precompressed_file_matches_its_original(published: tuple[int, Path]) -> None:
    site = (published[1] / "current").resolve()
    compressed = list(site.rglob("*.gz"))
    assert len(compressed) > 100
    for path in compressed:
        assert gzip.decompress(path.read_bytes()) == path.with_suffix("").read_bytes(), path


def test_every_text_file_has_its_precompressed_copy(published: tuple[int, Path]) -> None:
    """Pages compressed as they are written, the rest from the engine's file list: none
    is left out (nginx would compress it on every request)."""
    site = (published[1] / "current").resolve()
    texts = [p for p in site.rglob("*") if p.suffix in COMPRESSED_SUFFIXES and p.is_file()]
    assert len(texts) > 100
    assert [p for p in texts if not p.with_name(p.name + ".gz").is_file()] == []


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
def test_chromium_sees_no_console_errors_and_no_csp_violations(published: tuple[int, Path]) -> None:
    from playwright.sync_api import expect, sync_playwright

    port = published[0]
    problems: list[str] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = browser.new_page()
        page.on(
            "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
        )
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        for path in ("/", "/faults/F-0001/", "/training/T-01/"):
            page.goto(f"http://127.0.0.1:{port}{path}", wait_until="networkidle")
            assert page.locator("h1").count() >= 1
        page.goto(f"http://127.0.0.1:{port}/", wait_until="networkidle")
        page.locator("#rkb-search-input").click()
        page.locator("#rkb-search-input").press_sequentially("отчёты не выгружаются", delay=20)
        # the list first shows the hits of a shorter query: wait for the whole query's
        expect(page.locator(".rkb-search-hit").first).to_have_text(
            re.compile(r"^F-0001"), timeout=15000
        )
        browser.close()
    assert problems == []


def test_twenty_publishes_never_show_a_broken_or_mixed_page(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    fault = project / "kb/faults/F-0001.yaml"
    original = fault.read_text(encoding="utf-8")

    def set_release(number: int) -> None:
        fault.write_text(
            re.sub(r"(?m)^title: .*$", f"title: Проверка выпуска {number}", original),
            encoding="utf-8",
        )

    www = tmp_path / "www"
    set_release(0)
    assert rkb("publish", "--root", www, cwd=project).returncode == 0
    port = free_port()
    conf = tmp_path / "site.conf"
    assert (
        rkb(
            "nginx", "--root", www / "current", "--listen", f"127.0.0.1:{port}", "-o", conf
        ).returncode
        == 0
    )
    seen: list[tuple[int, int, bool]] = []
    stop = threading.Event()

    def poll() -> None:
        deadline = time.monotonic() + 300
        while not stop.is_set() and time.monotonic() < deadline and len(seen) < 20000:
            status, _, body = get(port, "/faults/F-0001/")
            text = body.decode("utf-8", "replace")
            numbers = set(re.findall(r"Проверка выпуска (\d+)", text))
            complete = text.rstrip().endswith("</html>") and len(numbers) == 1
            seen.append((status, int(numbers.pop()) if len(numbers) == 1 else -1, complete))
            time.sleep(0.005)

    with running_nginx(conf, port, tmp_path / "nginx"):
        poller = threading.Thread(target=poll)
        poller.start()
        try:
            for number in range(1, 21):
                set_release(number)
                result = rkb("publish", "--root", www, cwd=project)
                assert result.returncode == 0, result.stderr
            # open_file_cache revalidates every second: wait until the last release shows
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not (seen and seen[-1][1] == 20):
                time.sleep(0.02)
        finally:
            stop.set()
            poller.join()
    assert len(seen) > 20
    assert {status for status, _, _ in seen} == {200}
    assert all(complete for _, _, complete in seen)
    releases = [number for _, number, _ in seen]
    assert releases == sorted(releases)  # one release or the next, never back and forth
    assert releases[-1] == 20
    assert len(list((www / "releases").iterdir())) == 5  # the last five are kept


def test_rollback_switches_back_to_the_previous_release(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    www = tmp_path / "www"
    assert rkb("publish", "--root", www, cwd=project).returncode == 0
    first = (www / "current").resolve()
    assert rkb("publish", "--root", www, cwd=project).returncode == 0
    second = (www / "current").resolve()
    assert first != second
    result = rkb("publish", "--root", www, "--rollback", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (www / "current").resolve() == first
    result = rkb("publish", "--root", www, "--rollback", cwd=project)
    assert result.returncode == 1
    assert "no earlier one" in result.stderr


@pytest.mark.parametrize("exists", [False, True])
def test_rollback_with_nothing_published_leaves_nothing_behind(
    tmp_path: Path, exists: bool
) -> None:
    www = tmp_path / "www"
    if exists:
        www.mkdir()
    result = rkb("publish", "--root", www, "--rollback", cwd=tmp_path)
    assert result.returncode == 1
    what = "nothing is published there" if exists else "no such folder"
    assert result.stderr.splitlines() == [
        f"rkb: {www}: {what}, so there is nothing to roll back; the live site is unchanged"
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == (["www"] if exists else [])
    assert not exists or list(www.iterdir()) == []


def test_a_failing_build_changes_nothing_that_is_live(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    www = tmp_path / "www"
    assert rkb("publish", "--root", www, cwd=project).returncode == 0
    live = (www / "current").resolve()
    (project / "kb/faults/F-0001.yaml").write_text("id: F-0001\n", encoding="utf-8")
    result = rkb("publish", "--root", www, cwd=project)
    assert result.returncode == 1
    assert "the live site is unchanged" in result.stderr
    assert (www / "current").resolve() == live
    assert list((www / "releases").iterdir()) == [live]


def test_a_second_publish_while_one_runs_is_refused(tmp_path: Path) -> None:
    import fcntl

    www = tmp_path / "www"
    www.mkdir()
    with (www / ".publish.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = rkb("publish", "--root", www)
    assert result.returncode == 1
    assert f"another publish into {www} is running" in result.stderr
    assert not (www / "current").exists()


def _ssha(password: str) -> str:
    salt = b"rkbtests"
    digest = hashlib.sha1(password.encode() + salt).digest()
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


def test_the_internal_site_needs_the_password_and_shows_internal_fields(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    result = rkb("build", "--internal", "-d", tmp_path / "internal", cwd=project)
    assert result.returncode == 0, result.stderr
    htpasswd = tmp_path / "htpasswd"
    htpasswd.write_text(f"support:{_ssha('s3cret')}\n", encoding="utf-8")
    port = free_port()
    conf = tmp_path / "internal.conf"
    assert (
        rkb(
            "nginx",
            "--internal",
            "--root",
            tmp_path / "internal",
            "--listen",
            f"127.0.0.1:{port}",
            "--htpasswd",
            htpasswd,
            "-o",
            conf,
        ).returncode
        == 0
    )
    with running_nginx(conf, port, tmp_path / "nginx"):
        status, headers, body = get(port, "/faults/F-0001/")
        assert status == 401
        assert "Content-Security-Policy" in headers
        assert headers["WWW-Authenticate"].startswith("Basic")
        assert "401: нужно войти" in body.decode("utf-8")
        token = base64.b64encode(b"support:s3cret").decode()
        status, _, body = get(port, "/faults/F-0001/", {"Authorization": f"Basic {token}"})
        assert status == 200
        assert "Только для сотрудников" in body.decode("utf-8")
        assert "INTERNAL-MARKER-7f3a" in body.decode("utf-8")
        wrong = base64.b64encode(b"support:nope").decode()
        assert get(port, "/", {"Authorization": f"Basic {wrong}"})[0] == 401


def test_internal_needs_a_password_file(tmp_path: Path) -> None:
    result = rkb("nginx", "--internal", "--root", tmp_path)
    assert result.returncode == 1
    assert "--internal needs --htpasswd FILE" in result.stderr


def test_generated_configuration_matches_the_golden_file(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    assert rkb("build", "-d", tmp_path / "site", cwd=project).returncode == 0
    text = render_config(tmp_path / "site", "/srv/www/current", "docs.example.ru", "443")
    text = re.sub(r"'sha256-[A-Za-z0-9+/=]+'", "'sha256-HASH'", text)
    text = re.sub(r"( 'sha256-HASH')+", " 'sha256-HASH'...", text)
    golden = Path(__file__).parent / "golden" / "nginx.conf"
    if os.environ.get("RKB_UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_nginx_without_a_built_site_is_a_clear_error(tmp_path: Path) -> None:
    result = rkb("nginx", "--root", tmp_path / "nothing")
    assert result.returncode == 1
    assert "not a built site (no index.html); run rkb build first" in result.stderr
    assert "Traceback" not in result.stderr
