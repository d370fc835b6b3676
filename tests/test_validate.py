"""The validator against records.md: a valid minimal kb, one defect at a time, and the CLI.

Every broken case starts from a copy of tests/fixtures/minimal_kb (fixture `minimal_kb_copy`,
working directory set so the kb is `kb`) and changes one file; the defect is written out in
the test. Each test asserts the exact `path:line:column: message` lines and nothing else.
"""

from __future__ import annotations

import re
import textwrap
import time
from pathlib import Path

import pytest

from conftest import MINIMAL_KB, SHIPPED_KB, RunRkb
from rkb import KbError, load_kb

MARKER = "INTERNAL-MARKER-7f3a"
FAULT_FIELDS = (
    "id, title, module, audience, severity, status, reported, affected_versions, symptoms, "
    "error_codes, cause, workaround, fix, faq, related, tags, updated, internal"
)


# ---------------------------------------------------------------- helpers


def write(kb: Path, relative: str, text: str) -> None:
    """Write a file of the kb (text is dedented, so tests can indent it)."""
    path = kb / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def edit(kb: Path, relative: str, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in a kb file by `new`."""
    path = kb / relative
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {relative}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def append(kb: Path, relative: str, text: str) -> None:
    """Add lines at the end of a kb file (text is written as given, not dedented)."""
    path = kb / relative
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


RELEASE_2_10 = """\
- version: 2.10
  date: 2026-11-01
  status: released
  delivery: auto-update
"""


def problems(root: str | Path = "kb") -> list[str]:
    """Every problem `load_kb` reports, as printed lines; fails if the kb loads."""
    with pytest.raises(KbError) as info:
        load_kb(root)
    return [str(problem) for problem in info.value.problems]


# ---------------------------------------------------------------- the valid minimal kb


def test_minimal_kb_is_valid_and_complete(minimal_kb_copy: Path) -> None:
    kb = load_kb("kb")
    assert kb.summary() == (
        "3 modules, 3 releases, 4 faults, 2 proposals, 2 FAQ entries, 2 lessons"
    )
    assert [f.id for f in kb.faults] == ["F-0001", "F-0002", "F-0003", "F-0004"]
    assert {(f.status, f.fix.method if f.fix else None) for f in kb.faults} == {
        ("fixed", "auto-update"),
        ("fixed", "support"),
        ("workaround", None),
        ("open", None),
    }
    assert [r.status for r in kb.releases] == ["released", "released", "planned"]
    assert [lesson.id for lesson in kb.lessons] == ["T-01", "T-02"]
    assert all(lesson.quiz for lesson in kb.lessons)
    assert any("admin" in f.audience for f in kb.faults)
    f1 = kb.record("f-1")
    assert f1 is not None
    assert f1.error_codes == ("RT-1042", "HTTP 504")
    assert f1.faq is not None
    assert f1.faq.question.startswith("Почему")
    assert f1.related == ("Q-0001", "P-0001")
    assert f1.tags == ("excel", "выгрузка")


def test_minimal_kb_marks_every_internal_mapping(minimal_kb_copy: Path) -> None:
    kb = load_kb("kb")
    records = [*kb.faults, *kb.proposals, *kb.faq, *kb.lessons]
    internals = [r.internal for r in records if r.internal is not None]
    assert len(internals) >= 4
    assert all(MARKER in str(internal) for internal in internals)
    files = [p for p in minimal_kb_copy.rglob("*.yaml") if "internal:" in p.read_text("utf-8")]
    assert len(files) == len(internals)


def test_minimal_kb_fixture_itself_loads_by_absolute_path() -> None:
    assert load_kb(MINIMAL_KB).summary().startswith("3 modules")


def test_bom_is_tolerated(minimal_kb_copy: Path) -> None:
    path = minimal_kb_copy / "faults" / "F-0004.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert load_kb("kb").record("F-0004") is not None


def test_crlf_line_endings_are_tolerated(minimal_kb_copy: Path) -> None:
    for path in minimal_kb_copy.rglob("*.yaml"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    kb = load_kb("kb")
    f1 = kb.record("F-0001")
    assert f1 is not None
    assert "\r" not in f1.symptoms
    assert f1.symptoms.endswith("ожидания`.\n")


def test_crlf_file_reports_the_same_position(minimal_kb_copy: Path) -> None:
    # F-0004.yaml line 5 is `severity: minor`
    edit(minimal_kb_copy, "faults/F-0004.yaml", "severity: minor", "severity: majr")
    path = minimal_kb_copy / "faults" / "F-0004.yaml"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert problems() == [
        "kb/faults/F-0004.yaml:5:11: severity: expected one of critical, major, minor; "
        "got 'majr'; did you mean 'major'?"
    ]


def test_versions_are_read_as_written(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "releases.yaml", RELEASE_2_10)
    edit(minimal_kb_copy, "faults/F-0004.yaml", '["2.4.1"]', "[2.10]")
    kb = load_kb("kb")
    assert kb.releases[-1].version == "2.10"
    f4 = kb.record("F-0004")
    assert f4 is not None
    assert f4.affected_versions == ("2.10",)


def test_unquoted_2_1_is_not_2_10(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "releases.yaml", RELEASE_2_10)
    # F-0004.yaml line 8: affected_versions: [2.1]
    edit(minimal_kb_copy, "faults/F-0004.yaml", '["2.4.1"]', "[2.1]")
    assert problems() == [
        "kb/faults/F-0004.yaml:8:21: affected_versions[0]: version '2.1' is not in "
        "releases.yaml; did you mean '2.10'?"
    ]


def test_dates_quoted_or_not(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "reported: 2026-10-20", 'reported: "2026-10-20"')
    f4 = load_kb("kb").record("F-0004")
    assert f4 is not None
    assert f4.reported.isoformat() == "2026-10-20"


def test_yaml_words_stay_text(minimal_kb_copy: Path) -> None:
    # YAML 1.1 would read `no` as false and `0755` as a number; records keep the text.
    edit(minimal_kb_copy, "faults/F-0004.yaml", "symptoms: Колонка «Банк» пустая.", "symptoms: no")
    append(minimal_kb_copy, "faults/F-0004.yaml", "tags: [yes, 0755, null-pointer]\n")
    f4 = load_kb("kb").record("F-0004")
    assert f4 is not None
    assert f4.symptoms == "no"
    assert f4.tags == ("yes", "0755", "null-pointer")


def test_workaround_may_accompany_any_status_and_a_fix_answers_faq(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "faults/F-0004.yaml", "workaround: Смотрите банк в карточке.\n")
    append(minimal_kb_copy, "faults/F-0002.yaml", "faq:\n  question: Почему стоит импорт?\n")
    load_kb("kb")


def test_planned_for_may_name_a_released_version(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "proposals/P-0002.yaml", 'planned_for: "2.5.0"', "planned_for: 2.4.1")
    load_kb("kb")


@pytest.mark.parametrize("status", ["received", "review"])
def test_undecided_proposal_needs_no_decision(minimal_kb_copy: Path, status: str) -> None:
    write(
        minimal_kb_copy,
        "proposals/P-0003.yaml",
        f"""\
        id: P-0003
        title: Тёмная тема
        module: reports
        source: customer
        submitted: 2026-04-01
        status: {status}
        summary: Тёмная тема интерфейса.
        """,
    )
    load_kb("kb")


# ---------------------------------------------------------------- keys


def test_unknown_key_suggests_the_field_and_hides_missing_field(minimal_kb_copy: Path) -> None:
    # F-0004.yaml line 9: symptoms → simptoms
    edit(minimal_kb_copy, "faults/F-0004.yaml", "symptoms:", "simptoms:")
    assert problems() == [
        "kb/faults/F-0004.yaml:9:1: simptoms: unknown field; did you mean 'symptoms'?"
    ]


def test_unknown_key_without_a_close_field_lists_the_fields(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "faults/F-0004.yaml", "owner: Иванов\n")
    assert problems() == [
        f"kb/faults/F-0004.yaml:10:1: owner: unknown field; expected one of {FAULT_FIELDS}"
    ]


def test_unknown_key_in_nested_mapping(minimal_kb_copy: Path) -> None:
    # F-0001.yaml line 17: `  version: "2.4.1"` inside fix:
    edit(minimal_kb_copy, "faults/F-0001.yaml", '  version: "2.4.1"', '  versoin: "2.4.1"')
    assert problems() == [
        "kb/faults/F-0001.yaml:17:3: fix.versoin: unknown field; did you mean 'version'?"
    ]


def test_unknown_key_in_list_item(minimal_kb_copy: Path) -> None:
    # T-01.yaml line 11: `  - task: ...` in practice:
    edit(minimal_kb_copy, "training/T-01.yaml", "  - task:", "  - tsk:")
    assert problems() == [
        "kb/training/T-01.yaml:11:5: practice[0].tsk: unknown field; did you mean 'task'?"
    ]


def test_a_newline_key_is_one_line(minimal_kb_copy: Path, run_rkb: RunRkb) -> None:
    # A key made of a newline under fix: (issue 9): one line, the key shown escaped.
    edit(
        minimal_kb_copy,
        "faults/F-0001.yaml",
        '  version: "2.4.1"',
        '  version: "2.4.1"\n  "\\n": x',
    )
    expected = (
        "kb/faults/F-0001.yaml:18:3: fix.'\\n': unknown field; "
        "expected one of method, version, instructions"
    )
    assert problems() == [expected]
    result = run_rkb("validate", "--kb", "kb", cwd=minimal_kb_copy.parent)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [expected]


def test_invisible_and_long_values_are_escaped_and_shortened(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "severity: minor", 'severity: "mi\\u200bnor\\t"')
    edit(minimal_kb_copy, "faults/F-0001.yaml", "module: reports", f"module: {'r' * 80}")
    assert problems() == [
        f"kb/faults/F-0001.yaml:3:9: module: unknown module '{'r' * 59}…'; expected one of "
        "reports, import, admin",
        "kb/faults/F-0004.yaml:5:11: severity: expected one of critical, major, minor; "
        "got 'mi\\u200bnor\\t'; did you mean 'minor'?",
    ]


def test_duplicate_key(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "faults/F-0004.yaml", "title: Колонка «Банк» пустая\n")
    assert problems() == [
        "kb/faults/F-0004.yaml:10:1: title: duplicate key (first given at line 2); keep only one"
    ]


def test_duplicate_key_in_product(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "product.yaml", "language: en\n")
    assert problems() == [
        "kb/product.yaml:5:1: language: duplicate key (first given at line 4); keep only one"
    ]


def test_duplicate_key_inside_internal(minimal_kb_copy: Path) -> None:
    # internal: is a free mapping, but still one mapping: a second ticket: would lose the first.
    append(minimal_kb_copy, "faults/F-0002.yaml", "  ticket: SD-3051\n")
    assert problems() == [
        "kb/faults/F-0002.yaml:19:3: internal.ticket: duplicate key (first given at line 17); "
        "keep only one"
    ]


def test_anchor_and_alias_are_refused(minimal_kb_copy: Path) -> None:
    # line 4: audience: &who [user]; line 10: tags: *who
    edit(minimal_kb_copy, "faults/F-0004.yaml", "audience: [user]", "audience: &who [user]")
    append(minimal_kb_copy, "faults/F-0004.yaml", "tags: *who\n")
    assert problems() == [
        "kb/faults/F-0004.yaml:4:11: YAML anchor '&who' is not allowed; "
        "write the value out in full",
        "kb/faults/F-0004.yaml:10:7: YAML alias '*who' is not allowed; write the value out in full",
    ]


def test_alias_bomb_is_refused_quickly(minimal_kb_copy: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    write(minimal_kb_copy, "faults/F-0004.yaml", "\n".join(lines) + "\n")
    start = time.perf_counter()
    found = problems()
    assert time.perf_counter() - start < 5
    assert len(found) == 10 + 9 * 9
    assert found[0] == (
        "kb/faults/F-0004.yaml:1:5: YAML anchor '&a0' is not allowed; write the value out in full"
    )
    assert all(" is not allowed; write the value out in full" in line for line in found)


# ---------------------------------------------------------------- encodings and characters


def test_cp1251_file_is_not_utf8(minimal_kb_copy: Path) -> None:
    path = minimal_kb_copy / "faults" / "F-0004.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("cp1251"))
    # line 2 is `title: В отчёте ...`: the first non-ASCII byte is column 8
    assert problems() == [
        "kb/faults/F-0004.yaml:2:8: file is not UTF-8 (it looks like cp1251, the Windows "
        "Cyrillic encoding); save it as UTF-8"
    ]


def test_stray_cp1251_byte_column_counts_characters(minimal_kb_copy: Path) -> None:
    # A UTF-8 file with one word pasted from a cp1251 source: «Банк» is UTF-8, «ё» is not.
    path = minimal_kb_copy / "faults" / "F-0004.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("symptoms: Колонка «Банк» пустая.", "symptoms: Колонка «Банк» @")
    path.write_bytes(text.encode("utf-8").replace(b"@", "ёлка".encode("cp1251")))
    # `symptoms: Колонка «Банк» ` is 25 characters: the bad byte is character 26
    assert problems() == [
        "kb/faults/F-0004.yaml:9:26: file is not UTF-8 (it looks like cp1251, the Windows "
        "Cyrillic encoding); save it as UTF-8"
    ]


def test_control_character_is_refused_with_a_readable_message(minimal_kb_copy: Path) -> None:
    # a BEL character pasted into the symptoms (line 9, after `symptoms: Колонка`)
    edit(minimal_kb_copy, "faults/F-0004.yaml", "Колонка «Банк»", "Колонка\x07«Банк»")
    assert problems() == [
        "kb/faults/F-0004.yaml:9:18: character U+0007 ('\\x07') is not allowed in a YAML file; "
        "remove it or write it as text"
    ]


# ---------------------------------------------------------------- file names and ids


def test_id_must_equal_the_file_name(minimal_kb_copy: Path) -> None:
    write(
        minimal_kb_copy,
        "faults/F-0005.yaml",
        """\
        id: F-0050
        title: Письма уходят с задержкой
        module: admin
        audience: [admin]
        severity: minor
        status: open
        reported: 2026-10-01
        affected_versions: ["2.4.1"]
        symptoms: Письма приходят через час.
        """,
    )
    assert problems() == [
        "kb/faults/F-0005.yaml:1:5: id: 'F-0050' does not match the file name F-0005.yaml; "
        "they must be equal"
    ]


def test_id_field_must_be_an_id(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faq/Q-0001.yaml", "id: Q-0001", "id: Q-1")
    assert problems() == ["kb/faq/Q-0001.yaml:1:5: id: expected an id like Q-0001; got 'Q-1'"]


def test_clashing_ids_are_reported_on_the_newcomer(minimal_kb_copy: Path) -> None:
    # F-00004 is the same record as F-0004: the established F-0004 must keep its number
    # (ids are never renamed), so the clash is reported on the new, non-canonical file.
    text = (minimal_kb_copy / "faults" / "F-0004.yaml").read_text(encoding="utf-8")
    write(minimal_kb_copy, "faults/F-00004.yaml", text.replace("id: F-0004", "id: F-00004"))
    assert problems() == [
        "kb/faults/F-00004.yaml:1:1: id F-00004 is the same record as F-0004 "
        "(kb/faults/F-0004.yaml): ids are compared by number, leading zeros aside; "
        "give this record a new, unused number"
    ]


@pytest.mark.parametrize(
    ("relative", "message"),
    [
        (
            "faults/f-0005.yaml",
            "file name is not a fault id: expected F- and at least 4 digits, e.g. F-0042.yaml; "
            "rename it to F-0005.yaml",
        ),
        (
            "faults/F-12.yaml",
            "file name is not a fault id: expected F- and at least 4 digits, e.g. F-0042.yaml; "
            "rename it to F-0012.yaml",
        ),
        (
            "faq/F-0005.yaml",
            "file name is not a FAQ entry id: expected Q- and at least 4 digits, e.g. Q-0042.yaml",
        ),
        (
            "training/T-3.yaml",
            "file name is not a lesson id: expected T- and at least 2 digits, e.g. T-42.yaml; "
            "rename it to T-03.yaml",
        ),
        ("faults/F-0005.yml", "record files end in .yaml, not .yml"),
    ],
)
def test_bad_file_name(minimal_kb_copy: Path, relative: str, message: str) -> None:
    write(minimal_kb_copy, relative, "id: X\n")
    assert problems() == [f"kb/{relative}:1:1: {message}"]


def test_id_with_ten_digits_is_an_id(minimal_kb_copy: Path) -> None:
    # records.md: F- and 4 or more digits; a long number must not crash the validator
    text = (minimal_kb_copy / "faults" / "F-0004.yaml").read_text(encoding="utf-8")
    write(minimal_kb_copy, "faults/F-1234567890.yaml", text.replace("F-0004", "F-1234567890"))
    kb = load_kb("kb")
    assert [f.id for f in kb.faults][-1] == "F-1234567890"


def test_other_files_are_ignored(minimal_kb_copy: Path) -> None:
    write(minimal_kb_copy, "faults/README.md", "# Неисправности\n")
    write(minimal_kb_copy, "faults/.F-0009.yaml.swp", "garbage")
    load_kb("kb")


# ---------------------------------------------------------------- references


def test_unknown_module_suggests_one(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "module: reports", "module: reprts")
    assert problems() == [
        "kb/faults/F-0004.yaml:3:9: module: unknown module 'reprts'; expected one of reports, "
        "import, admin; did you mean 'reports'?"
    ]


def test_unknown_module_in_faq(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faq/Q-0001.yaml", "module: admin", "module: billing")
    assert problems() == [
        "kb/faq/Q-0001.yaml:5:9: module: unknown module 'billing'; expected one of reports, "
        "import, admin"
    ]


def test_affected_version_not_in_releases(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0002.yaml", '["2.3.0", "2.4.1"]', '["2.3.0", "9.9"]')
    assert problems() == [
        "kb/faults/F-0002.yaml:8:30: affected_versions[1]: version '9.9' is not in releases.yaml"
    ]


def test_affected_version_planned(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", '["2.4.1"]', '["2.5.0"]')
    assert problems() == [
        "kb/faults/F-0004.yaml:8:21: affected_versions[0]: version '2.5.0' is planned; "
        "expected a released version"
    ]


def test_fix_version_planned(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0001.yaml", 'version: "2.4.1"', 'version: "2.5.0"')
    assert problems() == [
        "kb/faults/F-0001.yaml:17:12: fix.version: version '2.5.0' is planned; "
        "expected a released version"
    ]


def test_fix_version_not_in_releases(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0001.yaml", 'version: "2.4.1"', "version: 2.4.2")
    assert problems() == [
        "kb/faults/F-0001.yaml:17:12: fix.version: version '2.4.2' is not in releases.yaml; "
        "did you mean '2.4.1'?"
    ]


def test_fix_version_of_a_support_fix_must_exist(minimal_kb_copy: Path) -> None:
    # records.md: every version must exist, and fix.version names a released version,
    # whatever the method
    edit(
        minimal_kb_copy,
        "faults/F-0002.yaml",
        "  method: support\n",
        '  method: support\n  version: "9.9"\n',
    )
    assert problems() == [
        "kb/faults/F-0002.yaml:13:12: fix.version: version '9.9' is not in releases.yaml"
    ]


def test_implemented_in_planned(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy, "proposals/P-0001.yaml", 'implemented_in: "2.4.1"', "implemented_in: 2.5.0"
    )
    assert problems() == [
        "kb/proposals/P-0001.yaml:10:17: implemented_in: version '2.5.0' is planned; "
        "expected a released version"
    ]


def test_planned_for_not_in_releases(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "proposals/P-0002.yaml", 'planned_for: "2.5.0"', "planned_for: 3.0")
    assert problems() == [
        "kb/proposals/P-0002.yaml:9:14: planned_for: version '3.0' is not in releases.yaml; "
        "did you mean '2.3.0'?"
    ]


def test_unknown_skill(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "training/T-02.yaml", "[linux, postgresql]", "[linux, postgres]")
    assert problems() == [
        "kb/training/T-02.yaml:4:24: prerequisites[1]: unknown skill 'postgres'; "
        "expected one of linux, postgresql; did you mean 'postgresql'?"
    ]


def test_related_id_missing(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faq/Q-0002.yaml", "related: [F-0002, T-01]", "related: [F-0002, T-03]")
    assert problems() == ["kb/faq/Q-0002.yaml:6:19: related[1]: no record 'T-03' in the kb"]


def test_related_must_be_an_id(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0002.yaml", "related: [F-0003]", "related: [F-0003, see Q-1]")
    assert problems() == [
        "kb/faults/F-0002.yaml:15:19: related[1]: expected an id like F-0042; got 'see Q-1'"
    ]


def test_lesson_fault_missing(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "training/T-01.yaml",
        "faults: [F-0002, F-0003]",
        "faults: [F-0002, F-0009]",
    )
    assert problems() == ["kb/training/T-01.yaml:13:18: faults[1]: no fault 'F-0009' in the kb"]


def test_lesson_fault_without_audience_admin(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "training/T-01.yaml",
        "faults: [F-0002, F-0003]",
        "faults: [F-0002, F-0004]",
    )
    assert problems() == [
        "kb/training/T-01.yaml:13:18: faults[1]: F-0004 is not for administrators; "
        "a lesson's faults must have audience admin"
    ]


def test_invalid_record_is_reported_once_not_again_by_its_referrers(
    minimal_kb_copy: Path,
) -> None:
    # F-0003 is broken; T-01 and F-0002 point at it: only the defect itself is reported.
    edit(minimal_kb_copy, "faults/F-0003.yaml", "severity: critical", "severity: fatal")
    assert problems() == [
        "kb/faults/F-0003.yaml:5:11: severity: expected one of critical, major, minor; got 'fatal'"
    ]


def test_broken_modules_file_does_not_cascade(minimal_kb_copy: Path) -> None:
    write(minimal_kb_copy, "modules.yaml", "reports: Отчёты\nimport: Импорт\nadmin: Админ\n")
    assert problems() == ["kb/modules.yaml:1:1: file: expected a list; got a mapping"]


# ---------------------------------------------------------------- fields that depend on the status


def test_fixed_without_fix(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "status: open", "status: fixed")
    assert problems() == [
        "kb/faults/F-0004.yaml:1:1: fix: required field is missing when status is fixed"
    ]


def test_fix_on_a_fault_that_is_not_fixed(minimal_kb_copy: Path) -> None:
    # F-0001 keeps its fix: (lines 15-17) but is now open
    edit(minimal_kb_copy, "faults/F-0001.yaml", "status: fixed", "status: open")
    assert problems() == [
        "kb/faults/F-0001.yaml:16:3: fix: only a fixed fault has a fix; status is 'open' "
        "(use 'fixed')"
    ]


def test_workaround_status_without_workaround(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "status: open", "status: workaround")
    assert problems() == [
        "kb/faults/F-0004.yaml:1:1: workaround: required field is missing when status is workaround"
    ]


def test_auto_update_fix_without_version(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0001.yaml", '  version: "2.4.1"\n', "")
    assert problems() == [
        "kb/faults/F-0001.yaml:16:3: fix.version: required field is missing when method is "
        "auto-update"
    ]


def test_support_fix_without_instructions(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "faults/F-0002.yaml",
        "  instructions: |\n"
        "    Пришлите в поддержку файл выгрузки; специалист исправит справочник.\n",
        "",
    )
    assert problems() == [
        "kb/faults/F-0002.yaml:12:3: fix.instructions: required field is missing when method "
        "is support"
    ]


def test_fault_published_as_faq_without_an_answer(minimal_kb_copy: Path) -> None:
    # F-0004 is open, without workaround or fix; faq: on lines 10-11
    append(minimal_kb_copy, "faults/F-0004.yaml", "faq:\n  question: Почему колонка пустая?\n")
    assert problems() == [
        "kb/faults/F-0004.yaml:11:3: faq: a fault published as FAQ needs an answer: "
        "add a workaround or a fix"
    ]


def test_faq_entry_without_answer(minimal_kb_copy: Path) -> None:
    write(
        minimal_kb_copy,
        "faq/Q-0003.yaml",
        """\
        id: Q-0003
        question: Как сменить язык?
        module: admin
        """,
    )
    assert problems() == ["kb/faq/Q-0003.yaml:1:1: answer: required field is missing"]


@pytest.mark.parametrize(
    ("status", "extra"),
    [
        ("accepted", ""),
        ("rejected", ""),
        ("planned", 'planned_for: "2.5.0"\n'),
        ("implemented", 'implemented_in: "2.4.1"\n'),
    ],
)
def test_decided_proposal_without_decision(minimal_kb_copy: Path, status: str, extra: str) -> None:
    write(
        minimal_kb_copy,
        "proposals/P-0003.yaml",
        "id: P-0003\n"
        "title: Тёмная тема\n"
        "module: reports\n"
        "source: customer\n"
        "submitted: 2026-04-01\n"
        f"status: {status}\n"
        "summary: Тёмная тема интерфейса.\n" + extra,
    )
    assert problems() == [
        f"kb/proposals/P-0003.yaml:1:1: decision: required field is missing when status is {status}"
    ]


def test_planned_proposal_without_planned_for(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "proposals/P-0002.yaml", 'planned_for: "2.5.0"\n', "")
    assert problems() == [
        "kb/proposals/P-0002.yaml:1:1: planned_for: required field is missing when status is "
        "planned"
    ]


def test_implemented_proposal_without_implemented_in(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "proposals/P-0001.yaml", 'implemented_in: "2.4.1"\n', "")
    assert problems() == [
        "kb/proposals/P-0001.yaml:1:1: implemented_in: required field is missing when status "
        "is implemented"
    ]


def test_released_version_without_date(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "releases.yaml", "  date: 2026-10-14\n", "")
    assert problems() == [
        "kb/releases.yaml:6:3: date: required field is missing for a released version"
    ]


# ---------------------------------------------------------------- values


def test_date_must_be_real(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "reported: 2026-10-20", "reported: 2026-02-30")
    assert problems() == [
        "kb/faults/F-0004.yaml:7:11: reported: '2026-02-30' is not a real date "
        "(day is out of range for month)"
    ]


def test_date_must_be_iso(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "proposals/P-0002.yaml", "submitted: 2026-03-01", "submitted: 01.03.2026")
    assert problems() == [
        "kb/proposals/P-0002.yaml:5:12: submitted: expected a date YYYY-MM-DD; got '01.03.2026'"
    ]


def test_wrong_enum_value_suggests(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "severity: minor", "severity: majr")
    assert problems() == [
        "kb/faults/F-0004.yaml:5:11: severity: expected one of critical, major, minor; "
        "got 'majr'; did you mean 'major'?"
    ]


def test_wrong_enum_in_a_list(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "audience: [user]", "audience: [user, admins]")
    assert problems() == [
        "kb/faults/F-0004.yaml:4:18: audience[1]: expected one of user, admin, support; "
        "got 'admins'; did you mean 'admin'?"
    ]


def test_list_where_text_is_expected(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "faults/F-0004.yaml",
        "title: В отчёте по выплатам не видна колонка «Банк»",
        "title: [Отчёт по выплатам, колонка «Банк»]",
    )
    assert problems() == ["kb/faults/F-0004.yaml:2:8: title: expected one line of text; got a list"]


def test_text_where_a_list_is_expected(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0003.yaml", "tags: [nginx, обновление]", "tags: nginx")
    assert problems() == ["kb/faults/F-0003.yaml:15:7: tags: expected a list; got 'nginx'"]


def test_mapping_where_text_is_expected(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faq/Q-0002.yaml", "answer: В 1С", "answer:\n  где: В 1С")
    assert problems() == ["kb/faq/Q-0002.yaml:4:3: answer: expected Markdown text; got a mapping"]


def test_empty_value(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "symptoms: Колонка «Банк» пустая.", "symptoms:")
    assert problems() == [
        "kb/faults/F-0004.yaml:9:10: symptoms: expected Markdown text; got nothing"
    ]


def test_empty_list(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", '["2.4.1"]', "[]")
    assert problems() == [
        "kb/faults/F-0004.yaml:8:20: affected_versions: expected a non-empty list; got an empty one"
    ]


def test_title_of_several_lines(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "faq/Q-0001.yaml",
        "question: Как восстановить забытый пароль?",
        "question: |\n  Как восстановить\n  забытый пароль?",
    )
    assert problems() == [
        "kb/faq/Q-0001.yaml:2:11: question: expected one line of text; got several lines"
    ]


def test_integer_below_minimum(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "proposals/P-0001.yaml", "requests: 7", "requests: 0")
    assert problems() == [
        "kb/proposals/P-0001.yaml:14:11: requests: expected a whole number ≥ 1; got 0"
    ]


def test_integer_that_is_text(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "training/T-02.yaml", "duration: 30", "duration: полчаса")
    assert problems() == [
        "kb/training/T-02.yaml:3:11: duration: expected a whole number ≥ 1; got 'полчаса'"
    ]


def test_internal_must_be_a_mapping(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "faults/F-0004.yaml", "internal: SD-1\n")
    assert problems() == ["kb/faults/F-0004.yaml:10:11: internal: expected a mapping; got 'SD-1'"]


def test_module_id_format(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "modules.yaml", "- id: import", "- id: Import")
    assert problems() == [
        "kb/modules.yaml:4:7: file[1].id: expected an id like reports; got 'Import'"
    ]


def test_module_declared_twice(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "modules.yaml", "- id: reports\n  title: Отчёты ещё раз\n")
    assert problems() == [
        "kb/modules.yaml:9:3: module 'reports' is declared twice (first at line 1)"
    ]


def test_release_declared_twice(minimal_kb_copy: Path) -> None:
    append(
        minimal_kb_copy,
        "releases.yaml",
        "- version: 2.3.0\n  date: 2026-05-19\n  status: released\n  delivery: manual\n",
    )
    assert problems() == [
        "kb/releases.yaml:14:3: version '2.3.0' is declared twice (first at line 1)"
    ]


def test_placeholder_left_in_a_field(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "faults/F-0004.yaml",
        "title: В отчёте по выплатам не видна колонка «Банк»",
        'title: "TODO: одной строкой, как проблему описал бы пользователь"',
    )
    assert problems() == [
        "kb/faults/F-0004.yaml:2:8: title: placeholder not filled in; replace it with one line "
        "of text"
    ]


def test_placeholder_in_a_list_item(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy, "training/T-02.yaml", "[Настроить резервное копирование]", '["TODO: цель"]'
    )
    assert problems() == [
        "kb/training/T-02.yaml:5:14: objectives[0]: placeholder not filled in; replace it with "
        "one line of text"
    ]


# ---------------------------------------------------------------- whole files


def test_empty_file(minimal_kb_copy: Path) -> None:
    write(minimal_kb_copy, "faults/F-0004.yaml", "")
    assert problems() == ["kb/faults/F-0004.yaml:1:1: file is empty; expected the fault's fields"]


def test_file_of_comments_only_is_empty(minimal_kb_copy: Path) -> None:
    write(minimal_kb_copy, "faq/Q-0001.yaml", "# id: Q-0001\n# question: ?\n")
    assert problems() == ["kb/faq/Q-0001.yaml:1:1: file is empty; expected the FAQ entry's fields"]


def test_record_file_that_is_a_list(minimal_kb_copy: Path) -> None:
    write(
        minimal_kb_copy,
        "faults/F-0004.yaml",
        """\
        - id: F-0004
          title: В отчёте по выплатам не видна колонка «Банк»
        """,
    )
    assert problems() == [
        "kb/faults/F-0004.yaml:1:1: file: expected a mapping of fields; got a list"
    ]


def test_yaml_syntax_error(minimal_kb_copy: Path) -> None:
    # an unquoted colon inside a value (line 2, column 14)
    edit(
        minimal_kb_copy,
        "faults/F-0004.yaml",
        "title: В отчёте по выплатам не видна колонка «Банк»",
        "title: Ошибка: не видна колонка «Банк»",
    )
    assert problems() == [
        "kb/faults/F-0004.yaml:2:14: YAML syntax error: "
        "mapping values are not allowed in this context"
    ]


def test_yaml_unclosed_quote(minimal_kb_copy: Path) -> None:
    write(minimal_kb_copy, "product.yaml", 'name: "reTributor\nsupport_email: a@b.ru\n')
    assert problems() == [
        "kb/product.yaml:3:1: YAML syntax error: while scanning a quoted scalar: "
        "found unexpected end of stream"
    ]


def test_yaml_tab_indentation(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faq/Q-0001.yaml", "module: admin", "\tmodule: admin")
    assert problems() == [
        "kb/faq/Q-0001.yaml:5:1: YAML syntax error: while scanning a block scalar: "
        "found a tab character where an indentation space is expected"
    ]


def test_course_lists_a_lesson_twice(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "training/course.yaml", "[T-01, T-02]", "[T-01, T-02, T-01]")
    assert problems() == [
        "kb/training/course.yaml:7:23: lessons[2]: T-01 is listed twice; list every lesson once"
    ]


def test_lesson_file_not_listed(minimal_kb_copy: Path) -> None:
    text = (minimal_kb_copy / "training" / "T-02.yaml").read_text(encoding="utf-8")
    write(minimal_kb_copy, "training/T-03.yaml", text.replace("id: T-02", "id: T-03"))
    assert problems() == [
        "kb/training/course.yaml:7:10: lessons: lesson T-03 is not listed; "
        "add it to the course order"
    ]


def test_listed_lesson_missing(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "training/course.yaml", "[T-01, T-02]", "[T-01, T-02, T-03]")
    assert problems() == [
        "kb/training/course.yaml:7:23: lessons[2]: no lesson file for T-03 in training/"
    ]


def test_skill_declared_twice(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "training/course.yaml",
        "lessons:",
        "  - id: linux\n    title: Linux\nlessons:",
    )
    assert problems() == [
        "kb/training/course.yaml:7:5: skill 'linux' is declared twice (first at line 3)"
    ]


def test_quiz_answer_out_of_range(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "training/T-02.yaml", "answer: 0", "answer: 2")
    assert problems() == [
        "kb/training/T-02.yaml:10:13: quiz[0].answer: expected an option index from 0 to 1; got 2"
    ]


def test_quiz_with_one_option(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "training/T-02.yaml", "[pg_dump, cp]", "[pg_dump]")
    assert problems() == [
        "kb/training/T-02.yaml:9:14: quiz[0].options: expected at least 2 options"
    ]


def test_missing_required_file(minimal_kb_copy: Path) -> None:
    (minimal_kb_copy / "product.yaml").unlink()
    assert problems() == ["kb/product.yaml: required file is missing (a mapping of product fields)"]


def test_missing_kb_folder(minimal_kb_copy: Path) -> None:
    assert problems("nokb") == ["nokb: no such knowledge-base folder"]


# ---------------------------------------------------------------- limits


def test_file_over_one_mebibyte(minimal_kb_copy: Path) -> None:
    path = minimal_kb_copy / "faults" / "F-0004.yaml"
    data = path.read_bytes()
    path.write_bytes(data + b"#" + b"x" * (1024 * 1024 - len(data) - 2) + b"\n" + b"\n")
    assert path.stat().st_size == 1024 * 1024 + 1
    assert problems() == [
        "kb/faults/F-0004.yaml:1:1: file of 1,048,577 bytes is too large; the limit is 1,048,576"
    ]


def test_file_of_exactly_one_mebibyte_is_fine(minimal_kb_copy: Path) -> None:
    path = minimal_kb_copy / "faults" / "F-0004.yaml"
    data = path.read_bytes()
    path.write_bytes(data + b"#" + b"x" * (1024 * 1024 - len(data) - 2) + b"\n")
    assert path.stat().st_size == 1024 * 1024
    load_kb("kb")


def test_string_over_200000_characters(minimal_kb_copy: Path) -> None:
    long = "ы" * 200_001
    edit(
        minimal_kb_copy,
        "faults/F-0004.yaml",
        "symptoms: Колонка «Банк» пустая.",
        f"symptoms: {long}",
    )
    assert problems() == [
        "kb/faults/F-0004.yaml:9:11: text of 200,001 characters is too long; the limit is 200,000"
    ]


def test_string_of_200000_characters_is_fine(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "faults/F-0004.yaml",
        "symptoms: Колонка «Банк» пустая.",
        f"symptoms: {'ы' * 200_000}",
    )
    f4 = load_kb("kb").record("F-0004")
    assert f4 is not None
    assert len(f4.symptoms) == 200_000


def test_nesting_deeper_than_20_levels(minimal_kb_copy: Path) -> None:
    # the file's mapping is level 1, so the 20th '[' opens level 21 (column 7 + 19)
    append(minimal_kb_copy, "faults/F-0004.yaml", "tags: " + "[" * 25 + "]" * 25 + "\n")
    assert problems() == ["kb/faults/F-0004.yaml:10:26: nesting deeper than 20 levels"]


def test_nesting_of_20_levels_is_read(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "faults/F-0004.yaml", "tags: " + "[" * 19 + "]" * 19 + "\n")
    assert problems() == [
        "kb/faults/F-0004.yaml:10:8: tags[0]: expected one line of text; got a list"
    ]


def test_very_deep_nesting_does_not_crash(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "faults/F-0004.yaml", "tags: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert problems() == ["kb/faults/F-0004.yaml:10:26: nesting deeper than 20 levels"]


# ---------------------------------------------------------------- all at once


def test_several_problems_in_several_files_are_reported_together_and_sorted(
    minimal_kb_copy: Path,
) -> None:
    edit(minimal_kb_copy, "training/T-02.yaml", "answer: 0", "answer: 5")
    edit(minimal_kb_copy, "faults/F-0003.yaml", "severity: critical", "severity: critcal")
    edit(minimal_kb_copy, "faults/F-0003.yaml", "status: workaround", "status: workround")
    append(minimal_kb_copy, "product.yaml", "name: reTributor 2\n")
    edit(minimal_kb_copy, "faq/Q-0002.yaml", "module: import", "module: imports")
    expected = [
        "kb/faq/Q-0002.yaml:4:9: module: unknown module 'imports'; expected one of reports, "
        "import, admin; did you mean 'import'?",
        "kb/faults/F-0003.yaml:5:11: severity: expected one of critical, major, minor; "
        "got 'critcal'; did you mean 'critical'?",
        "kb/faults/F-0003.yaml:6:9: status: expected one of open, workaround, fixed, wontfix; "
        "got 'workround'; did you mean 'workaround'?",
        "kb/product.yaml:5:1: name: duplicate key (first given at line 1); keep only one",
        "kb/training/T-02.yaml:10:13: quiz[0].answer: expected an option index from 0 to 1; got 5",
    ]
    assert problems() == expected
    with pytest.raises(KbError) as info:
        load_kb("kb")
    assert str(info.value) == "\n".join(expected)


def test_problem_path_is_the_path_as_given(minimal_kb_copy: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "severity: minor", "severity: majr")
    given = str(minimal_kb_copy)
    assert problems(given) == [
        f"{given}/faults/F-0004.yaml:5:11: severity: expected one of critical, major, minor; "
        "got 'majr'; did you mean 'major'?"
    ]


# ---------------------------------------------------------------- the command line


def test_cli_validate_minimal_kb(minimal_kb_copy: Path, run_rkb: RunRkb) -> None:
    result = run_rkb("validate", "--kb", "kb", cwd=minimal_kb_copy.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "kb: valid: 3 modules, 3 releases, 4 faults, 2 proposals, 2 FAQ entries, 2 lessons\n"
    )
    assert result.stderr == ""


def test_cli_validate_shipped_kb(run_rkb: RunRkb) -> None:
    result = run_rkb("validate", cwd=SHIPPED_KB.parent)
    assert result.returncode == 0, result.stderr
    counts = {
        folder: len(list((SHIPPED_KB / folder).glob(pattern)))
        for folder, pattern in [
            ("faults", "F-*.yaml"),
            ("proposals", "P-*.yaml"),
            ("faq", "Q-*.yaml"),
            ("training", "T-*.yaml"),
        ]
    }
    match = re.fullmatch(
        r"kb: valid: (\d+) modules, (\d+) releases, (\d+) faults, (\d+) proposals, "
        r"(\d+) FAQ entries, (\d+) lessons\n",
        result.stdout,
    )
    assert match, result.stdout
    assert [int(n) for n in match.groups()[2:]] == [
        counts["faults"],
        counts["proposals"],
        counts["faq"],
        counts["training"],
    ]
    assert result.stderr == ""


def test_cli_validate_reports_problems_on_stderr(minimal_kb_copy: Path, run_rkb: RunRkb) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "severity: minor", "severity: majr")
    result = run_rkb("validate", "--kb", "kb", cwd=minimal_kb_copy.parent)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "kb/faults/F-0004.yaml:5:11: severity: expected one of critical, major, minor; "
        "got 'majr'; did you mean 'major'?\n"
    )


def _first_non_ascii(text: str) -> tuple[int, int]:
    for number, line in enumerate(text.splitlines(), start=1):
        for column, char in enumerate(line, start=1):
            if ord(char) > 127:
                return number, column
    raise AssertionError("no non-ASCII character")


def _cp1251_can_encode(text: str) -> bool:
    try:
        text.encode("cp1251")
    except UnicodeEncodeError:
        return False
    return True


def _line_of(text: str, prefix: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(prefix))


def test_cli_acceptance_three_defects_in_the_shipped_kb(
    shipped_kb_copy: Path, run_rkb: RunRkb
) -> None:
    faults = sorted((shipped_kb_copy / "faults").glob("F-*.yaml"))
    first, second = faults[0], faults[1]
    # the third: the next fault whose text cp1251 can encode (some use '→', which it cannot)
    third = next(path for path in faults[2:] if _cp1251_can_encode(path.read_text("utf-8")))

    text = first.read_text(encoding="utf-8")
    symptoms_line = _line_of(text, "symptoms:")
    first.write_text(text.replace("\nsymptoms:", "\nsimptoms:"), encoding="utf-8")

    text = second.read_text(encoding="utf-8")
    title_line = _line_of(text, "title:")
    extra_line = len(text.splitlines()) + 1
    second.write_text(text + "title: Второй заголовок\n", encoding="utf-8")

    text = third.read_text(encoding="utf-8")
    bad_line, bad_column = _first_non_ascii(text)
    third.write_bytes(text.encode("cp1251"))

    result = run_rkb("validate", "--kb", "kb", cwd=shipped_kb_copy.parent)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"kb/faults/{first.name}:{symptoms_line}:1: simptoms: unknown field; "
        "did you mean 'symptoms'?",
        f"kb/faults/{second.name}:{extra_line}:1: title: duplicate key "
        f"(first given at line {title_line}); keep only one",
        f"kb/faults/{third.name}:{bad_line}:{bad_column}: file is not UTF-8 (it looks like "
        "cp1251, the Windows Cyrillic encoding); save it as UTF-8",
    ]
    for line in result.stderr.splitlines():
        assert re.match(r"kb/faults/F-\d{4}\.yaml:\d+:\d+: ", line), line


def test_cli_absolute_kb_path(minimal_kb_copy: Path, run_rkb: RunRkb, tmp_path: Path) -> None:
    edit(minimal_kb_copy, "faults/F-0004.yaml", "module: reports", "module: reprts")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run_rkb("validate", "--kb", str(minimal_kb_copy), cwd=elsewhere)
    assert result.returncode == 1
    assert result.stderr == (
        f"{minimal_kb_copy}/faults/F-0004.yaml:3:9: module: unknown module 'reprts'; expected "
        "one of reports, import, admin; did you mean 'reports'?\n"
    )


def test_cli_missing_kb_folder(tmp_path: Path, run_rkb: RunRkb) -> None:
    result = run_rkb("validate", "--kb", "nokb", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == "nokb: no such knowledge-base folder\n"
    assert "Traceback" not in result.stdout + result.stderr


# ---------------------------------------------------------------- ids in text, updated


def test_an_id_in_text_that_names_no_record_is_an_error_at_its_place(
    minimal_kb_copy: Path,
) -> None:
    edit(
        minimal_kb_copy,
        "faults/F-0004.yaml",
        "symptoms: Колонка «Банк» пустая.",
        "symptoms: |\n  Колонка «Банк» пустая,\n  как в F-0005 (но не `F-0009`) и q-1.\n",
    )
    edit(
        minimal_kb_copy,
        "releases.yaml",
        "summary: Конструктор отчётов.",
        'summary: "Конструктор отчётов, см. P-0003."',
    )
    assert problems() == [
        "kb/faults/F-0004.yaml:11:9: symptoms: no record 'F-0005' in the kb; expected the id "
        "of an existing record (or `F-0005` in backticks if it is not one); "
        "did you mean 'F-0004'?",
        "kb/releases.yaml:13:38: summary: no record 'P-0003' in the kb; expected the id of an "
        "existing record (or `P-0003` in backticks if it is not one); did you mean 'P-0002'?",
    ]


def test_ids_inside_code_and_links_are_not_checked(minimal_kb_copy: Path) -> None:
    edit(
        minimal_kb_copy,
        "faq/Q-0001.yaml",
        "из письма.",
        "из письма: `F-9999`, [F-8888](https://example.ru/F-7777)\n\n  ```\n  T-99\n  ```\n",
    )
    load_kb("kb")


def test_updated_is_a_date_not_before_reported_or_submitted(minimal_kb_copy: Path) -> None:
    append(minimal_kb_copy, "faults/F-0004.yaml", "updated: 2026-10-19\n")
    append(minimal_kb_copy, "proposals/P-0001.yaml", "updated: 2025-10-01\n")
    append(minimal_kb_copy, "faq/Q-0001.yaml", "updated: 2026-02-30\n")
    found = problems()
    assert found == [
        "kb/faq/Q-0001.yaml:6:10: updated: '2026-02-30' is not a real date "
        "(day is out of range for month)",
        "kb/faults/F-0004.yaml:10:10: updated: 2026-10-19 is before reported (2026-10-20); "
        "expected a date on or after reported",
        "kb/proposals/P-0001.yaml:20:10: updated: 2025-10-01 is before submitted (2025-10-02); "
        "expected a date on or after submitted",
    ]
