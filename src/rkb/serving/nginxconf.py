"""`rkb nginx`: an nginx server configuration generated from a built site."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from pathlib import Path

from ..records.ids import KINDS, id_key
from ..render.labels import TABLES, labels_for
from ..render.templating import environment

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_LANG = re.compile(r"<html\b[^>]*\blang=\"([a-z]+)", re.I)
# The errors nginx itself can answer, each shown as a minimal page in the site's language
# (404 and 403 show the site's own 404 page instead). 494 is nginx's "header too large",
# sent as 400.
ERROR_CODES: dict[int, tuple[int, ...]] = {
    400: (400, 494),
    401: (401,),
    405: (405,),
    413: (413,),
    414: (414,),
    416: (416,),
    500: (500,),
    501: (501,),
    502: (502,),
    503: (503,),
    504: (504,),
}
_RECORD_PAGE = re.compile(r"(faults|proposals|faq|training)/([FPQT]-\d+)/index\.html")


class NginxConfigError(Exception):
    """The configuration cannot be generated; the message says why."""


@dataclass(frozen=True)
class ShortLink:
    key: str
    target: str


@dataclass(frozen=True)
class ErrorPage:
    """A minimal page nginx answers for `codes` with status `code` (HTML, one line)."""

    code: int
    codes: tuple[int, ...]
    html: str


def site_language(site_dir: Path) -> str:
    """The language of a built site (its start page's `lang`), "ru" when unknown."""
    match = _LANG.search((site_dir / "index.html").read_text(encoding="utf-8")[:4096])
    language = match.group(1).lower() if match else "ru"
    return language if language in TABLES else "ru"


def _nginx_text(text: str) -> str:
    """HTML-escaped text that is safe inside an nginx '…' string (no variables, quotes)."""
    return html.escape(text, quote=True).replace("$", "&#36;").replace("\\", "&#92;")


def error_pages(language: str) -> list[ErrorPage]:
    """Every minimal error page, in `language`."""
    labels = labels_for(language)
    pages = []
    for code, codes in ERROR_CODES.items():
        title = _nginx_text(labels[f"http_error.{code}"])
        hint = _nginx_text(labels["http_error_login" if code == 401 else "http_error_hint"])
        home = _nginx_text(labels["home"])
        body = (
            f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{title}</title></head><body><main><h1>{title}</h1>"
            f'<p>{hint} <a href="/">{home}</a></p></main></body></html>'
        )
        pages.append(ErrorPage(code, codes, body))
    return pages


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def inline_hashes(site_dir: Path) -> tuple[list[str], list[str]]:
    """CSP hashes of every inline script and style of the site's pages."""
    scripts: set[str] = set()
    styles: set[str] = set()
    for page in site_dir.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for match in _INLINE_SCRIPT.finditer(html):
            if "json" not in match.group(1).lower():
                scripts.add(_sha256(match.group(2)))
        styles.update(_sha256(m.group(1)) for m in _INLINE_STYLE.finditer(html))
    return sorted(scripts), sorted(styles)


def short_links(site_dir: Path) -> list[ShortLink]:
    """Map keys (letter and number) to the canonical page of every record."""
    links = []
    for page in sorted(site_dir.glob("*/*-*/index.html")):
        relative = page.relative_to(site_dir).as_posix()
        match = _RECORD_PAGE.fullmatch(relative)
        if not match or KINDS[match.group(2)[0]].folder != match.group(1):
            continue
        key = id_key(match.group(2))
        assert key is not None
        target = f"/{match.group(1)}/{match.group(2)}/"
        links.append(ShortLink(f"{key[0].lower()}{key[1]}", target))  # map keys ignore case
    return links


def render_config(
    site_dir: Path,
    root: str,
    server_name: str = "_",
    listen: str = "80",
    htpasswd: str | None = None,
    name: str = "site",
) -> str:
    """The complete nginx configuration (a `map` and a `server`) for a built site."""
    if not (site_dir / "index.html").is_file():
        raise NginxConfigError(f"{site_dir}: not a built site (no index.html); run rkb build first")
    if not (site_dir / "404.html").is_file():
        raise NginxConfigError(f"{site_dir}: the built site has no 404.html")
    scripts, styles = inline_hashes(site_dir)
    return (
        environment("nginx")
        .get_template("server.conf.j2")
        .render(
            root=root.rstrip("/") or "/",
            server_name=server_name,
            listen=listen,
            links=short_links(site_dir),
            script_hashes=scripts,
            style_hashes=styles,
            htpasswd=htpasswd,
            realm="reTributor: internal",
            name=name,
            letters="".join(KINDS).lower(),
            error_pages=error_pages(site_language(site_dir)),
        )
    )
