"""The build pipeline: validate, build into a staging folder, swap it in atomically.

The engine that turns the configuration into pages is passed in (see `rkb.adapters`), so
a failed or interrupted build leaves the previous site as it was, whatever the engine.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from ..records.loader import load_kb
from ..serving.locking import exclusive

KB_ENV = "RKB_KB"
INTERNAL_ENV = "RKB_INTERNAL"

Engine = Callable[[str, Path, bool], None]
"""An engine builds `config_file` into a folder: engine(config_file, folder, strict)."""


class BuildError(Exception):
    """The site could not be built; the message says why."""


def progress(message: str) -> None:
    print(f"rkb: {message}", file=sys.stderr, flush=True)


def check_kb(kb: str) -> None:
    progress(f"validating {kb} ...")
    knowledge = load_kb(kb)
    progress(f"{kb}: valid: {knowledge.summary()}")


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
    engine: Engine,
    strict: bool = False,
    internal: bool = False,
    lock: bool = True,
    engine_name: str = "MkDocs",
) -> None:
    """Validate `kb`, build into a temporary folder, then put it in place of `site_dir`."""
    check_kb(kb)
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
        progress(f"building the site with {engine_name} into {site_dir} ...")
        try:
            engine(config_file, staging, strict)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        finally:
            os.environ.pop(KB_ENV, None)
            os.environ.pop(INTERNAL_ENV, None)
        _replace(staging, site_dir)
        pages = sum(1 for _ in site_dir.rglob("index.html"))
        progress(f"site written to {site_dir}: {pages} pages in {time.monotonic() - started:.1f} s")


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
