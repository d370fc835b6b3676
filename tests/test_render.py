"""The generated Markdown of every page kind, compared with golden files."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rkb import load_kb
from rkb.render import SiteRenderer
from rkb.render.labels import EN, RU
from sitebuild import FIXTURES

GOLDEN = Path(__file__).resolve().parent / "golden"
PAGES = [
    "index.md",
    "support.md",
    "guide/index.md",
    "guide/reports.md",
    "faq/index.md",
    "faq/Q-0001.md",
    "faults/index.md",
    "faults/F-0001.md",
    "faults/F-0002.md",
    "proposals/index.md",
    "proposals/P-0001.md",
    "releases/index.md",
    "training/index.md",
    "training/T-01.md",
    "kb-format/index.md",
]


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    renderer = SiteRenderer(load_kb(FIXTURES / "minimal_kb"))
    return {page.path: page.markdown for page in renderer.pages(handwritten=set())}


@pytest.mark.parametrize("path", PAGES)
def test_generated_markdown_matches_golden_file(rendered: dict[str, str], path: str) -> None:
    golden = GOLDEN / (path.replace("/", "__"))
    actual = rendered[path].rstrip() + "\n"
    if os.environ.get("RKB_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert actual == golden.read_text(encoding="utf-8")


def test_records_are_generated_out_of_the_navigation(rendered: dict[str, str]) -> None:
    renderer = SiteRenderer(load_kb(FIXTURES / "minimal_kb"))
    pages = {page.path: page.in_nav for page in renderer.pages(handwritten={"index.md"})}
    assert "index.md" not in pages  # a hand-written page is never replaced
    assert pages["faults/F-0001.md"] is False
    assert pages["faults/index.md"] is True
    nav = str(renderer.nav())
    assert "F-0001" not in nav and "Q-0001" not in nav and "T-01" not in nav


def test_hand_written_chapter_gets_known_problems_and_new_features() -> None:
    renderer = SiteRenderer(load_kb(FIXTURES / "minimal_kb"))
    sections = renderer.guide_sections("reports", "guide/reports.md")
    assert "## Известные проблемы {: #known-problems }" in sections
    assert "## Новое в последних версиях {: #new-in-versions }" in sections
    assert renderer.module_of("guide/reports.md") == "reports"
    assert renderer.module_of("guide/index.md") is None


def test_tokens_expand_with_links_relative_to_the_page() -> None:
    renderer = SiteRenderer(load_kb(FIXTURES / "minimal_kb"))
    text, unknown = renderer.expand_tokens(
        "{{ rkb.support_link }} {{ rkb.latest_releases }} {{ rkb.nope }}", "guide/reports.md"
    )
    assert "[support@retributor.ru](mailto:support@retributor.ru)" in text
    assert "(../releases/index.md#v" in text
    assert unknown == ["nope"]


def test_both_label_tables_have_the_same_labels() -> None:
    assert set(RU) == set(EN)


def test_english_labels_with_language_en() -> None:
    renderer = SiteRenderer(load_kb(FIXTURES / "other_kb"))
    pages = {page.path: page.markdown for page in renderer.pages(handwritten=set())}
    assert "# Known problems" in pages["faults/index.md"]
    assert "Fixed by a mass automatic update" in pages["faults/F-0100.md"]


def test_rendering_does_not_depend_on_the_site_engine() -> None:
    code = (
        "import sys; import rkb.render, rkb.records.loader, rkb.cli; rkb.cli.build_parser(); "
        "assert not [m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material')], "
        "sorted(m for m in sys.modules if m.startswith('mkdocs'))"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
