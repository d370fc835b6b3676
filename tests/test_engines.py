"""One site, three engines: whole-site builds of the test knowledge base with MkDocs,
ProperDocs and Zensical, and `rkb markdown`'s plain source tree built by MkDocs alone."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rkb import load_kb
from rkb.search.query import SearchIndex
from sitebuild import ENV, FIXTURES, ROOT, copy_project, read_tree, rkb

ENGINES = ["mkdocs", "properdocs", "zensical"]
KB = FIXTURES / "minimal_kb"
QUERIES = {  # query: the record the search must put first
    "F-0001": "F-0001",
    "f-2": "F-0002",
    "RT-2107": "F-0002",
    "HTTP 502": "F-0003",
    "отчёт не выгружается в excel": "F-0001",
}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("engines") / "project", kb=KB)
    support = project / "docs/support.md"  # an id in a hand-written page becomes a link
    support.write_text(support.read_text(encoding="utf-8") + "\nСм. F-0001.\n", "utf-8")
    return project


@pytest.fixture(scope="module")
def sites(project: Path) -> dict[str, Path]:
    """The test knowledge base built once with each engine, as `rkb build --engine` does."""
    built = {}
    for engine in ENGINES:
        out = project.parent / f"site-{engine}"
        result = rkb("build", "--engine", engine, "-d", out, cwd=project)
        assert result.returncode == 0, result.stderr
        assert f"building the site with {engine[:3]}".lower() in result.stderr.lower()
        built[engine] = out
    return built


def _pages(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*.html")}


@pytest.mark.parametrize("engine", ENGINES)
def test_every_address_exists(sites: dict[str, Path], engine: str) -> None:
    kb = load_kb(KB)
    pages = ["", "guide/", "faq/", "faults/", "proposals/", "releases/", "training/", "support/"]
    pages += ["search/"] + [f"guide/{m.id}/" for m in kb.modules]
    pages += [f"faults/{r.id}/" for r in kb.faults] + [f"proposals/{r.id}/" for r in kb.proposals]
    pages += [f"faq/{r.id}/" for r in kb.faq] + [f"training/{r.id}/" for r in kb.lessons]
    site = sites[engine]
    assert [p for p in pages if not (site / p / "index.html").is_file()] == []
    assert (site / "404.html").is_file()
    assert _pages(site) == _pages(sites["mkdocs"])


@pytest.mark.parametrize("engine", ENGINES)
def test_site_data_is_the_same_whatever_the_engine(sites: dict[str, Path], engine: str) -> None:
    """Search index and kb.json come from the core; the hand-written pages' sections are
    read from the built HTML for Zensical, and must equal what the plugin collects."""
    site, reference = sites[engine], sites["mkdocs"]
    for data in ("search/rkb-index.json", "kb.json"):
        assert (site / data).read_bytes() == (reference / data).read_bytes(), data
        assert (site / f"{data}.gz").is_file()
    assert (site / "faults/F-0001/index.html.gz").is_file()


@pytest.mark.parametrize("engine", ENGINES)
def test_search_ranks_as_on_the_mkdocs_build(sites: dict[str, Path], engine: str) -> None:
    index, reference = SearchIndex.load(sites[engine]), SearchIndex.load(sites["mkdocs"])
    for query, first in QUERIES.items():
        hits = index.search(query, 5)
        assert hits and hits[0].id == first, query
        assert [h.url for h in hits] == [h.url for h in reference.search(query, 5)], query
    guide = index.search("отчёты", 10)
    assert any(h.url.startswith("guide/") for h in guide), "hand-written sections are indexed"


@pytest.mark.parametrize("engine", ENGINES)
def test_pages_carry_the_search_box_and_the_site_scripts(
    sites: dict[str, Path], engine: str
) -> None:
    html = (sites[engine] / "faults/F-0001/index.html").read_text(encoding="utf-8")
    assert 'id="rkb-search-input"' in html
    assert 'data-rkb-index="../../search/rkb-index.json"' in html
    for script in (
        "rkb-search",
        "rkb-copy",
        "rkb-training",
        "rkb-filters",
        "rkb-feedback",
        "vendor/lunr",
    ):
        assert re.search(rf'<script src="\.\./\.\./assets/rkb/{script}\.\w+(\.min)?\.js"', html)
    assert 'class="md-search"' not in html  # the theme's own search is replaced, not added
    support = (sites[engine] / "support/index.html").read_text(encoding="utf-8")
    assert re.search(r'<a class="rkb-id-link" href="\.\./faults/F-0001/"', support)
    assert not re.search(r'src="(?:https?:)?//|<link rel="stylesheet" href="(?:https?:)?//', html)


def test_zensical_site_uses_the_classic_variant(sites: dict[str, Path]) -> None:
    html = (sites["zensical"] / "index.html").read_text(encoding="utf-8")
    assert "assets/stylesheets/classic/main." in html
    assert '<form id="__toggles" autocomplete="off" hidden></form>' in html


def test_properdocs_site_is_the_mkdocs_site(sites: dict[str, Path]) -> None:
    ours, theirs = read_tree(sites["properdocs"]), read_tree(sites["mkdocs"])
    generator = re.compile(rb'<meta name="generator" content="[^"]*">')
    differ = [
        name
        for name in ours
        if name.endswith(".html")
        and generator.sub(b"", ours[name]) != generator.sub(b"", theirs[name])
    ]
    assert differ == []


def test_markdown_tree_builds_with_plain_mkdocs_strict(
    project: Path, sites: dict[str, Path]
) -> None:
    source = project.parent / "tree"
    result = rkb("markdown", "-d", source, cwd=project)
    assert result.returncode == 0, result.stderr
    config = (source / "mkdocs.yml").read_text(encoding="utf-8")
    assert "plugins: []" in config and "rkb:" in config  # the labels, not the plugin
    assert (source / "docs/faults/F-0001.md").is_file()
    chapter = (source / "docs/guide/reports.md").read_text(encoding="utf-8")
    assert "{{ rkb." not in chapter and "F-0001" in chapter  # tokens replaced, sections added
    built = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=source,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    plain, plugin = read_tree(source / "site"), read_tree(sites["mkdocs"])
    pages = [name for name in plugin if name.endswith(".html")]
    assert [name for name in pages if plain.get(name) != plugin[name]] == []
    # the site data travel as static files: the plain build searches as the plugin's does
    for data in ("search/rkb-index.json", "kb.json"):
        assert plain[data] == plugin[data], data


def test_markdown_refuses_a_folder_it_did_not_write(project: Path) -> None:
    target = project.parent / "someones-folder"
    target.mkdir()
    (target / "notes.txt").write_text("mine", encoding="utf-8")
    result = rkb("markdown", "-d", target, cwd=project)
    assert result.returncode == 1
    assert "was not written by rkb markdown" in result.stderr
    assert [p.name for p in target.iterdir()] == ["notes.txt"]


def test_markdown_rewrites_its_own_folder(project: Path) -> None:
    target = project.parent / "tree-twice"
    for _ in range(2):
        result = rkb("markdown", "-d", target, cwd=project)
        assert result.returncode == 0, result.stderr
    assert (target / "mkdocs.yml").is_file()


def test_markdown_with_an_invalid_kb_lists_problems_and_writes_nothing(project: Path) -> None:
    broken = project.parent / "broken"
    copy_project(broken, kb=KB)
    fault = broken / "kb/faults/F-0001.yaml"
    fault.write_text(fault.read_text(encoding="utf-8").replace("severity:", "sevrity:"), "utf-8")
    result = rkb("markdown", "-d", broken / "out", cwd=broken)
    assert result.returncode == 1
    assert re.search(r"kb/faults/F-0001\.yaml:\d+:\d+: ", result.stderr)
    assert "Traceback" not in result.stderr
    assert not (broken / "out").exists()


def test_zensical_says_so_when_a_mend_no_longer_fits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Zensical whose header changed: the tree is still written, and a warning line says
    what the reader loses (the search box), never silently."""
    from rkb.adapters import zensical_engine

    theirs = tmp_path / "theme"
    shutil.copytree(zensical_engine._theme_dir(), theirs)
    (theirs / "partials/header.html").write_text("<header>{{ config.site_name }}</header>\n")
    monkeypatch.setattr(zensical_engine, "_theme_dir", lambda: theirs)
    overrides = tmp_path / "overrides"
    shutil.copytree(ROOT / "overrides", overrides)
    warnings = zensical_engine.adapt_overrides(overrides)
    assert warnings and all("header.html has changed" in w for w in warnings)
    assert any("SEARCH BOX IS MISSING" in w for w in warnings)
    base = (overrides / "base.html").read_text(encoding="utf-8")
    assert "mended by rkb" in base and "classic/main." in base  # Zensical's own, mended


