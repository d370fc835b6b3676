"""The site data of a source tree, so that a plain engine build of it can search.

`rkb markdown` writes the search index and kb.json into the tree's docs/, where every
engine copies them into the site unchanged. The hand-written pages' sections are taken
from their HTML as MkDocs renders it (the configuration's Markdown extensions) and their
titles as MkDocs gives them (the nav's title, else the front matter's, else the first
heading).
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import markdown
import yaml

from ..render.pages import page_url
from ..search.documents import SearchDocument
from ..search.sections import page_sections
from .configfile import ConfigError, Tagged

_APPLY = "tag:yaml.org,2002:python/object/apply:"
_NAME = "tag:yaml.org,2002:python/name:"
_FRONT = re.compile(r"\A---\s*\n(.*?\n)(?:---|\.\.\.)\s*\n", re.S)
_FIRST_H1 = re.compile(r"\A\s*<h1[^>]*>(.*?)</h1>", re.S)
_HEADERLINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _symbol(dotted: str) -> Any:
    module, _, name = dotted.rpartition(".")
    try:
        return getattr(import_module(module), name)
    except (ImportError, AttributeError, ValueError):
        raise ConfigError(f"mkdocs.yml: cannot import {dotted!r}") from None


def resolve(value: Any) -> Any:
    """A configuration value with its YAML tags applied, as MkDocs applies them."""
    if isinstance(value, dict):
        return {key: resolve(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolve(item) for item in value]
    if not isinstance(value, Tagged):
        return value
    inner = resolve(value.value)
    if value.tag.startswith(_APPLY):
        function = _symbol(value.tag.removeprefix(_APPLY))
        if isinstance(inner, dict):
            return function(*inner.get("args", []), **inner.get("kwds", {}))
        return function(*(inner if isinstance(inner, list) else [inner]))
    if value.tag.startswith(_NAME):
        return _symbol(value.tag.removeprefix(_NAME))
    if value.tag == "!ENV":
        names = inner if isinstance(inner, list) else [inner]
        found = [os.environ[n] for n in names[:-1] if n in os.environ]
        return (
            found[0] if found else os.environ.get(names[-1], names[-1] if len(names) > 1 else None)
        )
    raise ConfigError(f"mkdocs.yml: the tag {value.tag} is not supported by rkb markdown")


def _nav_titles(nav: Any) -> Iterator[tuple[str, str]]:
    for item in nav if isinstance(nav, list) else []:
        if isinstance(item, dict):
            for title, target in item.items():
                if isinstance(target, str):
                    yield target, str(title)
                else:
                    yield from _nav_titles(target)


def _extensions(config: dict[str, Any]) -> tuple[list[str], dict[str, Any]]:
    names: list[str] = []
    settings: dict[str, Any] = {}
    for entry in resolve(config.get("markdown_extensions") or []):
        if isinstance(entry, dict):
            name, options = next(iter(entry.items()))
            names.append(name)
            settings[name] = options or {}
        else:
            names.append(str(entry))
    return names, settings


def _title(path: str, nav: dict[str, str], meta: dict[str, Any], content: str) -> str:
    if path in nav:
        return nav[path]
    if meta.get("title"):
        return str(meta["title"])
    if heading := _FIRST_H1.match(content):
        return " ".join(html.unescape(_TAG.sub("", _HEADERLINK.sub("", heading.group(1)))).split())
    if path == "index.md":
        return "Home"
    name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ").replace("_", " ")
    return name.capitalize() if name.lower() == name else name


def tree_sections(config: dict[str, Any], docs: Path, pages: list[str]) -> list[SearchDocument]:
    """Search sections of the hand-written pages `pages` (docs-relative, MkDocs's order)."""
    names, settings = _extensions(config)
    nav = dict(_nav_titles(config.get("nav")))
    documents: list[SearchDocument] = []
    for path in pages:
        text = (docs / path).read_text(encoding="utf-8")
        meta: dict[str, Any] = {}
        if front := _FRONT.match(text):
            loaded = yaml.safe_load(front.group(1))
            meta = loaded if isinstance(loaded, dict) else {}
            text = text[front.end() :]
        content = markdown.Markdown(extensions=names, extension_configs=settings).convert(text)
        title = _title(path, nav, meta, content)
        documents += page_sections(page_url(path), title, content)
    return documents
