"""`rkb new`: start a record file with every required field and commented hints."""

from __future__ import annotations

import argparse
import os
from datetime import date
from pathlib import Path

from ..records.ids import KINDS, id_key
from ..records.jsonschema import write_schemas
from ..records.model import Module, Product, Release
from ..records.problems import suggest
from ..records.schema import Context, Invalid, ListOf, Nested, convert_record
from ..records.yamlfile import read_yaml
from ..render.templating import environment
from .output import fail

KIND_NAMES = {"fault": "F", "proposal": "P", "faq": "Q", "lesson": "T"}
SCHEMA_DIR = ".schema"


class NewRecordError(Exception):
    """The record could not be started; the message says why."""


def _read_list(path: Path, cls: type[Module] | type[Release]) -> tuple[object, ...] | None:
    """The records of modules.yaml or releases.yaml, or None when it is unreadable."""
    if not path.is_file():
        return None
    node, problems = read_yaml(path, str(path))
    if node is None or problems:
        return None
    value = ListOf(Nested(cls)).convert(node, Context(str(path)), "file")
    return None if isinstance(value, Invalid) else tuple(value)


def next_id(kb: Path, letter: str) -> str:
    """The id after the highest one in use for this kind (numbers are never reused)."""
    kind = KINDS[letter]
    folder = kb / kind.folder
    numbers = [0]
    if folder.is_dir():
        for path in folder.glob(f"{letter}-*.y*ml"):
            key = id_key(path.stem)
            if key is not None and key[0] == letter:
                numbers.append(key[1])
    return kind.canonical(max(numbers) + 1)


def _module_value(kb: Path, module: str | None) -> str:
    modules = _read_list(kb / "modules.yaml", Module)
    ids = [m.id for m in modules or () if isinstance(m, Module)]
    if module is None:
        listed = ", ".join(ids) if ids else "см. modules.yaml"
        return f'"TODO: модуль из modules.yaml ({listed})"'
    if modules is not None and module not in ids:
        raise NewRecordError(
            f"unknown module '{module}'; expected one of {', '.join(ids)}{suggest(module, ids)}"
        )
    return module


def _version_value(kb: Path) -> str:
    releases = _read_list(kb / "releases.yaml", Release)
    released = [r.version for r in releases or () if isinstance(r, Release) and r.released]
    return f'"{released[-1]}"' if released else '"TODO: выпущенная версия"'


def create_record(
    kb: Path, kind_name: str, module: str | None = None, today: date | None = None
) -> Path:
    """Write the next free id's file for `kind_name`; never overwrites an existing file."""
    if kind_name not in KIND_NAMES:
        raise NewRecordError(
            f"unknown record kind '{kind_name}'; expected one of {', '.join(KIND_NAMES)}"
        )
    if not kb.is_dir():
        raise NewRecordError(f"{kb}: no such knowledge-base folder")
    letter = KIND_NAMES[kind_name]
    if letter == "T" and module is not None:
        raise NewRecordError("lessons have no module; leave out --module")
    kind = KINDS[letter]
    record_id = next_id(kb, letter)
    path = kb / kind.folder / f"{record_id}.yaml"
    schema_dir = kb / SCHEMA_DIR
    module_value = "" if letter == "T" else _module_value(kb, module)
    write_schemas(schema_dir)
    schema_name = {"F": "fault", "P": "proposal", "Q": "faq", "T": "lesson"}[letter]
    text = (
        environment("new")
        .get_template(f"{kind_name}.yaml.j2")
        .render(
            id=record_id,
            module=module_value,
            version=_version_value(kb) if letter == "F" else "",
            today=(today or date.today()).isoformat(),
            schema=os.path.relpath(schema_dir / f"{schema_name}.schema.json", path.parent),
        )
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError as exc:
        raise NewRecordError(f"{path}: already exists; nothing was written") from exc
    return path


def add_arguments(new: argparse.ArgumentParser) -> None:
    new.add_argument("kind", choices=list(KIND_NAMES), help="kind of record")
    new.add_argument("--module", help="module id from modules.yaml")


def cmd_new(args: argparse.Namespace) -> int:
    try:
        path = create_record(Path(args.kb), args.kind, args.module)
    except NewRecordError as error:
        return fail(str(error))
    print(f"created {path}: fill in every 'TODO:' value, then run: rkb validate --kb {args.kb}")
    print(f"the fields, their values and a complete example: {_format_address(Path(args.kb))}")
    return 0


def _format_address(kb: Path) -> str:
    """The record-format reference page of the kb's site (/kb-format/ in every build)."""
    node, problems = read_yaml(kb / "product.yaml", "product.yaml")
    product = None if node is None or problems else convert_record(Product, node, Context(""))
    if isinstance(product, Product):
        return product.site_url.rstrip("/") + "/kb-format/"
    return "/kb-format/ in the built site (rkb build)"
