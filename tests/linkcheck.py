"""A link check over a whole built site, read from its folder as nginx would serve it.

Every `href`, `src` and `srcset` of every HTML file is resolved against the page's own
address (directory URLs: `faults/F-0001/index.html` is `/faults/F-0001/`); a link to the
site's own origin (the canonical `site_url` links) counts as internal. A target must be a
file of the site (a folder means its `index.html`), and a `#fragment` must name an `id`
(or `<a name>`) that exists on the target page. Links to other hosts, `mailto:` and `tel:`
are not followed (the closed-network test forbids fetching from other hosts anyway).
"""

from __future__ import annotations

import posixpath
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

LINK_ATTRIBUTES = {"href", "src", "srcset", "action", "poster", "data"}
NOT_FOLLOWED = ("mailto:", "tel:")
BASE = "http://site.invalid"


class _Page(HTMLParser):
    """The links (line, address) and the ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[int, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value)
            elif name == "srcset":
                self.links += [(line, part.split()[0]) for part in value.split(",") if part]
            elif name in LINK_ATTRIBUTES and not (tag == "meta" or name == "data"):
                self.links.append((line, value))

    handle_startendtag = handle_starttag


@cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


def page_address(site: Path, path: Path) -> str:
    relative = path.relative_to(site).as_posix()
    if relative == "index.html" or relative.endswith("/index.html"):
        relative = relative.removesuffix("index.html")
    return "/" + relative


def _target(site: Path, url_path: str) -> Path | None:
    """The file nginx serves for `url_path` (a folder: its index.html), if any."""
    relative = posixpath.normpath(unquote(url_path)).lstrip("/")
    if relative.startswith(".."):
        return None
    candidate = site / relative if relative not in ("", ".") else site
    if url_path.endswith("/") or candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def broken_links(site: Path, site_url: str = "") -> list[str]:
    """Every broken link of the site as `page:line: href (why)`; empty when all resolve."""
    _parse.cache_clear()
    origin = urlsplit(site_url)
    problems: list[str] = []
    for path in sorted(site.rglob("*.html")):
        address = page_address(site, path)
        for line, href in _parse(path).links:
            why = _check(site, address, href.strip(), origin)
            if why:
                problems.append(f"{path.relative_to(site)}:{line}: {href} ({why})")
    return problems


def broken_addresses(site: Path, site_url: str, urls: list[str], source: str) -> list[str]:
    """The addresses among `urls` (from kb.json, the sitemap…) that the site does not serve."""
    origin = urlsplit(site_url)
    problems = []
    for url in urls:
        if urlsplit(url).netloc != origin.netloc and urlsplit(url).scheme:
            problems.append(f"{source}: {url} (not on the site {site_url})")
        elif why := _check(site, "/", url, origin):
            problems.append(f"{source}: {url} ({why})")
    return problems


def _check(site: Path, address: str, href: str, origin: object) -> str:
    if not href or href.startswith(NOT_FOLLOWED):
        return "" if href else "empty link"
    url = urlsplit(href)
    if url.scheme in ("javascript", "data", "file"):
        return f"{url.scheme}: link"
    if url.scheme or url.netloc:
        ours = getattr(origin, "netloc", None)
        if not ours or url.netloc != ours:
            return ""  # another host: not followed here
        href = url.path + (f"#{url.fragment}" if url.fragment else "")
    resolved = urlsplit(urljoin(BASE + address, href))
    target = _target(site, resolved.path)
    if target is None:
        return "no such file"
    fragment = unquote(resolved.fragment)
    if fragment and target.suffix == ".html" and fragment not in _parse(target).ids:
        return f"no id {fragment!r} on {page_address(site, target)}"
    return ""
