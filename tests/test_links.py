"""0 broken links: a crawl of every built page (tests/linkcheck.py) on the shipped site, the
internal site and the minimal fixture's site; and the lesson links that once were broken."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from linkcheck import broken_addresses, broken_links
from rkb import load_kb
from sitebuild import FIXTURES, copy_project, rkb

SITES = {
    "shipped": (None, True, ()),
    "shipped-internal": (None, True, ("--internal",)),
    "shipped-pdf": (None, True, ("--pdf",)),  # /training/ links training/course.pdf
    "minimal": (FIXTURES / "minimal_kb", False, ()),
}


@pytest.fixture(scope="module", params=sorted(SITES))
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    kb, docs, options = SITES[request.param]
    project = copy_project(tmp_path_factory.mktemp(request.param) / "project", kb, docs=docs)
    out = project / "out"
    result = rkb("build", "-d", out, *options, cwd=project)
    assert result.returncode == 0, result.stderr
    return out


def _site_url(site: Path) -> str:
    return str(load_kb(site.parent / "kb").product.site_url)


def test_every_link_of_every_page_resolves(built: Path) -> None:
    assert len(list(built.rglob("*.html"))) > 10
    assert broken_links(built, _site_url(built)) == []


def test_every_address_in_kb_json_and_the_sitemap_exists(built: Path) -> None:
    site_url = _site_url(built)
    records = json.loads((built / "kb.json").read_text(encoding="utf-8"))["records"]
    assert broken_addresses(built, site_url, [r["url"] for r in records], "kb.json") == []
    sitemap = (built / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locations
    assert broken_addresses(built, site_url, locations, "sitemap.xml") == []


def test_lessons_link_to_their_neighbours(built: Path) -> None:
    ids = [lesson.id for lesson in load_kb(built.parent / "kb").lessons]
    assert len(ids) >= 2
    for index, lesson in enumerate(ids):
        html = (built / "training" / lesson / "index.html").read_text(encoding="utf-8")
        nav = re.search(r'<nav[^>]*class="rkb-lesson-nav".*?</nav>', html, re.DOTALL)
        assert nav, lesson
        neighbours = ids[max(index - 1, 0) : index] + ids[index + 1 : index + 2]
        hrefs = re.findall(r'href="([^"]+)"', nav.group(0))
        assert hrefs == [f"../{other}/" for other in neighbours], lesson


def test_the_check_finds_what_is_broken(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "training" / "T-01").mkdir(parents=True)
    (site / "training" / "T-02").mkdir(parents=True)
    (site / "training" / "T-02" / "index.html").write_text(
        '<h2 id="quiz">Q</h2><a href="../T-01/#top">back</a>', encoding="utf-8"
    )
    (site / "training" / "T-01" / "index.html").write_text(
        '<p id="top"><a href="T-02/">next</a> <a href="../T-02/#quiz">ok</a>\n'
        '<a href="../T-02/#nothing">anchor</a> <img src="../../a.png" srcset="b.png 2x">\n'
        '<a href="https://docs.example.ru/training/T-02/">canonical</a>'
        ' <a href="https://docs.example.ru/T-09/">gone</a>'
        ' <a href="mailto:x@example.ru">mail</a> <a href="https://other.example/">elsewhere</a>',
        encoding="utf-8",
    )
    assert broken_links(site, "https://docs.example.ru/") == [
        "training/T-01/index.html:1: T-02/ (no such file)",
        "training/T-01/index.html:2: ../T-02/#nothing (no id 'nothing' on /training/T-02/)",
        "training/T-01/index.html:2: ../../a.png (no such file)",
        "training/T-01/index.html:2: b.png (no such file)",
        "training/T-01/index.html:3: https://docs.example.ru/T-09/ (no such file)",
    ]


TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "rkb" / "templates" / "md"
THROUGH_HELPERS = re.compile(
    r"\]\((?!\{\{ (?:link|mailto)\(|mailto:)|href=\"(?!\{\{ (?:canonical|mailto|href)\(|mailto:)"
    r"|src=\"",
    re.ASCII,
)


def test_every_generated_link_goes_through_a_helper() -> None:
    """Pages link through `link()` or, in HTML blocks, `href()` and `a()` (a page path,
    resolved per page), `mailto()` or `canonical()`: a link written out by hand is how
    /training/T-01/T-02/ happened."""
    written = [
        f"{path.name}:{text[: match.start()].count(chr(10)) + 1}: {match.group(0)}"
        for path in sorted(TEMPLATES.glob("*.j2"))
        for text in [path.read_text(encoding="utf-8")]
        for match in THROUGH_HELPERS.finditer(text)
    ]
    assert written == []
