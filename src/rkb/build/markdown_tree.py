"""The complete source of the site as plain files, for any MkDocs-compatible engine.

`write_tree` writes what the rkb plugin adds in memory: the hand-written docs/ with their
`{{ rkb.* }}` tokens replaced and the module chapters' generated sections appended, every
generated page as Markdown, the site's own CSS and JS, the theme overrides, and an
`mkdocs.yml` that needs no rkb plugin (nav, theme and overrides, extra CSS and JS,
Markdown extensions, generated pages outside the nav as `not_in_nav`).
"""

from __future__ import annotations

import os
import posixpath
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..records.ids import KINDS, canonical_id
from ..records.loader import KnowledgeBase, load_kb
from ..records.mentions import scan
from ..render import SiteRenderer
from ..render.checks import unknown_mentions
from ..render.idlinks import LINK_CLASS
from .configfile import read_config, write_config
from .sitedata import write_site_data
from .tree_index import tree_sections

MARKER = ".rkb-markdown"
"""Marks a folder `rkb markdown` wrote, which it may replace."""
DOC_SUFFIXES = (".md", ".markdown")
RECORD_PAGE = re.compile(r"[A-Z]-[0-9A-Za-z]+\.md")
HEADER = (
    "# Written by `rkb markdown` from the project's mkdocs.yml and kb/: the site's complete\n"
    "# source. Any MkDocs-compatible engine builds it alone (`mkdocs build`); no rkb plugin.\n"
)


@dataclass(frozen=True)
class ThemeParts:
    """What the rkb plugin adds to a configuration (see `rkb.adapters.site_parts`)."""

    assets: Mapping[str, bytes]
    label_keys: Sequence[str]
    extensions: Sequence[str]
    diagram_assets: Callable[[Path], Mapping[str, bytes]] | None = None
    """Mermaid and its licence from an installed npm package folder (empty if missing)."""


@dataclass
class TreeOptions:
    internal: bool = False
    theme: Mapping[str, Any] = field(default_factory=dict)
    """Settings added to `theme:` (Zensical's `variant: classic`, for example)."""
    adapt_overrides: Callable[[Path], list[str]] | None = None
    """Called with the tree's overrides folder; returns warnings to print."""
    site_data: bool = True
    """Write the search index and kb.json into docs/ (the Zensical build writes its own)."""
    check_plugins: Callable[[list[str]], list[str]] | None = None
    """Called with the names of the plugins left in the tree's mkdocs.yml; returns warnings."""
    exclude_from_theme_search: bool = False
    """Mark every page `search: exclude: true`: the theme's own search index is not used
    (rkb's is), and Zensical's refuses a listing of thousands of records."""


@dataclass
class SourceTree:
    root: Path
    kb: KnowledgeBase
    handwritten: list[str]
    """The hand-written pages' paths under docs/, in MkDocs's order."""
    warnings: list[str]
    views: Mapping[str, Any] = field(default_factory=dict)
    """The records' rendered views the pages were made from (for the site data)."""


def handwritten_files(docs: Path) -> list[str]:
    """Every file under `docs` as a docs-relative path, in the order MkDocs walks them."""
    found: list[str] = []
    for folder, dirnames, filenames in os.walk(docs, followlinks=True):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        names = sorted(
            (n for n in filenames if not n.startswith(".")),
            key=lambda n: (posixpath.splitext(n)[0] not in ("index", "README"), n),
        )
        relative = Path(folder).relative_to(docs).as_posix()
        found += [n if relative == "." else f"{relative}/{n}" for n in names]
    return found


def not_in_nav(paths: Sequence[str]) -> str:
    """gitignore-style patterns for pages outside the nav: a glob per record folder."""
    patterns: list[str] = []
    for path in paths:
        folder, name = posixpath.split(path)
        pattern = f"/{folder}/{name[0]}-*.md" if RECORD_PAGE.fullmatch(name) else f"/{path}"
        if pattern not in patterns:
            patterns.append(pattern)
    return "\n".join(patterns) + "\n"


_MERMAID_FENCE = re.compile(r"^[ \t]*(```|~~~)[ \t]*mermaid\b|<pre class=\"mermaid\"", re.M)


_SEARCH_EXCLUDED = "search:\n  exclude: true\n"


