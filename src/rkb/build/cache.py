"""The build cache under `.cache/rkb/`: pages that need no rebuilding, keyed by content.

A page's output (its HTML and `.gz` copy) depends only on its Markdown and on what every
page shares (configuration, theme and templates, assets, the navigation, the set of
files, rkb's and the engine's versions): the *site key*. The cache remembers, per site
key, the hash of every page's Markdown and the hashes of the files it produced; the files
themselves are kept once, named by their hash, in `objects/`. A page whose Markdown hash
is unchanged is put back from there (hard link, or copy across file systems) instead of
being rendered again. Every object is checked before use: against its size, modification
time and inode as they were when it was last checked, and, where one of them differs (a
copied cache, a rewritten file), against its hash. A damaged or foreign cache is
discarded with a one-line notice, never trusted.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import importlib.metadata
import itertools
import mmap
import os
import pickle
import shutil
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson

from ..records.loader import KnowledgeBase
from ..records.model import FaqEntry, Fault, Lesson, Proposal
from ..render.view import RecordView, context_for, release_key, render_release_view, render_view
from ..search.documents import SearchDocument
from .parallel import in_child

CACHE_ENV = "RKB_CACHE"
FORMAT = 1
MEMO_FORMAT = 2  # a memo's files (`RecordMemo`): its key names the format, so older go
T = TypeVar("T")
PARALLEL_VIEWS = 100  # views to render before some of them go to a second process
KEEP_MANIFESTS = 4  # site keys remembered at once (public, internal, preview, ...)


def digest(data: bytes | str) -> str:
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()


def tree_digest(folders: Iterable[Path]) -> str:
    """One hash over the names and bytes of every file under `folders`."""
    hasher = hashlib.sha256()
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            if "__pycache__" in path.parts:
                continue
            hasher.update(str(path.relative_to(folder)).encode() + b"\0")
            hasher.update(digest(path.read_bytes()).encode())
    return hasher.hexdigest()


@functools.cache
def code_digest(part: str = "") -> str:
    """One hash over rkb's own files (or those of one subpackage, e.g. "records"): what
    every cached value also depends on."""
    package = Path(__file__).resolve().parents[1]
    return tree_digest([package / part if part else package])


def notice(message: str) -> None:
    print(f"rkb: {message}", file=sys.stderr, flush=True)


class CacheDamagedError(Exception):
    """The cache cannot be trusted; the message says why."""


@dataclass
class PageEntry:
    markdown: str
    """Hash of the page's Markdown."""
    outputs: dict[str, str] = field(default_factory=dict)
    """Output path (relative to the site) → hash of its bytes."""


Stat = tuple[int, int, int]
"""What an object's check compares first: its size, modification time (ns) and inode."""
Remembered = tuple[dict[str, PageEntry], dict[str, Stat]]
"""Pages' entries and their objects' stats, as `PageCache.remember` keeps them."""


def _stat(path: str | Path) -> Stat:
    status = os.stat(path)  # noqa: PTH116 (strings: see `PageCache.place`)
    return (status.st_size, status.st_mtime_ns, status.st_ino)


def _parse_stats(data: Any) -> dict[str, Stat]:
    """The objects' sizes, times and inodes as last checked (none in an older table)."""
    stats = data.get("stats", {})
    if not isinstance(stats, dict):
        raise CacheDamagedError("a damaged table of checked objects")
    checked: dict[str, Stat] = {}
    for sha, stat in stats.items():
        if not (isinstance(stat, list) and len(stat) == 3 and all(type(n) is int for n in stat)):
            raise CacheDamagedError(f"a damaged check of {sha}")
        checked[sha] = (stat[0], stat[1], stat[2])
    return checked


def _parse(data: Any, key: str) -> dict[str, PageEntry]:
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
        raise CacheDamagedError("not a cache of this rkb version")
    pages = data.get("pages")
    if not isinstance(pages, dict):
        raise CacheDamagedError("no page table")
    entries = {}
    for uri, entry in pages.items():
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("markdown"), str)
            and isinstance(entry.get("outputs"), dict)
            and all(isinstance(v, str) for v in entry["outputs"].values())
        ):
            raise CacheDamagedError(f"a damaged entry for {uri}")
        entries[uri] = PageEntry(entry["markdown"], dict(entry["outputs"]))
    return entries


