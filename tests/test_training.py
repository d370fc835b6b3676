"""The administrators' course: progress and quizzes in Chromium, the printable course and
its PDF, Mermaid diagrams behind the real nginx, and the upgrade planner (page and command).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browsing import CHROMIUM, serving
from nginxrun import NGINX, free_port, running_nginx
from rkb import load_kb
from rkb.render.upgrade import UnknownVersionError, plan, released_oldest_first
from sitebuild import ENV, ROOT, copy_project, read_tree, rkb

KB = load_kb(ROOT / "kb")
LESSONS = KB.lessons
LATEST = released_oldest_first(KB)[-1].version
POPPLER = shutil.which("pdftotext") is not None
needs_browser = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium")
browser_test = pytest.mark.browser
needs_poppler = pytest.mark.skipif(not POPPLER, reason="needs poppler-utils (scripts/test.sh)")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped site built with `rkb build --pdf`."""
    out = tmp_path_factory.mktemp("training") / "site"
    result = rkb("build", "-d", out, "--pdf")
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


def _page(browser: Any, url: str) -> tuple[Any, list[str]]:
    page = browser.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(url, wait_until="load")
    return page, problems


# -- the upgrade planner -------------------------------------------------------------------


def test_plan_from_2_1_0_to_the_latest_release() -> None:
    upgrade = plan(KB, "2.1.0")
    assert upgrade.target.version == LATEST
    assert [r.version for r in upgrade.releases][-1] == LATEST
    assert "2.1.0" not in [r.version for r in upgrade.releases]
    fixed = {item.fault.id: item for item in upgrade.fixed}
    assert fixed["F-0005"].release.version == "2.2.0"
    assert fixed["F-0005"].arrives == "auto-update"
    assert fixed["F-0009"].release.version == "2.4.1"
    assert "P-0001" in [p.id for p, _ in upgrade.implemented]
    assert [r.version for r in upgrade.manual] == ["2.4.0"]
    assert all(LATEST in f.affected_versions for f in upgrade.still_open)


def test_a_shorter_plan_leaves_out_later_fixes() -> None:
    upgrade = plan(KB, "2.2.0", "2.4.0")
    versions = {item.release.version for item in upgrade.fixed}
    assert versions <= {"2.3.0", "2.3.1", "2.4.0"}
    assert "F-0009" not in [item.fault.id for item in upgrade.fixed]  # fixed in 2.4.1
    assert "F-0009" in [f.id for f in upgrade.still_open]


@pytest.mark.parametrize(
    ("source", "target", "message"),
    [
        ("2.1", None, "unknown current version '2.1'; expected one of 2.0.0, "),
        ("2.1", None, "did you mean '2.1.0'?"),
        ("2.3.0", "2.2.0", "target version 2.2.0 is older than the current version 2.3.0"),
        ("9.9.9", None, "unknown current version '9.9.9'"),
    ],
)
def test_unknown_or_backward_versions_are_clear_errors(
    source: str, target: str | None, message: str
) -> None:
    with pytest.raises(UnknownVersionError) as error:
        plan(KB, source, target)
    assert message in str(error.value)


def test_a_planned_version_is_not_a_target() -> None:
    planned = next(r.version for r in KB.releases if not r.released)
    with pytest.raises(UnknownVersionError, match=f"target version {planned} is planned"):
        plan(KB, "2.1.0", planned)


def test_rkb_releases_prints_the_plan() -> None:
    result = rkb("releases", "--from", "2.1.0")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith(f"С версии 2.1.0 до {LATEST}\n")
    for item in plan(KB, "2.1.0").fixed:
        assert item.fault.id in out
    manual = out.split("Версии на пути, которые устанавливаются вручную:")[1]
    assert manual.lstrip().startswith("2.4.0: Переход на Python 3.11")


