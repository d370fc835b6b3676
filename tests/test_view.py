"""One rendered view per record: every output reads it, ids link, replies are ready."""

from __future__ import annotations

import pickle
from pathlib import Path

import markdown
import pytest

from rkb import load_kb
from rkb.records.loader import KnowledgeBase
from rkb.records.schema import markdown_texts
from rkb.render import SiteRenderer, safe
from rkb.render.export import export
from rkb.render.feed import render_feed
from rkb.render.helpdesk import responses, to_csv, to_json, to_zendesk
from rkb.render.idlinks import Linker
from rkb.render.safe import clean_html
from rkb.render.view import build_views, context_for, render_view
from rkb.search.documents import record_documents
from sitebuild import FIXTURES, ROOT


def _markdown_fields(kb: KnowledgeBase) -> int:
    records = [*kb.faults, *kb.proposals, *kb.faq, *kb.lessons, *kb.releases]
    return sum(len(markdown_texts(record)) for record in records)


@pytest.mark.parametrize("kb_dir", [FIXTURES / "minimal_kb", ROOT / "kb"])
def test_every_markdown_field_is_converted_once_for_all_outputs(
    kb_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kb = load_kb(kb_dir)
    calls: list[str] = []  # conversions of record text (plain paragraphs skip Python-Markdown)
    engine_calls: list[str] = []  # and Python-Markdown's, by that function or any other
    convert, to_html = markdown.Markdown.convert, safe.markdown_html

    def counting(self: markdown.Markdown, source: str) -> str:
        engine_calls.append(source)
        return convert(self, source)

    def counted(text: str, linker: Linker | None = None) -> str:
        calls.append(text)
        return to_html(text, linker)

    monkeypatch.setattr(markdown.Markdown, "convert", counting)
    monkeypatch.setattr(safe, "markdown_html", counted)
    renderer = SiteRenderer(kb)
    views = renderer.views
    renderer.pages(handwritten=set())
    for module in kb.modules:
        renderer.guide_sections(module.id, f"guide/{module.id}.md")
    export(kb, views)
    record_documents(kb, views)
    render_feed(kb, views)
    rows = responses(kb, views)
    to_csv(rows), to_json(rows), to_zendesk(kb, rows)
    assert len(calls) == _markdown_fields(kb)
    assert len(engine_calls) <= len(calls)


def test_views_are_plain_picklable_data_and_a_pure_function() -> None:
    kb = load_kb(FIXTURES / "minimal_kb")
    context = context_for(kb)
    views = build_views(kb, context)
    assert pickle.loads(pickle.dumps(views)) == views
    assert pickle.loads(pickle.dumps(context)) == context
    again = render_view(kb.faults[0], context_for(kb))
    assert again == views["F-0001"]


def test_ids_in_record_text_link_to_the_record_with_its_title() -> None:
    views = build_views(load_kb(FIXTURES / "minimal_kb"))
    cause = views["F-0001"].html("cause")
    assert (
        '<a class="rkb-id-link" href="/faults/F-0002/" '
        'title="Импорт из 1С останавливается на битом справочнике"'
    ) in cause
    assert ">f-2</a>" in cause


def test_ids_in_code_and_in_links_stay_as_they_are(minimal_kb_copy: Path) -> None:
    fault = minimal_kb_copy / "faults/F-0004.yaml"
    text = fault.read_text(encoding="utf-8").replace(
        "symptoms: Колонка «Банк» пустая.",
        "symptoms: |\n  Колонка `F-0001` пустая, [см. F-0002](/faq/) и"
        ' <a href="/faq/">Q-0001</a>, а Q-1 — ссылка.\n\n  ```\n  P-0001\n  ```\n',
    )
    fault.write_text(text, encoding="utf-8")
    html = build_views(load_kb(minimal_kb_copy))["F-0004"].html("symptoms")
    assert "<code>F-0001</code>" in html
    assert html.count("rkb-id-link") == 1
    assert (
        '<a class="rkb-id-link" href="/faq/Q-0001/" title="Как восстановить забытый пароль?"'
        in (html)
    )
    assert "P-0001\n</code>" in html


def test_record_links_are_absolute_from_the_site_root_path(minimal_kb_copy: Path) -> None:
    product = minimal_kb_copy / "product.yaml"
    product.write_text(
        product.read_text(encoding="utf-8").replace(
            "site_url: https://docs.retributor.ru/", "site_url: https://intra.example.ru/kb"
        ),
        encoding="utf-8",
    )
    fault = minimal_kb_copy / "faults/F-0004.yaml"
    fault.write_text(
        fault.read_text(encoding="utf-8").replace(
            "symptoms: Колонка «Банк» пустая.",
            "symptoms: См. F-0001, [главу](guide/reports.md#x) и [раздел](/faults/).",
        ),
        encoding="utf-8",
    )
    views = build_views(load_kb(minimal_kb_copy))
    html = views["F-0004"].html("symptoms")
    assert 'href="/kb/faults/F-0001/"' in html
    assert 'href="/kb/guide/reports/#x"' in html
    assert 'href="/kb/faults/"' in html
    assert views["F-0004"].url == "https://intra.example.ru/kb/faults/F-0004/"


def test_reply_texts_for_each_kind() -> None:
    views = build_views(load_kb(FIXTURES / "minimal_kb"))
    assert views["F-0001"].reply == (
        "Признаки: При выгрузке появляется RT-1042: превышено время ожидания.\n\n"
        "Что сделать сейчас:\nВыгружайте отчёт по месяцам.\n\n"
        "Исправлено в версии 2.4.1: она устанавливается массовым автоматическим обновлением "
        "компонентов, делать ничего не нужно.\n\n"
        "Подробнее: https://docs.retributor.ru/faults/F-0001/"
    )
    assert views["F-0002"].reply == (
        "Признаки: Импорт прерывается с ошибкой RT-2107.\n\n"
        "Исправляется специалистом технической поддержки: напишите на support@retributor.ru.\n"
        "Пришлите в поддержку файл выгрузки; специалист исправит справочник.\n\n"
        "Подробнее: https://docs.retributor.ru/faults/F-0002/"
    )
    assert views["F-0004"].reply is not None
    assert "напишите на support@retributor.ru: версию reTributor" in views["F-0004"].reply
    assert views["P-0002"].reply == (
        "P-0002 · Конструктор отчётов\n\nЗапланировано в версии 2.5.0.\n\n"
        "Подробнее: https://docs.retributor.ru/proposals/P-0002/"
    )
    assert views["Q-0001"].reply == (
        "На странице входа нажмите Забыли пароль? и перейдите по ссылке из письма.\n\n"
        "Подробнее: https://docs.retributor.ru/faq/Q-0001/"
    )
    assert views["T-01"].reply is None


def test_reply_keeps_list_items_on_their_own_lines(minimal_kb_copy: Path) -> None:
    fault = minimal_kb_copy / "faults/F-0003.yaml"
    fault.write_text(
        fault.read_text(encoding="utf-8").replace(
            "  Исправьте путь к сокету в конфигурации nginx и выполните `nginx -s reload`.",
            "  Сделайте так:\n\n  - исправьте путь;\n  - выполните `nginx -s reload`.",
        ),
        encoding="utf-8",
    )
    reply = build_views(load_kb(minimal_kb_copy))["F-0003"].reply
    assert reply is not None
    assert (
        "Что сделать сейчас:\nСделайте так:\n\n- исправьте путь;\n- выполните nginx -s reload."
        in (reply)
    )


def test_cleaned_html_has_no_link_without_address_and_no_image_without_alt() -> None:
    html = clean_html(
        '<a href="javascript:alert(1)">раз</a> <a name="x">два</a> '
        '<img src="a.png"> <img src="https://other.example/b.png" alt="b"> <img alt="c">'
    )
    assert html == 'раз два <img alt="" src="a.png">  '


TRICKY_TEXTS = [
    "F-0001 в начале, f-2 в середине и Q-1.",
    "`F-0001` в коде, ``двойной `F-0002` код``, а F-0003 нет.",
    "[ссылка F-0001](/faq/) и <a href='/faq/'>F-0002</a>, потом F-0003.",
    "```\nF-0001\n```\n\nПосле блока F-0002.\n\n~~~\nP-0001\n~~~",
    "RT-1042, HTTP-502, /faults/F-0001/ и SD-F-0002 не ид., а (F-0003) — ид.",
    "- пункт F-0001\n- пункт `F-0002`\n\n> цитата P-1",
    "**F-0001** и *f-0002*, <code>F-0003</code>, <kbd>Q-0001</kbd> и T-01.",
    "Абзац F-0001.\n\n    F-0002 в коде\n    и P-0001\n\nСнова Q-0001.",
    "- пункт\n\n    продолжение F-0001\n\n- второй F-0002",
]


@pytest.mark.parametrize("text", TRICKY_TEXTS)
def test_validation_and_rendering_see_the_same_ids(text: str) -> None:
    """The scanner (validation, positions) and the treeprocessor (links) agree."""
    import re

    from rkb.records.ids import canonical_id
    from rkb.records.mentions import scan
    from rkb.render.idlinks import RecordLink, SiteLinker
    from rkb.render.safe import markdown_html

    everything = {
        canonical_id(f"{letter}-{n}") or "": RecordLink(f"{letter}{n}", f"x/{letter}-{n}.md")
        for letter in "FPQT"
        for n in range(1, 5)
    }
    html = markdown_html(text, SiteLinker(everything))
    linked = re.findall(r'class="rkb-id-link"[^>]*>([^<]+)</a>', html)
    assert [m.text for m in scan(text).mentions] == linked
