"""`rkb export helpdesk`: ready responses for a helpdesk, from the records' views."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from ..records.loader import load_kb
from ..records.problems import KbError
from ..render.helpdesk import FORMATS, responses, to_csv, to_json, to_zendesk, zendesk_loader
from .output import fail, report, say


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "what",
        choices=["helpdesk"],
        help="helpdesk: one response per FAQ answer and answered fault",
    )
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="zendesk: Macros API bodies (JSON lines) and a curl loader script; "
        "csv: UTF-8 with BOM, columns title, body, tags, url; json: the same rows "
        "(default: csv)",
    )
    parser.add_argument(
        "-o",
        "--output",
        help="file to write (default: standard output); with --format "
        "zendesk the loader script is written beside it as NAME-load.sh",
    )


def _write(path: Path, text: str, encoding: str) -> None:
    """Write through a temporary file, so a failed write never leaves half a file."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("w", encoding=encoding, newline="") as handle:
        handle.write(text)
    temporary.replace(path)


def cmd_export(args: argparse.Namespace) -> int:
    try:
        kb = load_kb(args.kb)
    except KbError as error:
        return report(error)
    rows = responses(kb)
    if args.format == "csv":
        text, encoding = to_csv(rows), "utf-8-sig"
    elif args.format == "json":
        text, encoding = to_json(rows), "utf-8"
    else:
        text, encoding = to_zendesk(kb, rows), "utf-8"
    kinds = Counter(row.kind for row in rows)
    counts = f"{len(rows)} responses ({kinds['faq']} FAQ answers, {kinds['fault']} faults)"
    if not args.output:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode(encoding))  # the CSV's BOM included
        sys.stdout.buffer.flush()
        say(f"{counts} written as {args.format}")
        return 0
    output = Path(args.output)
    if not output.parent.is_dir():
        return fail(f"{output.parent}: no such folder; create it or choose another -o")
    try:
        _write(output, text, encoding)
        if args.format == "zendesk":
            loader = output.with_name(f"{output.stem}-load.sh")
            _write(loader, zendesk_loader(output.name, loader.name), "utf-8")
            loader.chmod(0o755)
            say(f"loader script: {loader} (see its first lines for the variables it needs)")
    except OSError as error:
        return fail(f"{output}: cannot write: {error.strerror}")
    say(f"{counts} written to {output} ({args.format})")
    return 0
