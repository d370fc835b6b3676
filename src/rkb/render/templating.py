"""Jinja2 environments for the packaged templates (overridable from a folder)."""

from __future__ import annotations

from pathlib import Path

import jinja2
import jinja2.bccache


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates; one that cannot be written (its folder
    removed with a damaged build cache, a full disk) only makes the build slower."""

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            Path(self.directory).mkdir(parents=True, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            return


def compiled_templates(folder: Path) -> jinja2.BytecodeCache:
    """Templates compiled by an earlier build, kept in `folder` (Jinja checks each one
    against its source's checksum and its own version before use)."""
    return _CompiledTemplates(str(folder))


def environment(
    subfolder: str, overrides: Path | None = None, compiled: Path | None = None
) -> jinja2.Environment:
    """Templates of `templates/<subfolder>`; files in `overrides/rkb/<subfolder>` win.
    With `compiled`, templates compiled by an earlier build are kept there."""
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
        bytecode_cache=compiled_templates(compiled) if compiled is not None else None,
    )
