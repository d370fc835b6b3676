"""The build cache (.cache/rkb/): rebuilds reuse unchanged pages, give a cold build's
bytes, and never trust a damaged or foreign cache."""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import re
import shutil
from pathlib import Path

import pytest

from rkb.adapters.mkdocs_plugin import KnowledgeBasePlugin
from rkb.build import parallel
from rkb.build.cache import PARALLEL_VIEWS
from rkb.cli import main
from sitebuild import copy_project, read_tree, rkb

CHANGED = "kb/faults/F-0003.yaml"


def build(project: Path, site: str = "site") -> str:
    result = rkb("build", "-d", site, cwd=project)
    assert result.returncode == 0, result.stderr
    return result.stderr


def rendered(stderr: str) -> tuple[int, int]:
    """(generated pages rendered, generated pages in all) from the build's progress line."""
    match = re.search(r"(\d+) of (\d+) generated pages to render", stderr)
    assert match, stderr
    return int(match.group(1)), int(match.group(2))


def read_by_hand(stderr: str) -> tuple[int, int]:
    """(hand-written pages read, hand-written pages in all) from the same line."""
    match = re.search(r"and (\d+) of (\d+) hand-written ones to read", stderr)
    assert match, stderr
    return int(match.group(1)), int(match.group(2))


def parsed(stderr: str) -> tuple[int, int]:
    """(kb files parsed, kb files read) from the validation's progress line."""
    match = re.search(r"\((\d+) of (\d+) files parsed;", stderr)
    assert match, stderr
    return int(match.group(1)), int(match.group(2))


def change_one_record(project: Path) -> None:
    path = project / CHANGED
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("symptoms: |\n", "symptoms: |\n  Новая строка.\n", 1), "utf-8")


# A replaced site is deleted in the background after a build (see the pipeline's
# `_discard`): a copy made then must not walk into it while it disappears.
REPLACED = (".site.old-*", ".site.building-*")


def copy_built(built: Path, project: Path) -> None:
    shutil.copytree(built, project, ignore=shutil.ignore_patterns(*REPLACED))


def cold_build(project: Path) -> dict[str, bytes]:
    """A build of the same sources without any cache, in a copy of the project."""
    cold = project.parent / f"{project.name}-cold"
    shutil.copytree(project, cold, ignore=shutil.ignore_patterns(".cache", "site", *REPLACED))
    build(cold)
    return read_tree(cold / "site")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("cache") / "project")
    first = build(project)
    done, total = rendered(first)
    assert done == total > 50
    return project


@pytest.mark.parametrize("field", ["symptoms", "title"])
def test_a_rebuild_renders_only_what_changed_and_equals_a_cold_build(
    built: Path, field: str
) -> None:
    project = built.parent / f"incremental-{field}"
    copy_built(built, project)
    unchanged = build(project)
    assert rendered(unchanged)[0] == 0
    assert read_by_hand(unchanged) == (0, len(list((project / "docs").rglob("*.md"))))
    if field == "symptoms":
        change_one_record(project)
    else:  # shown on every page that links the record, in its lists and in the search
        path = project / CHANGED
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^title: .*$", "title: Новая строка.", text), "utf-8")
    stderr = build(project)
    done, total = rendered(stderr)
    assert 1 <= done < total // 4  # the record and the pages that link to it
    assert parsed(stderr) == (1, len(list((project / "kb").rglob("*.yaml"))))
    assert "Новая строка." in (project / "site/faults/F-0003/index.html").read_text("utf-8")
    assert read_tree(project / "site") == cold_build(project)


