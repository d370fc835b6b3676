"""`rkb markdown`: write the site's complete source as plain files for any engine."""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path

from ..build.configfile import ConfigError
from ..build.markdown_tree import MARKER, TreeOptions, write_tree
from ..build.pipeline import BuildError, progress
from ..records.problems import KbError
from .output import report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-d", "--dir", required=True, help="output folder (new, or written by rkb markdown)"
    )
    parser.add_argument(
        "-f",
        "--config-file",
        default="mkdocs.yml",
        help="MkDocs configuration (default: mkdocs.yml)",
    )
    parser.add_argument(
        "--engine",
        choices=["mkdocs", "properdocs", "zensical"],
        default="mkdocs",
        help="the engine the tree is for: zensical replaces the overrides copied from "
        "Material's templates with Zensical's own, mended (default: mkdocs)",
    )
    parser.add_argument("--strict", action="store_true", help="fail on any warning")
    parser.add_argument(
        "--internal", action="store_true", help="show internal: fields (staff site)"
    )


def _options(engine: str, internal: bool) -> TreeOptions:
    if engine == "zensical":
        from ..adapters.zensical_engine import tree_options

        return tree_options(internal)
    return TreeOptions(internal=internal)


def _replace(staging: Path, out: Path) -> None:
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


def cmd_markdown(args: argparse.Namespace) -> int:
    out = Path(args.dir).absolute()
    if out.exists() and any(out.iterdir()) and not (out / MARKER).is_file():
        progress(
            f"{args.dir} exists and was not written by rkb markdown; name a new or empty folder"
        )
        return 1
    staging = out.parent / f".{out.name}.writing-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        from ..adapters.site_parts import theme_parts

        options = _options(args.engine, args.internal)
        tree = write_tree(
            Path(args.kb), Path(args.config_file).absolute(), staging, theme_parts(), options
        )
        for warning in tree.warnings:
            progress(f"warning: {warning}")
        if args.strict and tree.warnings:
            raise BuildError(f"{len(tree.warnings)} warnings in strict mode")
        (staging / MARKER).write_text(
            "written by rkb markdown; rewritten on every run\n", encoding="utf-8"
        )
        _replace(staging, out)
    except KbError as error:
        report(error)
        progress(f"nothing was written; {args.dir} is unchanged")
        return 1
    except (BuildError, ConfigError) as error:
        progress(f"{error}; {args.dir} is unchanged")
        return 1
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    pages = sum(1 for _ in (out / "docs").rglob("*.md"))
    builder = "zensical" if args.engine == "zensical" else "mkdocs"
    progress(
        f"source written to {args.dir}: {pages} pages; "
        f"build it with: cd {args.dir} && {builder} build"
    )
    return 0
