"""Search analysis, ranking and `rkb search` on a built site."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rkb.search.analysis import code_term, id_term, normalise, terms
from rkb.search.query import SearchIndex, parse
from sitebuild import FIXTURES, copy_project, rkb


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "site"
    result = rkb("build", "-d", out)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("typed", ["F-0042", "f-42", "F42", "f0042", "f-0042", " F-00042 "])
def test_ids_in_every_form_are_one_term(typed: str) -> None:
    assert id_term(typed) == "f42"


def test_error_codes_are_one_term() -> None:
    assert code_term("RT-1042") == "rt1042"
    assert code_term("HTTP 502") == "http502"
    assert code_term("NET::ERR_CERT_DATE_INVALID") == "neterrcertdateinvalid"


def test_yo_and_case_do_not_matter() -> None:
    assert normalise("ОТЧЁТ") == "отчет"
    assert terms("ОТЧЁТЫ не выгружаются") == terms("отчеты не выгружаются")


def test_a_known_code_typed_in_two_words_is_one_concept() -> None:
    concepts = parse("ошибка HTTP 502", frozenset({"http502"}), {})
    assert [(c.kind, c.terms[0]) for c in concepts] == [("word", "ошибк"), ("code", "http502")]


def test_synonyms_extend_a_word() -> None:
    concepts = parse("логин ", frozenset(), {"логин": ["вход", "авторизац"]})
    assert concepts[0].terms == ["логин", "вход", "авторизац"]
    assert concepts[0].prefix is False  # a trailing space ends the word


def test_search_f_1_finds_f_0001_first(site: Path) -> None:
    result = rkb("search", "f-1", "--site", site, "--json")
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert hits[0]["id"] == "F-0001"
    assert hits[0]["url"] == "https://docs.retributor.ru/faults/F-0001/"
    assert set(hits[0]) >= {"id", "title", "url", "score"}


def test_yo_forms_find_the_same(site: Path) -> None:
    one = rkb("search", "отчёты не выгружаются", "--site", site, "--json")
    other = rkb("search", "отчеты не выгружается", "--site", site, "--json")
    assert [h["id"] for h in json.loads(one.stdout)] == [h["id"] for h in json.loads(other.stdout)]
    assert json.loads(one.stdout)[0]["id"] == "F-0001"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("RT-1042", "F-0001"),
        ("rt-1042", "F-0001"),
        ("HTTP 502", "F-0002"),
        ("SQLSTATE 53300", "F-0008"),
    ],
)
def test_error_codes_put_their_record_first(site: Path, query: str, expected: str) -> None:
    hits = SearchIndex.load(site).search(query, 3)
    assert hits[0].id == expected


def test_text_output_lists_id_title_and_address(site: Path) -> None:
    result = rkb("search", "F7", "--site", site, "--limit", "1")
    assert result.returncode == 0
    assert result.stdout.startswith(" 1. F-0007 · ")
    assert "https://docs.retributor.ru/faults/F-0007/" in result.stdout


def test_search_without_a_built_site_is_a_clear_error(tmp_path: Path) -> None:
    result = rkb("search", "отчёт", "--site", tmp_path)
    assert result.returncode == 1
    assert "no search index; build the site first" in result.stderr
    assert "Traceback" not in result.stderr


def test_project_synonyms_from_kb_are_used(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    (project / "kb/synonyms.yaml").write_text("- [квитанция, отчёт]\n", encoding="utf-8")
    assert rkb("build", "-d", tmp_path / "site", cwd=project).returncode == 0
    data = json.loads((tmp_path / "site/search/rkb-index.json").read_text(encoding="utf-8"))
    assert "отчет" in data["synonyms"]["квитанц"]


def test_broken_synonyms_file_is_a_clear_validation_error(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", kb=FIXTURES / "minimal_kb", docs=False)
    (project / "kb/synonyms.yaml").write_text("- квитанция\n", encoding="utf-8")
    result = rkb("validate", cwd=project)
    assert result.returncode == 1
    assert (
        result.stderr.strip()
        == "kb/synonyms.yaml:1:3: synonyms[0]: expected a list; got 'квитанция'"
    )
