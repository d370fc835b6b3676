"""`rkb publish`: atomic publishing into releases/ with a `current` symlink, and rollback.

ROOT/releases/20261126T120000-000001/   one complete build per publish
ROOT/current -> releases/...             the nginx root, switched by one rename
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from .locking import exclusive

KEEP = 5


class PublishError(Exception):
    """Publishing or rolling back failed; nothing live was changed."""


def publish_lock(root: Path) -> AbstractContextManager[None]:
    return exclusive(
        root / ".publish.lock", f"another publish into {root} is running; wait for it to finish"
    )


def releases(root: Path) -> list[Path]:
    folder = root / "releases"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def current(root: Path) -> Path | None:
    link = root / "current"
    return (root / link.readlink()).resolve() if link.is_symlink() else None


def switch(root: Path, release: Path) -> None:
    """Point ROOT/current at `release` in one atomic step (rename of a new symlink)."""
    temporary = root / f".current.{os.getpid()}"
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(release.relative_to(root))
    temporary.replace(root / "current")


def prune(root: Path, keep: int = KEEP) -> list[Path]:
    """Remove the oldest releases beyond `keep`, never the live one."""
    live = current(root)
    removed = []
    for release in releases(root)[:-keep] if keep else releases(root):
        if release.resolve() != live:
            shutil.rmtree(release)
            removed.append(release)
    return removed


def publish(root: Path, build: Callable[[Path], None]) -> Path:
    """Build a new release with `build(folder)`, switch to it, keep the last releases."""
    with publish_lock(root):
        for stale in (root / "releases").glob(".*.building-*"):  # left by a killed publish
            shutil.rmtree(stale, ignore_errors=True)
        name = datetime.now(UTC).strftime("%Y%m%dT%H%M%S-%f")
        release = root / "releases" / name
        release.parent.mkdir(parents=True, exist_ok=True)
        build(release)
        if not (release / "index.html").is_file():
            raise PublishError(f"{release}: the build produced no index.html; nothing switched")
        switch(root, release)
        prune(root)
        return release


def rollback(root: Path) -> Path:
    """Switch back to the release before the live one."""
    if current(root) is None:  # checked before the lock, whose file would be left behind
        what = "nothing is published there" if root.is_dir() else "no such folder"
        raise PublishError(f"{root}: {what}, so there is nothing to roll back")
    with publish_lock(root):
        live = current(root)
        available = [r.resolve() for r in releases(root)]
        if live is None or live not in available:
            raise PublishError(f"{root}: nothing is published, so there is nothing to roll back")
        index = available.index(live)
        if index == 0:
            raise PublishError(f"{root}: {live.name} is the oldest release kept; no earlier one")
        previous = available[index - 1]
        switch(root, previous)
        return previous
