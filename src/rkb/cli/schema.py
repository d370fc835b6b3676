"""`rkb schema`: write JSON Schemas of the record files, for editors."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..records.jsonschema import write_schemas
from .new import SCHEMA_DIR


def add_arguments(schema: argparse.ArgumentParser) -> None:
    schema.add_argument(
        "-d", "--directory", help=f"where to write the schemas (default: KB/{SCHEMA_DIR})"
    )


def cmd_schema(args: argparse.Namespace) -> int:
    directory = Path(args.directory or Path(args.kb) / SCHEMA_DIR)
    for path in write_schemas(directory):
        print(path)
    return 0