class PageCache:
    """The cached pages of one site key, in `root`."""

    def __init__(self, root: Path, key: str) -> None:
        self.root = root
        self.key = key
        self.objects = root / "objects"
        self.objects_made = False  # the objects folder created by this build
        self.manifest = root / f"pages-{key[:16]}.json"
        self.previous: dict[str, PageEntry] = {}
        self.current: dict[str, PageEntry] = {}
        self.checked: dict[str, Stat] = {}  # object → its stat when its hash matched
        self.load()

    def load(self) -> None:
        if not self.manifest.exists():
            return
        try:
            data = orjson.loads(self.manifest.read_bytes())  # 1.5 MB at 3,000 records
            self.previous = _parse(data, self.key)
            self.checked = _parse_stats(data)
        except (OSError, ValueError, CacheDamagedError) as error:
            self.discard(f"{error}" if isinstance(error, CacheDamagedError) else "unreadable")

    def discard(self, why: str) -> None:
        notice(f"the build cache {self.root} is damaged ({why}); discarded, building everything")
        shutil.rmtree(self.root, ignore_errors=True)
        self.previous = {}
        self.checked = {}

    def reusable(self, pages: Mapping[str, str]) -> set[str]:
        """The pages (path → hash of its Markdown) whose Markdown is unchanged and whose previous
        output is intact in the cache (every object checked), kept for the next build;
        `place` puts their files into the site."""
        wanted = {
            uri: entry
            for uri, markdown in pages.items()
            if (entry := self.previous.get(uri)) is not None
            and entry.outputs
            and entry.markdown == markdown
        }
        objects = {sha for entry in wanted.values() for sha in entry.outputs.values()}
        try:
            checks = {sha: stat for sha in objects if (stat := self._unchanged(sha)) is not None}
            unsure = [sha for sha in objects if sha not in checks]
            # reading and hashing release the GIL: two threads hash at once
            with ThreadPoolExecutor(max_workers=2) as pool:
                checks.update(zip(unsure, pool.map(self._check, unsure), strict=True))
        except CacheDamagedError as error:
            self.discard(str(error))
            return set()
        self.checked = checks
        self.current.update(wanted)
        return set(wanted)

    def place(self, pages: Iterable[str], site_dir: Path) -> None:
        """Put the stored outputs of `pages` (from `reusable`) into `site_dir`.
        (Paths as strings: pathlib's joining was a third of the time, 6,000 files at
        3,000 records.)"""
        site = os.fspath(site_dir)
        for uri in pages:
            for relative, sha in self.current[uri].outputs.items():
                self._place(sha, f"{site}/{relative}")

    def _unchanged(self, sha: str) -> Stat | None:
        """An object's stat when it is the one recorded when its bytes last matched their
        hash (a hard link into a site shares the inode: a page edited in place shows as
        a new time too); None when it differs (`_check` hashes it then)."""
        try:
            stat = _stat(f"{self.objects}/{sha}")
        except OSError:
            raise CacheDamagedError(f"{sha} is missing") from None
        return stat if self.checked.get(sha) == stat else None

    def _check(self, sha: str) -> Stat:
        """Check one object by its hash; returns its stat."""
        source = self.objects / sha
        try:
            stat = _stat(source)
            data = source.read_bytes()
        except OSError:
            raise CacheDamagedError(f"{source.name} is missing") from None
        if digest(data) != sha:
            raise CacheDamagedError(f"{source.name} does not match its hash")
        return stat

    def _place(self, sha: str, target: str) -> None:
        source = f"{self.objects}/{sha}"
        try:
            try:
                os.link(source, target)
            except FileNotFoundError:  # its folder not made yet (`build.folders` makes most)
                os.makedirs(os.path.dirname(target), exist_ok=True)  # noqa: PTH103, PTH120
                os.link(source, target)
        except FileExistsError:  # never written through: replaced
            os.unlink(target)  # noqa: PTH108
            os.link(source, target)
        except OSError:
            Path(target).unlink(missing_ok=True)
            shutil.copyfile(source, target)

    def remember(
        self,
        uri: str,
        markdown: str,
        site_dir: Path,
        outputs: Iterable[str],
        known: Mapping[str, str] | None = None,
    ) -> None:
        """Keep a freshly built page's outputs for the next build (`markdown`: the hash
        of its Markdown; `known`: the digests of those written from memory, which are
        not read again)."""
        entry = PageEntry(markdown)
        if not self.objects_made:
            self.objects.mkdir(parents=True, exist_ok=True)
            self.objects_made = True
        for relative in outputs:
            path = site_dir / relative
            sha = (known or {}).get(relative, "")
            if not sha:
                if not path.is_file():
                    continue
                sha = digest(path.read_bytes())
            entry.outputs[relative] = sha
            stored = self.objects / sha
            if sha not in self.checked:  # an object already checked is there and intact
                stored.unlink(missing_ok=True)  # (else one this build did not check)
                try:
                    os.link(path, stored)
                except OSError:
                    shutil.copyfile(path, stored)
                self.checked[sha] = _stat(stored)
        self.current[uri] = entry

    def remembered(self, uris: Iterable[str]) -> Remembered:
        """What `remember` kept of `uris` (in a second process: `add` it in the first)."""
        entries = {uri: self.current[uri] for uri in uris if uri in self.current}
        shas = {sha for entry in entries.values() for sha in entry.outputs.values()}
        return entries, {sha: self.checked[sha] for sha in shas if sha in self.checked}

    def add(self, remembered: Remembered) -> None:
        entries, stats = remembered
        self.current.update(entries)
        self.checked.update(stats)

    def save(self) -> None:
        """Write the page table atomically, then drop what no remembered site key uses."""
        self.root.mkdir(parents=True, exist_ok=True)
        data = {
            "format": FORMAT,
            "key": self.key,
            "pages": {uri: vars(entry) for uri, entry in sorted(self.current.items())},
            "stats": {
                sha: list(self.checked[sha])
                for sha in sorted({s for e in self.current.values() for s in e.outputs.values()})
                if sha in self.checked
            },
        }
        temporary = self.manifest.with_suffix(f".tmp-{os.getpid()}")
        temporary.write_bytes(orjson.dumps(data))  # a quarter of the json module's time
        temporary.replace(self.manifest)
        self._prune()

    def _prune(self) -> None:
        manifests = sorted(self.root.glob("pages-*.json"), key=lambda p: p.stat().st_mtime)
        for old in manifests[:-KEEP_MANIFESTS]:
            old.unlink(missing_ok=True)
        used = {sha for entry in self.current.values() for sha in entry.outputs.values()}
        for manifest in manifests[-KEEP_MANIFESTS:]:
            if manifest == self.manifest:  # just written from `current`: not read again
                continue
            try:
                pages: Mapping[str, Any] = orjson.loads(manifest.read_bytes())["pages"]
                used.update(sha for entry in pages.values() for sha in entry["outputs"].values())
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                manifest.unlink(missing_ok=True)
        if not self.objects.is_dir():
            return
        with os.scandir(self.objects) as stored:  # names only: 6,000 at 3,000 records
            unused = [entry.path for entry in stored if entry.name not in used]
        for path in unused:
            Path(path).unlink(missing_ok=True)


