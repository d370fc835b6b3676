"""Theme markup rendered once and reused (`rkb_fragment`): the same site as rendering it on
every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rkb.adapters.mkdocs_plugin import FragmentCache
from rkb.cli import main
from sitebuild import copy_project, read_tree


def test_a_site_is_the_same_with_fragments_kept_and_rendered_every_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "project")
    # pages whose relative addresses to search/ and assets/ differ from those of other
    # pages as deep: the fragments must not be shared with them
    pages = ["search/help.md", "assets/javascripts/note.md", "assets/notes/note.md", "a/b/note.md"]
    for page in pages:
        path = project / "docs" / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# {page}\n\nТекст.\n", encoding="utf-8")
    monkeypatch.chdir(project)
    monkeypatch.setenv("RKB_JOBS", "1")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    reused: list[str] = []
    original = FragmentCache.__call__

    def counted(self: FragmentCache, *key: Any, caller: Any) -> str:
        if FragmentCache.frozen(key) in self.fragments:
            reused.append(str(key[0]))
        return original(self, *key, caller=caller)

    monkeypatch.setattr(FragmentCache, "__call__", counted)
    assert main(["build", "--no-cache", "-d", str(tmp_path / "kept")]) == 0
    assert {"config", "scripts", "header-start", "header-end", "nav", "toc"} <= set(reused)

    def every_time(self: FragmentCache, *key: Any, caller: Any) -> str:
        return str(caller())

    monkeypatch.setattr(FragmentCache, "__call__", every_time)
    assert main(["build", "--no-cache", "-d", str(tmp_path / "every")]) == 0
    assert read_tree(tmp_path / "kept") == read_tree(tmp_path / "every")
    note = (tmp_path / "kept/assets/javascripts/note/index.html").read_text("utf-8")
    assert 'src="../bundle.a5f9d56c.min.js"' in note
    help_page = (tmp_path / "kept/search/help/index.html").read_text("utf-8")
    assert 'data-rkb-index="../rkb-index.json"' in help_page
