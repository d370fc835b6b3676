"""Rules that span fields and records: references, status-dependent fields, the course."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .ids import KINDS, id_key
from .mentions import scan
from .model import Course, FaqEntry, Fault, Lesson, Module, Proposal, Release, Skill
from .problems import Problem, quote, suggest
from .schema import Loc, markdown_texts


@dataclass
class References:
    """What records may point at. A `None` set means its source file was unreadable,
    so references into it are not checked (that file's own problems are reported)."""

    modules: list[str] | None = None
    versions: list[str] | None = None
    released: list[str] | None = None
    skills: list[str] | None = None
    ids: set[tuple[str, int]] = field(default_factory=set)
    admin_faults: dict[tuple[str, int], bool] = field(default_factory=dict)


def references_text(refs: References) -> str:
    """Everything the rules read of `refs`, as one canonical text (a key for them)."""
    return repr(
        (
            refs.modules,
            refs.versions,
            refs.released,
            refs.skills,
            sorted(refs.ids),
            sorted(refs.admin_faults.items()),
        )
    )


def check_unique(items: Iterable[tuple[str, Loc]], what: str) -> Iterator[Problem]:
    """Report every repeated key; `items` are (key, location) pairs."""
    first: dict[str, Loc] = {}
    for key, loc in items:
        if key in first:
            yield loc.problem(
                None, f"{what} {quote(key)} is declared twice (first at line {first[key].line})"
            )
        else:
            first[key] = loc


def check_modules(modules: tuple[Module, ...]) -> Iterator[Problem]:
    yield from check_unique(((m.id, m.loc) for m in modules), "module")


def check_mentions(record: Any, refs: References) -> Iterator[Problem]:
    """Every record id written in a Markdown field (outside code and links) must exist."""
    names: list[str] | None = None
    for text in markdown_texts(record):
        for mention in scan(text.value).mentions:
            key = id_key(mention.text)
            if key is None or key in refs.ids:
                continue
            if names is None:
                names = sorted(KINDS[letter].canonical(number) for letter, number in refs.ids)
            line, column = text.position(mention.offset, mention.text)
            wanted = KINDS[key[0]].canonical(key[1])
            yield Problem(
                record.loc.path,
                line,
                column,
                f"{text.name}: no record '{mention.text}' in the kb; expected the id of an "
                f"existing record (or `{mention.text}` in backticks if it is not one)"
                f"{suggest(wanted, names)}",
            )


def _check_updated(loc: Loc, updated: date | None, since: date, name: str) -> Iterator[Problem]:
    if updated is not None and updated < since:
        yield loc.problem(
            "updated",
            f"updated: {updated.isoformat()} is before {name} ({since.isoformat()}); "
            f"expected a date on or after {name}",
        )


def check_releases(
    releases: tuple[Release, ...], refs: References | None = None
) -> Iterator[Problem]:
    yield from check_unique(((r.version, r.loc) for r in releases), "version")
    if refs is not None:
        for release in releases:
            yield from check_mentions(release, refs)
    for release in releases:
        if release.released and release.date is None:
            yield release.loc.problem(
                None, "date: required field is missing for a released version"
            )


def check_course(course: Course, lesson_files: dict[tuple[str, int], str]) -> Iterator[Problem]:
    yield from check_unique(((s.id, s.loc) for s in course.skills), "skill")
    listed: dict[tuple[str, int], int] = {}
    for index, lesson in enumerate(course.lessons):
        key = id_key(lesson)
        assert key is not None  # guaranteed by the field's pattern
        if key in listed:
            yield course.loc.problem(
                f"lessons[{index}]",
                f"lessons[{index}]: {lesson} is listed twice; list every lesson once",
            )
        elif key not in lesson_files:
            yield course.loc.problem(
                f"lessons[{index}]", f"lessons[{index}]: no lesson file for {lesson} in training/"
            )
        listed.setdefault(key, index)
    folder = posixpath.dirname(course.loc.path)  # lesson files sit beside course.yaml
    for key, name in sorted(lesson_files.items()):
        if key not in listed:
            yield Problem(
                posixpath.join(folder, f"{name}.yaml"),
                1,
                1,
                f"lesson {name} is not listed in course.yaml lessons; add it there",
            )


def _module(loc: Loc, module: str, refs: References) -> Iterator[Problem]:
    if refs.modules is not None and module not in refs.modules:
        yield loc.problem(
            "module",
            f"module: unknown module {quote(module)}; expected one of "
            f"{', '.join(refs.modules)}{suggest(module, refs.modules)}",
        )


def _version(
    loc: Loc, name: str, version: str | None, refs: References, released: bool, label: str = ""
) -> Iterator[Problem]:
    if version is None or refs.versions is None or refs.released is None:
        return
    label = label or name
    if version not in refs.versions:
        yield loc.problem(
            name,
            f"{label}: version {quote(version)} is not in releases.yaml"
            f"{suggest(version, refs.versions)}",
        )
    elif released and version not in refs.released:
        yield loc.problem(
            name, f"{label}: version {quote(version)} is planned; expected a released version"
        )


def _related(loc: Loc, related: tuple[str, ...], refs: References) -> Iterator[Problem]:
    for index, other in enumerate(related):
        if id_key(other) not in refs.ids:
            yield loc.problem(
                f"related[{index}]", f"related[{index}]: no record {quote(other)} in the kb"
            )


def _require(loc: Loc, present: object, name: str, when: str) -> Iterator[Problem]:
    if present is None:
        yield loc.problem(None, f"{name}: required field is missing when {when}")


def check_fault(fault: Fault, refs: References) -> Iterator[Problem]:
    loc = fault.loc
    yield from _module(loc, fault.module, refs)
    yield from check_mentions(fault, refs)
    yield from _check_updated(loc, fault.updated, fault.reported, "reported")
    for index, version in enumerate(fault.affected_versions):
        yield from _version(loc, f"affected_versions[{index}]", version, refs, released=True)
    yield from _related(loc, fault.related, refs)
    if fault.status == "fixed":
        yield from _require(loc, fault.fix, "fix", "status is fixed")
    elif fault.fix is not None:
        yield loc.problem(
            "fix", f"fix: only a fixed fault has a fix; status is '{fault.status}' (use 'fixed')"
        )
    if fault.status == "workaround":
        yield from _require(loc, fault.workaround, "workaround", "status is workaround")
    if fault.fix is not None:
        fix = fault.fix
        yield from _version(fix.loc, "version", fix.version, refs, True, "fix.version")
        if fix.method == "auto-update":
            yield from _require(fix.loc, fix.version, "fix.version", "method is auto-update")
        else:
            yield from _require(fix.loc, fix.instructions, "fix.instructions", "method is support")
    if fault.faq is not None and fault.workaround is None and fault.fix is None:
        yield loc.problem(
            "faq", "faq: a fault published as FAQ needs an answer: add a workaround or a fix"
        )


_DECIDED = ("accepted", "rejected", "planned", "implemented")


def check_proposal(proposal: Proposal, refs: References) -> Iterator[Problem]:
    loc = proposal.loc
    yield from _module(loc, proposal.module, refs)
    yield from check_mentions(proposal, refs)
    yield from _check_updated(loc, proposal.updated, proposal.submitted, "submitted")
    yield from _related(loc, proposal.related, refs)
    if proposal.status in _DECIDED:
        yield from _require(loc, proposal.decision, "decision", f"status is {proposal.status}")
    if proposal.status == "planned":
        yield from _require(loc, proposal.planned_for, "planned_for", "status is planned")
    if proposal.status == "implemented":
        yield from _require(loc, proposal.implemented_in, "implemented_in", "status is implemented")
    yield from _version(loc, "planned_for", proposal.planned_for, refs, released=False)
    yield from _version(loc, "implemented_in", proposal.implemented_in, refs, released=True)


def check_faq(entry: FaqEntry, refs: References) -> Iterator[Problem]:
    yield from _module(entry.loc, entry.module, refs)
    yield from _related(entry.loc, entry.related, refs)
    yield from check_mentions(entry, refs)


def check_lesson(lesson: Lesson, refs: References) -> Iterator[Problem]:
    loc = lesson.loc
    yield from check_mentions(lesson, refs)
    if refs.skills is not None:
        for index, skill in enumerate(lesson.prerequisites):
            if skill not in refs.skills:
                yield loc.problem(
                    f"prerequisites[{index}]",
                    f"prerequisites[{index}]: unknown skill {quote(skill)}; expected one of "
                    f"{', '.join(refs.skills)}{suggest(skill, refs.skills)}",
                )
    for index, fault in enumerate(lesson.faults):
        key = id_key(fault)
        if key not in refs.ids:
            yield loc.problem(
                f"faults[{index}]", f"faults[{index}]: no fault {quote(fault)} in the kb"
            )
        elif refs.admin_faults.get(key) is False:
            yield loc.problem(
                f"faults[{index}]",
                f"faults[{index}]: {fault} is not for administrators; "
                "a lesson's faults must have audience admin",
            )
    for index, item in enumerate(lesson.quiz):
        if len(item.options) < 2:
            yield item.loc.problem("options", f"quiz[{index}].options: expected at least 2 options")
            continue
        for place, answer in enumerate(item.answers):
            if answer >= len(item.options):
                name = f"answer[{place}]" if item.multiple else "answer"
                yield item.loc.problem(
                    name,
                    f"quiz[{index}].{name}: expected an option index from 0 to "
                    f"{len(item.options) - 1}; got {answer}",
                )


def skill_ids(skills: tuple[Skill, ...]) -> list[str]:
    return [skill.id for skill in skills]


# What the loader and the checks above enforce, for writers: the record-format reference
# (/kb-format/, render/kbformat.py) shows these under each file; keep them in step with the
# code. "files" holds the rules that apply to every file.
RULES: dict[str, tuple[str, ...]] = {
    "files": (
        "Файлы в кодировке UTF-8 (BOM допускается), окончания строк LF или CRLF.",
        "Одна запись в файле; имя файла без `.yaml` равно полю `id`.",
        "Номера: F-, P-, Q- и не меньше 4 цифр, T- и не меньше 2 цифр. Записи сравниваются "
        "по букве и числу: F-0007 и F-00007 — одна и та же запись, два таких файла — ошибка. "
        "Номера не меняются и не используются повторно.",
        "Неизвестное поле и повторённый ключ — ошибки. Якоря и ссылки YAML (`&a`, `*a`) запрещены.",
        "Даты пишутся как ГГГГ-ММ-ДД и должны существовать; версии читаются как написаны "
        "(2.10 — это версия «2.10»).",
        "`internal` — заметки только для сотрудников: они не попадают ни на публичный сайт, "
        "ни в поиск, ни в выгрузки.",
        "Все ошибки выводятся сразу, каждая одной строкой `файл:строка:столбец: что не так`.",
        "Номер записи в тексте Markdown (F-0042, f-42, Q-17, T-01; не в коде и не в ссылке) "
        "становится ссылкой на запись и должен существовать.",
        "Ссылки и картинки в тексте записи ведут на страницы и файлы сайта "
        "(`guide/reports.md` или `/guide/reports/` — от корня сайта); несуществующие — "
        "ошибка сборки.",
    ),
    "modules": ("`id` модуля не повторяется.",),
    "releases": (
        "Номер версии не повторяется.",
        "У выпущенной версии (`status: released`) есть `date`.",
    ),
    "fault": (
        "`module` — модуль из modules.yaml; `affected_versions` и `fix.version` — выпущенные "
        "версии из releases.yaml; каждая запись из `related` существует.",
        "`fix` есть ровно тогда, когда `status: fixed`; при `status: workaround` нужен "
        "`workaround` (он допустим при любом статусе).",
        "`fix.method: auto-update` требует `fix.version`, `fix.method: support` — "
        "`fix.instructions`.",
        "Неисправности с `faq` нужен ответ: `workaround` или `fix`.",
        "`updated` — не раньше `reported`.",
    ),
    "proposal": (
        "`module` — модуль из modules.yaml; каждая запись из `related` существует.",
        "При статусах accepted, rejected, planned и implemented нужен `decision`.",
        "При `status: planned` нужен `planned_for` (версия из releases.yaml), "
        "при `status: implemented` — `implemented_in` (выпущенная версия).",
        "`updated` — не раньше `submitted`.",
    ),
    "faq": ("`module` — модуль из modules.yaml; каждая запись из `related` существует.",),
    "course": (
        "Каждый урок из training/ указан в `lessons` ровно один раз, и у каждого номера из "
        "`lessons` есть файл урока.",
        "`id` навыка не повторяется.",
    ),
    "lesson": (
        "`prerequisites` — навыки из course.yaml.",
        "`faults` — существующие неисправности с `admin` в `audience`.",
        "В вопросе теста не меньше двух вариантов, `answer` — номер одного из них.",
    ),
}
