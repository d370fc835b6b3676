"""Building the site with Zensical, which runs no MkDocs plugins.

Zensical builds the plain source tree of `rkb markdown` (every generated page as a file)
with its `classic` theme variant; the search index, kb.json and the .gz copies are then
written by the core, exactly as for MkDocs. The theme overrides that are copies of
Material's templates (they name the Material version they copy) cannot serve Zensical's
own theme: each is replaced by Zensical's template of the same name with the same mend
applied at build time; where a mend no longer fits the installed Zensical, the build says
so in a warning line.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from importlib.metadata import version
from importlib.util import find_spec
from pathlib import Path

from ..build.built_sections import built_sections
from ..build.markdown_tree import TreeOptions, write_tree
from ..build.pipeline import INTERNAL_ENV, KB_ENV, BuildError, progress
from ..build.sitedata import write_site_data
from .site_parts import theme_parts

INSTALL_HINT = "Zensical is not installed; install it with pip install 'rkb[zensical]'"
COPIED_TEMPLATE = re.compile(r"Material for MkDocs (\S+)'s templates/(\S+),")
THEME = {"variant": "classic"}


@dataclass(frozen=True)
class Mend:
    pattern: re.Pattern[str]
    replacement: str
    without: str
    """What the reader loses when the mend does not fit the installed Zensical."""
    optional: bool = False
    """Nothing is lost when it does not fit: newer Zensical templates fixed it themselves."""


_TOC_TITLE = r'<span class="md-nav__icon md-icon"></span>\s*\{\{ title \}\}\s*'
MENDS: dict[str, list[Mend]] = {
    # The drawer and search toggles: autocomplete="off" is allowed on text inputs only;
    # an empty form with autocomplete="off" owns them instead (as overrides/base.html does).
    "base.html": [
        Mend(
            re.compile(r'(<input class="md-toggle" data-md-toggle="drawer")'),
            '<form id="__toggles" autocomplete="off" hidden></form>\n    \\1',
            "the toggles' form is missing (Nu Html Checker errors on every page)",
        ),
        Mend(
            re.compile(
                r'(<input class="md-toggle" data-md-toggle="\w+" type="checkbox" id="__\w+")'
                r' autocomplete="off">'
            ),
            '\\1 form="__toggles">',
            'the drawer and search toggles keep autocomplete="off" (Nu Html Checker errors)',
        ),
        # aria-hidden is not allowed on the label of a form control; the overlay has no
        # text, so screen readers have nothing to skip without it.
        Mend(
            re.compile(r'(<label class="md-overlay" for="__drawer") aria-hidden="true">'),
            "\\1>",
            "the drawer's overlay label keeps aria-hidden (Nu Html Checker errors)",
            optional=True,  # zensical-ui's templates give it an aria-label instead
        ),
    ],
    # A section label's tabindex="" (not an integer): left out when empty.
    "partials/nav-item.html": [
        Mend(
            re.compile(r' tabindex="\{\{ tabindex \}\}"'),
            '{% if tabindex %} tabindex="{{ tabindex }}"{% endif %}',
            'section labels keep tabindex="" (Nu Html Checker errors)',
        )
    ],
    # The table of contents' title is a label for the __toc checkbox, which exists only on
    # pages in the navigation; elsewhere (record pages, 404) it is a plain <div>.
    "partials/toc.html": [
        Mend(
            re.compile(rf'<label class="md-nav__title" for="__toc">\s*({_TOC_TITLE})</label>'),
            '{% if nav and page in nav.pages %}<label class="md-nav__title" for="__toc">\\1'
            '</label>{% else %}<div class="md-nav__title">\\1</div>{% endif %}',
            "pages outside the navigation label a missing checkbox (Nu Html Checker errors)",
        )
    ],
    # The knowledge base's own search box in place of the theme's search.
    "partials/header.html": [
        Mend(
            re.compile(
                r'\{% if "search" in config\.plugins %\}.*?\{% endif %\}\s*\{% endif %\}', re.S
            ),
            '{% include "partials/rkb-search.html" %}',
            "THE SITE'S SEARCH BOX IS MISSING from the header (the /search/ page still works)",
        ),
        # An empty repository box (no repo_url) would push the search box off the right edge.
        Mend(
            re.compile(
                r'<div class="md-header__source">\s*\{% if config\.repo_url %\}(.*?)'
                r"\{% endif %\}\s*</div>",
                re.S,
            ),
            '{% if config.repo_url %}<div class="md-header__source">\\1</div>{% endif %}',
            "the search box stands in the middle of the header, not at its right edge",
        ),
    ],
}


def installed() -> str:
    if find_spec("zensical") is None:
        raise BuildError(INSTALL_HINT)
    return version("zensical")


def _theme_dir() -> Path:
    from zensical.config import get_builtin_theme_dir  # 0.0.x: zensical/templates; 0.1: zensical-ui

    return Path(get_builtin_theme_dir())


def adapt_overrides(overrides: Path) -> list[str]:
    """Replace copies of Material's templates with Zensical's own, mended; returns warnings."""
    release = installed()
    theirs = _theme_dir()
    warnings: list[str] = []
    for path in sorted(overrides.rglob("*.html")):
        match = COPIED_TEMPLATE.search(path.read_text(encoding="utf-8"))
        if match is None:
            continue
        name = match.group(2)
        mends = MENDS.get(name)
        source = theirs / name
        if mends is None or not source.is_file():
            path.unlink()
            warnings.append(
                f"zensical {release}: overrides/{path.relative_to(overrides)} copies Material's "
                f"{name}; Zensical uses its own {name}, without the copy's changes"
            )
            continue
        text = source.read_text(encoding="utf-8")
        for mend in mends:
            text, count = mend.pattern.subn(mend.replacement, text)
            if count == 0 and not mend.optional:
                warnings.append(f"zensical {release}: its {name} has changed: {mend.without}")
        note = f"{{#- Zensical {release}'s {name}, mended by rkb when the tree was written -#}}\n"
        path.write_text(note + text, encoding="utf-8")
    return warnings


def check_plugins(names: list[str]) -> list[str]:
    """Zensical runs only the MkDocs plugins it reimplements, and ignores others silently."""
    import zensical.config

    known = getattr(zensical.config, "_PLUGIN_UNSUPPORTED_OPTIONS", {})
    release = installed()
    return [
        f"mkdocs.yml: Zensical {release} does not run the plugin {name!r}; "
        "what it adds to the site is missing"
        for name in names
        if name not in known
    ]


def tree_options(internal: bool = False, site_data: bool = True) -> TreeOptions:
    installed()
    return TreeOptions(
        internal=internal,
        theme=THEME,
        adapt_overrides=adapt_overrides,
        check_plugins=check_plugins,
        site_data=site_data,
        exclude_from_theme_search=True,
    )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_PROBLEM = re.compile(r"^(Warning|Error): (.*)$")
_WHERE = re.compile(r"\[\s*(\S+:\d+:\d+)\s*\]")


def zensical_problems(output: str) -> list[str]:
    """Zensical's warnings and errors as one line each: `docs/page.md:line:col: message`."""
    problems: list[str] = []
    pending: str | None = None
    for line in _ANSI.sub("", output).splitlines():
        if found := _PROBLEM.match(line.strip()):
            if pending:
                problems.append(pending)
            pending = f"{found.group(1).lower()}: {found.group(2)}"
        elif pending and (where := _WHERE.search(line)):
            problems.append(f"docs/{where.group(1)}: {pending}")
            pending = None
    if pending:
        problems.append(pending)
    return problems


