"""The record kinds of the knowledge base, declared once (see `schema.py`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .schema import (
    Choice,
    Date,
    FreeMapping,
    Integer,
    Line,
    ListOf,
    Located,
    Markdown,
    Nested,
    Version,
    spec,
)

AUDIENCES = ("user", "admin", "support")
SEVERITIES = ("critical", "major", "minor")
FAULT_STATUSES = ("open", "workaround", "fixed", "wontfix")
FIX_METHODS = ("auto-update", "support")
PROPOSAL_SOURCES = ("customer", "roadmap")
PROPOSAL_STATUSES = ("received", "review", "accepted", "rejected", "planned", "implemented")
RELEASE_STATUSES = ("released", "planned")
DELIVERIES = ("auto-update", "manual")
LANGUAGES = ("ru", "en")

RECORD_ID = r"[FPQT]-\d+"
MODULE_ID = r"[a-z0-9][a-z0-9-]*"

_audience = ListOf(Choice(AUDIENCES), nonempty=True)
_ids = ListOf(Line(RECORD_ID, "F-0042"))
_words = ListOf(Line())
_updated_doc = "Дата последнего изменения, о котором стоит знать читателю (для ленты новостей)"
_internal_doc = "Только для сотрудников: номера заявок, клиенты, заметки. Никогда не публикуется."


@dataclass(frozen=True, kw_only=True)
class Product(Located):
    name: str = spec(Line(), "Название продукта")
    support_email: str = spec(
        Line(r"[^@\s]+@[^@\s]+\.[^@\s]+", "support@example.ru"), "Адрес технической поддержки"
    )
    site_url: str = spec(Line(r"https?://\S+", "https://docs.example.ru/"), "Адрес сайта")
    language: str = spec(Choice(LANGUAGES), "Язык подписей и поиска", default="ru")


@dataclass(frozen=True, kw_only=True)
class Module(Located):
    id: str = spec(Line(MODULE_ID, "reports"), "Идентификатор: латиница, цифры и '-'")
    title: str = spec(Line(), "Название модуля")
    summary: str | None = spec(Line(), "Одной строкой: для чего модуль", default=None)


@dataclass(frozen=True, kw_only=True)
class Release(Located):
    version: str = spec(Version(), 'Номер версии, например "2.4.1"')
    date: date | None = spec(Date(), "Дата выпуска (для выпущенной версии)", default=None)
    status: str = spec(Choice(RELEASE_STATUSES), "released — выпущена, planned — в плане")
    delivery: str = spec(
        Choice(DELIVERIES),
        "auto-update — массовое автоматическое обновление; manual — вручную",
    )
    summary: str | None = spec(Markdown(), "Кратко о версии (Markdown)", default=None)

    @property
    def released(self) -> bool:
        return self.status == "released"


@dataclass(frozen=True, kw_only=True)
class Fix(Located):
    method: str = spec(
        Choice(FIX_METHODS),
        "auto-update — массовое автоматическое обновление; support — работа специалиста поддержки",
    )
    version: str | None = spec(Version(), "Версия с исправлением (для auto-update)", default=None)
    instructions: str | None = spec(
        Markdown(), "Что пользователь пишет в поддержку и что делает специалист", default=None
    )


@dataclass(frozen=True, kw_only=True)
class FaqQuestion(Located):
    question: str = spec(Line(), "Вопрос, как его задаёт пользователь")


@dataclass(frozen=True, kw_only=True)
class Fault(Located):
    id: str = spec(Line(r"F-\d{4,}", "F-0042"), "Номер: F- и не меньше 4 цифр, равен имени файла")
    title: str = spec(Line(), "Одной строкой, как проблему описал бы пользователь")
    module: str = spec(Line(MODULE_ID, "reports"), "Модуль из modules.yaml")
    audience: tuple[str, ...] = spec(_audience, "Кому читать: user, admin, support")
    severity: str = spec(Choice(SEVERITIES), "Серьёзность: critical, major, minor")
    status: str = spec(Choice(FAULT_STATUSES), "open, workaround, fixed, wontfix")
    reported: date = spec(Date(), "Дата первого сообщения")
    affected_versions: tuple[str, ...] = spec(
        ListOf(Version(), nonempty=True), "Затронутые выпущенные версии"
    )
    symptoms: str = spec(Markdown(), "Что видит пользователь (Markdown)")
    error_codes: tuple[str, ...] = spec(
        _words, "Коды ошибок в точности как их показывает продукт", ()
    )
    cause: str | None = spec(Markdown(), "Причина (Markdown)", None)
    workaround: str | None = spec(Markdown(), "Что делать до исправления (Markdown)", None)
    fix: Fix | None = spec(Nested(Fix), "Как исправлено (обязательно для status: fixed)", None)
    faq: FaqQuestion | None = spec(Nested(FaqQuestion), "Опубликовать как вопрос FAQ", None)
    related: tuple[str, ...] = spec(_ids, "Связанные записи: F-, P-, Q-, T-", ())
    tags: tuple[str, ...] = spec(_words, "Ключевые слова", ())
    updated: date | None = spec(Date(), _updated_doc, None)
    internal: dict[str, Any] | None = spec(FreeMapping(), _internal_doc, None)


@dataclass(frozen=True, kw_only=True)
class Proposal(Located):
    id: str = spec(Line(r"P-\d{4,}", "P-0007"), "Номер: P- и не меньше 4 цифр, равен имени файла")
    title: str = spec(Line(), "Одной строкой")
    module: str = spec(Line(MODULE_ID, "reports"), "Модуль из modules.yaml")
    source: str = spec(
        Choice(PROPOSAL_SOURCES), "customer — от пользователя; roadmap — план разработки"
    )
    submitted: date = spec(Date(), "Дата поступления")
    status: str = spec(
        Choice(PROPOSAL_STATUSES),
        "received → review → accepted/rejected; accepted → planned → implemented",
    )
    summary: str = spec(Markdown(), "Что предлагается (Markdown)")
    effect: str | None = spec(Markdown(), "Ожидаемый эффект (Markdown)", None)
    decision: str | None = spec(Markdown(), "Почему принято или отклонено (Markdown)", None)
    planned_for: str | None = spec(Version(), "Версия, в которую запланировано", None)
    implemented_in: str | None = spec(Version(), "Выпущенная версия, в которой реализовано", None)
    docs: str | None = spec(Markdown(), "Как пользоваться новой возможностью (Markdown)", None)
    audience: tuple[str, ...] = spec(_audience, "Кому читать: user, admin, support", ("user",))
    requests: int | None = spec(Integer(1), "Сколько клиентов просили", None)
    related: tuple[str, ...] = spec(_ids, "Связанные записи: F-, P-, Q-, T-", ())
    tags: tuple[str, ...] = spec(_words, "Ключевые слова", ())
    updated: date | None = spec(Date(), _updated_doc, None)
    internal: dict[str, Any] | None = spec(FreeMapping(), _internal_doc, None)


@dataclass(frozen=True, kw_only=True)
class FaqEntry(Located):
    id: str = spec(Line(r"Q-\d{4,}", "Q-0001"), "Номер: Q- и не меньше 4 цифр, равен имени файла")
    question: str = spec(Line(), "Вопрос одной строкой")
    answer: str = spec(Markdown(), "Ответ (Markdown)")
    module: str = spec(Line(MODULE_ID, "reports"), "Модуль из modules.yaml")
    audience: tuple[str, ...] = spec(_audience, "Кому читать: user, admin, support", ("user",))
    related: tuple[str, ...] = spec(_ids, "Связанные записи: F-, P-, Q-, T-", ())
    tags: tuple[str, ...] = spec(_words, "Ключевые слова", ())
    updated: date | None = spec(Date(), _updated_doc, None)
    internal: dict[str, Any] | None = spec(FreeMapping(), _internal_doc, None)


@dataclass(frozen=True, kw_only=True)
class Skill(Located):
    id: str = spec(Line(MODULE_ID, "linux"), "Идентификатор навыка")
    title: str = spec(Line(), "Название навыка")


@dataclass(frozen=True, kw_only=True)
class Course(Located):
    title: str = spec(Line(), "Название курса")
    skills: tuple[Skill, ...] = spec(ListOf(Nested(Skill)), "Навыки, нужные слушателю", ())
    lessons: tuple[str, ...] = spec(
        ListOf(Line(r"T-\d{2,}", "T-01"), nonempty=True), "Уроки по порядку"
    )


@dataclass(frozen=True, kw_only=True)
class PracticeTask(Located):
    task: str = spec(Markdown(), "Задание (Markdown)")
    check: str = spec(Markdown(), "Как проверить результат (Markdown)")


@dataclass(frozen=True, kw_only=True)
class QuizQuestion(Located):
    question: str = spec(Line(), "Вопрос")
    options: tuple[str, ...] = spec(ListOf(Line(), nonempty=True), "Варианты ответа")
    answer: int = spec(Integer(0), "Номер верного варианта, считая с 0")
    explain: str | None = spec(Markdown(), "Пояснение к ответу (Markdown)", None)


@dataclass(frozen=True, kw_only=True)
class Lesson(Located):
    id: str = spec(Line(r"T-\d{2,}", "T-01"), "Номер: T- и не меньше 2 цифр, равен имени файла")
    title: str = spec(Line(), "Название урока")
    duration: int = spec(Integer(1), "Длительность в минутах")
    prerequisites: tuple[str, ...] = spec(
        ListOf(Line(MODULE_ID, "linux")), "Навыки из course.yaml", ()
    )
    objectives: tuple[str, ...] = spec(ListOf(Line(), nonempty=True), "Цели урока")
    body: str = spec(Markdown(), "Текст урока (Markdown)")
    practice: tuple[PracticeTask, ...] = spec(
        ListOf(Nested(PracticeTask)), "Практические задания", ()
    )
    faults: tuple[str, ...] = spec(
        ListOf(Line(r"F-\d+", "F-0042")), "Неисправности для разбора (audience: admin)", ()
    )
    quiz: tuple[QuizQuestion, ...] = spec(ListOf(Nested(QuizQuestion)), "Вопросы самопроверки", ())
    updated: date | None = spec(Date(), _updated_doc, None)
    internal: dict[str, Any] | None = spec(FreeMapping(), _internal_doc, None)


RecordType = Fault | Proposal | FaqEntry | Lesson
