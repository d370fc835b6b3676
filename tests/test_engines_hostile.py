"""Hostile record text built by the other engines: shown as text, never live markup, and
the internal build's `internal:` fields stay out of the public build (as tests/test_hostile.py
checks for MkDocs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitebuild import FIXTURES, copy_project, read_tree, rkb
from test_hostile import _LiveMarkup, make_hostile_kb

ENGINES = ["properdocs", "zensical"]


@pytest.fixture(scope="module", params=ENGINES)
def hostile_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp(f"hostile-{request.param}")
    project = copy_project(base / "project", kb=FIXTURES / "minimal_kb", docs=False)
    make_hostile_kb(project)
    result = rkb("build", "--engine", str(request.param), "-d", base / "site", cwd=project)
    assert result.returncode == 0, result.stderr
    return base / "site"


def test_no_live_markup_from_records_in_any_page(hostile_site: Path) -> None:
    found = {}
    for name, data in read_tree(hostile_site).items():
        if name.endswith(".html"):
            parser = _LiveMarkup()
            parser.feed(data.decode("utf-8"))
            if parser.found:
                found[name] = parser.found
    assert found == {}


def test_titles_are_shown_as_text_once_escaped(hostile_site: Path) -> None:
    html = (hostile_site / "faults/F-0001/index.html").read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", html, re.S)
    assert title and "<script" not in title.group(1)
    assert "&amp;lt;" not in html, "a title escaped twice shows &lt; to the reader"
    lesson = (hostile_site / "training/T-01/index.html").read_text(encoding="utf-8")
    assert lesson.count("</title>") == 1


def test_no_internal_field_in_the_public_site(hostile_site: Path) -> None:
    """minimal_kb's F-0001 has `internal:` fields with a marker (the engine's own files,
    Zensical's search.json for one, included)."""
    leaked = [n for n, d in read_tree(hostile_site).items() if b"INTERNAL-MARKER-7f3a" in d]
    assert leaked == []