def test_rkb_releases_json_matches_the_page_logic() -> None:
    result = rkb("releases", "--from", "2.2.0", "--to", "2.4.0", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    expected = plan(KB, "2.2.0", "2.4.0")
    assert (data["from"], data["to"]) == ("2.2.0", "2.4.0")
    assert [f["id"] for f in data["fixed"]] == [i.fault.id for i in expected.fixed]
    assert [f["id"] for f in data["still_open"]] == [f.id for f in expected.still_open]
    assert data["fixed"][0]["url"].startswith(KB.product.site_url)


def test_rkb_releases_unknown_version_is_one_line() -> None:
    result = rkb("releases", "--from", "2.1")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "rkb releases: unknown current version '2.1'; expected one of "
        + ", ".join(r.version for r in released_oldest_first(KB))
        + "; did you mean '2.1.0'?"
    ]


def test_releases_page_lists_every_upgrade_to_the_latest_without_javascript(site: Path) -> None:
    html = (site / "releases/index.html").read_text(encoding="utf-8")
    for release in released_oldest_first(KB)[:-1]:
        anchor = "upgrade-v" + re.sub(r"[^0-9A-Za-z]+", "-", release.version)
        section = html.split(f'id="{anchor}"', 1)[1].split("<h3", 1)[0]
        for item in plan(KB, release.version).fixed:
            assert f"{item.fault.id} · " in section, (release.version, item.fault.id)


# -- lesson pages, the print page and the PDF ----------------------------------------------


def test_answers_are_hidden_until_an_attempt(site: Path) -> None:
    html = (site / "training/T-01/index.html").read_text(encoding="utf-8")
    answers = re.findall(r'<div class="rkb-quiz-answer"( hidden)?>', html)
    assert len(answers) == len(LESSONS[0].quiz)
    assert all(hidden == " hidden" for hidden in answers)
    assert "<details" not in html.split('class="rkb-quiz"', 1)[1]
    assert 'type="checkbox"' in html  # the multiple-choice question


def test_print_page_has_every_lesson_in_order_and_an_answer_key(site: Path) -> None:
    html = (site / "training/print/index.html").read_text(encoding="utf-8")
    positions = [html.index(f'id="{lesson.id.lower()}"') for lesson in LESSONS]
    assert positions == sorted(positions)
    key = html.index('id="answers"')
    assert key > positions[-1]
    for lesson in LESSONS:
        for question in lesson.quiz:
            right = question.options[question.answers[0]]
            assert question.question in html[positions[0] : key]
            assert right in html[key:]
    assert 'class="rkb-print-lesson"' in html


def test_training_overview_links_the_print_page_and_the_pdf(site: Path) -> None:
    html = (site / "training/index.html").read_text(encoding="utf-8")
    assert 'href="print/"' in html
    assert 'href="course.pdf"' in html
    assert (site / "training/course.pdf").is_file()


