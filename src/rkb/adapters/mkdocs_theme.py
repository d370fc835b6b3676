"""The theme's files as MkDocs lists them, without walking its hidden folders.

Before `on_files`, MkDocs lists every file of the theme's folders to copy the static
ones into the site, and then drops each path with a part that starts with a dot. The
Material theme keeps its icons in `.icons/`: 14,000 of its 14,500 files, each listed
and matched against 20 patterns only to be dropped (about 0.09 s of every build, which
is a twentieth of a one-record rebuild at 3,000 records). The loader here lists no file
under a hidden folder, so MkDocs finds the same files to copy; templates, `.icons/`
included, are read as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import jinja2


class VisibleTemplates(jinja2.FileSystemLoader):
    """A theme's loader whose list skips hidden folders (see the module)."""

    def list_templates(self) -> list[str]:
        names: set[str] = set()
        for root in self.searchpath:
            for folder, subfolders, files in os.walk(root, followlinks=self.followlinks):
                subfolders[:] = [name for name in subfolders if not name.startswith(".")]
                inside = os.path.relpath(folder, root)
                prefix = "" if inside == "." else inside.replace(os.sep, "/") + "/"
                names.update(prefix + name for name in files)
        return sorted(names)


def list_visible_theme_files(theme: Any) -> None:
    """Make `theme` (MkDocs' `config.theme`) give environments with that loader."""
    get_env: Callable[[], jinja2.Environment] = theme.get_env
    if getattr(get_env, "visible_only", False):
        return

    def visible_env() -> jinja2.Environment:
        env = get_env()
        loader = env.loader
        if type(loader) is jinja2.FileSystemLoader:  # before any template is loaded
            env.loader = VisibleTemplates(loader.searchpath, loader.encoding, loader.followlinks)
        return env

    visible_env.visible_only = True  # type: ignore[attr-defined]
    theme.get_env = visible_env
