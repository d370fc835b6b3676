"""Compiled templates: kept per environment signature, and compiled ahead of a cold build
by a second process (`rkb.adapters.mkdocs_ahead`) into the folder the build reads."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from pathlib import Path

import jinja2
import pytest
from mkdocs.config import load_config

from rkb.adapters.mkdocs_ahead import compile_templates
from rkb.build.parallel import Child
from rkb.build.pipeline import build_site
from rkb.records.problems import KbError
from rkb.render.templating import CompiledTemplates, compile_ahead, environment_signature
from sitebuild import ROOT, copy_project, rkb


def _env(root: Path | None, **filters: object) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.DictLoader({"page": "{{ 'x'|f }}"}),
        bytecode_cache=CompiledTemplates(root) if root is not None else None,
    )
    env.filters.update(filters)
    return env


@jinja2.pass_context
def _with_context(context: jinja2.runtime.Context, value: str) -> str:
    return f"context {value}"


def _plain(value: str) -> str:
    return f"plain {value}"


def test_the_signature_follows_what_compiled_code_depends_on() -> None:
    base = environment_signature(_env(None, f=_plain))
    assert environment_signature(_env(None, f=_plain)) == base
    assert environment_signature(_env(None, f=_with_context)) != base  # another kind
    assert environment_signature(_env(None, g=_plain)) != base  # another name
    trimmed = _env(None, f=_plain)
    trimmed.trim_blocks = True
    assert environment_signature(trimmed) != base
    translated = _env(None, f=_plain)
    translated.add_extension("jinja2.ext.i18n")
    assert environment_signature(translated) != base


def test_code_compiled_for_one_environment_is_never_loaded_into_another(
    tmp_path: Path,
) -> None:
    """The same template, under the same name, compiled for a filter that takes the
    context and for one that does not: each environment renders with its own code."""
    first = _env(tmp_path, f=_with_context)
    assert first.get_template("page").render() == "context x"
    second = _env(tmp_path, f=_plain)  # a new process, the same cache folder
    assert second.get_template("page").render() == "plain x"
    again = _env(tmp_path, f=_with_context)
    assert again.get_template("page").render() == "context x"
    assert len(list(tmp_path.iterdir())) == 2  # a folder per signature


def test_compile_ahead_follows_constant_references_and_leaves_broken_ones(
    tmp_path: Path,
) -> None:
    templates = {
        "main": "{% extends 'base' %}{% block body %}{% include 'part' %}{% endblock %}",
        "base": "{% import 'macros' as m %}<{% block body %}{% endblock %}>",
        "part": "{% include name %}{% include 'broken' %}",  # a name known only later
        "macros": "{% macro hello() %}hello{% endmacro %}",
        "broken": "{% if %}",
        "unused": "never compiled",
    }
    env = jinja2.Environment(
        loader=jinja2.DictLoader(templates), bytecode_cache=CompiledTemplates(tmp_path)
    )
    assert compile_ahead(env, ["main"], follow=True) == 4
    (folder,) = tmp_path.iterdir()
    assert len(list(folder.iterdir())) == 4
    assert compile_ahead(env, ["main", "unused"]) == 1  # the others are kept already


def _keys(folder: Path) -> dict[str, tuple[int, int]]:
    """Each compiled template's file under `folder`: its inode and modification time."""
    return {
        str(path.relative_to(folder)): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.rglob("*.cache")
    }


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_project(tmp_path_factory.mktemp("ahead") / "project")


def test_the_build_uses_every_template_compiled_ahead(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Compiled ahead (here in this process), then a build: it finds each of them in the
    folders they were written to (it makes no folder of its own, so its environments
    have the signatures the child worked out) and rewrites none."""
    monkeypatch.chdir(project)
    compiled = project / ".cache" / "rkb" / "templates"
    count = compile_templates("mkdocs.yml", compiled)
    ahead = _keys(compiled)
    assert count == len(ahead) > 40  # the theme's and the pages' templates
    folders = sorted(p.name for p in compiled.iterdir())
    assert len(folders) == 2
    result = rkb("build", "-d", "site", cwd=project)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in compiled.iterdir()) == folders
    after = _keys(compiled)
    assert {key: after[key] for key in ahead} == ahead
    assert len(after) - len(ahead) < 5  # a few named by variables only (the language's)


def _compiled_file(project: Path, name: str) -> str:
    """The name of the compiled file of theme template `name` (Jinja's key)."""
    config = load_config(config_file=str(project / "mkdocs.yml"))
    env = config.theme.get_env()
    assert env.loader is not None
    _, filename, _ = env.loader.get_source(env, name)
    return hashlib.sha1(f"{name}|{filename}".encode()).hexdigest() + ".cache"


@pytest.mark.parametrize("jobs", ["", "1"])
def test_a_cold_build_compiles_ahead_on_a_second_core(project: Path, jobs: str) -> None:
    """`rkb build` starts the child when it may fork: it compiles a partial this site's
    pages never render (the tabs, a feature the site does not use), which the build
    itself would not."""
    cold = project.parent / f"cold-{jobs or 'n'}"
    copy_project(cold)
    env = {"RKB_JOBS": jobs} if jobs else {}
    result = rkb("build", "-d", "site", cwd=cold, env=env)
    assert result.returncode == 0, result.stderr
    tabs = _compiled_file(cold, "partials/tabs.html")
    found = list((cold / ".cache" / "rkb" / "templates").rglob(tabs))
    assert len(found) == (0 if jobs == "1" or len(os.sched_getaffinity(0)) < 2 else 1)


def _writing_engine(config_file: str, staging: Path, strict: bool) -> int:
    staging.mkdir(parents=True)
    (staging / "index.html").write_text("<p>page</p>", "utf-8")
    return 1


def test_a_compiling_child_that_fails_leaves_the_build_as_it_is(tmp_path: Path) -> None:
    """It only saves the build work: its failure is no failure of the build."""
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", "utf-8")
    started: list[Path] = []

    def failing(config_file: str, folder: Path) -> Child[int]:
        started.append(folder)
        return Child(lambda: 1 // 0)

    site = tmp_path / "site"
    build_site(str(ROOT / "kb"), site, str(config), _writing_engine, ahead=failing)
    assert started == [tmp_path / ".cache" / "rkb" / "templates"]
    assert (site / "index.html").read_text("utf-8") == "<p>page</p>"


def test_a_kb_with_problems_stops_the_compiling_child(tmp_path: Path) -> None:
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\n", "utf-8")
    kb = tmp_path / "kb"
    shutil.copytree(ROOT / "kb", kb)
    (kb / "faults" / "F-0001.yaml").write_text("id: F-0001\n", "utf-8")  # fields missing
    children: list[Child[int]] = []

    def forever(config_file: str, folder: Path) -> Child[int]:
        children.append(Child(lambda: int(threading.Event().wait())))
        return children[0]

    with pytest.raises(KbError):
        build_site(str(kb), tmp_path / "site", str(config), _writing_engine, ahead=forever)
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0].pid, os.WNOHANG)  # stopped and reaped
