"""The course as one HTML document for print engines (the PDF of `rkb build --pdf`).

Engine-free: it only renders a template; `rkb.build.pdf` turns the result into a PDF.
"""

from __future__ import annotations

from ..records.loader import KnowledgeBase
from . import safe, select
from .labels import labels_for
from .templating import environment
from .view import build_views, texts_by_markdown

LETTERS = "abcdefghijklmnopqrstuvwxyz"


def option_letter(index: int) -> str:
    return LETTERS[index] if index < len(LETTERS) else str(index + 1)


def course_html(kb: KnowledgeBase) -> str:
    """The whole course: title page, contents, lessons, answer key, completion sheet."""
    texts = texts_by_markdown(build_views(kb))  # the records' HTML, as on their pages

    def block(markdown: str, css_class: str = "rkb-text") -> str:
        return safe.html_block(texts[markdown].html, css_class)

    env = environment("pdf")
    env.filters.update(e=safe.attribute, md=block, letter=option_letter)
    lessons = kb.lessons
    return env.get_template("course.html.j2").render(
        kb=kb,
        L=labels_for(kb.product.language),
        lessons=lessons,
        total=sum(lesson.duration for lesson in lessons),
        questions=sum(len(lesson.quiz) for lesson in lessons),
        lesson_faults=lambda lesson: select.lesson_faults(kb, lesson.faults),
        latest=next(iter(select.latest_released(kb, 1)), None),
    )
