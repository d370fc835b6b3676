"""`rkb search`: the site's search from the terminal, reading only the built site's files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..search.index import INDEX_PATH


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", help="what to look for: words, an id such as f-42, an error code")
    parser.add_argument("--site", default="site", help="the built site (default: site)")
    parser.add_argument("--limit", type=int, default=10, help="how many results (default: 10)")
    parser.add_argument("--json", action="store_true", help="print a JSON array, best first")
    parser.add_argument(
        "--base-url", help="prefix of result addresses (default: site_url of the built site)"
    )


def _site_url(site: Path) -> str:
    """The site's own address, from its sitemap (written by the build from product.yaml)."""
    sitemap = site / "sitemap.xml"
    if sitemap.is_file():
        text = sitemap.read_text(encoding="utf-8")
        start = text.find("<loc>")
        if start >= 0:
            return text[start + 5 : text.find("</loc>", start)]
    return "/"


def cmd_search(args: argparse.Namespace) -> int:
    site = Path(args.site)
    if not (site / INDEX_PATH).is_file():
        print(
            f"rkb: {site / INDEX_PATH}: no search index; "
            f"build the site first (rkb build -d {site})",
            file=sys.stderr,
        )
        return 1
    from ..search.query import SearchIndex  # noqa: PLC0415 (not loaded by other commands)

    index = SearchIndex.load(site)
    base = args.base_url if args.base_url is not None else _site_url(site)
    hits = index.search(args.query, max(args.limit, 1))
    results = [
        {
            "id": hit.id or None,
            "title": hit.title,
            "url": base + hit.url,
            "score": hit.score,
            "snippet": hit.text,
        }
        for hit in hits
    ]
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    if not results:
        print("nothing found", file=sys.stderr)
        return 0
    for number, result in enumerate(results, 1):
        label = f"{result['id']} · " if result["id"] else ""
        print(f"{number:>2}. {label}{result['title']}\n    {result['url']}")
    return 0
