"""`rkb new` and `rkb schema`, run as a user would: `python -m rkb ...` in a copy of the kb."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import RunRkb

SCHEMA_KINDS = ("product", "modules", "releases", "fault", "proposal", "faq", "course", "lesson")
FOLDERS = {"fault": ("faults", "F", 4), "proposal": ("proposals", "P", 4), "faq": ("faq", "Q", 4)}


def next_free_id(kb: Path, folder: str, letter: str, digits: int) -> str:
    numbers = [int(path.stem.split("-")[1]) for path in (kb / folder).glob(f"{letter}-*.yaml")]
    return f"{letter}-{max(numbers, default=0) + 1:0{digits}d}"


def field_position(text: str, name: str) -> tuple[int, int]:
    """Line and column of the value of the top-level field `name:`."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith(f"{name}:"):
            return number, len(name) + 3
    raise AssertionError(f"no {name}: in the file")


def fill_placeholders(text: str) -> str:
    """Replace every 'TODO:' value of a new record the way a writer would."""
    text = re.sub(r'^severity: "TODO:[^"]*"', "severity: major", text, flags=re.M)
    text = re.sub(r'^duration: "TODO:[^"]*"', "duration: 30", text, flags=re.M)
    text = re.sub(r'"TODO:[^"]*"', '"Заполнено"', text)
    text = re.sub(r"^(\s+)TODO:.*$", r"\1Заполнено.", text, flags=re.M)
    assert not [line for line in text.splitlines() if "TODO" in line and not line.startswith("#")]
    return text


def all_files(kb: Path) -> dict[str, bytes]:
    return {str(p.relative_to(kb)): p.read_bytes() for p in sorted(kb.rglob("*")) if p.is_file()}


def assert_clean(result: object) -> None:
    stdout = getattr(result, "stdout", "")
    stderr = getattr(result, "stderr", "")
    assert "Traceback" not in stdout + stderr


@pytest.mark.parametrize(
    ("kind", "placeholders"),
    [
        (
            "fault",
            [
                ("title", "one line of text"),
                ("severity", "one of critical, major, minor"),
                ("symptoms", "Markdown text"),
            ],
        ),
        ("proposal", [("title", "one line of text"), ("summary", "Markdown text")]),
        ("faq", [("question", "one line of text"), ("answer", "Markdown text")]),
    ],
)
def test_new_record_then_fill_it_in(
    shipped_kb_copy: Path, run_rkb: RunRkb, kind: str, placeholders: list[tuple[str, str]]
) -> None:
    cwd = shipped_kb_copy.parent
    folder, letter, digits = FOLDERS[kind]
    expected_id = next_free_id(shipped_kb_copy, folder, letter, digits)
    before = run_rkb("validate", "--kb", "kb", cwd=cwd)
    assert before.returncode == 0, before.stderr

    result = run_rkb("new", kind, "--module", "reports", "--kb", "kb", cwd=cwd)
    assert result.returncode == 0, result.stderr
    assert_clean(result)
    path = shipped_kb_copy / folder / f"{expected_id}.yaml"
    assert path.is_file()
    assert f"kb/{folder}/{expected_id}.yaml" in result.stdout

    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == f"# yaml-language-server: $schema=../.schema/{kind}.schema.json"
    schema_file = shipped_kb_copy / ".schema" / f"{kind}.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema["type"] == "object"
    assert f"id: {expected_id}\n" in text
    assert "module: reports\n" in text

    invalid = run_rkb("validate", "--kb", "kb", cwd=cwd)
    assert invalid.returncode == 1
    assert_clean(invalid)
    assert invalid.stdout == ""
    expected = []
    for name, what in placeholders:
        line, column = field_position(text, name)
        expected.append(
            f"kb/{folder}/{expected_id}.yaml:{line}:{column}: {name}: placeholder not filled in; "
            f"replace it with {what}"
        )
    assert invalid.stderr.splitlines() == expected

    path.write_text(fill_placeholders(text), encoding="utf-8")
    valid = run_rkb("validate", "--kb", "kb", cwd=cwd)
    assert valid.returncode == 0, valid.stderr
    assert valid.stderr == ""
    assert valid.stdout.startswith("kb: valid: ")


