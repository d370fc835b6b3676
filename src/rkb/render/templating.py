"""Jinja2 environments for the packaged templates (overridable from a folder), and the
templates they compile, kept between builds and made ahead of a build."""

from __future__ import annotations

import contextlib
import hashlib
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

import jinja2
import jinja2.bccache
from jinja2 import meta, nodes

_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "optimized",
    "is_async",
    "newstyle_gettext",
)
"""The settings of an environment that change the code its templates compile to."""


def _kind(value: object) -> str:
    """What compiling a call to `value` depends on: whether Jinja passes it the context,
    the evaluation context or the environment (`pass_context` and the like)."""
    return repr(getattr(value, "jinja_pass_arg", None))


def environment_signature(env: jinja2.Environment) -> str:
    """A hash of everything besides a template's source that the code compiled from it
    depends on: Jinja's and Python's versions, the syntax and whitespace settings, the
    extensions, and each filter's and test's name and kind (Jinja refuses an unknown one
    and decides at compile time what it passes to each)."""
    autoescape = env.autoescape
    parts = [
        jinja2.__version__,
        sys.version,
        *(f"{name}={getattr(env, name, None)!r}" for name in _OPTIONS),
        f"autoescape={autoescape!r}" if isinstance(autoescape, bool) else "autoescape=select",
        f"finalize={_kind(env.finalize) if env.finalize is not None else None}",
        f"generator={env.code_generator_class.__qualname__}",
        f"context={env.context_class.__qualname__}",
        *sorted(env.extensions),
        *sorted(f"filter {name} {_kind(value)}" for name, value in env.filters.items()),
        *sorted(f"test {name} {_kind(value)}" for name, value in env.tests.items()),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


class CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's cache of compiled templates, in a folder of `root` named for the
    environment's signature (so that code compiled for one environment is never loaded
    into another: Jinja itself checks only the template's source and its own format).
    A file is written under a temporary name and renamed, so a build compiling the same
    templates beside this one never reads half a file; one that cannot be written (its
    folder removed with a damaged build cache, a full disk) only makes the build slower."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._signatures: dict[int, tuple[jinja2.Environment, str]] = {}

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path:
        env = bucket.environment
        known = self._signatures.get(id(env))
        if known is None or known[0] is not env:
            known = (env, environment_signature(env))
            self._signatures[id(env)] = known
        return self.root / known[1] / f"{bucket.key}.cache"

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError), self._file(bucket).open("rb") as file:
            bucket.load_bytecode(file)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._file(bucket)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            file = tempfile.NamedTemporaryFile(  # noqa: SIM115 (renamed or removed below)
                "wb", dir=path.parent, prefix=path.name, suffix=".tmp", delete=False
            )
        except OSError:
            return
        try:
            with file:
                bucket.write_bytecode(file)
            Path(file.name).replace(path)
        except OSError:
            with contextlib.suppress(OSError):
                Path(file.name).unlink()


def compiled_templates(root: Path) -> jinja2.BytecodeCache:
    """Templates compiled by an earlier build (or ahead of this one), kept in `root`
    (Jinja checks each against its source's checksum before use)."""
    return CompiledTemplates(root)


def compile_ahead(env: jinja2.Environment, names: Iterable[str], follow: bool = False) -> int:
    """Compile the templates `names` of `env` into its bytecode cache, unless it holds
    them already (with `follow`, also those they extend, include and import by a
    constant name); how many were compiled. A template that fails to compile is left
    to the build, which reports it."""
    cache = env.bytecode_cache
    loader = env.loader
    if cache is None or loader is None:
        return 0
    todo, seen, compiled = list(names), set(), 0
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            source, filename, _ = loader.get_source(env, name)
            bucket = cache.get_bucket(env, name, filename, source)
            if bucket.code is not None and not follow:
                continue
            tree: nodes.Template = env.parse(source, name, filename)
            if follow:
                todo += [ref for ref in meta.find_referenced_templates(tree) if ref is not None]
            if bucket.code is None:
                bucket.code = env.compile(tree, name, filename)
                cache.set_bucket(bucket)
                compiled += 1
        except jinja2.TemplateError:
            continue
    return compiled


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
