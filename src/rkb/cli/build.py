"""`rkb build`: validate, then build the site into a folder, replacing it atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..adapters.mkdocs_engine import engine_logging, quiet_engine_banner
from ..build.pipeline import BuildError, build_site, progress
from ..records.problems import KbError
from ..serving.locking import BusyError
from .engines import add_engine_argument, engine, engine_ahead
from .output import report

EPILOG = (
    "On a machine with two or more cores, part of the work (views, pages, the search "
    "index) runs in a second process, with the same result; RKB_JOBS=1 keeps it in one."
)


def add_config_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f",
        "--config-file",
        default="mkdocs.yml",
        help="MkDocs configuration (default: mkdocs.yml)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on any warning")


def add_arguments(build: argparse.ArgumentParser) -> None:
    add_config_arguments(build)
    build.add_argument("-d", "--site-dir", default="site", help="output folder (default: site)")
    build.add_argument(
        "--internal",
        action="store_true",
        help="show internal: fields, marked as internal (for the support staff's own site)",
    )
    build.add_argument(
        "--pdf",
        action="store_true",
        help="also write training/course.pdf, the course with a completion sheet (WeasyPrint)",
    )
    build.add_argument(
        "--no-cache",
        dest="cache",
        action="store_false",
        help="render every page again, neither reading nor writing .cache/rkb/",
    )
    add_engine_argument(build)


def cmd_build(args: argparse.Namespace) -> int:
    quiet_engine_banner()
    engine_logging()
    try:
        build, name = engine(args.engine)
        build_site(
            args.kb,
            Path(args.site_dir),
            args.config_file,
            build,
            args.strict,
            args.internal,
            pdf=args.pdf,
            cache=args.cache,
            engine_name=name,
            ahead=engine_ahead(args.engine),
        )
    except KbError as error:
        report(error)
        progress(f"nothing was built; {args.site_dir} is unchanged")
        return 1
    except (BuildError, BusyError) as error:
        progress(f"{error}; {args.site_dir} is unchanged")
        return 1
    return 0