def test_new_lesson_must_be_listed_in_the_course(shipped_kb_copy: Path, run_rkb: RunRkb) -> None:
    cwd = shipped_kb_copy.parent
    expected_id = next_free_id(shipped_kb_copy, "training", "T", 2)
    result = run_rkb("new", "lesson", "--kb", "kb", cwd=cwd)
    assert result.returncode == 0, result.stderr
    path = shipped_kb_copy / "training" / f"{expected_id}.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../.schema/lesson.schema.json"
    assert (shipped_kb_copy / ".schema" / "lesson.schema.json").is_file()

    course = shipped_kb_copy / "training" / "course.yaml"
    course_text = course.read_text(encoding="utf-8")
    lessons_line, lessons_column = field_position(course_text, "lessons")
    not_listed = (
        f"kb/training/course.yaml:{lessons_line}:{lessons_column}: lessons: lesson "
        f"{expected_id} is not listed; add it to the course order"
    )
    objective_line = text.splitlines().index('  - "TODO: чему научится слушатель"') + 1
    placeholders = [
        (
            *field_position(text, "title"),
            "title: placeholder not filled in; replace it with one line of text",
        ),
        (
            *field_position(text, "duration"),
            "duration: placeholder not filled in; replace it with a whole number ≥ 1",
        ),
        (
            objective_line,
            5,
            "objectives[0]: placeholder not filled in; replace it with one line of text",
        ),
        (
            *field_position(text, "body"),
            "body: placeholder not filled in; replace it with Markdown text",
        ),
    ]
    invalid = run_rkb("validate", "--kb", "kb", cwd=cwd)
    assert invalid.returncode == 1
    assert_clean(invalid)
    # sorted by path ("T-.." before "course.yaml"), then by line
    assert invalid.stderr.splitlines() == [
        f"kb/training/{expected_id}.yaml:{ln}:{col}: {msg}" for ln, col, msg in sorted(placeholders)
    ] + [not_listed]

    path.write_text(fill_placeholders(text), encoding="utf-8")
    still = run_rkb("validate", "--kb", "kb", cwd=cwd)
    assert still.returncode == 1
    assert still.stderr.splitlines() == [not_listed]

    lessons = yaml.safe_load(course_text)["lessons"]
    course.write_text(
        re.sub(
            r"^lessons:.*$",
            f"lessons: [{', '.join([*lessons, expected_id])}]",
            course_text,
            flags=re.M,
        ),
        encoding="utf-8",
    )
    valid = run_rkb("validate", "--kb", "kb", cwd=cwd)
    assert valid.returncode == 0, valid.stderr
    assert re.search(rf", {len(lessons) + 1} lessons\n$", valid.stdout)


def test_new_with_unknown_module_writes_nothing(shipped_kb_copy: Path, run_rkb: RunRkb) -> None:
    before = all_files(shipped_kb_copy)
    modules = [
        m["id"] for m in yaml.safe_load((shipped_kb_copy / "modules.yaml").read_text("utf-8"))
    ]
    result = run_rkb("new", "fault", "--module", "reprts", "--kb", "kb", cwd=shipped_kb_copy.parent)
    assert result.returncode == 1
    assert_clean(result)
    assert result.stdout == ""
    assert result.stderr == (
        f"rkb: unknown module 'reprts'; expected one of {', '.join(modules)}; "
        "did you mean 'reports'?\n"
    )
    assert all_files(shipped_kb_copy) == before
    assert not (shipped_kb_copy / ".schema").exists()


def test_new_lesson_refuses_a_module(shipped_kb_copy: Path, run_rkb: RunRkb) -> None:
    before = all_files(shipped_kb_copy)
    result = run_rkb("new", "lesson", "--module", "admin", "--kb", "kb", cwd=shipped_kb_copy.parent)
    assert result.returncode == 1
    assert result.stderr == "rkb: lessons have no module; leave out --module\n"
    assert all_files(shipped_kb_copy) == before


