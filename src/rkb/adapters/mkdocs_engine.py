"""Running MkDocs itself: a build into a folder, and the live-reloading preview server."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from ..build.pipeline import BuildError


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


def build_with_mkdocs(config_file: str, site_dir: Path, strict: bool) -> None:
    """Build `config_file` into `site_dir` with MkDocs and the rkb plugin."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    try:
        config = load_config(config_file=config_file, site_dir=str(site_dir), strict=strict)
        if "rkb" not in config.plugins:
            raise BuildError(f"{config_file} does not use the rkb plugin (plugins: - rkb)")
        build(config)
    except MkDocsException as error:
        raise BuildError(f"the build failed: {error}") from None


def serve_with_mkdocs(config_file: str, dev_addr: str, strict: bool) -> None:
    """MkDocs' preview server, rebuilding on changes; BuildError when it cannot start."""
    from mkdocs.commands.serve import serve
    from mkdocs.exceptions import MkDocsException

    try:
        serve(
            config_file=config_file,
            livereload=True,
            watch_theme=True,
            dev_addr=dev_addr,
            strict=strict,
        )
    except MkDocsException as error:
        raise BuildError(str(error)) from None
