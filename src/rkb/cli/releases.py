"""`rkb releases`: the upgrade planner of the `/releases/` page, in the terminal."""

from __future__ import annotations

import argparse
import json
import sys

from ..records.loader import load_kb
from ..records.problems import KbError
from ..render.labels import labels_for
from ..render.upgrade import UnknownVersionError, plan, plan_json
from ..render.view import build_views, texts_by_markdown
from .output import report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", required=True, metavar="V", help="my version")
    parser.add_argument(
        "--to", dest="target", metavar="V", help="target version (default: the latest released)"
    )
    parser.add_argument("--json", action="store_true", help="print the plan as JSON")


def cmd_releases(args: argparse.Namespace) -> int:
    try:
        kb = load_kb(args.kb)
    except KbError as error:
        report(error)
        return 1
    try:
        upgrade = plan(kb, args.source, args.target)
    except UnknownVersionError as error:
        print(f"rkb releases: {error}", file=sys.stderr)
        return 2
    data = plan_json(kb, upgrade)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return 0
    labels = labels_for(kb.product.language)
    texts = texts_by_markdown(build_views(kb))

    def plain_text(markdown: str) -> str:
        return texts[markdown].plain if markdown in texts else markdown

    print(labels["upgrade_title"].format(source=data["from"], target=data["to"]))
    if data["from"] == data["to"]:
        print(labels["upgrade_same"])
    sections = [
        ("upgrade_fixed", [f"{f['id']} {f['title']} — " + labels[f"arrives.{f['arrives']}"]
                           .format(version=f["version"]) for f in data["fixed"]]),
        ("upgrade_implemented", [f"{p['id']} {p['title']} — {p['version']}"
                                 for p in data["implemented"]]),
        ("upgrade_manual", [f"{r['version']}: {plain_text(r['summary'] or '')}".rstrip(": ")
                            for r in data["releases"] if r["delivery"] == "manual"]),
        ("upgrade_open", [f"{f['id']} {f['title']} — " + labels[f"fault_status.{f['status']}"]
                          + (f", {labels['fixed_in'].lower()} {f['fixed_in']}"
                             if f["fixed_in"] else "") for f in data["still_open"]]),
    ]  # fmt: skip
    for key, lines in sections:
        print(f"\n{labels[key]}:")
        for line in lines or [labels["upgrade_none"]]:
            print(f"  {line}")
    return 0