# -- values computed per record (such as its rendered view), kept by content ---------------


MEMO_SHARDS = 16
"""A memo is kept in this many files, by its keys' first hex digit: a rebuild after one
change writes one or two of them again, not all (the views of 3,000 records are 23 MB)."""


class RecordKeys:
    """Each record's key, the digest of its repr (frozen dataclasses of text, dates and
    tuples: the repr is the content), worked out once per record object and shared by
    the memos of one build (a repr of a fault takes about 40 µs). A tuple's key is made
    of its parts' (strings as they are), so a key such as (template, record) costs one
    short hash."""

    def __init__(self, sources: Mapping[int, tuple[object, str, str]] | None = None) -> None:
        """`sources`: the file each record was read from (`KnowledgeBase.sources`); a
        record read from a file is keyed by the file's bytes and rkb's records code,
        which the record is made of (a hash of a short text instead of a long repr)."""
        self.known: dict[int, tuple[object, str]] = {}
        self.tuples: dict[tuple[int, ...], tuple[tuple[object, ...], str]] = {}
        """Tuple keys by their parts' ids (a memo asks for the same key several times,
        in a new tuple each time), with the parts, kept alive so that their ids stay
        theirs."""
        if sources:
            code = code_digest("records")
            for number, (value, shown, sha) in sources.items():
                self.known[number] = (value, digest(f"file\0{code}\0{shown}\0{sha}"))

    def __call__(self, record: object) -> str:
        if isinstance(record, tuple):
            ids = tuple(map(id, record))
            seen = self.tuples.get(ids)
            if seen is not None and all(a is b for a, b in zip(seen[0], record, strict=True)):
                return seen[1]
            parts = (f"s{part}" if isinstance(part, str) else f"k{self(part)}" for part in record)
            tuple_key = digest("\0".join(parts))
            self.tuples[ids] = (record, tuple_key)
            return tuple_key
        known = self.known.get(id(record))
        if known is not None and known[0] is record:
            return known[1]
        record_key = digest(repr(record))
        self.known[id(record)] = (record, record_key)  # kept alive: its id stays its own
        return record_key


