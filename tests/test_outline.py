"""Record pages converted without Python-Markdown (`mkdocs_outline`): what MkDocs makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from rkb.adapters import mkdocs_outline
from rkb.adapters.mkdocs_outline import Outline
from rkb.cli import main
from rkb.render import safe
from sitebuild import ROOT, copy_project, read_tree


@pytest.fixture(scope="module")
def config() -> MkDocsConfig:
    """The project's own configuration (its Markdown extensions and table of contents)."""
    return load_config(str(ROOT / "mkdocs.yml"))


def _state(page: Page) -> dict[str, Any]:
    return {
        "content": page.content,
        "toc": [(item.title, item.id, item.level, str(item)) for item in page.toc],
        "title": page._title_from_render,
        "anchors": page.present_anchor_ids,
        "links": {file.src_uri: links for file, links in (page.links_to_anchors or {}).items()},
    }


def _page(config: MkDocsConfig, markdown: str) -> Page:
    """A generated record page of `markdown`, read (its front matter taken away)."""
    file = File("faults/F-0001.md", src_dir=None, dest_dir="/site", use_directory_urls=True)
    file.content_string = markdown
    page = Page(None, file, config)
    page.read_source(config)
    return page


def _rendered(config: MkDocsConfig, markdown: str, outline: Outline | None) -> dict[str, Any]:
    page = _page(config, markdown)
    if outline is not None:
        assert outline.render(page, page.markdown or "")
    page.render(config, Files([page.file]))
    return _state(page)


def test_an_outline_converts_as_mkdocs_converts_it(config: MkDocsConfig) -> None:
    outline = Outline.for_config(config)
    assert outline is not None
    markdown = (
        "# F\\-0001 · Заголовок\\! (версия 2\\.4)\n\nrkbhtmlblock0\n\n## Признаки\n\n"
        "rkbhtmlblock1\n\n## Признаки\n\n### Шаг 1\n\nrkbhtmlblock2\n"
    )
    fast = _rendered(config, markdown, outline)
    assert fast == _rendered(config, markdown, None)
    assert fast["title"] == "F-0001 · Заголовок! (версия 2.4)"
    assert {"признаки", "признаки_1", "шаг-1"} < fast["anchors"] and len(fast["anchors"]) == 4


HEADING_TEXT = st.text(
    alphabet=st.sampled_from([*"абвгдеё ABC019·«»—-.,:;()?!#*_`[]{}<>&\\\"'", "\xa0"]),
    min_size=1,
    max_size=30,
)
ATTRIBUTE = st.one_of(
    st.sampled_from(["#q-1", "#a", "#a_1", "#Ab-2", ".c", ".c-d", ".c_d", "#", "data-toc-label"]),
    st.tuples(
        st.sampled_from(["data-x", "title", "id", "class", "x:y", "1a"]),
        st.text(alphabet=st.sampled_from([*"ab 1-:/()'.,#*_`[]{}<>&!\\"]), max_size=8),
    ).map(lambda pair: f'{pair[0]}="{pair[1]}"'),
)
ATTRIBUTES = st.lists(ATTRIBUTE, min_size=1, max_size=4).map(lambda a: " {: " + " ".join(a) + " }")
LINES = st.lists(
    st.one_of(
        st.tuples(st.integers(1, 7), HEADING_TEXT).map(lambda h: "#" * h[0] + " " + h[1]),
        st.integers(0, 3).map(lambda n: f"rkbhtmlblock{n}"),
        HEADING_TEXT.map(safe.inline).map(lambda text: "## " + text),
        st.tuples(HEADING_TEXT.map(safe.inline), ATTRIBUTES).map(lambda h: "### " + "".join(h)),
        st.just("text that is a paragraph"),
    ),
    min_size=1,
    max_size=6,
)


@given(lines=LINES)
def test_what_it_converts_is_what_mkdocs_makes(config: MkDocsConfig, lines: list[str]) -> None:
    """Whatever the headings hold: either converted as MkDocs does, or left to MkDocs."""
    outline = Outline.for_config(config)
    assert outline is not None
    markdown = "\n\n".join(lines) + "\n"
    page = _page(config, markdown)
    if outline.render(page, page.markdown or ""):
        page.render(config, Files([page.file]))
        assert _state(page) == _rendered(config, markdown, None)


def test_plain_headings_and_tokens_are_converted_here(config: MkDocsConfig) -> None:
    outline = Outline.for_config(config)
    assert outline is not None
    assert outline.convert("# " + safe.inline("Ошибка 413 (Nginx) — «Импорт»") + "\n") is not None
    assert outline.convert("# a\n\ntext that is a paragraph\n") is None
    assert outline.convert("# Заголовок *выделен*\n") is None
    assert outline.convert("## Вопрос {: #q-1 }\n") is not None
    assert outline.convert('## Вопрос {: #q-1 title="*a*" }\n') is None


def test_headings_attribute_lists_are_read_as_attr_list_reads_them(config: MkDocsConfig) -> None:
    """The FAQ's headings: explicit ids are taken before any is made, classes joined."""
    outline = Outline.for_config(config)
    assert outline is not None and outline.attributes
    markdown = (
        "# Вопросы\n\nrkbhtmlblock0\n\n## Вход {: #auth .rkb-filter-group }\n\n"
        '### Вопрос \\(RT\\-1\\) {: #q-1 data-rkb-item="1" data-rkb-audience="user admin" }\n\n'
        "rkbhtmlblock1\n\n## Вход {: .b .a }\n\n## auth\n"
    )
    fast = _rendered(config, markdown, outline)
    assert fast == _rendered(config, markdown, None)
    assert fast["anchors"] == {"вопросы", "auth", "q-1", "вход", "auth_1"}
    assert '<h2 class="b a" id="вход">' in fast["content"]


def test_without_attr_list_an_attribute_list_is_left_to_mkdocs() -> None:
    changed = load_config(str(ROOT / "mkdocs.yml"))
    changed.markdown_extensions.remove("attr_list")
    outline = Outline.for_config(changed)
    assert outline is not None and not outline.attributes
    assert outline.convert("## Вопрос {: #q-1 }\n") is None


def test_an_extension_it_does_not_know_leaves_pages_to_mkdocs(config: MkDocsConfig) -> None:
    changed = load_config(str(ROOT / "mkdocs.yml"))
    changed.markdown_extensions.append("smarty")  # would turn -- and quotes into dashes
    assert Outline.for_config(changed) is None
    assert Outline.for_config(config) is not None


def test_a_site_is_the_same_built_with_it_and_without_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "project")
    monkeypatch.chdir(project)
    monkeypatch.setenv("RKB_JOBS", "1")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    converted: list[str] = []
    original = Outline.render

    def counted(self: Outline, page: Page, markdown: str) -> bool:
        done = original(self, page, markdown)
        if done:
            converted.append(page.file.src_uri)
        return done

    monkeypatch.setattr(Outline, "render", counted)
    assert main(["build", "--no-cache", "-d", str(tmp_path / "fast")]) == 0
    assert any(path.startswith("faults/F-") for path in converted)
    assert any(path.startswith("faq/Q-") for path in converted)
    monkeypatch.setattr(mkdocs_outline.Outline, "for_config", classmethod(lambda *_: None))
    assert main(["build", "--no-cache", "-d", str(tmp_path / "mkdocs")]) == 0
    assert read_tree(tmp_path / "fast") == read_tree(tmp_path / "mkdocs")
