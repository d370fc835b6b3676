"""The `rkb` command: validate, create and build the knowledge base."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__
from .jsonschema import write_schemas
from .loader import load_kb
from .newrecord import KIND_NAMES, SCHEMA_DIR, NewRecordError, create_record
from .problems import KbError


def _fail(message: str) -> int:
    print(f"rkb: {message}", file=sys.stderr)
    return 1


def _report(error: KbError) -> int:
    for problem in error.problems:
        print(problem, file=sys.stderr)
    return 1


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        kb = load_kb(args.kb)
    except KbError as error:
        return _report(error)
    print(f"{args.kb}: valid: {kb.summary()}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    try:
        path = create_record(Path(args.kb), args.kind, args.module)
    except NewRecordError as error:
        return _fail(str(error))
    print(f"created {path}: fill in every 'TODO:' value, then run: rkb validate --kb {args.kb}")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    directory = Path(args.directory or Path(args.kb) / SCHEMA_DIR)
    for path in write_schemas(directory):
        print(path)
    return 0


def _commands() -> dict[str, tuple[Callable[[argparse.Namespace], int], str]]:
    from . import buildcmd, deploycmd, searchcmd

    return {
        "validate": (cmd_validate, "check every record of the knowledge base"),
        "new": (cmd_new, "start a new record file with the next free id"),
        "schema": (cmd_schema, "write JSON Schemas of the record files for editors"),
        "build": (buildcmd.cmd_build, "validate, then build the site"),
        "serve": (
            buildcmd.cmd_serve,
            "build and serve the site on 127.0.0.1, rebuilding on changes",
        ),
        "search": (searchcmd.cmd_search, "search the built site as its search box does"),
        "nginx": (deploycmd.cmd_nginx, "write an nginx configuration for a built site"),
        "publish": (deploycmd.cmd_publish, "build into ROOT/releases/ and switch ROOT/current"),
    }


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rkb",
        description="Knowledge base and documentation site generator for reTributor.",
    )
    parser.add_argument("--version", action="version", version=f"rkb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands = _commands()
    parsers = {}
    for name, (handler, help_text) in commands.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.set_defaults(handler=handler)
        command.add_argument("--kb", default="kb", help="knowledge-base folder (default: kb)")
        parsers[name] = command
    parsers["new"].add_argument("kind", choices=list(KIND_NAMES), help="kind of record")
    parsers["new"].add_argument("--module", help="module id from modules.yaml")
    parsers["schema"].add_argument(
        "-d", "--directory", help=f"where to write the schemas (default: KB/{SCHEMA_DIR})"
    )
    from . import buildcmd, deploycmd, searchcmd

    buildcmd.add_arguments(parsers["build"], parsers["serve"])
    searchcmd.add_arguments(parsers["search"])
    deploycmd.add_arguments(parsers["nginx"], parsers["publish"])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        result: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