@pytest.mark.parametrize(
    "damage",
    [
        "manifest-garbage",
        "manifest-foreign",
        "object-changed",
        "object-edited-in-place",
        "object-missing",
    ],
)
def test_a_damaged_or_foreign_cache_is_discarded_with_a_notice(built: Path, damage: str) -> None:
    project = built.parent / f"damaged-{damage}"
    copy_built(built, project)
    cache = project / ".cache/rkb"
    manifest = next(cache.glob("pages-*.json"))
    objects = sorted((cache / "objects").iterdir())
    if damage == "manifest-garbage":
        manifest.write_bytes(b'{"format": 1, "pages": [tru')
    elif damage == "manifest-foreign":
        manifest.write_text(json.dumps({"format": 99, "key": "x", "pages": {}}), "utf-8")
    elif damage == "object-changed":
        for stored in objects:  # a new file: the previous site shares the old ones
            stored.unlink()
            stored.write_bytes(b"<p>not what was built</p>")
    elif damage == "object-edited-in-place":  # same size and inode: a new time tells
        copied = build(project)  # the copy's objects are checked once, by their hashes
        assert rendered(copied)[0] == 0, copied
        for path in objects:
            with path.open("r+b") as stored:
                first = stored.read(1)
                stored.seek(0)
                stored.write(b"X" if first != b"X" else b"Y")
    else:
        for stored in objects:
            stored.unlink()
    change_one_record(project)
    stderr = build(project)
    notices = [line for line in stderr.splitlines() if "build cache" in line and "damaged" in line]
    assert len(notices) == 1, stderr
    assert read_tree(project / "site") == cold_build(project)
    assert rendered(build(project))[0] == 0  # the cache written afresh is used again


def test_a_file_kept_from_an_earlier_build_keeps_its_problems(built: Path) -> None:
    project = built.parent / "invalid-kept"
    copy_built(built, project)
    path = project / CHANGED
    path.write_text(path.read_text("utf-8").replace("severity: ", "severity: huge", 1), "utf-8")
    first = rkb("build", "-d", "site", cwd=project)
    again = rkb("build", "-d", "site", cwd=project)
    assert first.returncode == again.returncode == 1
    problems = [line for line in first.stderr.splitlines() if line.startswith(CHANGED)]
    assert problems, first.stderr
    assert problems == [line for line in again.stderr.splitlines() if line.startswith(CHANGED)]


def test_an_unchanged_record_is_checked_again_when_what_it_names_is_gone(built: Path) -> None:
    """The records found without problems are not checked again while they and what they
    may name (record ids, the site's pages) are unchanged: once an id or a page a record
    names is gone, that record, unchanged, is checked again and its problems reported."""
    project = built.parent / "checked-again"
    copy_built(built, project)
    faq = project / "kb/faq"
    (faq / "Q-0999.yaml").write_text(
        (faq / "Q-0001.yaml").read_text("utf-8").replace("id: Q-0001", "id: Q-0999"), "utf-8"
    )
    (project / "docs/extra.md").write_text("# Дополнительно\n\nТекст.\n", "utf-8")
    path = project / CHANGED
    text = path.read_text(encoding="utf-8")
    named = "symptoms: |\n  См. Q-0999 и [страницу](/extra/).\n"
    path.write_text(text.replace("symptoms: |\n", named, 1), "utf-8")
    build(project)
    assert rendered(build(project))[0] == 0  # nothing changed: checked before, not now
    page = (project / "docs/extra.md").read_bytes()
    (project / "docs/extra.md").unlink()
    assert "link to '/extra/'" in problems_of_changed(project)
    (project / "docs/extra.md").write_bytes(page)
    (faq / "Q-0999.yaml").unlink()
    assert "no record 'Q-0999'" in problems_of_changed(project)


def problems_of_changed(project: Path) -> str:
    """The problems a failing build reports in the changed record's file."""
    failed = rkb("build", "-d", "site", cwd=project)
    assert failed.returncode == 1, failed.stderr
    lines = [line for line in failed.stderr.splitlines() if line.startswith(CHANGED)]
    assert lines, failed.stderr
    return "\n".join(lines)


def test_a_rebuild_after_a_hand_written_page_changed_equals_a_cold_build(built: Path) -> None:
    project = built.parent / "handwritten-changed"
    copy_built(built, project)
    page = project / "docs/support.md"
    page.write_text(page.read_text("utf-8") + "\n## Новый раздел\n\nНовый текст.\n", "utf-8")
    stderr = build(project)
    assert "made again" not in stderr  # its key changed: the index waited for the page
    assert "Новый раздел" in (project / "site/search/rkb-index.json").read_text("utf-8")
    assert read_tree(project / "site") == cold_build(project)


