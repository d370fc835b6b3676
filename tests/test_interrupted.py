"""Interrupted work loses nothing: builds killed at any moment, concurrent builds, rkb new."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitebuild import (
    ENV,
    FIXTURES,
    copy_project,
    names_once_replaced_sites_are_gone,
    read_tree,
    rkb,
)


def kill_after(delay: float, cwd: Path, *args: str) -> None:
    """Start `rkb ARGS` in `cwd` and SIGKILL it after `delay` seconds, wherever it is."""
    process = subprocess.Popen(
        [sys.executable, "-m", "rkb", *args],
        cwd=cwd,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(delay)
    process.kill()
    process.wait()


@pytest.mark.parametrize("delay", [0.2, 0.6, 1.0, 1.5, 2.2, 3.0])
def test_a_build_killed_at_any_moment_leaves_the_previous_site_complete(
    tmp_path: Path, delay: float
) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    out = tmp_path / "out"
    assert rkb("build", "-d", out, cwd=project).returncode == 0
    before = read_tree(out)
    kill_after(delay, project, "build", "-d", str(out))
    assert read_tree(out) == before  # the old site, or a complete new one of the same kb
    result = rkb("build", "-d", out, cwd=project)
    assert result.returncode == 0, result.stderr
    assert read_tree(out) == before
    assert names_once_replaced_sites_are_gone(tmp_path) == [".out.lock", "out", "project"]


@pytest.mark.parametrize("delay", [0.3, 1.0, 2.0])
def test_a_publish_killed_at_any_moment_leaves_the_live_site_complete(
    tmp_path: Path, delay: float
) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    www = tmp_path / "www"
    assert rkb("publish", "--root", www, cwd=project).returncode == 0
    live = (www / "current").resolve()
    before = read_tree(live)
    kill_after(delay, project, "publish", "--root", str(www))
    assert read_tree((www / "current").resolve()) == before
    assert rkb("publish", "--root", www, cwd=project).returncode == 0
    assert not list((www / "releases").glob(".*building*"))


def test_rkb_new_refuses_to_overwrite_a_file_that_appears_meanwhile(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rkb.cli import new as newrecord

    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    existing = project / "kb/faq/Q-0001.yaml"
    text = existing.read_text(encoding="utf-8")
    monkeypatch.setattr(newrecord, "next_id", lambda *_: "Q-0001")  # a racing writer
    with pytest.raises(newrecord.NewRecordError, match="already exists; nothing was written"):
        newrecord.create_record(project / "kb", "faq", "reports")
    assert existing.read_text(encoding="utf-8") == text


def test_rkb_new_gives_every_record_a_new_number(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    first = rkb("new", "faq", "--module", "reports", cwd=project)
    second = rkb("new", "faq", "--module", "reports", cwd=project)
    assert first.returncode == second.returncode == 0
    created = sorted((project / "kb/faq").glob("Q-*.yaml"))
    assert [p.name for p in created][-2:] == ["Q-0003.yaml", "Q-0004.yaml"]
