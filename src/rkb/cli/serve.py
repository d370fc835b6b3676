"""`rkb serve`: build and serve the site on 127.0.0.1, rebuilding on changes."""

from __future__ import annotations

import argparse
import os
import signal
from pathlib import Path

from ..adapters.mkdocs_engine import engine_logging, quiet_engine_banner
from ..build.cache import CACHE_ENV
from ..build.pipeline import KB_ENV, BuildError, check_kb, progress
from ..build.places import cache_folder
from ..records.problems import KbError
from .build import add_config_arguments
from .output import report


def add_arguments(serve: argparse.ArgumentParser) -> None:
    add_config_arguments(serve)
    serve.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        help="address to serve on (default: 127.0.0.1:8000)",
    )


def _stop(*_: object) -> None:
    raise KeyboardInterrupt


def stop_on_signals() -> None:
    """Ctrl+C and `kill` both stop the preview cleanly (its temporary folder removed),
    also when it was started in the background by a script, whose shell makes such jobs
    ignore Ctrl+C."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _stop)


def cmd_serve(args: argparse.Namespace) -> int:
    stop_on_signals()
    quiet_engine_banner()
    engine_logging(verbose=True)
    cache = cache_folder(args.config_file)
    try:
        check_kb(args.kb, cache)
    except KbError as error:
        return report(error)
    os.environ[KB_ENV] = str(Path(args.kb).resolve())
    os.environ[CACHE_ENV] = str(cache)
    progress(f"serving on http://{args.dev_addr}/ (rebuilds when kb/, docs/ or overrides/ change)")
    # MkDocs loads only when a command runs it: `rkb build --engine properdocs` needs a
    # process where MkDocs was never imported, and building the parser imports this module.
    from ..adapters.mkdocs_serve import serve_with_mkdocs

    try:
        serve_with_mkdocs(args.config_file, args.dev_addr, args.strict, Path(args.kb))
    except BuildError as error:
        progress(str(error))
        return 1
    return 0
