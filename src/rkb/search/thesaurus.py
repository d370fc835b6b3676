"""Support vocabulary: words readers use for the same thing (Russian and English)."""

from __future__ import annotations

from collections.abc import Iterable

from .analysis import terms

GROUPS: tuple[tuple[str, ...], ...] = (
    ("вход", "войти", "авторизация", "логин", "login", "залогиниться", "аутентификация"),
    ("пароль", "password", "пароля"),
    (
        "тормозит",
        "медленно",
        "долго",
        "зависает",
        "подвисает",
        "медленный",
        "slow",
        "тормоза",
        "таймаут",
        "timeout",
        "тормозить",
    ),
    (
        "выгрузка",
        "экспорт",
        "выгрузить",
        "выгружается",
        "выгружать",
        "экспортировать",
        "export",
        "скачать",
    ),
    ("загрузка", "импорт", "загрузить", "импортировать", "import"),
    ("ошибка", "сбой", "error", "падает", "не работает"),
    ("отчет", "отчетность", "report"),
    ("excel", "xlsx", "эксель", "таблица"),
    ("обновление", "апдейт", "update", "обновить", "upgrade"),
    ("письмо", "почта", "email", "e-mail", "уведомление", "рассылка"),
    ("удалить", "стереть", "убрать", "delete"),
    ("сертификат", "ssl", "tls", "https", "certificate"),
    ("база данных", "бд", "postgresql", "postgres", "database", "субд"),
    ("резервная копия", "бэкап", "backup", "резервное копирование", "дамп", "dump"),
    ("восстановить", "восстановление", "restore"),
    ("настройка", "конфигурация", "config", "настройки", "параметры", "settings"),
    ("журнал", "журналы", "журналов", "лог", "логи", "логами", "log", "logs"),
    ("пользователь", "юзер", "user", "учетная запись", "аккаунт", "account"),
    ("права", "доступ", "роль", "разрешения", "permissions"),
    ("выплата", "платеж", "перечисление", "payout", "payment"),
    ("начисление", "вознаграждение", "комиссия", "accrual"),
    ("партнер", "агент", "контрагент", "partner"),
    ("договор", "контракт", "соглашение", "contract"),
    ("реестр", "список", "registry"),
    ("банк", "платежное поручение", "bank"),
    ("не открывается", "не грузится", "белый экран", "пустая страница"),
    ("сервер", "server", "хост"),
    ("перезапуск", "перезагрузка", "рестарт", "restart", "reboot"),
    ("место", "диск", "disk", "переполнен", "забит", "забился", "заполнен"),
    ("интеграция", "обмен", "синхронизация", "1с", "api"),
    ("версия", "version", "релиз", "выпуск"),
    ("сеанс", "сессия", "session", "выкидывает", "разлогинивает", "разлогинило", "logout"),
    ("добавить", "завести", "создать", "add", "новый"),
    ("техподдержка", "поддержка", "support", "саппорт", "служба поддержки"),
)


def synonym_map(groups: Iterable[Iterable[str]] = GROUPS) -> dict[str, list[str]]:
    """Each single-term phrase → the terms of its group (multi-word phrases are skipped)."""
    mapping: dict[str, list[str]] = {}
    for group in groups:
        group_terms: list[str] = []
        for phrase in group:
            phrase_terms = terms(phrase)
            if len(phrase_terms) == 1 and phrase_terms[0] not in group_terms:
                group_terms.append(phrase_terms[0])
        for term in group_terms:
            mapping.setdefault(term, [])
            mapping[term] += [other for other in group_terms if other not in mapping[term]]
    return mapping
