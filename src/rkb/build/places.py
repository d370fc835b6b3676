"""Where a build writes besides its output: its staging folder and the build cache.

Light on imports, so that `rkb build` can start work there before it loads the rest.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR = ".cache/rkb"


def staging_folder(site_dir: Path) -> Path:
    """The folder a build into `site_dir` writes before it swaps it in: named after the
    build's process (see `pipeline._remove_leftovers`)."""
    return site_dir.parent / f".{site_dir.name}.building-{os.getpid()}"


def cache_folder(config_file: str) -> Path:
    """The build cache of the project whose configuration is `config_file`."""
    return Path(config_file).resolve().parent / CACHE_DIR