def test_new_twice_gives_two_ids_and_overwrites_nothing(
    shipped_kb_copy: Path, run_rkb: RunRkb
) -> None:
    cwd = shipped_kb_copy.parent
    first_id = next_free_id(shipped_kb_copy, "faults", "F", 4)
    before = all_files(shipped_kb_copy)
    first = run_rkb("new", "fault", "--module", "admin", "--kb", "kb", cwd=cwd)
    second = run_rkb("new", "fault", "--module", "admin", "--kb", "kb", cwd=cwd)
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    number = int(first_id[2:])
    second_id = f"F-{number + 1:04d}"
    after = all_files(shipped_kb_copy)
    created = sorted(set(after) - set(before))
    assert [name for name in created if not name.startswith(".schema")] == [
        f"faults/{first_id}.yaml",
        f"faults/{second_id}.yaml",
    ]
    assert {name: after[name] for name in before} == before


def test_new_in_a_kb_without_records(tmp_path: Path, run_rkb: RunRkb) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    result = run_rkb("new", "faq", "--kb", "kb", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    text = (kb / "faq" / "Q-0001.yaml").read_text(encoding="utf-8")
    assert "id: Q-0001\n" in text
    assert "module: " in text


def test_new_in_a_missing_folder(tmp_path: Path, run_rkb: RunRkb) -> None:
    result = run_rkb("new", "fault", "--kb", "nokb", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "rkb: nokb: no such knowledge-base folder\n"
    assert not (tmp_path / "nokb").exists()


def _objects(schema: dict[str, object]) -> dict[str, object]:
    """The object schema of a file kind (the items of a list kind)."""
    if schema.get("type") == "array":
        items = schema["items"]
        assert isinstance(items, dict)
        return items
    return schema


def test_schema_writes_one_schema_per_kind(tmp_path: Path, run_rkb: RunRkb) -> None:
    out = tmp_path / "schemas"
    result = run_rkb("schema", "-d", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{kind}.schema.json" for kind in SCHEMA_KINDS
    )
    assert result.stdout.splitlines() == [str(out / f"{kind}.schema.json") for kind in SCHEMA_KINDS]
    for kind in SCHEMA_KINDS:
        schema = json.loads((out / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        body = _objects(schema)
        assert body["type"] == "object", kind
        assert body["additionalProperties"] is False, kind
        assert isinstance(body["properties"], dict)
        for name, prop in body["properties"].items():
            assert prop["description"], (kind, name)
    assert json.loads((out / "modules.schema.json").read_text("utf-8"))["type"] == "array"
    assert json.loads((out / "releases.schema.json").read_text("utf-8"))["type"] == "array"


def test_fault_schema_matches_records_md(tmp_path: Path, run_rkb: RunRkb) -> None:
    result = run_rkb("schema", "-d", "s", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    fault = json.loads((tmp_path / "s" / "fault.schema.json").read_text(encoding="utf-8"))
    assert set(fault["required"]) >= {"id", "title", "symptoms"}
    assert set(fault["required"]) == {
        "id", "title", "module", "audience", "severity", "status", "reported",
        "affected_versions", "symptoms",
    }  # fmt: skip
    assert list(fault["properties"]) == [
        "id", "title", "module", "audience", "severity", "status", "reported",
        "affected_versions", "symptoms", "error_codes", "cause", "workaround", "fix", "faq",
        "related", "tags", "updated", "internal",
    ]  # fmt: skip
    assert fault["properties"]["severity"]["enum"] == ["critical", "major", "minor"]
    fix = fault["properties"]["fix"]
    assert fix["additionalProperties"] is False
    assert fix["required"] == ["method"]
    assert fault["properties"]["faq"]["additionalProperties"] is False
    assert fault["properties"]["internal"]["type"] == "object"
    lesson = json.loads((tmp_path / "s" / "lesson.schema.json").read_text(encoding="utf-8"))
    quiz_item = lesson["properties"]["quiz"]["items"]
    assert quiz_item["additionalProperties"] is False
    assert set(quiz_item["required"]) == {"question", "options", "answer"}


def test_schema_default_folder_is_kb_dot_schema(shipped_kb_copy: Path, run_rkb: RunRkb) -> None:
    result = run_rkb("schema", "--kb", "kb", cwd=shipped_kb_copy.parent)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (shipped_kb_copy / ".schema").iterdir()) == sorted(
        f"{kind}.schema.json" for kind in SCHEMA_KINDS
    )
    valid = run_rkb("validate", "--kb", "kb", cwd=shipped_kb_copy.parent)
    assert valid.returncode == 0, valid.stderr
