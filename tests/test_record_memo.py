"""RecordMemo: values per record kept by content; a damaged file is discarded."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from rkb.build.cache import LazyRecordMemo, RecordMemo, digest, page_memos
from rkb.build.parallel import in_child
from rkb.records.loader import load_kb
from rkb.render import pages, select
from rkb.render.pages import SiteRenderer
from sitebuild import ROOT


@dataclass(frozen=True)
class Rec:
    id: str
    text: str


def compute_all(root: Path, records: list[Rec], shared: str = "links-1") -> list[str]:
    memo = RecordMemo(root, "views", shared, str)
    calls: list[str] = []

    def render(record: Rec) -> str:
        calls.append(record.id)
        return record.text.upper()

    values = [memo.get(r, lambda r=r: render(r)) for r in records]
    assert values == [r.text.upper() for r in records]
    memo.save()
    return calls


def test_only_changed_records_are_computed_again(tmp_path: Path) -> None:
    records = [Rec("F-1", "a"), Rec("F-2", "b")]
    assert compute_all(tmp_path, records) == ["F-1", "F-2"]
    assert compute_all(tmp_path, records) == []
    assert compute_all(tmp_path, [Rec("F-1", "a"), Rec("F-2", "c")]) == ["F-2"]
    assert compute_all(tmp_path, records, shared="links-2") == ["F-1", "F-2"]
    kept = [path.name for path in tmp_path.glob("views-*.pickle")]
    newest = RecordMemo(None, "views", "links-2", str).prefix  # the older key's files went
    assert kept and all(name.startswith(newest) for name in kept)


def test_a_rebuild_writes_again_only_the_files_whose_records_changed(tmp_path: Path) -> None:
    records = [Rec(f"F-{n}", "a") for n in range(40)]
    compute_all(tmp_path, records)
    before = {path.name: path.stat().st_ino for path in tmp_path.glob("views-*.pickle")}
    assert len(before) > 2
    changed = [*records[:-1], Rec("F-39", "b")]
    assert compute_all(tmp_path, changed) == ["F-39"]
    after = {path.name: path.stat().st_ino for path in tmp_path.glob("views-*.pickle")}
    rewritten = [name for name in after if after[name] != before.get(name)]
    assert 1 <= len(rewritten) <= 2  # the old value's file and the new one's (new inodes)
    assert compute_all(tmp_path, changed) == []


@pytest.mark.parametrize("damage", [b"garbage", b"", None])
def test_a_damaged_file_is_discarded_with_a_notice(
    tmp_path: Path, damage: bytes | None, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [Rec("F-1", "a")]
    compute_all(tmp_path, records)
    stored = next(tmp_path.glob("views-*.pickle"))
    header, _, body = stored.read_bytes().partition(b"\n")
    if damage is None:  # a valid header for other contents
        stored.write_bytes(header + b"\n" + body[:-1] + b"x")
    else:
        stored.write_bytes(damage)
    capsys.readouterr()
    assert compute_all(tmp_path, records) == ["F-1"]
    notices = capsys.readouterr().err.splitlines()
    assert len(notices) == 1 and "damaged" in notices[0] and "discarded" in notices[0]
    assert compute_all(tmp_path, records) == []


def test_listing_rows_are_kept_whichever_process_renders_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The listings' rows are kept by their memo, also those the second process renders
    (it gives back the values it asked for), and the record pages by theirs, read only
    when asked for; the pages are the same either way."""
    monkeypatch.setattr(pages, "MIN_ELSEWHERE", 2)
    # every listing, and half the record pages, rendered by the second process
    monkeypatch.setattr(
        pages, "share_elsewhere", lambda paths, _, missing: (set(paths), missing // 2)
    )
    kb = load_kb(ROOT / "kb")
    renderer = SiteRenderer(kb)

    def rendered(memos: tuple[LazyRecordMemo, RecordMemo[str]] | None) -> dict[str, str]:
        memo, rows = memos or (None, None)
        return {p.path: p.markdown for p in renderer.pages((), memo, in_child, rows=rows)}

    plain = rendered(None)
    first = page_memos(tmp_path, kb, None, "settings")
    assert rendered(first) == plain
    for memo in first:
        memo.save()
    kept_pages, kept = page_memos(tmp_path, kb, None, "settings")
    rows = [
        *(("faults_index", "faults/index.md", f) for f in kb.faults),
        *(("proposals_index", "proposals/index.md", p) for p in kb.proposals),
        *(
            ("faq_index", "faq/index.md", item.record, item.question, item.module)
            for item in select.faq_items(kb)
        ),
    ]
    assert all(kept.has(row) for row in rows)
    assert rendered((kept_pages, kept)) == plain
    assert kept.computed == 0 and kept_pages.computed == 0


def test_a_lazy_memo_reads_texts_only_when_asked_for_and_keeps_those_kept_unread(
    tmp_path: Path,
) -> None:
    """The record pages' Markdown: a build that puts the pages back never reads it, yet
    keeps it for the next build (`keep`), which gives the hash the page cache keys by."""
    records = [f"record {number}" for number in range(40)]
    first = LazyRecordMemo(tmp_path, "pages", "shared")
    for record in records:
        first.get(record, lambda record=record: f"text of {record}")
    first.save()

    kept = LazyRecordMemo(tmp_path, "pages", "shared")
    assert kept.fresh == {}  # nothing read yet
    assert kept.keep(records[1]) == digest("text of record 1")
    assert all(kept.keep(record) for record in records[2:])
    assert kept.keep("another record") is None
    assert kept.get("record 0, changed", lambda: "new text") == "new text"
    kept.save()  # the shards whose keys changed are written again, with the kept texts
    assert list(kept.fresh) == [kept.keys("record 0, changed")]  # no kept text was read

    again = LazyRecordMemo(tmp_path, "pages", "shared")
    assert not again.has(records[0]) and again.has("record 0, changed")
    for record in records[1:]:
        assert again.get(record, lambda: "computed") == f"text of {record}"
    assert again.computed == 0
