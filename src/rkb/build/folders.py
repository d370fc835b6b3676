"""The site's page folders, made by a second process while a rebuild validates and renders.

A page written as `faults/F-0042/index.html` needs its folder first, and on this kind of
disk making a folder costs 0.03-0.4 ms of the kernel's time: 0.1-1 s for a 3,000-record
site, which a rebuild (that renders one page and puts the others back from the build
cache) otherwise spends on its critical path. The folders to make are known before the
knowledge base is read, from the last build (`remember_folders`): a second process makes
them while this one validates, when the second core has nothing else to do
(`start_early`). The build then makes the folders the last one did not have
(`start_folders`), and removes those it did not use (`finish_early`), so that its folder
holds what a build without a cache would write.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Collection, Iterable
from pathlib import Path

from .parallel import Child, Outcome, can_fork, in_child, lowered

FOLDERS_FILE = "folders.json"
"""In the build cache: the page folders the last build made, as a JSON list."""


def make_folders(site_dir: Path, folders: Iterable[str]) -> None:
    for folder in folders:
        (site_dir / folder).mkdir(parents=True, exist_ok=True)


Folders = Child[None] | Outcome[None]
"""Folders being made: `.result()` waits for them."""

_early: dict[str, tuple[frozenset[str], Child[None]]] = {}
"""The folders being made ahead of each build (by its folder), and the child making them."""


def _key(site_dir: Path) -> str:
    return os.path.abspath(site_dir)  # noqa: PTH100 (the engine's config holds it so)


def made_ahead(site_dir: Path) -> bool:
    """Whether `site_dir` is a new build's folder, made with the folders made ahead of
    it and nothing else yet."""
    return _key(site_dir) in _early


def remembered_folders(cache_dir: Path) -> list[str]:
    """The folders `remember_folders` kept in `cache_dir` (none if it kept nothing or
    the file is not a list of relative paths)."""
    try:
        folders = json.loads((cache_dir / FOLDERS_FILE).read_bytes())
    except (OSError, ValueError):
        return []
    if not isinstance(folders, list) or not all(_relative(f) for f in folders):
        return []
    return folders


def _relative(folder: object) -> bool:
    """A folder inside the site: a relative path without `..` (a damaged file must not
    make folders elsewhere)."""
    if not isinstance(folder, str) or not folder or folder.startswith("/"):
        return False
    return ".." not in folder.split("/") and "\0" not in folder


def remember_folders(cache_dir: Path, site_dir: Path, folders: Collection[str]) -> None:
    """Keep `folders` for the next build (unless they are what this one was given)."""
    early = _early.get(_key(site_dir))
    if early is not None and early[0] == frozenset(folders):
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = cache_dir / f"{FOLDERS_FILE}.tmp-{os.getpid()}"
    temporary.write_text(json.dumps(sorted(folders), ensure_ascii=False), "utf-8")
    temporary.replace(cache_dir / FOLDERS_FILE)


def start_early(site_dir: Path, cache_dir: Path) -> None:
    """Start making the folders the last build remembered in `cache_dir`, in the new
    folder `site_dir`, in a second process at a lower priority (only where there is one:
    here they would only delay the build)."""
    folders = remembered_folders(cache_dir)
    if not folders or not can_fork(pure=True):
        return
    try:
        site_dir.mkdir(parents=True)
    except OSError:  # not here (the build reports what is wrong with the folder)
        return
    _early[_key(site_dir)] = (
        frozenset(folders),
        Child(lowered(lambda: make_folders(site_dir, folders))),
    )


def start_folders(site_dir: Path, folders: Iterable[str]) -> Folders:
    """Make `folders` (relative to `site_dir`) in a second process where there is one,
    but for those already being made ahead of the build."""
    early = _early.get(_key(site_dir))
    made = early[0] if early is not None else frozenset()
    wanted = sorted(set(folders) - made)
    return in_child(lambda: make_folders(site_dir, wanted), pure=True)


def finish_early(site_dir: Path, needed: Collection[str] = ()) -> None:
    """Once nothing writes into `site_dir` any more: wait for the folders made ahead
    of its build, then remove those not in `needed` that stayed empty (with their
    parents, if they are empty too). A failed child leaves the build as it is: pages
    make their folders when they are written."""
    early = _early.pop(_key(site_dir), None)
    if early is None:
        return
    made, child = early
    with contextlib.suppress(Exception):
        child.result()
    for folder in made.difference(needed):
        path = site_dir / folder
        while path != site_dir:
            try:
                path.rmdir()
            except OSError:  # not empty (or gone): kept
                break
            path = path.parent


def drop_early(site_dir: Path) -> None:
    """Forget the folders made ahead of a build into `site_dir` that did not finish,
    stopping the child if it still makes them."""
    early = _early.pop(_key(site_dir), None)
    if early is not None:
        early[1].stop()


def prepare_staging(staging: Path, cache_dir: Path | None) -> None:
    """A new build's staging folder: none left by a killed build that had this
    process's number, and, with the build cache `cache_dir`, the folders the last build
    made being made (`start_early`); nothing if that was done for this build already."""
    if made_ahead(staging):
        return
    shutil.rmtree(staging, ignore_errors=True)
    if cache_dir is not None:
        start_early(staging, cache_dir)


def abandon_staging(staging: Path) -> None:
    """Remove the staging folder of a build that did not finish, with the folders made
    ahead of it."""
    drop_early(staging)
    shutil.rmtree(staging, ignore_errors=True)