class RecordMemo(Generic[T]):
    """Values computed from one record each, by a pure function of the record and of
    `shared` (what every record's value depends on: the link table, settings, rkb's own
    code), kept in `root/<name>-<key>-<shard>.pickle` between builds. A record's key is
    the repr of its parsed fields (frozen dataclasses of text, dates and tuples: the repr
    is the content; see `RecordKeys`, which `keys` shares between memos). `root` None
    keeps nothing. Each file starts with a line naming its format, key and hash; a file
    that does not match is discarded with a notice."""

    def __init__(
        self,
        root: Path | None,
        name: str,
        shared: object,
        kind: type[T],
        keys: RecordKeys | None = None,
    ) -> None:
        self.key = digest(repr((MEMO_FORMAT, shared)))
        self.kind = kind
        self.root = root
        self.name = name
        self.prefix = f"{name}-{self.key[:16]}-"
        self.stored: dict[str, T] = {}
        self.stored_keys: list[set[str]] = [set() for _ in range(MEMO_SHARDS)]
        if root is not None:
            for shard in range(MEMO_SHARDS):
                self._load_shard(shard, root / f"{self.prefix}{shard:x}.pickle")
        self.fresh: dict[str, T] = {}
        self.keys = keys if keys is not None else RecordKeys()
        self.computed = 0
        """Values computed in this build (the others were kept from an earlier one)."""

    def has(self, record: object) -> bool:
        return self.keys(record) in self.stored

    def is_empty(self) -> bool:
        """Whether it kept nothing from earlier builds."""
        return not self.stored

    def get(self, record: object, compute: Callable[[], T]) -> T:
        record_key = self.keys(record)
        value = self.stored.get(record_key)
        if value is None:
            value = compute()
            self.computed += 1
        self.fresh[record_key] = value
        return value

    def mark(self) -> int:
        """Where this build's values stand now (for `since`)."""
        return len(self.fresh)

    def since(self, mark: int) -> dict[str, T]:
        """The values asked for after `mark`: those a second process asked for, which
        this one `adopt`s, so that they are kept too."""
        return dict(itertools.islice(self.fresh.items(), mark, None))

    def adopt(self, values: Mapping[str, T]) -> None:
        self.fresh.update(values)

    def forget(self, record: object) -> None:
        """Drop the kept value of `record` (found wrong): `get` computes it again."""
        record_key = self.keys(record)
        self.stored.pop(record_key, None)
        self.fresh.pop(record_key, None)
        self.stored_keys[int(record_key[0], 16) % MEMO_SHARDS].discard(record_key)

    def save(self) -> None:
        """Keep the values asked for in this build (and only those): the files whose
        keys changed are written again."""
        if self.root is None:
            return
        fresh_keys: list[set[str]] = [set() for _ in range(MEMO_SHARDS)]
        for record_key in self._used():
            fresh_keys[_shard(record_key)].add(record_key)
        for shard, keys in enumerate(fresh_keys):
            path = self.root / f"{self.prefix}{shard:x}.pickle"
            if keys == self.stored_keys[shard] and (path.exists() or not keys):
                continue
            if not keys:
                path.unlink(missing_ok=True)
                continue
            self.root.mkdir(parents=True, exist_ok=True)
            body = self._body({k: self._value(k) for k in sorted(keys)})
            temporary = path.with_suffix(f".tmp-{os.getpid()}")
            temporary.write_bytes(self._header(body) + b"\n" + body)
            temporary.replace(path)
        for old in self.root.glob(f"{self.name}-*.pickle"):  # of other keys: never asked again
            if not old.name.startswith(self.prefix):
                old.unlink(missing_ok=True)

    def _header(self, body: bytes) -> bytes:
        # a CRC finds a damaged file three times faster than a SHA-256 (60 MB a rebuild)
        return f"rkb-{self.name} {MEMO_FORMAT} {self.key} crc32 {zlib.crc32(body):08x}".encode()

    # -- how values are kept (`LazyRecordMemo` keeps them otherwise) ---------------------

    def _used(self) -> Iterable[str]:
        """The keys asked for in this build."""
        return self.fresh

    def _value(self, record_key: str) -> Any:
        return self.fresh[record_key]

    def _body(self, values: dict[str, Any]) -> bytes:
        return pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)

    def _load_shard(self, shard: int, path: Path) -> None:
        body = self._read(path)
        if body is None:
            return
        try:
            with _collector_paused():  # our own file, checked against its hash
                values = self._checked(pickle.loads(body))
        except Exception as error:  # unpickling a foreign file can fail in any way
            self._discard(path, error)
            return
        self.stored.update(values)
        self.stored_keys[shard] = set(values)

    def _checked(self, values: object) -> dict[str, T]:
        if not isinstance(values, dict) or not all(
            isinstance(v, self.kind) for v in values.values()
        ):
            raise CacheDamagedError("it holds something else")
        return values

    def _read(self, path: Path) -> bytes | None:
        """A shard's pickled body once its check matched (None: none, or damaged)."""
        if not path.exists():
            return None
        try:
            header, _, body = path.read_bytes().partition(b"\n")
            if header != self._header(body):
                raise CacheDamagedError("its hash does not match")
        except (OSError, CacheDamagedError) as error:
            self._discard(path, error)
            return None
        return body

    def _discard(self, path: Path, error: Exception) -> None:
        why = str(error) if isinstance(error, CacheDamagedError) else "unreadable"
        notice(f"the build cache {path} is damaged ({why}); discarded")
        path.unlink(missing_ok=True)


