"""Code blocks of record text: Pygments' lexers and class tables found once (`highlight`),
with what pymdownx and Pygments give without that."""

from __future__ import annotations

import markdown
from pygments.formatters.html import HtmlFormatter
from pymdownx.highlight import BlockHtmlFormatter

from rkb.render import safe

BLOCKS = [
    "```python\nprint('привет')  # x\n```",
    "```sql\nSELECT 1;\n```",
    "```\nбез языка\n```",
    "```nginx\nserver { listen 80; }\n```",
    "```unknown-language\nx\n```",
]


def test_code_blocks_highlight_as_pymdownx_does_without_the_caches() -> None:
    plain = markdown.Markdown(
        extensions=["pymdownx.superfences", "pymdownx.highlight"],
        extension_configs={"pymdownx.highlight": {"guess_lang": False}},
    )
    for _ in range(2):  # the second time from the caches
        for block in BLOCKS:
            plain.reset()
            assert safe.markdown_html(block) == safe.clean_html(plain.convert(block)), block


def test_formatters_share_the_class_tables_pygments_makes() -> None:
    for style in ["default", "monokai", "default"]:
        for prefix in ["", "x-"]:
            shared = BlockHtmlFormatter(style=style, classprefix=prefix)
            fresh = BlockHtmlFormatter(style=style, classprefix=prefix)
            HtmlFormatter._create_stylesheet(fresh)  # Pygments' own, worked out again
            assert shared.ttype2class == fresh.ttype2class
            assert shared.class2style == fresh.class2style
            assert shared.ttype2class is not fresh.ttype2class
