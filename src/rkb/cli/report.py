"""`rkb report`: votes, searches that found nothing and visited record pages, from nginx logs."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from ..serving.nginxconf import DEFAULT_FEEDBACK_LOG
from ..serving.report import ReportError, render_text, summarise
from .output import fail


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: expected a date YYYY-MM-DD") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--access-log",
        action="append",
        metavar="FILE",
        help=(
            "a log to read (plain or .gz), repeat for several: the feedback log "
            f"(rkb nginx --feedback-log, default {DEFAULT_FEEDBACK_LOG}) and, for page "
            "visits, the site's access log in nginx's combined format"
        ),
    )
    parser.add_argument("--since", type=_day, metavar="DATE", help="only lines from DATE on")
    parser.add_argument("--top", type=int, default=20, help="rows per table (default: 20)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def cmd_report(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.access_log or [DEFAULT_FEEDBACK_LOG]]
    for path in paths:
        if not path.is_file():
            return fail(f"{path}: no such log file (give it with --access-log FILE)")
    try:
        report = summarise(paths, args.since)
    except ReportError as error:
        return fail(str(error))
    top = max(args.top, 1)
    if args.json:
        print(json.dumps(report.as_json(top), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render_text(report, top))
    return 0