def excluded_from_theme_search(text: str) -> str:
    """`text` with `search: exclude: true` in its front matter (added or created)."""
    front = _FRONT.match(text)
    if front is None:
        return f"---\n{_SEARCH_EXCLUDED}---\n\n{text}"
    if re.search(r"(?m)^search:", front.group(0)):
        return text  # the writer's own setting stays
    first_line = text.index("\n") + 1
    return text[:first_line] + _SEARCH_EXCLUDED + text[first_line:]


def has_diagram(text: str) -> bool:
    """A page's Markdown holds a Mermaid diagram (a fence, or a record's rendered one)."""
    # the word first: found as a substring, it spares the pattern's search of most pages
    return "mermaid" in text and _MERMAID_FENCE.search(text) is not None


def with_diagram_script(text: str, page: str, script: str | None) -> str:
    """A page with a Mermaid diagram loads the shipped Mermaid (`script`) at the end of its
    content, before the theme's own script, so no engine's theme fetches it from another
    host. The plugin and the plain tree both use this, so their pages are the same."""
    if script is None or not has_diagram(text):
        return text
    stem = page.removesuffix(".md")
    url = "" if stem in ("index", "") else stem.removesuffix("/index") + "/"
    href = posixpath.relpath(script, url.rstrip("/") or ".")
    return text.rstrip() + f'\n\n<script src="{href}"></script>\n'


_FRONT = re.compile(r"\A---\s*\n.*?\n(?:---|\.\.\.)\s*\n", re.S)


