"""Whole builds of knowledge bases into tmp_path, as a user runs them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rkb import load_kb
from sitebuild import ENV, FIXTURES, ROOT, copy_project, read_tree, rkb

MARKER = "INTERNAL-MARKER-7f3a"


@pytest.fixture(scope="module")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shipped") / "site"
    result = rkb("build", "-d", out)
    assert result.returncode == 0, result.stderr
    return out


def test_build_prints_a_progress_line_per_stage(tmp_path: Path) -> None:
    result = rkb("build", "-d", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == "rkb: validating kb ..."
    assert lines[1].startswith("rkb: kb: valid: 8 modules")
    assert lines[2].startswith("rkb: building the site with MkDocs into")
    assert re.fullmatch(r"rkb: site written to .*: \d+ pages in [\d.]+ s", lines[-1])


def test_every_address_exists_for_every_record(shipped_site: Path) -> None:
    kb = load_kb(ROOT / "kb")
    pages = ["", "guide/", "faq/", "faults/", "proposals/", "releases/", "training/", "support/"]
    pages += [f"guide/{m.id}/" for m in kb.modules]
    pages += [f"faults/{f.id}/" for f in kb.faults]
    pages += [f"proposals/{p.id}/" for p in kb.proposals]
    pages += [f"faq/{q.id}/" for q in kb.faq]
    pages += [f"training/{t.id}/" for t in kb.lessons]
    missing = [page for page in pages if not (shipped_site / page / "index.html").is_file()]
    assert missing == []
    assert (shipped_site / "404.html").is_file()


def test_record_pages_show_id_title_and_links(shipped_site: Path) -> None:
    html = (shipped_site / "faults/F-0001/index.html").read_text(encoding="utf-8")
    kb = load_kb(ROOT / "kb")
    fault = kb.faults[0]
    assert f"F-0001 · {fault.title}" in html
    assert '<html lang="ru"' in html
    # addresses from the site root's path, as in record text (one form for every engine)
    assert 'href="/releases/#v2-4-1"' in html  # versions link to their release notes
    assert 'href="/guide/reports/"' in html
    for other in fault.related:
        assert f'href="/{(other[0] == "Q" and "faq") or "proposals"}/{other}/"' in html


def test_navigation_lists_no_records(shipped_site: Path) -> None:
    html = (shipped_site / "faults/index.html").read_text(encoding="utf-8")
    start = html.index('<nav class="md-nav md-nav--primary"')
    nav = html[start : html.index("md-sidebar--secondary", start)]
    assert "F-0001" not in nav
    assert "Известные проблемы" in nav


FETCHING = re.compile(
    rb"""<(?:script|img|iframe|source|audio|video|embed)\b[^>]*\ssrc\s*=\s*["']?(?:https?:)?//"""
    rb"""|<link\b(?![^>]*rel=["']?(?:canonical|alternate))[^>]*\shref\s*=\s*["']?(?:https?:)?//"""
    rb"""|url\(\s*["']?(?:https?:)?//|@import\s+["'](?:https?:)?//""",
    re.IGNORECASE,
)


def test_nothing_is_fetched_from_other_hosts(shipped_site: Path) -> None:
    offenders = []
    for name, data in read_tree(shipped_site).items():
        if name.endswith((".html", ".css", ".js")):
            offenders += [(name, m.group(0)[:80]) for m in FETCHING.finditer(data)]
        assert b"googleapis" not in data, name
    assert offenders == []


def test_internal_values_never_reach_the_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    for path in sorted((project / "kb").glob("*/*-*.yaml")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"(?ms)^internal:.*\Z", "", text).rstrip("\n")
        path.write_text(f"{text}\ninternal:\n  note: {MARKER} {path.stem}\n", encoding="utf-8")
    result = rkb("build", "-d", tmp_path / "out", cwd=project)
    assert result.returncode == 0, result.stderr
    leaked = [name for name, data in read_tree(tmp_path / "out").items() if MARKER.encode() in data]
    assert leaked == []


