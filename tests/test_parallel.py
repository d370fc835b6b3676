"""Work shared with a second process: the same result as one process, with its warnings
and errors carried back."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from rkb.build import parallel, pipeline
from rkb.build.pipeline import build_site
from rkb.records import loader
from rkb.records.problems import KbError
from sitebuild import ROOT, copy_project, read_tree, rkb

TWO_CORES = parallel.can_fork()


class RefusedError(ValueError):
    pass


def _warn_and_fail() -> None:
    logging.getLogger("mkdocs.plugins.rkb").warning("F-0009: a warning from %s", "the child")
    raise RefusedError("the child's own words")


def test_a_child_gives_its_value_from_another_process() -> None:
    work = parallel.in_child(lambda: (os.getpid(), [n * n for n in range(5)]))
    pid, squares = work.result()
    assert squares == [0, 1, 4, 9, 16]
    assert (pid != os.getpid()) is TWO_CORES


def test_the_childs_warnings_and_exception_reach_the_parent(
    caplog: pytest.LogCaptureFixture,
) -> None:
    work = parallel.in_child(_warn_and_fail)
    with caplog.at_level(logging.WARNING), pytest.raises(RefusedError, match="the child's own"):
        work.result()
    assert [r.getMessage() for r in caplog.records] == ["F-0009: a warning from the child"]
    assert caplog.records[0].name == "mkdocs.plugins.rkb"


def test_rkb_jobs_1_keeps_the_work_in_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(parallel.JOBS_ENV, "1")
    assert not parallel.can_fork()
    assert parallel.in_child(os.getpid).result() == os.getpid()


def _take_from_the_end(claims: parallel.Claims) -> list[int]:
    taken = []
    while (item := claims.take_last()) is not None:
        taken.append(item)
    return taken


def test_claimed_items_are_each_taken_once_by_one_of_the_two_processes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Whatever the pace of each: this process takes a first part, in order, the child
    the rest, from the end; no item twice, none left."""
    monkeypatch.setattr(parallel, "can_fork", lambda *_: True)  # even on one core
    claims = parallel.Claims(2000)
    work = parallel.in_child(lambda: _take_from_the_end(claims))
    here = [item for item in range(2000) if claims.take(item)]
    there = work.result()
    claims.close()
    assert here == list(range(len(here)))
    assert there == list(range(1999, len(here) - 1, -1))


def test_a_build_shared_between_two_processes_equals_a_build_in_one(tmp_path: Path) -> None:
    shared = copy_project(tmp_path / "shared")
    single = tmp_path / "single"
    shutil.copytree(shared, single)
    both = rkb("build", "-d", "site", cwd=shared)
    assert both.returncode == 0, both.stderr
    one = rkb("build", "--no-cache", "-d", "site", cwd=single, env={parallel.JOBS_ENV: "1"})
    assert one.returncode == 0, one.stderr
    assert "second process" not in one.stderr
    if TWO_CORES:
        assert "a second process converted" in both.stderr
        assert "a second process wrote" in both.stderr
    assert read_tree(shared / "site") == read_tree(single / "site")


def test_a_child_whose_result_nobody_wants_is_stopped_and_reaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda *_: True)  # even on one core
    work = parallel.in_child(lambda: bytes(10**6))  # more than a pipe holds: it waits
    assert isinstance(work, parallel.Child)
    pid = work.pid
    del work
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # already reaped: no such child any more


def test_a_failed_build_stops_its_second_process_before_removing_the_staging_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "can_fork", lambda *_: True)  # even on one core
    started: list[int] = []

    def writing_forever(staging: Path) -> None:
        while True:  # as a child writing pages would, until it is stopped
            (staging / "faults").mkdir(parents=True, exist_ok=True)
            (staging / "faults" / "page.html").write_text("<p>page</p>", "utf-8")

    def failing_engine(config_file: str, staging: Path, strict: bool) -> None:
        child = parallel.in_child(lambda: writing_forever(staging))
        assert isinstance(child, parallel.Child)
        started.append(child.pid)
        raise OSError(28, "No space left on device")

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", "utf-8")
    site = tmp_path / "site"
    with pytest.raises(OSError, match="No space left"):
        build_site(str(ROOT / "kb"), site, str(config), failing_engine, cache=False)
    with pytest.raises(ChildProcessError):
        os.waitpid(started[0], os.WNOHANG)  # stopped and reaped, not writing any more
    assert not list(tmp_path.glob(".site.building-*"))
    assert not site.exists()


def _load(kb: Path, elsewhere: bool) -> object:
    try:
        return loader.load_kb(kb, elsewhere=parallel.in_child if elsewhere else None)
    except KbError as error:
        return error.problems


def test_record_files_parsed_by_a_second_process_give_the_same_kb_and_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Half of the record files parsed in a child: the same records, and the same
    problems (a broken file among them), as parsing all of them here."""
    monkeypatch.setattr(loader, "MIN_ELSEWHERE", 2)
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "kb", kb)
    assert _load(kb, elsewhere=True) == _load(kb, elsewhere=False)
    last = sorted((kb / "faults").glob("*.yaml"))[-1]  # in the half the child parses
    last.write_text(last.read_text(encoding="utf-8") + "severity: [\n", encoding="utf-8")
    problems = _load(kb, elsewhere=True)
    assert isinstance(problems, list) and any(p.path.endswith(last.name) for p in problems)
    assert problems == _load(kb, elsewhere=False)


@pytest.mark.skipif(not TWO_CORES, reason="needs a second core to fork for")
def test_a_child_started_early_gets_its_data_later_however_large() -> None:
    later: parallel.Later[list[str]] = parallel.Later()
    child = parallel.in_child(lambda: len("".join(later.wait())), pure=True)
    data = ["ё" * 1000] * 3000  # megabytes: more than a pipe holds, and giving never waits
    later.give(data)
    assert child.result() == 3_000_000


@pytest.mark.skipif(not TWO_CORES, reason="needs a second core to fork for")
def test_a_child_waiting_for_data_never_given_ends_with_an_error() -> None:
    later: parallel.Later[str] = parallel.Later()
    child = parallel.in_child(later.wait, pure=True)
    later.close()  # as when the build process ends (or fails) before giving it
    with pytest.raises(RuntimeError, match="ended before it gave"):
        child.result()


def test_a_build_keeps_the_staging_folder_of_a_build_still_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build validates before it takes the output's lock, and may have made folders in
    its staging folder by then: the leftovers another build removes are those of builds
    whose process is gone."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    running = tmp_path / f".site.building-{os.getppid()}"
    stale = tmp_path / f".site.building-{dead.pid}"
    for folder in (running, stale):
        (folder / "faults/F-0001").mkdir(parents=True)
    discarded: list[Path] = []
    monkeypatch.setattr(pipeline, "_discard", discarded.append)

    def engine(config_file: str, staging: Path, strict: bool) -> int:
        staging.mkdir(parents=True, exist_ok=True)
        (staging / "index.html").write_text("<p>x</p>", "utf-8")
        return 1

    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", "utf-8")
    build_site(str(ROOT / "kb"), tmp_path / "site", str(config), engine, cache=False)
    assert stale in discarded and running not in discarded
    assert (running / "faults/F-0001").is_dir()
    assert (tmp_path / "site/index.html").is_file()
