"""`rkb build`: validate, then build the site into a folder, replacing it atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..build import folders
from ..build.places import cache_folder, staging_folder
from .engines import AHEAD, add_engine_argument

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
    """Start making the folders the last build made (see `build.folders`) before
    importing the site engine and the records code (0.2 s), then build."""
    staging = staging_folder(Path(args.site_dir))
    if args.cache and args.engine in AHEAD:  # an engine with the rkb plugin
        folders.prepare_staging(staging, cache_folder(args.config_file))
    try:
        from .build_run import run_build  # noqa: PLC0415 (after the folders are started)

        return run_build(args)
    finally:  # when the build did not take them (it failed before it started)
        if folders.made_ahead(staging):
            folders.abandon_staging(staging)
