"""Precompressed copies of text files, for nginx's `gzip_static on`."""

from __future__ import annotations

import gzip
from pathlib import Path

COMPRESSED_SUFFIXES = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".webmanifest")


def precompress(site_dir: Path) -> int:
    """Write `name.gz` beside every text file of the site; returns how many were written.

    The copies are deterministic (no timestamp inside), so two builds of the same site
    give identical files, and byte-identical to the original once decompressed.
    """
    count = 0
    for path in sorted(site_dir.rglob("*")):
        if path.is_file() and path.suffix in COMPRESSED_SUFFIXES:
            data = path.read_bytes()
            target = path.with_name(path.name + ".gz")
            target.write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
            count += 1
    return count
