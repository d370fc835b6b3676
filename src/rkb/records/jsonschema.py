"""JSON Schemas for editors, written from the same declarations that validate records."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .model import Course, FaqEntry, Fault, Lesson, Module, Product, Proposal, Release
from .schema import object_schema

SCHEMA_FILES: dict[str, tuple[type[Any], bool]] = {
    "product": (Product, False),
    "modules": (Module, True),
    "releases": (Release, True),
    "fault": (Fault, False),
    "proposal": (Proposal, False),
    "faq": (FaqEntry, False),
    "course": (Course, False),
    "lesson": (Lesson, False),
}


def schema_for(name: str) -> dict[str, Any]:
    cls, is_list = SCHEMA_FILES[name]
    body = object_schema(cls)
    if is_list:
        body = {"type": "array", "minItems": 1, "items": body}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"reTributor kb: {name}",
        **body,
    }


def write_schemas(directory: Path) -> list[Path]:
    """Write one `<name>.schema.json` per file kind into `directory`; return the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCHEMA_FILES:
        path = directory / f"{name}.schema.json"
        text = json.dumps(schema_for(name), ensure_ascii=False, indent=2) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
