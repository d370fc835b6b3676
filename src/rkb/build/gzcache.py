"""Compressed copies kept between builds, by the bytes they compress.

Most files a build compresses besides its pages are the same from one build to the next:
the theme's and rkb's assets, Mermaid (3.5 MB, a tenth of a second to compress), the
sitemap of an unchanged site. Their `.gz` copies are kept under the build cache's `gz/`,
each named by the hash of the bytes it compresses (with Python's and zlib's versions and
the level), and written again from there. A kept copy is used as it is while its size,
modification time and inode are those it had when it was last decompressed and
compared with the bytes it compresses (as the page cache checks its files); otherwise it
is decompressed and compared again, and a damaged one is compressed again and replaced.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import threading
import zlib
from importlib.metadata import version
from pathlib import Path

from zlib_ng import gzip_ng, zlib_ng

_GZIP_NG = version("zlib-ng")  # whose gzip header the copies carry
KEEP_BUILDS = 4
"""Copies used by any of this many last builds are kept (public, internal, preview...)."""


class CompressedCopies:
    """The `.gz` copies under `root` (None: nothing kept, every file compressed)."""

    def __init__(self, root: Path | None, level: int) -> None:
        self.root = root
        self.level = level
        version = zlib_ng.ZLIBNG_VERSION
        self.salt = f"zlib-ng {version} gzip_ng {_GZIP_NG} level {level}\n".encode()
        self.used: set[str] = set()
        self.checked: dict[str, Stat] = {}
        """The copies used in this build, by name: each one's stat once it matched."""
        self.compressed = 0
        """Copies made in this build (the others were kept from an earlier one)."""
        self._lock = threading.Lock()
        self._builds, self._known = self._table()

    def packed(self, data: bytes) -> bytes:
        """The gzip copy of `data`: kept, or made now (and kept)."""
        if self.root is None:
            return self._compress(data)
        name = hashlib.sha256(self.salt + data).hexdigest()
        stored = self.root / name
        with self._lock:
            self.used.add(name)
        try:
            stat = _stat(stored)
            kept = stored.read_bytes()
            if self._known.get(name) == stat or gzip.decompress(kept) == data:
                self._checked(name, stat)
                return kept
        except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
            pass  # missing or damaged: made again below
        packed = self._compress(data)
        self.root.mkdir(parents=True, exist_ok=True)
        temporary = stored.with_name(f".{name}.{os.getpid()}.{threading.get_ident()}")
        temporary.write_bytes(packed)
        temporary.replace(stored)
        self._checked(name, _stat(stored))
        return packed

    def _checked(self, name: str, stat: Stat) -> None:
        with self._lock:
            self.checked[name] = stat

    def adopt(self, checked: dict[str, Stat]) -> None:
        """The copies a second process used in this build (its `checked`)."""
        self.used.update(checked)
        self.checked.update(checked)

    def _table(self) -> tuple[list[list[str]], dict[str, Stat]]:
        """The copies each of the last builds used, and their stats when they matched."""
        if self.root is None:
            return [], {}
        try:
            data = json.loads((self.root / "used.json").read_text("utf-8"))
        except (OSError, ValueError):
            return [], {}
        builds = data.get("builds") if isinstance(data, dict) else data  # older: a list
        if not isinstance(builds, list) or not all(isinstance(b, list) for b in builds):
            return [], {}
        checked = data.get("checked", {}) if isinstance(data, dict) else {}
        known = {
            name: (stat[0], stat[1], stat[2])
            for name, stat in (checked.items() if isinstance(checked, dict) else ())
            if isinstance(stat, list) and len(stat) == 3 and all(type(n) is int for n in stat)
        }
        return builds, known

    def _compress(self, data: bytes) -> bytes:
        with self._lock:
            self.compressed += 1
        return gzipped(data, self.level)

    def save(self) -> None:
        """Remember which copies this build used (with their stats); drop those no
        recent build used."""
        if self.root is None or not self.root.is_dir():
            return
        table = self.root / "used.json"
        builds = [*self._builds, sorted(self.used)][-KEEP_BUILDS:]
        keep = {name for build in builds for name in build}
        checked = {
            n: list(stat) for n, stat in {**self._known, **self.checked}.items() if n in keep
        }
        temporary = table.with_name(f".used.{os.getpid()}")
        temporary.write_text(json.dumps({"builds": builds, "checked": checked}), encoding="utf-8")
        temporary.replace(table)
        for stored in self.root.iterdir():
            if not stored.name.startswith(".") and stored.name not in keep | {table.name}:
                stored.unlink(missing_ok=True)


Stat = tuple[int, int, int]
"""A kept copy's size, modification time (ns) and inode."""


def gzipped(data: bytes, level: int) -> bytes:
    """`data` in gzip's format by zlib-ng's deflate, with no time in its header (the
    same bytes in every build)."""
    packed: bytes = gzip_ng.compress(data, compresslevel=level, mtime=0)  # type: ignore[no-untyped-call]
    return packed


def _stat(path: Path) -> Stat:
    status = path.stat()
    return (status.st_size, status.st_mtime_ns, status.st_ino)
