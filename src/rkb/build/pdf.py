"""`training/course.pdf`: the course printed by WeasyPrint (the optional extra `pdf`).

Fonts come from the system (Debian's fonts-dejavu-core, installed by scripts/run.sh and
scripts/test.sh) and are embedded in the PDF; nothing is fetched from the network: the
only files WeasyPrint may read are those of the site being built.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from ..records.loader import KnowledgeBase
from ..render.course import course_html

PDF_PATH = "training/course.pdf"
INSTALL_HINT = (
    "--pdf needs WeasyPrint: install it with `.venv/bin/pip install -e '.[pdf]'` "
    "(and, on Debian, `sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "fonts-dejavu-core`; scripts/run.sh does both)"
)


class PdfError(Exception):
    """The PDF could not be made; the message says why and what to do."""


def _weasyprint() -> Any:
    try:
        import weasyprint  # noqa: PLC0415  (optional and heavy: only for --pdf)
    except ImportError:
        raise PdfError(INSTALL_HINT) from None
    except OSError as error:  # its system libraries (pango) are missing
        raise PdfError(f"{INSTALL_HINT}; loading it failed: {error}") from None
    return weasyprint


def check_pdf_support() -> None:
    """Fail before building when --pdf cannot work."""
    _weasyprint()


def write_course_pdf(kb: KnowledgeBase, site_dir: Path) -> Path:
    """Write `site_dir/training/course.pdf`; PdfError (never a traceback) when it fails."""
    weasyprint = _weasyprint()
    root = site_dir.resolve()

    site_url = kb.product.site_url.rstrip("/") + "/"

    def local_only(url: str, *args: Any, **kwargs: Any) -> Any:
        """Addresses of the site are read from the build; nothing else is fetched."""
        path = (root / unquote(url.removeprefix(site_url).split("#")[0])).resolve()
        if not url.startswith(site_url) or not path.is_relative_to(root):
            raise ValueError(f"{url}: not a file of the site; nothing is fetched from elsewhere")
        return weasyprint.default_url_fetcher(path.as_uri(), *args, **kwargs)

    target = root / PDF_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(
            string=course_html(kb),
            base_url=site_url + "training/print/",  # links in the PDF lead to the site
            url_fetcher=local_only,
        )
        document.write_pdf(target)
    except Exception as error:  # WeasyPrint raises many kinds; report, never a traceback
        raise PdfError(f"{PDF_PATH}: the PDF could not be made: {error}") from None
    return target