def _attribute(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def link_ids(text: str, page: str, kb: KnowledgeBase) -> str:
    """Ids in a hand-written page's body as the links the plugin's id-link extension makes:
    Markdown links to the record's page (every engine resolves and checks those)."""
    front = _FRONT.match(text)
    start = front.end() if front else 0
    body = text[start:]
    pieces, position = [], 0
    for mention in scan(body).mentions:
        record_id, record = canonical_id(mention.text), kb.record(mention.text)
        if record is None or record_id is None:
            continue
        title = str(getattr(record, "title", None) or getattr(record, "question", ""))
        target = f"{KINDS[record_id[0]].folder}/{record_id}.md"
        href = posixpath.relpath(target, posixpath.dirname(page) or ".")
        title = title.replace("\\", "\\\\").replace('"', '\\"')
        pieces.append(body[position : mention.offset])
        pieces.append(f'[{mention.text}]({href} "{title}"){{: .{LINK_CLASS} }}')
        position = mention.offset + len(mention.text)
    return text[:start] + "".join(pieces) + body[position:]


def _page_text(text: str, page: str, script: str | None, options: TreeOptions) -> str:
    text = with_diagram_script(text, page, script)
    return excluded_from_theme_search(text) if options.exclude_from_theme_search else text


def _diagram_assets(parts: ThemeParts, root: Path) -> dict[str, bytes]:
    if parts.diagram_assets is None:
        return {}
    return dict(parts.diagram_assets(root / "node_modules" / "mermaid"))


def _handwritten_page(
    renderer: SiteRenderer, kb: KnowledgeBase, name: str, source: Path
) -> tuple[str, list[str]]:
    """A docs/ page as the plugin serves it: tokens replaced, a module chapter's generated
    sections appended, ids linked; with the warnings about it."""
    original = source.read_text(encoding="utf-8")
    warnings = [
        f"docs/{name}:{line}:{column}: {message}"
        for line, column, message in unknown_mentions(kb, original)
    ]
    text, unknown = renderer.expand_tokens(original, name)
    warnings += [f"docs/{name}: unknown token {{{{ rkb.{token} }}}}" for token in unknown]
    module = renderer.module_of(name)
    if module is not None:
        text = text.rstrip() + "\n\n" + renderer.guide_sections(module, name)
    return link_ids(text, name, kb), warnings


def _extension_names(extensions: list[Any]) -> set[str]:
    return {next(iter(e)) if isinstance(e, dict) else str(e) for e in extensions}


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")


def write_tree(
    kb_dir: Path,
    config_file: Path,
    out: Path,
    parts: ThemeParts,
    options: TreeOptions | None = None,
) -> SourceTree:
    """Write the site's source into `out` (an empty or new folder)."""
    options = options or TreeOptions()
    config = read_config(config_file)
    root = config_file.parent
    kb = load_kb(kb_dir)
    custom = (
        config.get("theme", {}).get("custom_dir") if isinstance(config.get("theme"), dict) else None
    )
    overrides = root / custom if custom else None
    renderer = SiteRenderer(kb, overrides, internal=options.internal)
    docs = root / str(config.get("docs_dir") or "docs")
    warnings: list[str] = []

    diagrams = _diagram_assets(parts, root)
    script = next((uri for uri in diagrams if uri.endswith(".min.js")), None)
    files = handwritten_files(docs) if docs.is_dir() else []
    pages = [f for f in files if f.endswith(DOC_SUFFIXES)]
    for name in files:
        source = docs / name
        if not name.endswith(DOC_SUFFIXES):
            _write(out / "docs" / name, source.read_bytes())
            continue
        text, page_warnings = _handwritten_page(renderer, kb, name, source)
        warnings += page_warnings
        _write(out / "docs" / name, _page_text(text, name, script, options))
    generated = renderer.pages(set(pages))
    for page in generated:
        _write(out / "docs" / page.path, _page_text(page.markdown, page.path, script, options))
    for path, text in renderer.data_files().items():  # upgrade.json of the planner
        _write(out / "docs" / path, text)
    for uri, content in {**parts.assets, **diagrams}.items():
        _write(out / "docs" / uri, content)
    if overrides is not None and overrides.is_dir():
        shutil.copytree(overrides, out / "overrides", dirs_exist_ok=True)
        if options.adapt_overrides is not None:
            warnings += options.adapt_overrides(out / "overrides")

    if options.check_plugins is not None:
        plugins = [p if isinstance(p, str) else next(iter(p)) for p in config.get("plugins") or []]
        warnings += options.check_plugins([name for name in plugins if name != "rkb"])
    tree_config = _tree_config(config, kb, renderer, parts, options, generated)
    write_config(out / "mkdocs.yml", tree_config, HEADER)
    if options.site_data:  # as static files: a plain engine build of the tree searches too
        sections = tree_sections(tree_config, out / "docs", pages)
        write_site_data(kb, out / "docs", sections, False, views=renderer.views)
    return SourceTree(out, kb, pages, warnings, renderer.views)


def _tree_config(
    config: dict[str, Any],
    kb: KnowledgeBase,
    renderer: SiteRenderer,
    parts: ThemeParts,
    options: TreeOptions,
    generated: Sequence[Any],
) -> dict[str, Any]:
    product = kb.product
    tree = dict(config)
    for key in ("docs_dir", "site_dir"):
        tree.pop(key, None)
    tree["site_name"] = product.name
    tree["site_url"] = config.get("site_url") or product.site_url
    theme = (
        dict(config["theme"])
        if isinstance(config.get("theme"), dict)
        else {"name": config.get("theme", "material")}
    )
    theme["language"] = product.language
    if theme.get("custom_dir"):
        theme["custom_dir"] = "overrides"
    theme.update(options.theme)
    tree["theme"] = theme
    plugins = [
        p
        for p in config.get("plugins") or []
        if p != "rkb" and not (isinstance(p, dict) and "rkb" in p)
    ]
    tree["plugins"] = plugins  # an explicit [] keeps MkDocs from adding its own search
    extra = dict(config.get("extra") or {})
    extra["rkb"] = {key: renderer.labels[key] for key in parts.label_keys}
    tree["extra"] = extra
    tree.setdefault("nav", None)
    if not tree["nav"]:
        tree["nav"] = renderer.nav()
    extensions = list(config.get("markdown_extensions") or [])
    names = _extension_names(extensions)
    extensions += [e for e in parts.extensions if e not in names]
    tree["markdown_extensions"] = extensions
    css = [u for u in parts.assets if u.endswith(".css")]
    js = [u for u in parts.assets if not u.endswith(".css")]
    tree["extra_css"] = list(config.get("extra_css") or []) + css
    tree["extra_javascript"] = list(config.get("extra_javascript") or []) + js
    out_of_nav = [page.path for page in generated if not page.in_nav]
    if out_of_nav:
        own = str(config.get("not_in_nav") or "").strip()
        tree["not_in_nav"] = (own + "\n" if own else "") + not_in_nav(out_of_nav)
    return tree
