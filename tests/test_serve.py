"""`rkb serve`: a save rebuilds only the pages that show the record; an invalid save keeps
the last good site and shows the problems in the terminal and in the page."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitebuild import ENV, copy_project

RECORD = "kb/faults/F-0003.yaml"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return str(answer.read().decode("utf-8"))
    except OSError:
        return ""


def wait_until(condition: Callable[[], bool], timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never became true"
        time.sleep(0.1)  # polling a condition, not a fixed wait


class Preview:
    def __init__(self, project: Path, ignoring_ctrl_c: bool = False) -> None:
        self.project = project
        self.port = free_port()
        self.log = project / "serve.log"
        self.stream = self.log.open("wb")
        # as a shell script starts a job in the background: Ctrl+C ignored (inherited)
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if ignoring_ctrl_c else None
        try:
            self.process = self._start()
        finally:
            if previous is not None:
                signal.signal(signal.SIGINT, previous)

    def _start(self) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "rkb", "serve", "-a", f"127.0.0.1:{self.port}"],
            cwd=self.project,
            env=ENV,
            stdout=subprocess.DEVNULL,
            stderr=self.stream,
            start_new_session=True,
        )

    def url(self, page: str) -> str:
        return f"http://127.0.0.1:{self.port}/{page}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def site_dir(self) -> Path:
        match = re.search(r"building into (\S+) \.\.\.", self.output())
        assert match, self.output()
        return Path(match.group(1))


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    server = Preview(copy_project(tmp_path / "project"))
    try:
        wait_until(lambda: "F-0003" in fetch(server.url("faults/F-0003/")))
        yield server
    finally:
        os.killpg(server.process.pid, signal.SIGINT)
        server.process.wait(timeout=60)
        server.stream.close()


def edit(project: Path, old: str, new: str) -> None:
    path = project / RECORD
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_save_rebuilds_its_page_and_leaves_unrelated_pages_alone(preview: Preview) -> None:
    unrelated = preview.site_dir() / "faq/Q-0010/index.html"
    before = unrelated.stat()
    edit(preview.project, "symptoms: |\n", "symptoms: |\n  Новая строка из предпросмотра.\n")
    wait_until(lambda: "Новая строка из предпросмотра." in fetch(preview.url("faults/F-0003/")))
    wait_until(lambda: "Documentation built" in preview.output().split("Detected")[-1])
    after = unrelated.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_an_invalid_save_keeps_the_last_good_site_and_shows_the_problems(
    preview: Preview,
) -> None:
    page = preview.url("faults/F-0003/")
    good = fetch(page)
    edit(preview.project, "\nseverity: ", "\nseverity: ужасная-")
    wait_until(lambda: "rkb-preview-problems" in fetch(page))
    shown = fetch(page)
    assert "F-0003.yaml" in shown and "severity" in shown
    assert re.search(r"F-0003\.yaml:\d+:\d+: severity", preview.output())
    assert "Traceback" not in preview.output()
    assert shown.split('<pre id="rkb-preview-problems"')[0].count("<h1") == good.count("<h1")
    edit(preview.project, "\nseverity: ужасная-", "\nseverity: ")
    wait_until(lambda: "rkb-preview-problems" not in fetch(page))


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_or_kill_stops_a_preview_started_in_the_background(
    tmp_path: Path, stop: signal.Signals
) -> None:
    server = Preview(copy_project(tmp_path / "project"), ignoring_ctrl_c=True)
    try:
        wait_until(lambda: "F-0003" in fetch(server.url("faults/F-0003/")))
        site = server.site_dir()
        assert site.is_dir()
        os.killpg(server.process.pid, stop)
        assert server.process.wait(timeout=60) == 0
        assert "shutting down" in server.output()
        assert not site.exists()  # its temporary folder removed
    finally:
        if server.process.poll() is None:
            os.killpg(server.process.pid, signal.SIGKILL)
        server.stream.close()
