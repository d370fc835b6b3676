"""What a reader sees first, measured in headless Chromium at a desktop and a phone width:
the whole search placeholder, one navigation entry per section, no gap under a record's title.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browsing import CHROMIUM, serving
from sitebuild import rkb

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium (scripts/test.sh installs it)"
    ),
]
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
RECORD_PAGES = ["faults/F-0001/", "proposals/P-0001/", "faq/Q-0001/", "training/T-01/"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    out = tmp_path_factory.mktemp("layout") / "site"
    result = rkb("build", "-d", out)
    assert result.returncode == 0, result.stderr
    with serving(out) as base:
        yield base


@pytest.fixture(params=sorted(WIDTHS))
def page(request: pytest.FixtureRequest, browser: Any) -> Iterator[Any]:
    width, height = WIDTHS[request.param]
    tab = browser.new_page(viewport={"width": width, "height": height})
    yield tab
    tab.close()


PLACEHOLDER_FITS = """() => {
  const box = document.querySelector('#rkb-search-input');
  const shown = box.getBoundingClientRect();
  box.value = box.placeholder;  // the text's width, as the browser lays it out in the box
  const fits = [box.scrollWidth, box.clientWidth, shown.width, shown.right];
  box.value = '';
  return fits;
}"""


@pytest.mark.parametrize("path", ["", "faults/F-0001/"])
def test_the_search_placeholder_is_shown_whole(site: str, page: Any, path: str) -> None:
    page.goto(site + path)
    scroll_width, client_width, width, right = page.evaluate(PLACEHOLDER_FITS)
    assert width > 150
    assert right <= page.viewport_size["width"]
    assert scroll_width <= client_width, "the placeholder is cut off"


def test_a_section_is_not_repeated_by_its_first_link(site: str, browser: Any) -> None:
    tab = browser.new_page(viewport=dict(zip(("width", "height"), WIDTHS["desktop"], strict=True)))
    try:
        tab.goto(site + "faults/")
        shown = tab.evaluate(
            """() => [...document.querySelectorAll('.md-nav--primary :is(a, label).md-nav__link')]
                 .filter(e => e.offsetParent !== null && e.innerText.trim())
                 .map(e => e.innerText.trim())"""
        )
    finally:
        tab.close()
    assert "Руководство пользователя" in shown
    assert [text for text in shown if shown.count(text) > 1] == []


TITLE_GAP = """() => {
  const title = document.querySelector('article h1');
  const row = document.querySelector('.rkb-record-head');
  const range = document.createRange();
  range.selectNodeContents(title);
  const lines = [...range.getClientRects()].filter(r => r.width > 0);
  const text = Math.max(...lines.map(r => r.bottom));
  return [title.getBoundingClientRect().bottom - text, row.getBoundingClientRect().top - text,
          document.documentElement.scrollWidth];
}"""


@pytest.mark.parametrize("path", RECORD_PAGES)
def test_the_status_row_follows_the_title(site: str, page: Any, path: str) -> None:
    page.goto(site + path)
    below_text, gap, page_width = page.evaluate(TITLE_GAP)
    assert below_text <= 12, "the title box ends below its text (an empty line)"
    assert gap <= 32, f"{gap:.0f} px between the title and its status row"
    assert page_width <= page.viewport_size["width"], "the page scrolls sideways"
