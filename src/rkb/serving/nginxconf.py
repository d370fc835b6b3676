"""`rkb nginx`: an nginx server configuration generated from a built site."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ..records.ids import KINDS, id_key
from ..render.templating import environment

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_INLINE_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_RECORD_PAGE = re.compile(r"(faults|proposals|faq|training)/([FPQT]-\d+)/index\.html")


DEFAULT_FEEDBACK_LOG = "/var/log/nginx/rkb-feedback.log"


class NginxConfigError(Exception):
    """The configuration cannot be generated; the message says why."""


@dataclass(frozen=True)
class ShortLink:
    key: str
    target: str


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
    feedback_log: str = DEFAULT_FEEDBACK_LOG,
) -> str:
    """The complete nginx configuration (a `map` and a `server`) for a built site."""
    if not feedback_log or re.search(r"[\s;{}'\"$]", feedback_log):
        raise NginxConfigError(
            f"{feedback_log!r}: the feedback log must be a file path without spaces, "
            "quotes, ';', '{', '}' or '$'"
        )
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
            feedback_log=feedback_log,
            letters="".join(KINDS).lower(),
        )
    )