def test_kept_search_sections_found_wrong_are_replaced(built: Path) -> None:
    """Sections kept under a key that missed a change (written here with a valid check):
    the index started from them is made again from the pages as read."""
    import zlib

    project = built.parent / "sections-wrong"
    copy_built(built, project)
    changed = 0
    for kept in sorted((project / ".cache/rkb").glob("sections-*.pickle")):
        header, _, body = kept.read_bytes().partition(b"\n")
        values = pickle.loads(body)
        values = {
            key: tuple(  # the sections (the pages' anchors and links are kept beside them)
                dataclasses.replace(doc, text="Неверный текст")
                if dataclasses.is_dataclass(doc)
                else doc
                for doc in docs
            )
            for key, docs in values.items()
        }
        changed += len(values)
        body = pickle.dumps(values)
        header = header.rsplit(b" ", 1)[0] + b" " + f"{zlib.crc32(body):08x}".encode()
        kept.write_bytes(header + b"\n" + body)
    assert changed > 0
    # the pages are read (none put back from the cache, whose sections would be used)
    for manifest in (project / ".cache/rkb").glob("pages-*.json"):
        manifest.unlink()
    stderr = build(project)  # nothing else changed: every page's sections are kept
    assert "the search index is made again" in stderr
    assert "Неверный текст" not in (project / "site/search/rkb-index.json").read_text("utf-8")
    assert read_tree(project / "site") == cold_build(project)
    assert "made again" not in build(project)  # the right sections are kept now


def test_a_hand_written_page_that_warned_is_read_again_and_warns_again(built: Path) -> None:
    project = built.parent / "handwritten-warning"
    copy_built(built, project)
    page = project / "docs/support.md"
    page.write_text(page.read_text("utf-8") + "\nПочта: {{ rkb.nope }}\n", "utf-8")
    for _ in range(2):  # the second build, with nothing changed, warns as the first did
        stderr = build(project)
        assert "support.md: unknown token {{ rkb.nope }}" in stderr
        assert read_by_hand(stderr)[0] >= 1


def test_links_to_anchors_are_checked_when_only_one_side_is_read(built: Path) -> None:
    """A page put back from the cache keeps its anchors and its links to anchors: a
    rebuild that reads only the other page warns of a broken link as a cold build does."""
    project = built.parent / "handwritten-anchors"
    copy_built(built, project)
    linking, linked = project / "docs/support.md", project / "docs/guide/index.md"
    text = linking.read_text("utf-8") + "\nСм. [раздел](guide/index.md#novyi-iakor).\n"
    linking.write_text(text, "utf-8")
    heading = "\n## Новый якорь {#novyi-iakor}\n\nТекст.\n"
    linked.write_text(linked.read_text("utf-8") + heading, "utf-8")
    assert "anchor" not in build(project)
    assert read_by_hand(build(project))[0] == 0
    # the linking page read, the linked one put back: its anchors are known
    linking.write_text(text + "\nИ [другой](guide/index.md#net-takogo).\n", "utf-8")
    stderr = build(project)
    assert read_by_hand(stderr)[0] == 1
    assert "does not contain an anchor '#net-takogo'" in stderr
    assert "'#novyi-iakor'" not in stderr
    linking.write_text(text, "utf-8")
    assert "anchor" not in build(project)
    # the linked page read, the linking one put back: its links are checked
    linked.write_text(linked.read_text("utf-8").replace(heading, "\n"), "utf-8")
    stderr = build(project)
    assert read_by_hand(stderr)[0] == 1
    assert "does not contain an anchor '#novyi-iakor'" in stderr
    assert read_tree(project / "site") == cold_build(project)


def _tables(cache: Path) -> dict[str, dict[str, dict[str, object]]]:
    return {
        manifest.name: json.loads(manifest.read_text(encoding="utf-8"))["pages"]
        for manifest in cache.glob("pages-*.json")
    }


def _objects_of(pages: dict[str, dict[str, object]]) -> set[str]:
    return {sha for entry in pages.values() for sha in entry["outputs"].values()}  # type: ignore[attr-defined]


