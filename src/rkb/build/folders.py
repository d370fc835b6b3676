"""The site's page folders, made by a second process while a rebuild renders.

A page written as `faults/F-0042/index.html` needs its folder first, and on this kind of
disk making a folder costs about half a millisecond of the kernel's time: 1.5 s for a
3,000-record site, which a rebuild (that renders one page and puts the others back from
the build cache) otherwise spends on its critical path. The folders to make are known as
soon as the records are: a second process makes them while this one renders.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .parallel import Child, Outcome, in_child


def make_folders(site_dir: Path, folders: Iterable[str]) -> None:
    for folder in folders:
        (site_dir / folder).mkdir(parents=True, exist_ok=True)


Folders = Child[None] | Outcome[None]
"""Folders being made: `.result()` waits for them."""


def start_folders(site_dir: Path, folders: Iterable[str]) -> Folders:
    """Make `folders` (relative to `site_dir`) in a second process where there is one."""
    wanted = sorted(folders)
    return in_child(lambda: make_folders(site_dir, wanted), pure=True)
