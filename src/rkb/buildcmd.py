"""`rkb build` and `rkb serve`: validate first, then let MkDocs build the site.

A build goes into a temporary folder beside the output and replaces the output only
when it succeeded, so a failed or interrupted build leaves the previous site as it was.
"""

from __future__ import annotations

import argparse
import ctypes
import logging
import os
import shutil
import sys
import time
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from .loader import load_kb
from .locking import BusyError, exclusive
from .problems import KbError

KB_ENV = "RKB_KB"
INTERNAL_ENV = "RKB_INTERNAL"


class BuildError(Exception):
    """The site could not be built; the message says why."""


def _progress(message: str) -> None:
    print(f"rkb: {message}", file=sys.stderr, flush=True)


def add_arguments(build: argparse.ArgumentParser, serve: argparse.ArgumentParser) -> None:
    for parser in (build, serve):
        parser.add_argument(
            "-f",
            "--config-file",
            default="mkdocs.yml",
            help="MkDocs configuration (default: mkdocs.yml)",
        )
        parser.add_argument("--strict", action="store_true", help="fail on any warning")
    build.add_argument("-d", "--site-dir", default="site", help="output folder (default: site)")
    build.add_argument(
        "--internal",
        action="store_true",
        help="show internal: fields, marked as internal (for the support staff's own site)",
    )
    serve.add_argument(
        "-a",
        "--dev-addr",
        default="127.0.0.1:8000",
        help="address to serve on (default: 127.0.0.1:8000)",
    )


def _quiet_engine_banner() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def _mkdocs_logging(verbose: bool = False) -> None:
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "_rkb", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._rkb = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


def _check_kb(kb: str) -> None:
    _progress(f"validating {kb} ...")
    knowledge = load_kb(kb)
    _progress(f"{kb}: valid: {knowledge.summary()}")


def output_lock(site_dir: Path) -> AbstractContextManager[None]:
    """Refuse a second build into the same output while one runs."""
    return exclusive(
        site_dir.parent / f".{site_dir.name}.lock",
        f"another build into {site_dir} is running; wait for it to finish",
    )


def build_site(
    kb: str,
    site_dir: Path,
    config_file: str,
    strict: bool = False,
    internal: bool = False,
    lock: bool = True,
) -> None:
    """Validate `kb`, build into a temporary folder, then put it in place of `site_dir`."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _check_kb(kb)
    if not Path(config_file).is_file():
        raise BuildError(
            f"{config_file}: no such MkDocs configuration; run rkb in the project folder"
        )
    with output_lock(site_dir) if lock else nullcontext():
        staging = site_dir.parent / f".{site_dir.name}.building-{os.getpid()}"
        if lock:  # no other build into this folder runs: leftovers of killed ones can go
            for stale in site_dir.parent.glob(f".{site_dir.name}.building-*"):
                shutil.rmtree(stale, ignore_errors=True)
            for stale in site_dir.parent.glob(f".{site_dir.name}.old-*"):
                shutil.rmtree(stale, ignore_errors=True)
        shutil.rmtree(staging, ignore_errors=True)
        os.environ[KB_ENV] = str(Path(kb).resolve())
        os.environ[INTERNAL_ENV] = "1" if internal else "0"
        started = time.monotonic()
        _progress(f"building the site with MkDocs into {site_dir} ...")
        try:
            config = load_config(config_file=config_file, site_dir=str(staging), strict=strict)
            if "rkb" not in config.plugins:
                raise BuildError(f"{config_file} does not use the rkb plugin (plugins: - rkb)")
            build(config)
        except MkDocsException as error:
            shutil.rmtree(staging, ignore_errors=True)
            raise BuildError(f"the build failed: {error}") from None
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            os.environ.pop(KB_ENV, None)
            os.environ.pop(INTERNAL_ENV, None)
        _replace(staging, site_dir)
        pages = sum(1 for _ in site_dir.rglob("index.html"))
        _progress(
            f"site written to {site_dir}: {pages} pages in {time.monotonic() - started:.1f} s"
        )


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return bool(done == 0)


def _replace(staging: Path, site_dir: Path) -> None:
    """Put the new build in place of the old one.

    Where the system can, the two folders are swapped atomically, so the output folder
    is never missing, even for a moment; elsewhere the old one is moved aside first.
    """
    if site_dir.exists() and _exchange(staging, site_dir):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the previous build
        return
    old = site_dir.parent / f".{site_dir.name}.old-{os.getpid()}"
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    shutil.rmtree(old, ignore_errors=True)


def cmd_build(args: argparse.Namespace) -> int:
    _quiet_engine_banner()
    _mkdocs_logging()
    try:
        build_site(args.kb, Path(args.site_dir), args.config_file, args.strict, args.internal)
    except KbError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        _progress(f"nothing was built; {args.site_dir} is unchanged")
        return 1
    except (BuildError, BusyError) as error:
        _progress(f"{error}; {args.site_dir} is unchanged")
        return 1
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    _quiet_engine_banner()
    _mkdocs_logging(verbose=True)
    try:
        _check_kb(args.kb)
    except KbError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1
    os.environ[KB_ENV] = str(Path(args.kb).resolve())
    _progress(f"serving on http://{args.dev_addr}/ (rebuilds when kb/, docs/ or overrides/ change)")
    try:
        serve(
            config_file=args.config_file,
            livereload=True,
            watch_theme=True,
            dev_addr=args.dev_addr,
            strict=args.strict,
        )
    except MkDocsException as error:
        _progress(str(error))
        return 1
    return 0