def _pdf_text(pdf: Path, *pages: int) -> str:
    window = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(
        ["pdftotext", "-layout", *window, str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)$", info.stdout, re.M)
    assert match, info.stdout
    return int(match.group(1))


@needs_poppler
def test_pdf_has_contents_lessons_and_a_completion_sheet_last(site: Path) -> None:
    pdf = site / "training/course.pdf"
    pages = _pdf_pages(pdf)
    text = _pdf_text(pdf)
    for lesson in LESSONS:
        assert lesson.title in re.sub(r"\s+", " ", text), lesson.id
    contents = _pdf_text(pdf, 2)
    assert "Содержание" in contents
    for lesson in LESSONS:
        line = next(ln for ln in contents.splitlines() if lesson.id in ln)
        number = int(re.search(r"(\d+)\s*$", line).group(1))  # type: ignore[union-attr]
        assert 2 < number <= pages
        assert lesson.id in _pdf_text(pdf, number)
    last = re.sub(r"\s+", " ", _pdf_text(pdf, pages))
    for words in ("Лист прохождения курса", "Слушатель", "Организация", "Даты обучения"):
        assert words in last
    for words in ("Итоговый тест", "Подпись слушателя", "Подпись преподавателя"):
        assert words in last
    for lesson in LESSONS:
        assert f"{lesson.duration} мин" in last
    assert f"стр. {pages} / {pages}" in last


@needs_poppler
def test_pdf_renders_every_page_with_embedded_fonts(site: Path, tmp_path: Path) -> None:
    pdf = site / "training/course.pdf"
    pages = _pdf_pages(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")],
        check=True,
        capture_output=True,
    )
    images = sorted(tmp_path.glob("page-*.png"))
    assert len(images) == pages
    assert all(image.stat().st_size > 100 for image in images)
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert all(line.split()[-5] == "yes" for line in fonts), fonts  # the "emb" column
    assert any("DejaVu" in line for line in fonts)


def _fake_weasyprint(folder: Path, body: str) -> dict[str, str]:
    folder.mkdir()
    (folder / "weasyprint.py").write_text(body, encoding="utf-8")
    return {**ENV, "PYTHONPATH": str(folder)}


def _run_rkb(cwd: Path, env: dict[str, str], *args: str | Path) -> subprocess.CompletedProcess[str]:
    import sys

    return subprocess.run(
        [sys.executable, "-m", "rkb", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_pdf_without_weasyprint_says_how_to_install_it(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    assert rkb("build", "-d", out, cwd=project).returncode == 0
    before = read_tree(out)
    env = _fake_weasyprint(tmp_path / "fake", "raise ImportError('No module named weasyprint')")
    result = _run_rkb(project, env, "build", "-d", out, "--pdf")
    assert result.returncode == 1
    assert "--pdf needs WeasyPrint: install it with `.venv/bin/pip install -e '.[pdf]'`" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert read_tree(out) == before


def test_a_failed_pdf_leaves_the_site_as_it_was(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    out = tmp_path / "out"
    assert rkb("build", "-d", out, cwd=project).returncode == 0
    before = read_tree(out)
    env = _fake_weasyprint(
        tmp_path / "fake",
        "default_url_fetcher = None\n"
        "class HTML:\n"
        "    def __init__(self, **kwargs): pass\n"
        "    def write_pdf(self, target): raise RuntimeError('no room for the PDF')\n",
    )
    result = _run_rkb(project, env, "build", "-d", out, "--pdf")
    assert result.returncode == 1
    assert "training/course.pdf: the PDF could not be made: no room for the PDF" in result.stderr
    assert f"{out} is unchanged" in result.stderr
    assert "Traceback" not in result.stderr
    assert read_tree(out) == before
    assert not list(tmp_path.glob(".out.building-*"))


# -- the course in Chromium ----------------------------------------------------------------


@needs_browser
@browser_test
def test_mark_done_survives_a_reload_and_shows_on_the_overview(base: str, browser: Any) -> None:
    page, problems = _page(browser, base + "training/T-01/")
    button = page.locator(".rkb-mark-done")
    assert button.get_attribute("aria-pressed") == "false"
    button.focus()
    page.keyboard.press("Enter")  # keyboard usable
    assert button.get_attribute("aria-pressed") == "true"
    assert page.locator(".rkb-mark-status").inner_text() == "Урок отмечен как пройденный."
    page.reload(wait_until="load")
    assert page.locator(".rkb-mark-done").get_attribute("aria-pressed") == "true"

    page.goto(base + "training/", wait_until="load")
    total = sum(lesson.duration for lesson in LESSONS)
    left = total - LESSONS[0].duration
    summary = page.locator(".rkb-progress-summary").inner_text()
    assert summary == (
        f"Пройдено уроков: 1 из {len(LESSONS)}. Осталось: {left // 60} ч {left % 60} мин"
    )
    state = page.locator('.rkb-lesson-state[data-rkb-lesson="T-01"]')
    assert state.inner_text() == "пройден"
    assert page.locator('.rkb-lesson-state[data-rkb-lesson="T-02"]').inner_text() == "не пройден"
    assert page.locator(".rkb-course-progress progress").get_attribute("value") == "1"

    page.locator(".rkb-progress-reset").click()
    assert (
        page.locator(".rkb-progress-summary")
        .inner_text()
        .startswith(f"Пройдено уроков: 0 из {len(LESSONS)}.")
    )
    assert page.locator(".rkb-progress-status").inner_text() == "Прогресс сброшен."
    page.goto(base + "training/T-01/", wait_until="load")
    assert page.locator(".rkb-mark-done").get_attribute("aria-pressed") == "false"
    assert problems == []
    page.close()


@needs_browser
@browser_test
def test_quiz_right_wrong_try_again_several_answers_and_score(base: str, browser: Any) -> None:
    page, problems = _page(browser, base + "training/T-01/")
    quiz = LESSONS[0].quiz
    questions = page.locator(".rkb-quiz-question")
    assert questions.count() == len(quiz)
    first = questions.nth(0)
    assert first.locator(".rkb-quiz-answer").is_hidden()
    wrong = next(i for i in range(len(quiz[0].options)) if i not in quiz[0].answers)
    first.locator("input").nth(wrong).check()
    first.locator(".rkb-quiz-check").click()
    assert first.locator(".rkb-quiz-result").inner_text() == "Неверно, попробуйте ещё раз."
    assert first.locator(".rkb-quiz-answer").is_visible()  # the explanation, after an attempt
    first.locator(".rkb-quiz-retry").click()
    assert first.locator(".rkb-quiz-answer").is_hidden()
    assert first.locator("input:checked").count() == 0

    several = next(i for i, q in enumerate(quiz) if q.multiple)
    question = questions.nth(several)
    assert question.locator('input[type="checkbox"]').count() == len(quiz[several].options)
    question.locator("input").nth(quiz[several].answers[0]).check()  # only one of the two
    question.locator(".rkb-quiz-check").click()
    assert question.locator(".rkb-quiz-result").inner_text() == "Неверно, попробуйте ещё раз."
    question.locator(".rkb-quiz-retry").click()
    for index in quiz[several].answers:
        question.locator("input").nth(index).check()
    question.locator(".rkb-quiz-check").click()
    assert question.locator(".rkb-quiz-result").inner_text() == "Верно!"

    for index, item in enumerate(quiz):  # every other question, right
        if index != several:
            q = questions.nth(index)
            if q.locator(".rkb-quiz-retry").is_visible():
                q.locator(".rkb-quiz-retry").click()
            q.locator("input").nth(item.answers[0]).check()
            q.locator(".rkb-quiz-check").click()
    total = page.locator(".rkb-quiz-total").inner_text()
    assert total == f"Результат теста: {len(quiz)} из {len(quiz)}"
    page.goto(base + "training/", wait_until="load")
    state = page.locator('.rkb-lesson-state[data-rkb-lesson="T-01"]').inner_text()
    assert state == f"не пройден, тест {len(quiz)} из {len(quiz)}"
    page.locator(".rkb-progress-reset").click()
    assert problems == []
    page.close()


@needs_browser
@browser_test
@pytest.mark.parametrize(
    ("stored", "done"),
    [
        ("{not json", 0),
        ('{"version": 0, "lessons": {"T-01": {"done": true}}}', 0),  # an older format
        ('"text"', 0),
        ("[1, 2]", 0),
        ('{"version": 1, "lessons": []}', 0),
        ('{"version": 1, "lessons": {"T-01": "yes"}}', 0),
        ('{"version": 1, "lessons": {"T-01": {"done": true, "score": "lots"}}}', 1),
    ],
)
def test_a_corrupt_or_old_progress_value_is_ignored(
    base: str, browser: Any, stored: str, done: int
) -> None:
    page, problems = _page(browser, base + "training/")
    page.evaluate(
        "value => localStorage.setItem('rkb-training:' + new URL('..', location).pathname, value)",
        stored,
    )
    page.reload(wait_until="load")
    summary = page.locator(".rkb-progress-summary").inner_text()
    assert summary.startswith(f"Пройдено уроков: {done} из {len(LESSONS)}.")
    state = page.locator('.rkb-lesson-state[data-rkb-lesson="T-01"]').inner_text()
    assert state == ("пройден" if done else "не пройден")  # a bad score is left out
    page.goto(base + "training/T-02/", wait_until="load")
    page.locator(".rkb-mark-done").click()  # and the course goes on working
    page.goto(base + "training/", wait_until="load")
    assert (
        page.locator(".rkb-progress-summary")
        .inner_text()
        .startswith(f"Пройдено уроков: {done + 1} из {len(LESSONS)}.")
    )
    page.locator(".rkb-progress-reset").click()
    assert problems == []
    page.close()


@needs_browser
@browser_test
def test_upgrade_planner_follows_the_address(base: str, browser: Any) -> None:
    page, problems = _page(browser, base + "releases/?from=2.2.0&to=2.4.0")
    form = page.locator(".rkb-upgrade")
    result = page.locator(".rkb-upgrade-result")
    # the planner fetches its plans after the page has loaded, then reads the address
    result.locator(".rkb-upgrade-fixed").wait_for()
    assert form.locator('select[name="from"]').input_value() == "2.2.0"
    assert form.locator('select[name="to"]').input_value() == "2.4.0"
    expected = plan(KB, "2.2.0", "2.4.0")
    fixed = result.locator(".rkb-upgrade-fixed").inner_text()
    for item in expected.fixed:
        assert item.fault.id in fixed
    assert "F-0009" not in fixed
    assert "2.4.0" in result.locator(".rkb-upgrade-manual").inner_text()
    still = result.locator(".rkb-upgrade-still_open").inner_text()
    assert [f.id for f in expected.still_open] == re.findall(r"F-\d+", still)

    form.locator('select[name="to"]').select_option(LATEST)
    assert page.url.endswith(f"/releases/?from=2.2.0&to={LATEST}")
    assert "F-0009" in result.locator(".rkb-upgrade-fixed").inner_text()
    link = result.locator(".rkb-upgrade-fixed a").first
    link.click()
    page.wait_for_load_state("load")
    assert re.search(r"/faults/F-\d{4}/$", page.url)
    assert problems == []
    page.close()


# -- Mermaid behind nginx ------------------------------------------------------------------


@needs_browser
@browser_test
@pytest.mark.nginx
@pytest.mark.skipif(NGINX is None, reason="needs nginx (scripts/test.sh installs it)")
def test_mermaid_draws_svg_with_no_other_host_and_no_csp_violation(
    site: Path, tmp_path: Path, browser: Any
) -> None:
    port = free_port()
    conf = tmp_path / "site.conf"
    result = rkb("nginx", "--root", site, "--listen", f"127.0.0.1:{port}", "-o", conf)
    assert result.returncode == 0, result.stderr
    origin = f"http://127.0.0.1:{port}"
    with running_nginx(conf, port, tmp_path / "nginx"):
        context = browser.new_context()
        # The theme draws into a closed shadow root: open it, so the test can look inside.
        context.add_init_script(
            "const attach = Element.prototype.attachShadow;"
            "Element.prototype.attachShadow = function (o) {"
            "  return attach.call(this, {...o, mode: 'open'}); };"
            "document.addEventListener('securitypolicyviolation', e => "
            "  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
        )
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "request",
            lambda r: None if r.url.startswith(origin + "/") else problems.append(r.url),
        )
        for path, label in (("/training/T-01/", "PostgreSQL"), ("/support/", "Выпуск версии")):
            page.goto(origin + path, wait_until="networkidle")
            svg = page.locator("div.mermaid svg").first
            svg.wait_for(state="attached", timeout=30000)
            assert label in svg.text_content()
            assert svg.bounding_box()["width"] > 100  # type: ignore[index]
        page.goto(origin + "/faults/F-0001/", wait_until="networkidle")
        scripts = page.eval_on_selector_all("script[src]", "s => s.map(e => e.src)")
        assert not [s for s in scripts if "mermaid" in s]  # loaded only where needed
        context.close()
    assert problems == []


def test_a_diagram_without_mermaid_installed_is_a_clear_build_error(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    (project / "node_modules").unlink()
    result = rkb("build", "-d", tmp_path / "out", cwd=project)
    assert result.returncode == 1
    assert "has a Mermaid diagram, but Mermaid is not installed" in result.stderr
    assert "run `npm ci`" in result.stderr
    assert not (tmp_path / "out").exists()


def test_json_schema_accepts_an_index_or_a_list_of_indexes() -> None:
    from rkb.records.model import QuizQuestion
    from rkb.records.schema import object_schema

    answer = object_schema(QuizQuestion)["properties"]["answer"]
    assert answer["oneOf"] == [
        {"type": "integer", "minimum": 0},
        {
            "type": "array",
            "items": {"type": "integer", "minimum": 0},
            "minItems": 1,
            "uniqueItems": True,
        },
    ]
    assert "список номеров" in answer["description"]