def _run_zensical(tree: Path, strict: bool) -> None:
    command = [sys.executable, "-m", "zensical", "build", "-f", str(tree / "mkdocs.yml"), "--clean"]
    if strict:
        command.append("--strict")
    result = subprocess.run(
        command,
        cwd=tree,
        env={**os.environ, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=3600,
    )
    output = result.stdout + result.stderr
    for problem in zensical_problems(output):
        progress(f"zensical: {problem}")
    if result.returncode != 0 or not (tree / "site").is_dir():
        last = _ANSI.sub("", output).strip().splitlines()[-1:] or ["no output"]
        raise BuildError(f"Zensical failed (exit {result.returncode}): {last[0]}")


def build_with_zensical(config_file: str, site_dir: Path, strict: bool) -> None:  # pages: walked
    """Write the source tree beside `site_dir`, build it with Zensical, add the site data."""
    installed()
    kb_dir = Path(os.environ.get(KB_ENV) or "kb")
    tree_dir = (site_dir.parent / f"{site_dir.name}.zensical-src").absolute()
    shutil.rmtree(tree_dir, ignore_errors=True)
    try:
        tree = write_tree(
            kb_dir,
            Path(config_file).resolve(),
            tree_dir,
            theme_parts(),
            tree_options(internal=os.environ.get(INTERNAL_ENV) == "1", site_data=False),
        )
        progress(
            f"Zensical {installed()}, classic variant: the overrides copied from Material's "
            "templates are replaced by Zensical's own, mended"
        )
        for warning in tree.warnings:
            progress(f"warning: {warning}")
        if strict and tree.warnings:
            raise BuildError(f"{len(tree.warnings)} warnings in strict mode")
        _run_zensical(tree_dir, strict)
        (tree_dir / "site").rename(site_dir)
        # Zensical's own search index (5 MB per 1,000 records) is read only by the theme's
        # search, which the header replaces with the site's own: left out, as with MkDocs.
        (site_dir / "search.json").unlink(missing_ok=True)
        sections = built_sections(site_dir, tree.handwritten)
        write_site_data(tree.kb, site_dir, sections, views=dict(tree.views))
    finally:
        shutil.rmtree(tree_dir, ignore_errors=True)