def test_zensical_names_the_plugins_it_does_not_run() -> None:
    from rkb.adapters.zensical_engine import check_plugins

    warnings = check_plugins(["search", "some-plugin"])
    assert len(warnings) == 1 and "'some-plugin'" in warnings[0]


def test_zensical_problems_become_one_line_each() -> None:
    from rkb.adapters.zensical_engine import zensical_problems

    output = (
        "Build started\n\x1b[33mWarning:\x1b[0m page does not exist\n"
        "     ╭─[ support.md:126:10 ]\n 126 │ [broken](nowhere.md)\n1 issue found\n"
    )
    assert zensical_problems(output) == ["docs/support.md:126:10: warning: page does not exist"]


@pytest.mark.parametrize("module", ["zensical_engine", "properdocs_engine"])
def test_a_missing_engine_is_a_clear_error(
    module: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from importlib import import_module

    from rkb.build.pipeline import BuildError

    adapter = import_module(f"rkb.adapters.{module}")
    monkeypatch.setattr(adapter, "find_spec", lambda _name: None)
    build = (
        adapter.build_with_zensical
        if module == "zensical_engine"
        else adapter.build_with_properdocs
    )
    with pytest.raises(
        BuildError, match=r"is not installed; install it with pip install 'rkb\[\w+\]'"
    ):
        build(str(ROOT / "mkdocs.yml"), tmp_path / "site", False)
    assert not (tmp_path / "site").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_strict_fails_on_an_unknown_token_with_every_engine(engine: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=KB)
    support = project / "docs/support.md"
    support.write_text(support.read_text(encoding="utf-8") + "\n{{ rkb.nope }}\n", "utf-8")
    result = rkb("build", "--strict", "--engine", engine, "-d", tmp_path / "out", cwd=project)
    assert result.returncode == 1
    assert "support.md: unknown token {{ rkb.nope }}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_every_link_of_every_page_resolves(sites: dict[str, Path], engine: str) -> None:
    from linkcheck import broken_links

    broken = broken_links(sites[engine], str(load_kb(KB).product.site_url))
    if engine == "zensical":  # its `url` filter writes the start page's links to itself as
        # href="" (MkDocs: "."): the same page for every browser, so not broken
        broken = [b for b in broken if not re.fullmatch(r"index\.html:\d+: +\(empty link\)", b)]
    assert broken == []
