"""The project's own synonyms: an optional `kb/synonyms.yaml`, a list of word groups.

- [счёт, инвойс, invoice]
- [контрагент, поставщик]
"""

from __future__ import annotations

import os
from pathlib import Path

from .problems import KbError, Problem
from .schema import Context, Invalid, Line, ListOf
from .yamlfile import read_yaml

FILE = "synonyms.yaml"


def load_synonyms(kb_dir: Path, shown: str | None = None) -> list[list[str]]:
    """The groups of `kb/synonyms.yaml` (none if the file is absent)."""
    path = kb_dir / FILE
    if not path.is_file():
        return []
    display = os.path.join(shown or os.fspath(kb_dir), FILE)  # noqa: PTH118
    node, problems = read_yaml(path, display)
    if problems:
        raise KbError(problems)
    if node is None:
        return []
    ctx = Context(display)
    groups = ListOf(ListOf(Line(), nonempty=True)).convert(node, ctx, "synonyms")
    if isinstance(groups, Invalid):
        raise KbError(ctx.problems or [Problem(display, 1, 1, "expected a list of word lists")])
    return [list(group) for group in groups]
