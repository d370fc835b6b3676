"""The views memo (`PackedRecordMemo`, `LazyViews`) and the texts templates ask for
(`TextTable`): a rebuild unpickles only the views it reads, keeps the others unread, and
makes a damaged one again."""

from __future__ import annotations

import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from rkb.build.cache import LazyViews, PackedRecordMemo, RecordMemo
from rkb.records.loader import load_kb
from rkb.records.schema import markdown_texts, markdown_values
from rkb.render.view import RecordView, TextTable, build_views, texts_by_markdown
from sitebuild import FIXTURES, ROOT

UNPICKLED: list[str] = []


def _unpickled(text: str) -> Counted:
    UNPICKLED.append(text)
    return Counted(text)


@dataclass(frozen=True)
class Counted:
    """A value that notes each time it is unpickled."""

    text: str

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        return _unpickled, (self.text,)


RECORDS = [f"record {number}" for number in range(40)]


def _first_build(root: Path) -> None:
    first = PackedRecordMemo(root, "views", "shared", Counted)
    for record in RECORDS:
        first.get(record, lambda record=record: Counted(f"view of {record}"))
    first.save()
    UNPICKLED.clear()


def test_kept_values_are_unpickled_only_when_asked_for_and_kept_on_unread(
    tmp_path: Path,
) -> None:
    _first_build(tmp_path)
    kept = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    assert all(kept.mark_kept(record) for record in RECORDS[1:])
    assert not kept.mark_kept("another record")
    assert UNPICKLED == []
    assert kept.get(RECORDS[2], lambda: Counted("computed")) == Counted("view of record 2")
    assert kept.get("record 0, changed", lambda: Counted("new")) == Counted("new")
    kept.save()  # the shards whose keys changed are written again, the kept values as kept
    assert UNPICKLED == ["view of record 2"]

    again = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    assert not again.has(RECORDS[0]) and again.has("record 0, changed")
    for record in RECORDS[1:]:
        assert again.get(record, lambda: Counted("computed")) == Counted(f"view of {record}")
    assert again.computed == 0


def test_lazy_views_read_a_view_when_it_is_asked_for(tmp_path: Path) -> None:
    _first_build(tmp_path)
    memo = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    work = {f"key {n}": (record, lambda: Counted("computed")) for n, record in enumerate(RECORDS)}
    for record in RECORDS:
        memo.mark_kept(record)
    views: Mapping[str, Any] = LazyViews(memo, work, {"key 5": Counted("made before")})
    assert list(views) == list(work) and len(views) == len(RECORDS)
    assert "key 7" in views and "key 99" not in views
    assert UNPICKLED == []
    assert views["key 7"] == views["key 7"] == Counted("view of record 7")
    assert views["key 5"] == Counted("made before")
    assert UNPICKLED == ["view of record 7"]
    with pytest.raises(KeyError):
        views["key 99"]


def _damage(path: Path, where: int) -> None:
    data = bytearray(path.read_bytes())
    data[where] ^= 0xFF
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("part", ["table", "value"])
def test_a_damaged_file_or_value_is_made_again_with_a_notice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], part: str
) -> None:
    """A byte of a file's table changed (the file is discarded), or of one value (that
    value is made again, the others are read)."""
    first = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    first.get(RECORDS[1], lambda: Counted("a view"))
    first.get(RECORDS[2], lambda: Counted("another view"))
    first.save()
    (path,) = tmp_path.glob("views-*.pickle")  # both in one file: their keys' first digit
    header = path.read_bytes().index(b"\n")
    _damage(path, header + 20 if part == "table" else path.stat().st_size - 3)
    capsys.readouterr()
    memo = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    values = [memo.get(r, lambda r=r: Counted(f"made again: {r}")) for r in RECORDS[1:3]]
    made = [v for v in values if v.text.startswith("made again")]
    assert len(made) == (2 if part == "table" else 1)
    notices = capsys.readouterr().err.splitlines()
    assert len(notices) == 1 and "damaged" in notices[0]
    assert ("discarded" in notices[0]) == (part == "table")


def test_a_file_of_a_plain_memo_is_never_read_as_a_packed_one(tmp_path: Path) -> None:
    plain = RecordMemo(tmp_path, "views", "shared", bytes)
    plain.get(RECORDS[0], lambda: pickle.dumps(Counted("not packed")))
    plain.save()
    memo = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    assert memo.is_empty()


class ReadViews(Mapping[str, RecordView]):
    """Views that note which are read."""

    def __init__(self, views: dict[str, RecordView]) -> None:
        self.views = views
        self.read: list[str] = []

    def __getitem__(self, key: str) -> RecordView:
        self.read.append(key)
        return self.views[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.views)

    def __len__(self) -> int:
        return len(self.views)


def test_a_text_a_template_asks_for_is_read_from_its_records_view_only() -> None:
    kb = load_kb(ROOT / "kb")
    views = build_views(kb)
    every = texts_by_markdown(views)
    read = ReadViews(views)
    table = TextTable(kb, read)
    fault = kb.faults[3]
    assert table[fault.symptoms] == every[fault.symptoms]
    assert read.read == [fault.id]
    for markdown, text in every.items():  # the same texts as the views give
        assert table[markdown] == text
    with pytest.raises(KeyError):
        table["no record's field"]


def test_the_table_reads_the_same_markdown_fields_as_markdown_texts() -> None:
    for kb_dir in (ROOT / "kb", FIXTURES / "minimal_kb", FIXTURES / "other_kb"):
        kb = load_kb(kb_dir)
        for record in (*kb.faults, *kb.proposals, *kb.faq, *kb.lessons, *kb.releases):
            assert list(markdown_values(record)) == [t.value for t in markdown_texts(record)]


def test_a_value_kept_unread_and_found_damaged_when_saved_is_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    first.get(RECORDS[1], lambda: Counted("a view"))
    first.get(RECORDS[2], lambda: Counted("another view"))
    first.save()
    (path,) = tmp_path.glob("views-*.pickle")
    _damage(path, path.stat().st_size - 3)  # inside the last value
    kept = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    assert kept.mark_kept(RECORDS[1]) and kept.mark_kept(RECORDS[2])
    kept.get("new record 13", lambda: Counted("new"))  # in their file: written again
    kept.save()  # the damaged value is found as its shard's values are written again
    assert "damaged" in capsys.readouterr().err
    again = PackedRecordMemo(tmp_path, "views", "shared", Counted)
    values = [again.get(r, lambda: Counted("made again")) for r in RECORDS[1:3]]
    assert again.computed == 1 and Counted("made again") in values
