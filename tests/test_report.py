"""`rkb report` on hand-written logs: both formats, gzip, damaged lines, --since, --json."""

from __future__ import annotations

import gzip
import json
from datetime import date
from pathlib import Path

from rkb.serving.report import summarise
from sitebuild import rkb

FEEDBACK = """\
{"time":"2026-11-02T10:00:00+00:00","uri":"/_rkb/feedback?page=/faults/F-0001/&vote=no","status":204}
{"time":"2026-11-02T10:00:01+00:00","uri":"/_rkb/feedback?page=%2Ffaults%2FF-0001%2F&vote=yes","status":204}
{"time":"2026-11-03T10:00:02+00:00","uri":"/_rkb/feedback?page=/faults/F-0001/&vote=no","status":429}
{"time":"2026-11-03T10:00:03+00:00","uri":"/_rkb/feedback?search=%D0%81%D0%BB%D0%BA%D0%B0!&results=0","status":204}
{"time":"2026-11-03T10:00:04+00:00","uri":"/_rkb/feedback?search=%D0%B5%D0%BB%D0%BA%D0%B0&results=0","status":204}
{"time":"2026-11-04T10:00:05+00:00","uri":"/_rkb/feedback?page=/faq/Q-0001/&vote=maybe","status":204}
{"time": "cut short
"""
ACCESS = """\
10.0.0.1 - - [01/Nov/2026:09:00:00 +0000] "GET /faults/F-0001/ HTTP/1.1" 200 5120 "-" "UA"
10.0.0.2 - - [02/Nov/2026:09:00:00 +0000] "GET /faults/F-0001/index.html HTTP/1.1" 304 0 "-" "UA"
10.0.0.2 - - [02/Nov/2026:09:00:01 +0000] "GET /faq/Q-0001/?from=mail HTTP/1.1" 200 10 "-" "UA"
10.0.0.3 - - [03/Nov/2026:09:00:00 +0000] "GET /faults/F-9999/ HTTP/1.1" 404 10 "-" "UA"
10.0.0.3 - - [03/Nov/2026:09:00:00 +0000] "POST /faults/F-0001/ HTTP/1.1" 405 10 "-" "UA"
10.0.0.3 - - [03/Nov/2026:09:00:00 +0000] "GET /faults/ HTTP/1.1" 200 10 "-" "UA"
\x16\x03\x01 garbage from a TLS client
"""


def _logs(tmp_path: Path) -> list[Path]:
    feedback = tmp_path / "rkb-feedback.log.1.gz"
    with gzip.open(feedback, "wt", encoding="utf-8") as stream:
        stream.write(FEEDBACK)
    access = tmp_path / "access.log"
    access.write_text(ACCESS, encoding="utf-8")
    return [feedback, access]


def test_votes_searches_and_visits_are_counted(tmp_path: Path) -> None:
    report = summarise(_logs(tmp_path))
    assert report.lines == 14
    assert report.unparsed == 2  # the cut JSON line and the garbage
    votes = report.votes["/faults/F-0001/"]
    assert (votes.yes, votes.no, votes.no_share) == (1, 1, 0.5)  # the refused 429 is not counted
    assert "/faq/Q-0001/" not in report.votes  # "maybe" is no vote
    assert dict(report.empty_searches) == {"елка": 2}  # normalised as the search does
    assert dict(report.visits) == {"/faults/F-0001/": 2, "/faq/Q-0001/": 1}


def test_since_skips_older_lines(tmp_path: Path) -> None:
    report = summarise(_logs(tmp_path), since=date(2026, 11, 3))
    assert "/faults/F-0001/" not in report.votes
    assert dict(report.empty_searches) == {"елка": 2}
    assert dict(report.visits) == {}


def test_command_prints_json_and_text(tmp_path: Path) -> None:
    logs = _logs(tmp_path)
    result = rkb("report", "--access-log", logs[0], "--access-log", logs[1], "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["votes"] == [{"page": "/faults/F-0001/", "yes": 1, "no": 1, "no_share": 0.5}]
    assert data["visits"][0] == {"page": "/faults/F-0001/", "count": 2}
    text = rkb("report", "--access-log", logs[0], "--access-log", logs[1], "--top", "1").stdout
    assert "14 lines read, 2 not understood (skipped)" in text
    assert "елка" in text and "/faq/Q-0001/" not in text.split("Most visited")[1]


def test_missing_and_damaged_logs_are_one_line_errors(tmp_path: Path) -> None:
    result = rkb("report", "--access-log", tmp_path / "nope.log")
    assert result.returncode == 1
    assert result.stderr.strip() == f"rkb: {tmp_path / 'nope.log'}: no such log file " + (
        "(give it with --access-log FILE)"
    )
    broken = tmp_path / "cut.log.gz"
    broken.write_bytes(gzip.compress(ACCESS.encode())[:-12])
    result = rkb("report", "--access-log", broken)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().endswith("the gzipped log is cut short")


def test_feedback_log_path_must_be_safe_for_nginx(tmp_path: Path) -> None:
    result = rkb("nginx", "--root", tmp_path, "--feedback-log", "/var/log/a b.log")
    assert result.returncode == 1
    assert "the feedback log must be a file path without spaces" in result.stderr
