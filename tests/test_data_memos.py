"""What the build keeps between builds for the site data: the search index's terms, the
parts of kb.json, the compressed copies of unchanged files. Each gives exactly what
working it out again gives."""

from __future__ import annotations

import dataclasses
import gzip
from pathlib import Path

import pytest

from rkb.build.cache import cached_views, export_memo, terms_memo
from rkb.build.compress import LEVEL
from rkb.build.gzcache import KEEP_BUILDS, CompressedCopies, gzipped
from rkb.build.sitedata import export_text, safe_json
from rkb.records.loader import KnowledgeBase, load_kb
from rkb.render.export import export
from rkb.render.view import build_views
from rkb.search.documents import record_documents, section_document
from rkb.search.index import build_index
from sitebuild import ROOT


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_kb(ROOT / "kb")


def test_kept_terms_give_the_same_index_and_only_changed_documents_are_stemmed(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    documents = [*record_documents(kb), section_document("/guide/", "Вход", "Ошибки входа")]
    expected = build_index(documents, kb.synonyms)
    first = terms_memo(tmp_path)
    assert build_index(documents, kb.synonyms, memo=first.get) == expected
    assert first.computed == len(documents)
    first.save()

    kept = terms_memo(tmp_path)
    assert build_index(documents, kb.synonyms, memo=kept.get) == expected
    assert kept.computed == 0

    changed = [*documents[:-1], section_document("/guide/", "Вход", "Ошибки входа в систему")]
    again = terms_memo(tmp_path)
    assert build_index(changed, kb.synonyms, memo=again.get) == build_index(changed, kb.synonyms)
    assert again.computed == 1


def test_kb_json_from_kept_parts_is_the_export_written_whole(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    views = build_views(kb)
    whole = safe_json(export(kb, views), indent=1)
    assert export_text(kb, views) == whole

    kept_views, views_memo = cached_views(kb, tmp_path)
    first = export_memo(views_memo)
    assert export_text(kb, kept_views, first) == whole
    first.save()
    kept = export_memo(views_memo)
    assert export_text(kb, kept_views, kept) == whole
    assert kept.computed == 0

    empty = dataclasses.replace(kb, faults=(), proposals=(), faq=(), lessons=())
    assert export_text(empty, views) == safe_json(export(empty, views), indent=1)


def test_a_kept_compressed_copy_is_the_one_compressing_gives(tmp_path: Path) -> None:
    data = "Ошибка входа: проверьте пароль.\n".encode() * 500
    expected = gzipped(data, LEVEL)
    assert gzip.decompress(expected) == data
    first = CompressedCopies(tmp_path, LEVEL)
    assert first.packed(data) == expected
    assert first.compressed == 1
    first.save()

    kept = CompressedCopies(tmp_path, LEVEL)
    assert kept.packed(data) == expected
    assert kept.compressed == 0
    assert CompressedCopies(None, LEVEL).packed(data) == expected


def test_a_kept_copy_whose_stat_is_unchanged_is_used_without_decompressing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = b"<p>kb</p>\n" * 300
    first = CompressedCopies(tmp_path, LEVEL)
    expected = first.packed(data)
    first.save()

    def refused(data: bytes) -> bytes:
        raise AssertionError("decompressed")

    monkeypatch.setattr(gzip, "decompress", refused)
    kept = CompressedCopies(tmp_path, LEVEL)
    assert kept.packed(data) == expected
    assert kept.compressed == 0


@pytest.mark.parametrize("saved", [False, True])
@pytest.mark.parametrize("damage", ["truncated", "other bytes", "not gzip"])
def test_a_damaged_compressed_copy_is_made_again(tmp_path: Path, damage: str, saved: bool) -> None:
    """Damaged before the build that made it kept its stat, or after (a file written
    again: its time and inode are no longer those kept)."""
    data = b"<p>kb</p>\n" * 300
    first = CompressedCopies(tmp_path, LEVEL)
    first.packed(data)
    if saved:
        first.save()
    (stored,) = (p for p in tmp_path.iterdir() if p.name != "used.json")
    good = stored.read_bytes()
    stored.write_bytes(
        {
            "truncated": good[: len(good) // 2],
            "other bytes": gzip.compress(b"<p>other</p>", mtime=0),
            "not gzip": b"junk",
        }[damage]
    )
    again = CompressedCopies(tmp_path, LEVEL)
    assert again.packed(data) == good
    assert again.compressed == 1
    assert stored.read_bytes() == good


def test_compressed_copies_no_recent_build_used_are_dropped(tmp_path: Path) -> None:
    old = CompressedCopies(tmp_path, LEVEL)
    old.packed(b"old asset")
    old.save()
    for build in range(KEEP_BUILDS):
        copies = CompressedCopies(tmp_path, LEVEL)
        copies.packed(f"asset {build}".encode())
        copies.save()
    kept = {p.name for p in tmp_path.iterdir()} - {"used.json"}
    assert len(kept) == KEEP_BUILDS
    assert CompressedCopies(tmp_path, LEVEL).packed(b"old asset")  # made again
