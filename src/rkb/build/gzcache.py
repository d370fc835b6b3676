"""Compressed copies kept between builds, by the bytes they compress.

Most files a build compresses besides its pages are the same from one build to the next:
the theme's and rkb's assets, Mermaid (3.5 MB, a tenth of a second to compress), the
sitemap of an unchanged site. Their `.gz` copies are kept under the build cache's `gz/`,
each named by the hash of the bytes it compresses (with Python's and zlib's versions and
the level), and written again from there. A kept copy is used only after it has been
decompressed and compared with those bytes: a damaged one is compressed again and
replaced.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import sys
import threading
import zlib
from pathlib import Path

KEEP_BUILDS = 4
"""Copies used by any of this many last builds are kept (public, internal, preview...)."""


class CompressedCopies:
    """The `.gz` copies under `root` (None: nothing kept, every file compressed)."""

    def __init__(self, root: Path | None, level: int) -> None:
        self.root = root
        self.level = level
        python = ".".join(map(str, sys.version_info[:2]))  # gzip's header is Python's
        self.salt = f"python {python} zlib {zlib.ZLIB_RUNTIME_VERSION} level {level}\n".encode()
        self.used: set[str] = set()
        self.compressed = 0
        """Copies made in this build (the others were kept from an earlier one)."""
        self._lock = threading.Lock()

    def packed(self, data: bytes) -> bytes:
        """The gzip copy of `data`: kept, or made now (and kept)."""
        if self.root is None:
            return self._compress(data)
        name = hashlib.sha256(self.salt + data).hexdigest()
        stored = self.root / name
        with self._lock:
            self.used.add(name)
        try:
            kept = stored.read_bytes()
            if gzip.decompress(kept) == data:
                return kept
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
            pass  # missing or damaged: made again below
        packed = self._compress(data)
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = stored.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_bytes(packed)
        temporary.replace(stored)
        return packed

    def _compress(self, data: bytes) -> bytes:
        with self._lock:
            self.compressed += 1
        return gzip.compress(data, compresslevel=self.level, mtime=0)

    def save(self) -> None:
        """Remember which copies this build used; drop those no recent build used."""
        if self.root is None or not self.root.is_dir():
            return
        table = self.root / "used.json"
        try:
            builds = json.loads(table.read_text("utf-8"))
            if not isinstance(builds, list) or not all(isinstance(b, list) for b in builds):
                builds = []
        except (OSError, ValueError):
            builds = []
        builds = [*builds, sorted(self.used)][-KEEP_BUILDS:]
        temporary = table.with_name(f".used.{os.getpid()}")
        temporary.write_text(json.dumps(builds), encoding="utf-8")
        temporary.replace(table)
        keep = {name for build in builds for name in build}
        for stored in self.root.iterdir():
            if not stored.name.startswith(".") and stored.name not in keep | {table.name}:
                stored.unlink(missing_ok=True)