def _shard(record_key: str) -> int:
    return int(record_key[0], 16) % MEMO_SHARDS


Packed = tuple[mmap.mmap, int, int, int, str]
"""Where a packed value lies: its file mapped, offset, length, CRC, and an extra text."""


class PackedRecordMemo(RecordMemo[T]):
    """A `RecordMemo` whose files are mapped into memory, not read, and whose values are
    pickled one by one and unpickled only when asked for. For values of which a build
    reads a few, such as the views of the records a rebuild does not render again (23 MB
    at 3,000 records: reading, checking and unpickling them all took 0.12 s):
    `mark_kept` marks a value as still used, so it is kept on unread.

    A file: its header line (format, key, the CRC of its table), the table's length
    (8 bytes), the table (each key → offset, length and CRC of its value, and an extra
    text: see `LazyRecordMemo`), then the values. A value is checked against its CRC
    before it is unpickled or written again."""

    def __init__(
        self,
        root: Path | None,
        name: str,
        shared: object,
        kind: type[T],
        keys: RecordKeys | None = None,
    ) -> None:
        self.packed: dict[str, Packed] = {}
        self.kept: set[str] = set()
        # the files' layout in the key: a plain memo's files are never opened as these
        super().__init__(root, name, ("packed", shared), kind, keys)

    def has(self, record: object) -> bool:
        return self.keys(record) in self.packed

    def is_empty(self) -> bool:
        return not self.packed

    def mark_kept(self, record: object) -> bool:
        """Mark the kept value of `record` as used in this build, unread; False when
        none is kept."""
        record_key = self.keys(record)
        if record_key not in self.packed:
            return False
        self.kept.add(record_key)
        return True

    def get(self, record: object, compute: Callable[[], T]) -> T:
        record_key = self.keys(record)
        if record_key in self.fresh:
            return self.fresh[record_key]
        value = self._unpacked(record_key) if record_key in self.packed else None
        if value is None:
            value = compute()
            self.computed += 1
        self.fresh[record_key] = value
        return value

    def forget(self, record: object) -> None:
        record_key = self.keys(record)
        self.packed.pop(record_key, None)
        self.kept.discard(record_key)
        super().forget(record)

    def _bytes(self, record_key: str) -> bytes | None:
        """A packed value's bytes once its CRC matched (None: dropped, with a notice)."""
        mapped, offset, length, crc, _ = self.packed[record_key]
        data = mapped[offset : offset + length]
        if zlib.crc32(data) == crc:
            return data
        self._damaged(record_key)
        return None

    def _unpacked(self, record_key: str) -> T | None:
        data = self._bytes(record_key)
        if data is None:
            return None
        try:
            with _collector_paused():
                value = pickle.loads(data)  # our own bytes, checked by their CRC
        except Exception:  # unpickling a foreign value can fail in any way
            value = None
        if isinstance(value, self.kind):
            return value
        self._damaged(record_key)
        return None

    def _damaged(self, record_key: str) -> None:
        notice(f"the build cache's {self.name} hold a damaged value; it is made again")
        self.packed.pop(record_key, None)
        self.kept.discard(record_key)

    def _extra(self, value: T) -> str:
        """What the table keeps beside a value, read without it (nothing here)."""
        del value
        return ""

    def _used(self) -> Iterable[str]:
        return itertools.chain(self.fresh, self.kept - self.fresh.keys())

    def _value(self, record_key: str) -> tuple[bytes, int, str] | None:
        """A value as it is written again (None: kept unread, found damaged now)."""
        if record_key in self.packed:  # kept, read or not: the same bytes
            data = self._bytes(record_key)
            if data is not None:
                _, _, _, crc, extra = self.packed[record_key]
                return data, crc, extra
        if record_key not in self.fresh:
            return None
        value = self.fresh[record_key]
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return data, zlib.crc32(data), self._extra(value)

    def _body(self, values: dict[str, Any]) -> bytes:
        table: dict[str, tuple[int, int, int, str]] = {}
        parts: list[bytes] = []
        offset = 0
        for record_key, value in values.items():
            if value is None:  # dropped: made again by the build that asks for it
                continue
            data, crc, extra = value
            table[record_key] = (offset, len(data), crc, extra)
            parts.append(data)
            offset += len(data)
        packed_table = pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)
        return b"".join([len(packed_table).to_bytes(8, "big"), packed_table, *parts])

    def _header(self, body: bytes) -> bytes:
        length = int.from_bytes(body[:8], "big")
        return self._table_header(body[8 : 8 + length])

    def _table_header(self, table: bytes) -> bytes:
        crc = zlib.crc32(table)
        return f"rkb-{self.name} {MEMO_FORMAT} packed {self.key} crc32 {crc:08x}".encode()

    def _load_shard(self, shard: int, path: Path) -> None:
        try:
            with path.open("rb") as file:
                mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:  # ValueError: an empty file
            self._discard(path, error)
            return
        try:
            end = mapped.find(b"\n", 0, 400)
            length = int.from_bytes(mapped[end + 1 : end + 9], "big")
            start = end + 9 + length
            table = mapped[end + 9 : start]
            if end < 0 or mapped[:end] != self._table_header(table):
                raise CacheDamagedError("its hash does not match")
            with _collector_paused():
                entries = pickle.loads(table)
            if not _a_table(entries, len(mapped) - start):
                raise CacheDamagedError("it holds something else")
        except Exception as error:  # unpickling a foreign file can fail in any way
            self._discard(path, error)
            return
        for record_key, (offset, size, crc, extra) in entries.items():
            self.packed[record_key] = (mapped, start + offset, size, crc, extra)
        self.stored_keys[shard] = set(entries)


