"""Running ProperDocs (the maintained fork of MkDocs 1.6) with the rkb plugin, in process.

ProperDocs answers `import mkdocs…` with its own modules once `properdocs.replacement` is
imported, so Material and the rkb plugin run on it unchanged; that only works in a process
that has not loaded MkDocs itself (the `rkb` command imports no engine before it builds).
"""

from __future__ import annotations

import sys
from importlib.util import find_spec
from pathlib import Path

from ..build.parallel import Child
from ..build.pipeline import BuildError
from .mkdocs_ahead import start_compiling
from .mkdocs_engine import build_with_mkdocs, engine_logging

INSTALL_HINT = "ProperDocs is not installed; install it with pip install 'rkb[properdocs]'"


def _switch_to_properdocs() -> None:
    if find_spec("properdocs") is None:
        raise BuildError(INSTALL_HINT)
    loaded = sys.modules.get("mkdocs")
    if loaded is not None and loaded.__name__ != "properdocs":
        raise BuildError(
            "MkDocs is already loaded in this process; run the ProperDocs build in its own "
            "process (rkb build --engine properdocs)"
        )
    import properdocs.replacement  # noqa: F401  (mkdocs.* now means properdocs.*)

    engine_logging(logger_name="properdocs")


def build_with_properdocs(config_file: str, site_dir: Path, strict: bool) -> int:
    """Build `config_file` into `site_dir` with ProperDocs, Material and the rkb plugin:
    MkDocs' build runner, whose `mkdocs` imports now load ProperDocs."""
    _switch_to_properdocs()
    return build_with_mkdocs(config_file, site_dir, strict)


def start_compiling_properdocs(config_file: str, compiled: Path) -> Child[int] | None:
    """`start_compiling` for a ProperDocs build: the child switches to ProperDocs first."""
    return start_compiling(config_file, compiled, before=_switch_to_properdocs)
