"""The kb files' hashes kept with their status (`build.file_hashes`): an unchanged file is
not read again, a changed one always is, and a damaged table is discarded."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from rkb.build import file_hashes
from rkb.build.file_hashes import FileHashes
from rkb.build.pipeline import check_kb
from rkb.records.loader import MIN_ELSEWHERE
from sitebuild import ROOT


def kb_copy(tmp_path: Path) -> Path:
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "kb", kb)
    return kb


def reads_of(kb: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kb files read through `Path.read_bytes` from now on."""
    read: list[str] = []
    original = Path.read_bytes

    def counted(path: Path) -> bytes:
        if path.is_relative_to(kb):
            read.append(path.relative_to(kb).as_posix())
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return read


def test_files_unchanged_since_the_table_was_written_are_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_hashes, "SETTLED_NS", 0)  # the copy's times count as settled
    kb, cache = kb_copy(tmp_path), tmp_path / "cache"
    first = check_kb(str(kb), cache)
    table = json.loads((cache / file_hashes.FILE).read_text("utf-8"))["files"]
    assert "faults/F-0003.yaml" in table and "product.yaml" in table
    read = reads_of(kb, monkeypatch)
    second = check_kb(str(kb), cache)
    assert [name for name in read if name.endswith(".yaml")] == []
    assert second.faults == first.faults


def test_a_file_changed_in_place_with_its_size_and_time_restored_is_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing a file sets its change time, which no program can set back."""
    monkeypatch.setattr(file_hashes, "SETTLED_NS", 0)
    kb, cache = kb_copy(tmp_path), tmp_path / "cache"
    check_kb(str(kb), cache)
    path = kb / "faults/F-0003.yaml"
    before = path.stat()
    text = path.read_text("utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))
    changed = "title: " + "Ж" * ((len(title.encode()) - len("title: ")) // 2)
    changed += "ж" * (len(title.encode()) - len(changed.encode()))
    path.write_text(text.replace(title, changed, 1), "utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    read = reads_of(kb, monkeypatch)
    again = check_kb(str(kb), cache)
    assert read.count("faults/F-0003.yaml") >= 1
    assert next(f for f in again.faults if f.id == "F-0003").title == changed.removeprefix(
        "title: "
    )


def test_files_changed_just_before_the_table_was_written_are_not_kept(tmp_path: Path) -> None:
    """A file whose times are younger than `SETTLED_NS` may change again within one tick
    of the clock and keep them: it is read again in the next build."""
    kb, cache = kb_copy(tmp_path), tmp_path / "cache"
    check_kb(str(kb), cache)  # every file of the copy was written just now
    assert FileHashes(cache).kept == {}


@pytest.mark.parametrize(
    "content",
    [b"{not json", b'{"format": 99, "files": {}}', b'{"format": 1, "files": {"a": [1, 2]}}'],
)
def test_a_damaged_table_is_discarded_with_a_notice(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / file_hashes.FILE).write_bytes(content)
    hashes = FileHashes(tmp_path)
    assert hashes.kept == {}
    assert not (tmp_path / file_hashes.FILE).exists()
    notice = capsys.readouterr().err.strip().splitlines()
    assert len(notice) == 1 and notice[0].startswith("rkb: discarded the build cache's")


def test_a_status_that_differs_in_any_part_is_not_known(tmp_path: Path) -> None:
    hashes = FileHashes(tmp_path)
    status = (10, 1, 2, 3, 4)
    hashes.note("a.yaml", status, "f" * 64)
    hashes.save()
    again = FileHashes(tmp_path)
    assert again.known("a.yaml", status) == "f" * 64
    for part in range(5):
        other = tuple(n + 1 if i == part else n for i, n in enumerate(status))
        assert again.known("a.yaml", other) is None  # type: ignore[arg-type]
    assert again.known("b.yaml", status) is None


def test_files_parsed_by_the_second_process_are_kept_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a cold build with many files, half are read and parsed by a second process
    (`records.loader`): their hashes and statuses come back with what they gave."""
    monkeypatch.setattr(file_hashes, "SETTLED_NS", 0)
    kb, cache = kb_copy(tmp_path), tmp_path / "cache"
    text = (kb / "faq/Q-0001.yaml").read_text("utf-8")
    for number in range(9000, 9000 + 2 * MIN_ELSEWHERE):
        (kb / f"faq/Q-{number}.yaml").write_text(text.replace("id: Q-0001", f"id: Q-{number}"))
    check_kb(str(kb), cache)
    files = sorted(p.relative_to(kb).as_posix() for p in kb.rglob("*.yaml"))
    assert sorted(FileHashes(cache).kept) == files