def _a_table(entries: object, size: int) -> bool:
    """Whether `entries` is a packed memo's table of values within `size` bytes."""
    return (
        isinstance(entries, dict)
        and all(
            isinstance(record_key, str)
            and isinstance(where, tuple)
            and len(where) == 4  # offset, length, CRC, extra
            and all(type(n) is int and n >= 0 for n in where[:3])
            and isinstance(where[3], str)
            and where[0] + where[1] <= size
            for record_key, where in entries.items()
        )
    )


class LazyRecordMemo(PackedRecordMemo[str]):
    """A `PackedRecordMemo` of texts whose table keeps each text's hash: for texts a build
    mostly does not read, such as the Markdown of the record pages the page cache puts
    back (20 MB at 3,000 records): `keep` marks a text as used without reading it and
    gives its hash, which the page cache keys by."""

    def __init__(
        self, root: Path | None, name: str, shared: object, keys: RecordKeys | None = None
    ) -> None:
        super().__init__(root, name, shared, str, keys)

    def keep(self, record: object) -> str | None:
        """The hash of the kept text of `record`, marked as used in this build without
        being read; None when none is kept."""
        if not self.mark_kept(record):
            return None
        return self.packed[self.keys(record)][4]

    def _extra(self, value: str) -> str:
        return digest(value)