def test_the_objects_no_kept_site_uses_are_deleted(built: Path, tmp_path: Path) -> None:
    """Each build keeps the objects of the site keys it remembers (the public site's and
    the internal one's here), and deletes the others: a changed page's output of the
    build before, unless the other site has the same page."""
    project = tmp_path / "project"
    copy_built(built, project)
    cache = project / ".cache/rkb"
    public_table = next(iter(_tables(cache)))
    page = CHANGED.removeprefix("kb/").removesuffix(".yaml") + ".md"

    def outputs() -> set[str]:
        return set(_tables(cache)[public_table][page]["outputs"].values())  # type: ignore[attr-defined]

    first = outputs()
    result = rkb("build", "--internal", "-d", "internal", cwd=project)
    assert result.returncode == 0, result.stderr
    internal = _objects_of(next(t for n, t in _tables(cache).items() if n != public_table))
    assert first <= internal  # the record shows nothing internal: the same page
    change_one_record(project)
    build(project)
    second = outputs()
    change_one_record(project)
    build(project)
    after = {p.name for p in (cache / "objects").iterdir()}
    assert after == _objects_of(_tables(cache)[public_table]) | internal
    assert first <= after and not second & after and outputs() <= after


def test_a_cold_builds_memos_kept_by_a_second_process_serve_a_rebuild(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With many records made, the memos are kept from a second process beside the page
    writing (with two cores); a rebuild takes them and still gives a cold build's bytes."""
    project = copy_project(tmp_path / "many")
    source = project / "kb/faq/Q-0001.yaml"
    text = source.read_text("utf-8")
    for number in range(9000, 9000 + PARALLEL_VIEWS):
        entry = text.replace("id: Q-0001", f"id: Q-{number}", 1)
        (project / f"kb/faq/Q-{number}.yaml").write_text(entry, "utf-8")
    savers = tmp_path / "savers"
    original = KnowledgeBasePlugin._save_record_memos

    def saved_by(plugin: KnowledgeBasePlugin) -> None:
        original(plugin)
        with savers.open("a", encoding="utf-8") as file:
            file.write(f"{os.getpid()}\n")

    monkeypatch.setattr(KnowledgeBasePlugin, "_save_record_memos", saved_by)
    monkeypatch.chdir(project)
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    assert main(["build", "-d", "site"]) == 0
    pids = savers.read_text("utf-8").split()
    assert len(pids) == 1
    assert (pids[0] != str(os.getpid())) == parallel.can_fork()
    assert list((project / ".cache/rkb").glob("views-*.pickle"))
    change_one_record(project)
    stderr = build(project)
    done, total = rendered(stderr)
    assert 1 <= done < total // 4
    assert read_tree(project / "site") == cold_build(project)


def folders_of(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_dir()}


def test_folders_made_ahead_that_a_rebuild_does_not_use_are_removed(tmp_path: Path) -> None:
    """A build makes the record folders the last one remembered before it has read the
    knowledge base (`build.folders`): those of a record deleted since are removed, and
    the site has the folders and files of a cold build."""
    project = copy_project(tmp_path / "project")
    source = (project / "kb/faults/F-0003.yaml").read_text("utf-8")
    added = project / "kb/faults/F-0900.yaml"
    added.write_text(source.replace("id: F-0003", "id: F-0900", 1), "utf-8")
    build(project)
    remembered = json.loads((project / ".cache/rkb/folders.json").read_text("utf-8"))
    assert "faults/F-0900" in remembered and "faq/Q-0001" in remembered
    added.unlink()
    build(project)
    site = project / "site"
    assert not (site / "faults/F-0900").exists()
    cold = project.parent / f"{project.name}-cold"
    assert read_tree(site) == cold_build(project)
    assert folders_of(site) == folders_of(cold / "site")
    remembered = json.loads((project / ".cache/rkb/folders.json").read_text("utf-8"))
    assert "faults/F-0900" not in remembered


def test_a_build_refused_after_folders_were_made_ahead_leaves_no_folder(built: Path) -> None:
    """The folders made ahead of a build go with it when its kb turns out invalid."""
    project = built.parent / "refused"
    copy_built(built, project)
    assert (project / ".cache/rkb/folders.json").is_file()
    before = read_tree(project / "site")
    (project / CHANGED).write_text("id: F-0003\ntitle: [\n", "utf-8")
    result = rkb("build", "-d", "site", cwd=project)
    assert result.returncode == 1
    assert "site is unchanged" in result.stderr
    assert not list(project.glob(".site.building-*"))
    assert read_tree(project / "site") == before
