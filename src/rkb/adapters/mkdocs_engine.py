"""Running MkDocs itself: a build into a folder, and the live-reloading preview server."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from ..build.cache import CACHE_ENV
from ..build.folders import made_ahead
from ..build.pipeline import BuildError

DIRTY_WARNING = "A 'dirty' build is being performed"


class _NoDirtyWarning(logging.Filter):
    """MkDocs warns about `dirty` builds, meant for its own stale output folders; rkb
    builds into a fresh folder and puts back only pages whose inputs are unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(DIRTY_WARNING)


def quiet_engine_banner() -> None:
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def engine_logging(verbose: bool = False, logger_name: str = "mkdocs") -> None:
    logger = logging.getLogger(logger_name)
    if not any(getattr(h, "_rkb", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler._rkb = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)


def build_with_mkdocs(config_file: str, site_dir: Path, strict: bool) -> int:
    """Build `config_file` into `site_dir` with MkDocs and the rkb plugin; returns how
    many pages were written."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_config(config_file=config_file, site_dir=str(site_dir), strict=strict)
        if "rkb" not in config.plugins:
            raise BuildError(f"{config_file} does not use the rkb plugin (plugins: - rkb)")
        plugin = config.plugins["rkb"]
        fresh = not site_dir.exists() or made_ahead(site_dir) or not any(site_dir.iterdir())
        plugin.use_cache = fresh and bool(os.environ.get(CACHE_ENV))  # type: ignore[attr-defined]
        quiet_dirty_warning()
        build(config, dirty=plugin.use_cache)  # type: ignore[attr-defined]
        plugin.save_cache()  # type: ignore[attr-defined]
        return int(plugin.pages_built)  # type: ignore[attr-defined]
    except MkDocsException as error:
        raise BuildError(f"the build failed: {error}") from None


def quiet_dirty_warning() -> None:
    logger = logging.getLogger("mkdocs.commands.build")
    if not any(isinstance(f, _NoDirtyWarning) for f in logger.filters):
        logger.addFilter(_NoDirtyWarning())