class LazyViews(Mapping[str, RecordView]):
    """A build's views by key (`build_views`' keys, in its order): those its memo kept
    are unpickled when first asked for, the others were made before."""

    def __init__(
        self,
        memo: PackedRecordMemo[RecordView],
        work: Mapping[str, tuple[object, Callable[[], RecordView]]],
        ready: dict[str, RecordView],
    ) -> None:
        self._memo = memo
        self._work = work
        self._ready = ready

    def __getitem__(self, key: str) -> RecordView:
        view = self._ready.get(key)
        if view is None:
            record, compute = self._work[key]
            view = self._ready[key] = self._memo.get(record, compute)
        return view

    def __contains__(self, key: object) -> bool:
        return key in self._work

    def __iter__(self) -> Iterator[str]:
        return iter(self._work)

    def __len__(self) -> int:
        return len(self._work)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """No garbage collection while a memo is unpickled: it makes no garbage, only objects
    that are kept, and the collector would walk them again and again as they grow in
    number (half the time of loading the views of 3,000 records)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_memo(root: Path) -> RecordMemo[tuple[Any, ...]]:
    """What reading each kb file gave (its fields or its problems), kept by the file's
    path and bytes and by rkb's records code: a rebuild parses only changed files."""
    return RecordMemo(root, "parsed", code_digest("records"), tuple)


def checked_memo(root: Path) -> RecordMemo[bool]:
    """The records found without problems by the cross-record rules, kept by the file
    each was read from, by the references they were checked against and by rkb's
    records code: a rebuild checks only changed records (or all, if an id, module,
    version or skill was added or removed)."""
    return RecordMemo(root, "checked", code_digest("records"), bool)


def targets_memo(root: Path, keys: RecordKeys | None = None) -> RecordMemo[bool]:
    """The records found without links to pages or files the site lacks
    (`render.checks.broken_targets`), kept by record, by the site's addresses (part of
    each key) and by rkb's code."""
    return RecordMemo(root, "targets", code_digest(), bool, keys)


