"""Jinja2 environments for the packaged templates (overridable from a folder)."""

from __future__ import annotations

from pathlib import Path

import jinja2


def environment(subfolder: str, overrides: Path | None = None) -> jinja2.Environment:
    """Templates of `templates/<subfolder>`; files in `overrides/rkb/<subfolder>` win."""
    loaders: list[jinja2.BaseLoader] = []
    if overrides is not None:
        loaders.append(jinja2.FileSystemLoader(overrides / "rkb" / subfolder))
    loaders.append(jinja2.PackageLoader("rkb", f"templates/{subfolder}"))
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