def test_another_knowledge_base_builds_a_complete_site(tmp_path: Path) -> None:
    result = rkb("build", "--kb", FIXTURES / "other_kb", "-d", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    for page in (
        "faults/F-0100",
        "faults/F-0101",
        "proposals/P-0042",
        "faq/Q-0042",
        "training/T-07",
        "guide/billing",
        "guide/crm",
        "faq",
        "faults",
        "proposals",
        "releases",
        "training",
    ):
        assert (out / page / "index.html").is_file(), page
    html = (out / "faq/index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in html
    assert "<title>404: page not found - " in (out / "404.html").read_text(encoding="utf-8")
    assert "Why is my invoice PDF blank?" in html
    assert "Fixed by a mass automatic update of components in version" in html
    assert "OTHER-KB-SECRET" not in "".join(
        data.decode("utf-8", "replace") for data in read_tree(out).values()
    )


def test_a_module_without_a_chapter_gets_a_generated_one(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    with (project / "kb/modules.yaml").open("a", encoding="utf-8") as modules:
        modules.write("- id: archive\n  title: Архив\n  summary: Хранение закрытых договоров\n")
    result = rkb("build", "-d", tmp_path / "out", cwd=project)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "out/guide/archive/index.html").read_text(encoding="utf-8")
    assert "<h1" in html and "Архив" in html
    assert "Известные проблемы" in html and "Новое в последних версиях" in html
    assert (project / "docs/guide/archive.md").exists() is False  # nothing written into docs/


def test_hand_written_chapters_get_generated_sections(shipped_site: Path) -> None:
    html = (shipped_site / "guide/reports/index.html").read_text(encoding="utf-8")
    assert html.count('id="known-problems"') == 1
    assert html.count('id="new-in-versions"') == 1


def test_invalid_kb_fails_before_writing_and_keeps_the_old_site(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    assert rkb("build", "-d", out, cwd=project).returncode == 0
    before = read_tree(out)
    fault = project / "kb/faults/F-0001.yaml"
    fault.write_text(
        fault.read_text(encoding="utf-8").replace("severity: major", "severity: majr"),
        encoding="utf-8",
    )
    result = rkb("build", "-d", out, cwd=project)
    assert result.returncode == 1
    assert "kb/faults/F-0001.yaml:" in result.stderr
    assert "severity: expected one of critical, major, minor; got 'majr'" in result.stderr
    assert "Traceback" not in result.stderr
    assert read_tree(out) == before
    leftovers = sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock"))
    assert leftovers == ["out", "project"]


def test_mkdocs_build_strict_builds_the_shipped_site(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "site/faults/F-0030/index.html").is_file()
    assert list((ROOT / "docs").rglob("F-*.md")) == []  # nothing generated lands in docs/


def test_unknown_token_in_a_page_fails_a_strict_build(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "docs/support.md").write_text(
        "# Поддержка\n\n{{ rkb.suport_email }}\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 1
    assert "support.md: unknown token {{ rkb.suport_email }}" in result.stderr


def test_the_support_email_comes_from_product_yaml(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    product = project / "kb/product.yaml"
    product.write_text(
        product.read_text(encoding="utf-8").replace("support@retributor.ru", "help@example.org"),
        encoding="utf-8",
    )
    assert rkb("build", "-d", tmp_path / "out", cwd=project).returncode == 0
    html = (tmp_path / "out/support/index.html").read_text(encoding="utf-8")
    assert "mailto:help@example.org?subject=" in html
    assert "support@retributor.ru" not in html


def test_hostile_record_text_cannot_inject_markup(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    fault = project / "kb/faults/F-0001.yaml"
    text = fault.read_text(encoding="utf-8")
    text = re.sub(
        r"(?m)^title: .*$", "title: '<script>alert(1)</script> [x](javascript:alert(2))'", text
    )
    text = re.sub(
        r"(?ms)^symptoms: .*?(?=^\w)",
        "symptoms: |\n  <img src=x onerror=alert(3)> <iframe src=//evil.example></iframe>\n"
        '  [click](javascript:alert(4)) <a href="data:text/html,x">d</a>\n'
        '  <style>body{display:none}</style><b onclick="alert(5)">bold</b>\n',
        text,
    )
    fault.write_text(text, encoding="utf-8")
    result = rkb("build", "-d", tmp_path / "out", cwd=project)
    assert result.returncode == 0, result.stderr
    for name, data in read_tree(tmp_path / "out").items():
        if not name.endswith(".html"):
            continue
        page = data.decode("utf-8")
        assert "<script>alert" not in page, name
        assert 'href="javascript:' not in page and "alert(4)" not in page, name
        assert "onerror" not in page and "onclick" not in page, name
        assert "<iframe" not in page and "data:text/html" not in page, name
        assert "<style>body" not in page, name
    html = (tmp_path / "out/faults/F-0001/index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>bold</b>" in html


def test_a_second_build_into_the_same_output_is_refused(tmp_path: Path) -> None:
    import fcntl

    out = tmp_path / "out"
    lock = (tmp_path / ".out.lock").open("w")
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        result = rkb("build", "-d", out)
    finally:
        lock.close()
    assert result.returncode == 1
    assert f"another build into {out} is running" in result.stderr
    assert not out.exists()
    shutil.rmtree(out, ignore_errors=True)
