"""Benchmark the validator: generate a large valid kb and time `load_kb` on it.

    .venv/bin/python scripts/bench_validate.py [--records 10000] [--limit 10]

Records are split 60 % faults, 20 % proposals, 20 % FAQ entries. The kb is written to a
temporary folder and removed afterwards. Prints the first (cold) run and the best of three,
with records per second, and exits 1 if a run took `--limit` seconds or more (the first,
cold run counts: it is what a writer waits for after `rkb validate`).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from rkb import KbError, load_kb

MODULES = ("reports", "import", "admin", "payouts", "auth")
RELEASES = (
    ("2.3.0", "released"),
    ("2.4.0", "released"),
    ("2.4.1", "released"),
    ("2.5.0", "planned"),
)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _fault(number: int, faults: int) -> str:
    module = MODULES[number % len(MODULES)]
    other = number % faults + 1
    status = ("open", "workaround", "fixed", "wontfix")[number % 4]
    text = (
        f"id: F-{number:04d}\n"
        f"title: Неисправность номер {number} в модуле {module}\n"
        f"module: {module}\n"
        f"audience: [user, {'admin' if number % 2 else 'support'}]\n"
        f"severity: {('critical', 'major', 'minor')[number % 3]}\n"
        f"status: {status}\n"
        f"reported: 2026-{number % 12 + 1:02d}-{number % 28 + 1:02d}\n"
        'affected_versions: ["2.3.0", 2.4.1]\n'
        "symptoms: |\n"
        f"  При работе с модулем **{module}** появляется ошибка `RT-{number % 9000 + 1000}`.\n"
        "  Пользователь видит сообщение и не может продолжить работу.\n"
        f'error_codes: ["RT-{number % 9000 + 1000}", "HTTP 502"]\n'
        "cause: Причина в обработке больших объёмов данных.\n"
        "workaround: |\n"
        "  - Повторите операцию позже.\n"
        "  - Разбейте данные на части.\n"
    )
    if status == "fixed":
        text += 'fix:\n  method: auto-update\n  version: "2.4.1"\n'
    text += (
        f"faq:\n  question: Что делать при ошибке RT-{number % 9000 + 1000}?\n"
        f"related: [F-{other:04d}, Q-0001, P-0001]\n"
        f"tags: [{module}, ошибка, bench]\n"
        f"internal:\n  ticket: SD-{number}\n  note: INTERNAL-MARKER-7f3a\n"
    )
    return text


def _proposal(number: int) -> str:
    module = MODULES[number % len(MODULES)]
    status = ("received", "review", "accepted", "rejected", "planned", "implemented")[number % 6]
    text = (
        f"id: P-{number:04d}\n"
        f"title: Предложение номер {number}\n"
        f"module: {module}\n"
        f"source: {('customer', 'roadmap')[number % 2]}\n"
        "submitted: 2026-03-01\n"
        f"status: {status}\n"
        "summary: |\n  Добавить возможность, о которой просят клиенты.\n"
        "effect: Пользователи экономят время.\n"
        f"requests: {number % 9 + 1}\n"
        "audience: [user, admin]\n"
        "related: [F-0001]\n"
        "tags: [улучшение]\n"
    )
    if status in ("accepted", "rejected", "planned", "implemented"):
        text += "decision: Решение принято на совете по продукту.\n"
    if status == "planned":
        text += 'planned_for: "2.5.0"\n'
    if status == "implemented":
        text += 'implemented_in: "2.4.1"\ndocs: Откройте **Настройки**.\n'
    return text


def _faq(number: int) -> str:
    module = MODULES[number % len(MODULES)]
    return (
        f"id: Q-{number:04d}\n"
        f"question: Вопрос номер {number}?\n"
        "answer: |\n  Ответ на вопрос: откройте **Настройки** и выберите нужный пункт.\n"
        f"module: {module}\n"
        "audience: [user]\n"
        "related: [F-0002]\n"
        "tags: [вопрос]\n"
    )


def generate(kb: Path, records: int) -> tuple[int, int, int]:
    """Write a valid kb with `records` records; returns (faults, proposals, faq)."""
    faults = max(2, records * 6 // 10)
    proposals = max(1, records * 2 // 10)
    faq = max(1, records - faults - proposals)
    _write(
        kb / "product.yaml",
        "name: reTributor\nsupport_email: support@retributor.ru\n"
        "site_url: https://docs.retributor.ru/\nlanguage: ru\n",
    )
    _write(kb / "modules.yaml", "".join(f"- id: {m}\n  title: Модуль {m}\n" for m in MODULES))
    _write(
        kb / "releases.yaml",
        "".join(
            f'- version: "{version}"\n'
            + ("  date: 2026-01-15\n" if status == "released" else "")
            + f"  status: {status}\n  delivery: auto-update\n"
            for version, status in RELEASES
        ),
    )
    _write(
        kb / "training" / "course.yaml",
        "title: Курс\nskills:\n  - id: linux\n    title: Linux\nlessons: [T-01]\n",
    )
    _write(
        kb / "training" / "T-01.yaml",
        "id: T-01\ntitle: Урок\nduration: 45\nprerequisites: [linux]\n"
        "objectives: [Понять]\nbody: Текст урока.\nfaults: [F-0001]\n"
        "quiz:\n  - question: Да?\n    options: [Да, Нет]\n    answer: 0\n",
    )
    for number in range(1, faults + 1):
        _write(kb / "faults" / f"F-{number:04d}.yaml", _fault(number, faults))
    for number in range(1, proposals + 1):
        _write(kb / "proposals" / f"P-{number:04d}.yaml", _proposal(number))
    for number in range(1, faq + 1):
        _write(kb / "faq" / f"Q-{number:04d}.yaml", _faq(number))
    return faults, proposals, faq


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000, help="records to generate")
    parser.add_argument("--limit", type=float, default=10.0, help="seconds allowed for one run")
    parser.add_argument("--runs", type=int, default=3, help="timed runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rkb-bench-") as tmp:
        kb = Path(tmp) / "kb"
        start = time.perf_counter()
        faults, proposals, faq = generate(kb, args.records)
        total = faults + proposals + faq
        print(
            f"generated {total} records ({faults} faults, {proposals} proposals, {faq} FAQ) "
            f"in {time.perf_counter() - start:.2f} s"
        )
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            try:
                loaded = load_kb(kb)
            except KbError as error:
                print(f"the generated kb is invalid:\n{error}", file=sys.stderr)
                return 2
            times.append(time.perf_counter() - start)
        assert len(loaded.faults) + len(loaded.proposals) + len(loaded.faq) == total

    best = min(times)
    print(f"first run: {times[0]:.2f} s ({total / times[0]:,.0f} records/s)")
    print(f"best of {len(times)}: {best:.2f} s ({total / best:,.0f} records/s)")
    slowest = max(times)
    if slowest >= args.limit:
        print(f"too slow: {slowest:.2f} s >= {args.limit:.0f} s", file=sys.stderr)
        return 1
    print(f"ok: under {args.limit:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
