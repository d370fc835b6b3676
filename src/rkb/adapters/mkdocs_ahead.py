"""The templates of a build compiled ahead of it, in a second process, while this one
validates the knowledge base.

Jinja compiles a template the first time it is rendered: the theme's (Material's pages
and partials) and rkb's page templates take about a tenth of a cold build, on one core,
each in the middle of the build. Started before validation, a forked child loads the
configuration, makes the same two environments the build makes and compiles their
templates into the build cache's folder of compiled templates (`CompiledTemplates`),
where the build then finds them, as a rebuild does. The second core is otherwise idle
for much of that time. Nothing depends on the child finishing first: a template it has
not written yet is compiled by the build itself, to the same code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from ..build.parallel import Child, can_fork, lowered
from ..render.pages import compile_pages_ahead
from ..render.templating import compile_ahead, compiled_templates
from .mkdocs_theme import list_visible_theme_files

PAGE_TEMPLATES = ("main.html", "404.html")
"""What MkDocs renders every page and the error page with (besides `static_templates`)."""


def compile_templates(
    config_file: str, compiled: Path, before: Callable[[], None] | None = None
) -> int:
    """Compile the templates a build of `config_file` renders (the theme's, from its
    page templates on, and rkb's page templates) into `compiled`, in the environments
    the build makes; how many were compiled (0 for a configuration that does not load:
    the build reports what is wrong with it)."""
    try:
        if before is not None:  # another engine answering MkDocs' imports
            before()
        from mkdocs.config import load_config  # noqa: PLC0415 (only where it compiles)

        config = load_config(config_file=config_file)
        custom_dir = config.theme.custom_dir
        count = compile_pages_ahead(Path(custom_dir) if custom_dir else None, compiled)
        list_visible_theme_files(config.theme)  # as the plugin does
        env = config.theme.get_env()
        env.bytecode_cache = compiled_templates(compiled)
        names = [*PAGE_TEMPLATES, *sorted(config.theme.static_templates)]
        return count + compile_ahead(env, names, follow=True)
    except Exception:
        return 0


def _quietly(work: Callable[[], int]) -> int:
    """In the child: what it logs (loading the configuration) the build logs itself."""
    logging.disable(logging.CRITICAL)
    return work()


def start_compiling(
    config_file: str, compiled: Path, before: Callable[[], None] | None = None
) -> Child[int] | None:
    """Compile the build's templates into `compiled` in a child process (which first
    calls `before`), when this is the first build there (no compiled template is kept
    yet) and a second core can do it; the child, whose `result()` is how many it
    compiled, or None."""
    if compiled.exists() or not can_fork():
        return None
    # at a lower priority: a template it has not compiled in time, the build compiles
    return Child(
        lowered(lambda: _quietly(lambda: compile_templates(config_file, compiled, before)))
    )
