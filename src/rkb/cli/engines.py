"""The site engines `rkb build --engine` and `rkb markdown --engine` offer, loaded on use."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..build.pipeline import Ahead, Engine

ENGINES: dict[str, tuple[str, str, str]] = {
    # name: (module in rkb.adapters, build function, name in progress lines)
    "mkdocs": ("mkdocs_engine", "build_with_mkdocs", "MkDocs"),
    "properdocs": ("properdocs_engine", "build_with_properdocs", "ProperDocs"),
    "zensical": ("zensical_engine", "build_with_zensical", "Zensical"),
}
AHEAD: dict[str, tuple[str, str]] = {
    # name: (module in rkb.adapters, function that starts compiling a build's templates
    # ahead of it), for the engines that have one
    "mkdocs": ("mkdocs_ahead", "start_compiling"),
    "properdocs": ("properdocs_engine", "start_compiling_properdocs"),
}


def add_engine_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=sorted(ENGINES),
        default="mkdocs",
        help="site engine (default: mkdocs; properdocs and zensical are optional extras, "
        "see the README's 'Choosing an engine')",
    )


def engine(name: str) -> tuple[Engine, str]:
    """The build function of engine `name` and its display name."""
    module, function, display = ENGINES[name]
    build: Callable[..., None] = getattr(import_module(f"rkb.adapters.{module}"), function)
    return build, display


def engine_ahead(name: str) -> Ahead | None:
    """What starts compiling the templates of a build with engine `name` ahead of it."""
    if name not in AHEAD:
        return None
    module, function = AHEAD[name]
    ahead: Ahead = getattr(import_module(f"rkb.adapters.{module}"), function)
    return ahead