def terms_memo(root: Path | None) -> RecordMemo[tuple[str, ...]]:
    """The search terms of each index document, kept by its fields' text, by rkb's
    search code and by the stemmer's version: a rebuild stems only changed documents."""
    shared = (code_digest("search"), importlib.metadata.version("snowballstemmer"))
    return RecordMemo(root, "terms", shared, tuple)


def documents_memo(views: RecordMemo[Any], kb: KnowledgeBase) -> RecordMemo[SearchDocument]:
    """Each record's search document (`search.documents.record_documents`), kept by its
    record, by all its view is kept by and by the modules' titles: a document is made of
    the record, its view and its module's title."""
    shared = (views.key, repr(kb.modules))
    return RecordMemo(views.root, "documents", shared, SearchDocument, views.keys)


def export_memo(views: RecordMemo[RecordView]) -> RecordMemo[str]:
    """Each record's part of kb.json (`sitedata.export_text`), kept by its record and by
    all its view is kept by: a part is made of the record and its view only."""
    return RecordMemo(views.root, "export", views.key, str, views.keys)


def page_memos(
    root: Path | None,
    kb: KnowledgeBase,
    overrides: Path | None,
    settings: object,
    keys: RecordKeys | None = None,
) -> tuple[LazyRecordMemo, RecordMemo[str]]:
    """The Markdown of the pages of faults, proposals and FAQ entries (by template and
    record; read only when asked for), and the listings' rows (by listing, page and
    record); both kept by what every such page or row shows of the rest: the link table
    (titles and addresses), the product, the modules, rkb's templates and labels,
    `overrides/rkb/` and the build's `settings` (internal fields shown, PDF linked)."""
    shared = (
        code_digest(),
        tree_digest([overrides / "rkb"]) if overrides is not None else "",
        context_for(kb).links_key,
        repr(kb.product),
        repr(kb.modules),
        settings,
    )
    return LazyRecordMemo(root, "pages", shared, keys), RecordMemo(root, "rows", shared, str, keys)


def cached_views(
    kb: KnowledgeBase, root: Path | None, keys: RecordKeys | None = None
) -> tuple[Mapping[str, RecordView], PackedRecordMemo[RecordView]]:
    """`build_views(kb)`, each view taken from `root` when its record, the link table and
    rkb's code are those of a previous build (unpickled when first asked for: see
    `LazyViews`); returns the views and the memo to `save()`. The views to make are
    made now; with many of them, two in five go to a second process."""
    context = context_for(kb)
    shared = (
        code_digest(),
        context.links_key,
        context.site_url,
        context.product,
        context.support_email,
        context.language,
    )
    memo = PackedRecordMemo(root, "views", shared, RecordView, keys)
    records: list[Fault | Proposal | FaqEntry | Lesson] = [
        *kb.faults,
        *kb.proposals,
        *kb.faq,
        *kb.lessons,
    ]
    work: dict[str, tuple[object, Callable[[], RecordView]]] = {
        record.id: (record, partial(render_view, record, context)) for record in records
    }
    for release in kb.releases:
        work[release_key(release.version)] = (
            release,
            partial(render_release_view, release, context),
        )
    missing = [
        (key, compute) for key, (record, compute) in work.items() if not memo.mark_kept(record)
    ]
    # two of every five: the second process is slower by its start and its results' way
    # back (measured: with half, this one waited a quarter of its time for it)
    sharing = len(missing) >= PARALLEL_VIEWS
    given = [item for n, item in enumerate(missing) if sharing and n % 5 in (1, 3)]
    child = in_child(lambda: {key: compute() for key, compute in given}) if given else None
    given_keys = {key for key, _ in given}
    ready: dict[str, RecordView] = {}
    for key, compute in missing:
        if key not in given_keys:
            ready[key] = memo.get(work[key][0], compute)
    from_child = child.result() if child is not None else {}
    for key in given_keys:
        ready[key] = memo.get(work[key][0], partial(from_child.__getitem__, key))
    return LazyViews(memo, work, ready), memo
