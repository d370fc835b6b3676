"""What support staff use: copy buttons, `reply` in kb.json, the Atom feed, the helpdesk
export (parsed back and compared with kb.json), ids that link in docs/."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from xml.etree import ElementTree as ET

import feedparser
import pytest

from rkb import load_kb
from sitebuild import FIXTURES, ROOT, copy_project, rkb

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("support") / "site"
    result = rkb("build", "-d", out)
    assert result.returncode == 0, result.stderr
    return out


def _kb_json(site: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((site / "kb.json").read_text(encoding="utf-8"))
    return data


def test_every_record_page_has_both_copy_buttons(shipped: Path) -> None:
    kb = load_kb(ROOT / "kb")
    folders = [f"faults/{f.id}" for f in kb.faults] + [f"proposals/{p.id}" for p in kb.proposals]
    folders += [f"faq/{q.id}" for q in kb.faq]
    for folder in folders:
        html = (shipped / folder / "index.html").read_text(encoding="utf-8")
        assert "Скопировать ссылку</button>" in html, folder
        assert 'class="md-button rkb-copy rkb-copy-answer"' in html, folder
        assert "Скопировать ответ</button>" in html, folder


def test_kb_json_has_a_reply_for_every_faq_answer_and_fault(shipped: Path) -> None:
    records = _kb_json(shipped)["records"]
    for record in records:
        if record["type"] in ("faq", "fault", "proposal"):
            assert record["reply"], record["id"]
            assert record["reply"].endswith(record["url"]), record["id"]
    assert sum(1 for r in records if r["type"] == "faq") == len(load_kb(ROOT / "kb").faq)


def test_every_page_announces_the_feed(shipped: Path) -> None:
    pages = list(shipped.rglob("index.html"))
    assert len(pages) > 50
    for page in pages:
        assert 'rel="alternate" type="application/atom+xml"' in page.read_text(encoding="utf-8")


def test_feed_is_valid_atom_newest_first(shipped: Path) -> None:
    text = (shipped / "feed.xml").read_text(encoding="utf-8")
    parsed = feedparser.parse(text)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title and parsed.feed.id and parsed.feed.updated
    assert len(parsed.entries) >= 10
    for entry in parsed.entries:
        assert entry.id and entry.title and entry.link and entry.updated and entry.summary
    dates = [entry.updated for entry in parsed.entries]
    assert dates == sorted(dates, reverse=True)
    assert len({entry.id for entry in parsed.entries}) == len(parsed.entries)
    # RFC 4287 4.1.1: atom:feed has exactly one id, title and updated, and an author
    # (or every entry has one); 4.1.2: every entry exactly one id, title and updated,
    # and a link rel=alternate when it has no content
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert len(root.findall(f"{ATOM}{name}")) == 1, name
    for entry in root.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{ATOM}{name}")) == 1, name
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
    release = [e for e in parsed.entries if "/releases/#v" in e.id]
    assert release, "released versions are in the feed"


def test_two_builds_give_the_same_feed_dates_from_records(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", kb=FIXTURES / "minimal_kb", docs=False)
    faq = project / "kb/faq/Q-0002.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + "updated: 2026-11-30\n", encoding="utf-8")
    for out in ("one", "two"):
        result = rkb("build", "-d", tmp_path / out, cwd=project)
        assert result.returncode == 0, result.stderr
    first = (tmp_path / "one/feed.xml").read_bytes()
    assert first == (tmp_path / "two/feed.xml").read_bytes()
    parsed = feedparser.parse(first)
    assert parsed.entries[0].id == "https://docs.retributor.ru/faq/Q-0002/"
    assert parsed.entries[0].updated == "2026-11-30T00:00:00Z"
    assert parsed.feed.updated == "2026-11-30T00:00:00Z"
    ids = {entry.id for entry in parsed.entries}
    assert "https://docs.retributor.ru/faq/Q-0001/" not in ids  # no date of its own
    page = (tmp_path / "one/faq/Q-0002/index.html").read_text(encoding="utf-8")
    assert "Обновлено" in page and "30.11.2026" in page
    sitemap = (tmp_path / "one/sitemap.xml").read_text(encoding="utf-8")
    assert re.search(r"faq/Q-0002/</loc>\s*<lastmod>2026-11-30</lastmod>", sitemap)
    assert re.search(r"faults/F-0004/</loc>\s*<lastmod>2026-10-20</lastmod>", sitemap)


# -- helpdesk export ------------------------------------------------------------------


def _expected_rows(site: Path) -> list[dict[str, Any]]:
    """The rows kb.json implies: every FAQ answer, then every fault with an answer."""
    records = _kb_json(site)["records"]
    faq = [r for r in records if r["type"] == "faq"]
    faults = [r for r in records if r["type"] == "fault" and r["answer"]]
    return [
        {"title": f"{r['id']} · {r['title']}", "body": r["reply"], "url": r["url"]}
        for r in faq + faults
    ]


def _export(fmt: str, output: Path) -> str:
    result = rkb("export", "helpdesk", "--format", fmt, "-o", output)
    assert result.returncode == 0, result.stderr
    return result.stderr


def test_csv_export_opens_as_utf8_with_one_row_per_answer(shipped: Path, tmp_path: Path) -> None:
    message = _export("csv", tmp_path / "answers.csv")
    data = (tmp_path / "answers.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    expected = _expected_rows(shipped)
    assert f"{len(expected)} responses" in message
    assert [list(row) for row in rows[:1]] == [["title", "body", "tags", "url"]]
    got = [
        {"title": r["title"], "body": r["body"].removeprefix("'"), "url": r["url"]} for r in rows
    ]
    assert got == expected
    for row in rows:
        assert row["body"].endswith(row["url"])
        assert row["tags"].split(", ")[1] in ("faq", "fault")


def test_json_export_has_the_same_rows(shipped: Path, tmp_path: Path) -> None:
    _export("json", tmp_path / "answers.json")
    rows = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert [{k: r[k] for k in ("title", "body", "url")} for r in rows] == _expected_rows(shipped)
    kb = load_kb(ROOT / "kb")
    codes = {f"F-{f.id[2:]}": list(f.error_codes) for f in kb.faults}
    for row in rows:
        record_id = row["title"].split(" · ")[0]
        if record_id in codes:
            assert row["tags"][2:] == codes[record_id]


class _Macros(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[str, str, bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers.get("Authorization", ""), body))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"macro": {"id": 1}}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def macros_api() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    received: ClassVar[list[tuple[str, str, bytes]]] = []
    handler = type("Handler", (_Macros,), {"received": received})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


def test_zendesk_macros_and_their_loader(
    shipped: Path, tmp_path: Path, macros_api: tuple[str, list[tuple[str, str, bytes]]]
) -> None:
    _export("zendesk", tmp_path / "macros.jsonl")
    lines = (tmp_path / "macros.jsonl").read_text(encoding="utf-8").splitlines()
    macros = [json.loads(line)["macro"] for line in lines]
    expected = _expected_rows(shipped)
    assert [m["actions"] for m in macros] == [
        [{"field": "comment_value", "value": row["body"]}] for row in expected
    ]
    modules = {m.title for m in load_kb(ROOT / "kb").modules}
    for macro, row in zip(macros, expected, strict=True):
        folder, module, title = macro["title"].split("::")
        assert folder == "Справка" and module in modules and title == row["title"]
    loader = tmp_path / "macros-load.sh"
    assert os.access(loader, os.X_OK)
    url, received = macros_api
    env = {
        **os.environ,
        "ZENDESK_URL": url,
        "ZENDESK_EMAIL": "agent@example.ru",
        "ZENDESK_API_TOKEN": "t0ken",
    }
    result = subprocess.run(
        ["sh", str(loader)], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert f"posted {len(lines)} macros" in result.stdout
    assert [json.loads(body)["macro"] for _, _, body in received] == macros
    assert {path for path, _, _ in received} == {"/api/v2/macros.json"}
    assert all(auth.startswith("Basic ") for _, auth, _ in received)
    missing = subprocess.run(
        ["sh", str(loader)],
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode != 0 and "ZENDESK_API_TOKEN" in missing.stderr


# -- ids in docs/ and links in record text --------------------------------------------


def test_ids_in_docs_link_and_unknown_ones_warn(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", kb=FIXTURES / "minimal_kb", docs=False)
    (project / "docs/guide").mkdir(parents=True)
    (project / "docs/guide/reports.md").write_text(
        "---\ntitle: Отчёты\n---\n# Отчёты\n\nСм. f-1 и `F-0002`, [Q-0001](../faq/index.md).\n\n"
        "Такой записи нет: F-0005.\n",
        encoding="utf-8",
    )
    result = rkb("build", "-d", tmp_path / "out", cwd=project)
    assert result.returncode == 0, result.stderr
    assert (
        "docs/guide/reports.md:8:19: no record 'F-0005' in the kb; expected the id of an "
        "existing record (or `F-0005` in backticks if it is not one); did you mean 'F-0004'?"
    ) in result.stderr
    html = (tmp_path / "out/guide/reports/index.html").read_text(encoding="utf-8")
    assert (
        '<a class="rkb-id-link" href="../../faults/F-0001/" '
        'title="Отчёт не выгружается в Excel за длинный период">f-1</a>'
    ) in html
    assert "<code>F-0002</code>" in html
    assert html.count("rkb-id-link") == 1
    strict = rkb("build", "--strict", "-d", tmp_path / "strict", cwd=project)
    assert strict.returncode == 1
    assert not (tmp_path / "strict").exists()


def test_record_link_to_a_missing_page_fails_the_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", kb=FIXTURES / "minimal_kb", docs=False)
    fault = project / "kb/faults/F-0004.yaml"
    fault.write_text(
        fault.read_text(encoding="utf-8").replace(
            "symptoms: Колонка «Банк» пустая.",
            "symptoms: |\n  Колонка пустая, см. [главу](guide/reports.md) и\n"
            "  [нет такой](guide/nope.md), ![схема](img/schema.png).\n",
        ),
        encoding="utf-8",
    )
    result = rkb("build", "-d", tmp_path / "out", cwd=project)
    assert result.returncode == 1
    assert (
        "kb/faults/F-0004.yaml:11:15: symptoms: link to 'guide/nope.md': the site has no such page"
    ) in result.stderr
    assert "kb/faults/F-0004.yaml:11:40: symptoms: image to 'img/schema.png'" in result.stderr
    assert "guide/reports.md'" not in result.stderr


def test_export_errors_are_one_line_and_write_nothing(tmp_path: Path) -> None:
    result = rkb("export", "helpdesk", "--kb", tmp_path / "nope", "-o", tmp_path / "a.csv")
    assert result.returncode == 1
    assert result.stderr.strip().endswith("nope: no such knowledge-base folder")
    assert not (tmp_path / "a.csv").exists()
    result = rkb("export", "helpdesk", "-o", tmp_path / "missing/a.csv")
    assert result.returncode == 1
    assert "missing: no such folder; create it or choose another -o" in result.stderr
    assert "Traceback" not in result.stderr


def test_csv_to_standard_output_keeps_the_bom() -> None:
    import subprocess as run
    import sys

    result = run.run(
        [sys.executable, "-m", "rkb", "export", "helpdesk", "--format", "csv"],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout.startswith("\ufefftitle,body,tags,url\r\n".encode())
    kb = load_kb(ROOT / "kb")
    faults = sum(1 for f in kb.faults if f.workaround or f.fix)
    counts = f"{len(kb.faq) + faults} responses ({len(kb.faq)} FAQ answers, {faults} faults)"
    assert f"{counts} written as csv".encode() in result.stderr
