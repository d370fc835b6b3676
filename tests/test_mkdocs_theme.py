"""The theme's files MkDocs copies into the site are found the same way when the theme's
hidden folders (Material's 14,000 icons) are not listed."""

from __future__ import annotations

from pathlib import Path

import jinja2
from mkdocs.config import load_config
from mkdocs.structure.files import Files

from rkb.adapters.mkdocs_theme import VisibleTemplates, list_visible_theme_files
from sitebuild import ROOT


def _theme_files(config_file: Path) -> tuple[list[tuple[str, str | None]], str]:
    config = load_config(config_file=str(config_file))
    before = Files([])
    before.add_files_from_theme(config.theme.get_env(), config)
    list_visible_theme_files(config.theme)
    list_visible_theme_files(config.theme)  # once is enough: not wrapped twice
    env = config.theme.get_env()
    after = Files([])
    after.add_files_from_theme(env, config)
    assert sorted((f.src_uri, f.abs_src_path) for f in before) == sorted(
        (f.src_uri, f.abs_src_path) for f in after
    )
    return sorted((f.src_uri, f.abs_src_path) for f in after), type(env.loader).__name__


def test_the_project_theme_gives_mkdocs_the_same_static_files_and_its_icons_still_load() -> None:
    files, loader = _theme_files(ROOT / "mkdocs.yml")
    assert loader == "VisibleTemplates"
    assert any(uri.endswith(".css") for uri, _ in files)
    assert not any(part.startswith(".") for uri, _ in files for part in uri.split("/"))
    config = load_config(config_file=str(ROOT / "mkdocs.yml"))
    list_visible_theme_files(config.theme)
    icon = config.theme.get_env().get_template(".icons/material/home.svg").render()
    assert icon.startswith("<svg")


def test_hidden_folders_are_not_listed_and_everything_else_is(tmp_path: Path) -> None:
    for name in (
        "main.html",
        "assets/site.css",
        ".icons/set/a.svg",
        "partials/.cache/b.js",
        "partials/nav.html",
        ".hidden.txt",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    every = jinja2.FileSystemLoader(str(tmp_path)).list_templates()
    visible = VisibleTemplates(str(tmp_path)).list_templates()
    assert visible == [
        ".hidden.txt",  # a hidden file at the top is listed: MkDocs drops it itself
        "assets/site.css",
        "main.html",
        "partials/nav.html",
    ]
    assert set(visible) == {
        n for n in every if not any(p.startswith(".") for p in n.split("/")[:-1])
    }
