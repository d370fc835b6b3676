"""Load a whole kb/ folder into typed records, checking every rule of records.md."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TypeVar

from . import rules
from .ids import KINDS, IdKind, canonical_id, id_key
from .model import Course, FaqEntry, Fault, Lesson, Module, Product, Proposal, Release
from .problems import KbError, Problem, quote
from .schema import Context, Invalid, ListOf, Nested, convert_record
from .synonyms import load_synonyms
from .yamlfile import read_yaml_text

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


@dataclass(frozen=True)
class KnowledgeBase:
    """Every record of a valid kb/, ready for rendering."""

    root: Path
    product: Product
    modules: tuple[Module, ...]
    releases: tuple[Release, ...]
    faults: tuple[Fault, ...]
    proposals: tuple[Proposal, ...]
    faq: tuple[FaqEntry, ...]
    course: Course
    lessons: tuple[Lesson, ...]
    synonyms: tuple[tuple[str, ...], ...] = ()
    _by_id: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    sources: dict[int, tuple[Any, str, str]] = field(
        default_factory=dict, repr=False, compare=False
    )
    """The file each record was read from, by the record's id(): the record, the file as
    shown, the hash of its bytes. A record is a pure function of these (and of rkb's
    records code): the build cache keys it by them (`RecordKeys`), not by its repr."""

    def __post_init__(self) -> None:
        records: tuple[Fault | Proposal | FaqEntry | Lesson, ...] = (
            *self.faults,
            *self.proposals,
            *self.faq,
            *self.lessons,
        )
        for record in records:
            self._by_id[record.id] = record

    def record(self, typed_id: str) -> Fault | Proposal | FaqEntry | Lesson | None:
        """The record a typed id (any case, hyphen and leading zeros optional) names."""
        canonical = canonical_id(typed_id)
        return self._by_id.get(canonical) if canonical else None

    def module(self, module_id: str) -> Module:
        return next(m for m in self.modules if m.id == module_id)

    def release(self, version: str) -> Release:
        return next(r for r in self.releases if r.version == version)

    def summary(self) -> str:
        counts = [
            (len(self.modules), "modules"),
            (len(self.releases), "releases"),
            (len(self.faults), "faults"),
            (len(self.proposals), "proposals"),
            (len(self.faq), "FAQ entries"),
            (len(self.lessons), "lessons"),
        ]
        return ", ".join(f"{count} {name}" for count, name in counts)


def display_path(root: str | os.PathLike[str], *parts: str) -> str:
    """A path as the user should see it: under the kb folder exactly as they named it."""
    return os.path.join(os.fspath(root), *parts)  # noqa: PTH118 (a text, not a Path)


class ParseMemo(Protocol):
    """Keeps what reading a file gave, by a key naming the file and its bytes (the build
    cache's `RecordMemo`): files unchanged since the last build are not parsed again."""

    def has(self, record: object) -> bool: ...

    def get(self, record: object, compute: Callable[[], Any]) -> Any: ...

    def is_empty(self) -> bool:
        """Whether it kept nothing from earlier builds."""
        ...


Status = tuple[int, int, int, int, int]
"""A file's size, modification and change times (ns), inode and device."""


class FileHashes(Protocol):
    """The hash of each file's bytes as an earlier build read them, while the file's
    status is the same (the build cache's `FileHashes`): such a file is not read."""

    def known(self, path: str, status: Status) -> str | None: ...

    def note(self, path: str, status: Status, sha: str) -> None: ...


def _status(path: Path) -> Status | None:
    try:
        found = os.stat(path)  # noqa: PTH116 (3,000 files a build: one call each)
    except OSError:
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


Parsed = tuple[Any, tuple[Problem, ...]]
ParsedThere = dict[str, tuple[str, Status | None, Parsed]]
"""What another process parsed: relative path → (hash of the bytes it read, the file's
status before it read them, result)."""


class Started(Protocol[T_co]):
    """Work started somewhere else; `result()` waits for its value."""

    def result(self) -> T_co: ...


Elsewhere = Callable[[Callable[[], T]], Started[T]]
"""Starts work in another process (the build's `in_child`); `.result()` waits for it."""

MIN_ELSEWHERE = 200  # record files to parse before half of them are parsed elsewhere


Job = tuple[str, Callable[[Any, Context], Any], str]
"""A file to read: its path relative to the kb, how to convert it, what it must hold."""


@dataclass
class _Loading:
    root: Path
    shown: str
    problems: list[Problem] = field(default_factory=list)
    memo: ParseMemo | None = None
    elsewhere: Elsewhere[ParsedThere] | None = None
    there: Started[ParsedThere] | None = None
    given: set[str] = field(default_factory=set)
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)
    missing: set[str] = field(default_factory=set)  # files `_key` found missing
    hashes: FileHashes | None = None
    statuses: dict[str, Status] = field(default_factory=dict)  # of files read, for `hashes`
    sources: dict[int, tuple[Any, str, str]] = field(default_factory=dict)
    """What each file gave (by the value's id): the value, the file as shown, the hash of
    its bytes (see `KnowledgeBase.sources`)."""

    def _display(self, relative: str) -> str:
        return display_path(self.shown, *relative.split("/"))

    def share(self, jobs: list[Job]) -> None:
        """Have half of the files of `jobs` that must be parsed parsed elsewhere."""
        if self.elsewhere is None:
            return
        # with nothing kept, every file is parsed: no file is read before the fork
        if self.memo is not None and not self.memo.is_empty():
            jobs = [job for job in jobs if not self.memo.has(self._key(job[0]))]
        if len(jobs) < MIN_ELSEWHERE:
            return
        given = jobs[len(jobs) // 2 :]
        self.there = self.elsewhere(lambda: {job[0]: self._parse_here(*job) for job in given})
        self.given = {relative for relative, _, _ in given}

    def _key(self, relative: str) -> tuple[str, str]:
        """The file's memo key (its path as shown and the hash of its bytes), read once
        (or not at all, when `hashes` knows the file as it is)."""
        if relative not in self.keys:
            path = self.root / relative
            status = _status(path) if self.hashes is not None else None
            sha = self.hashes.known(relative, status) if self.hashes and status else None
            if sha is None:
                try:  # without `hashes`, one system call fewer than asking first
                    sha = hashlib.sha256(path.read_bytes()).hexdigest()
                except (FileNotFoundError, IsADirectoryError):  # `read` reports it
                    self.missing.add(relative)
                    sha, status = hashlib.sha256(b"").hexdigest(), None
                except OSError:  # unreadable: `read` reports why
                    sha, status = hashlib.sha256(b"").hexdigest(), None
            if status is not None:
                self.statuses[relative] = status
            self.keys[relative] = self._display(relative), sha
        return self.keys[relative]

    def _parse_here(
        self, relative: str, convert: Callable[[Any, Context], Any], what: str
    ) -> tuple[str, Status | None, Parsed]:
        display, sha = self._key(relative)
        parsed = _parse(self.root / relative, display, convert, what)
        return sha, self.statuses.get(relative), parsed

    def note_hashes(self) -> None:
        """Tell `hashes` the hash and status of every file read."""
        if self.hashes is not None:
            for relative, status in self.statuses.items():
                self.hashes.note(relative, status, self.keys[relative][1])

    def read(self, relative: str, convert: Callable[[Any, Context], T], what: str) -> T | None:
        """Read one file and convert its root node; None if it was missing or invalid."""
        display = self._display(relative)
        path = self.root / relative
        known = relative in self.keys  # then read already: missing if it failed so
        if (relative in self.missing) if known else not path.is_file():
            self.problems.append(Problem(display, 0, 0, f"required file is missing ({what})"))
            return None

        key: tuple[str, str]
        parse: Callable[[], Parsed]
        if self.there is not None and relative in self.given:  # read and parsed there:
            sha, status, parsed = self.there.result()[relative]  # kept by the bytes it read
            key, parse = (display, sha), lambda: parsed
            self.keys[relative] = key
            if status is not None:
                self.statuses[relative] = status
        else:
            key, parse = self._key(relative), partial(_parse, path, display, convert, what)
        value, problems = parse() if self.memo is None else self.memo.get(key, parse)
        self.problems.extend(problems)
        if value is not None:
            self.sources[id(value)] = (value, *key)
        return value  # type: ignore[no-any-return]


def _parse(path: Path, display: str, convert: Callable[[Any, Context], Any], what: str) -> Parsed:
    """A file's converted root node (None if invalid) and its problems."""
    node, problems, text = read_yaml_text(path, display)
    if problems:
        return None, tuple(problems)
    if node is None:
        return None, (Problem(display, 1, 1, f"file is empty; expected {what}"),)
    ctx = Context(display, lines=tuple(text.split("\n")))
    value = convert(node, ctx)
    return (None if isinstance(value, Invalid) else value), tuple(ctx.problems)


def _record_files(
    root: Path, shown: str, kind: IdKind
) -> Iterator[tuple[Path, str, Problem | None]]:
    """Every record file of a kind's folder, with a problem if its name is wrong."""
    folder = root / kind.folder
    if not folder.is_dir():
        return
    for name in sorted(os.listdir(folder)):  # noqa: PTH208 (sorting paths compares parts)
        if name.startswith(".") or (name == "course.yaml" and kind.letter == "T"):
            continue
        path = folder / name
        display = display_path(shown, kind.folder, name)
        if path.suffix == ".yml":
            yield path, display, Problem(display, 1, 1, "record files end in .yaml, not .yml")
        elif path.suffix != ".yaml":
            continue
        elif not re.fullmatch(kind.pattern, path.stem):
            right = canonical_id(path.stem)
            hint = f"; rename it to {right}.yaml" if right and right[0] == kind.letter else ""
            yield (
                path,
                display,
                Problem(
                    display,
                    1,
                    1,
                    f"file name is not a {kind.name} id: expected {kind.letter}- and at least "
                    f"{kind.digits} digits, e.g. {kind.canonical(42)}.yaml{hint}",
                ),
            )
        else:
            yield path, display, None


def _list_of(cls: type[T]) -> Callable[[Any, Context], Any]:
    return lambda node, ctx: ListOf(Nested(cls), nonempty=True).convert(node, ctx, "file")


def _one(cls: type[T]) -> Callable[[Any, Context], Any]:
    return lambda node, ctx: convert_record(cls, node, ctx)


RECORD_CLASSES: dict[str, type[Any]] = {"F": Fault, "P": Proposal, "Q": FaqEntry, "T": Lesson}


def _keepers(loading: _Loading, kind: IdKind) -> Iterator[tuple[Path, str, tuple[str, int]]]:
    """Record files with a valid name whose id no other file already declares.

    Of files that declare the same record (F-0007 and F-00007), the one spelled
    canonically keeps the id; every other one is reported as a clash.
    """
    named: dict[tuple[str, int], list[tuple[Path, str]]] = {}
    for path, display, name_problem in _record_files(loading.root, loading.shown, kind):
        if name_problem is not None:
            loading.problems.append(name_problem)
            continue
        key = id_key(path.stem)
        assert key is not None  # the name matched the kind's pattern
        named.setdefault(key, []).append((path, display))
    for key, candidates in named.items():
        canonical = kind.canonical(key[1])
        candidates.sort(key=lambda item: (item[0].stem != canonical, item[0].name))
        keeper_path, keeper_display = candidates[0]
        for path, display in candidates[1:]:
            loading.problems.append(
                Problem(
                    display,
                    1,
                    1,
                    f"id {path.stem} is the same record as {keeper_path.stem} "
                    f"({keeper_display}): ids are compared by number, leading zeros aside; "
                    "give this record a new, unused number",
                )
            )
        yield keeper_path, keeper_display, key


def _load_records(
    loading: _Loading,
) -> tuple[dict[str, list[Any]], dict[str, dict[tuple[str, int], str]]]:
    """Read every record file; returns valid records and every declared id per letter."""
    records: dict[str, list[Any]] = {letter: [] for letter in KINDS}
    declared: dict[str, dict[tuple[str, int], str]] = {letter: {} for letter in KINDS}
    files = [
        (letter, path, key)
        for letter, kind in KINDS.items()
        for path, _display, key in sorted(_keepers(loading, kind), key=lambda item: item[2])
    ]
    jobs = [_job(letter, path) for letter, path, _ in files]
    loading.share(jobs)
    for (letter, path, key), job in zip(files, jobs, strict=True):
        declared[letter][key] = path.stem
        record = loading.read(*job)
        if record is None:
            continue
        if record.id != path.stem:
            loading.problems.append(
                record.loc.problem(
                    "id",
                    f"id: {quote(record.id)} does not match the file name {path.name}; "
                    "they must be equal",
                )
            )
            continue
        records[letter].append(record)
    return records, declared


def _rules(
    check: Callable[[Any, rules.References], Iterator[Problem]], record: Any, refs: rules.References
) -> list[Problem]:
    return list(check(record, refs))


def kept_or_found(
    checked: ParseMemo | None, key: object | None, find: Callable[[], list[Problem]]
) -> list[Problem]:
    """The problems `find` finds, unless `checked` keeps `key` as found without any: a
    check that is a pure function of what `key` names need not run again. A key found
    with problems is not kept (they are looked for, and reported, every time)."""
    if checked is not None and key is not None and checked.has(key):
        checked.get(key, lambda: True)  # asked again: kept for the next build too
        return []
    found = find()
    if not found and checked is not None and key is not None:
        checked.get(key, lambda: True)
    return found


def _job(letter: str, path: Path) -> Job:
    kind = KINDS[letter]
    return f"{kind.folder}/{path.name}", _one(RECORD_CLASSES[letter]), f"the {kind.name}'s fields"


def _references(
    modules: tuple[Module, ...] | None,
    releases: tuple[Release, ...] | None,
    course: Course | None,
    declared: dict[str, dict[tuple[str, int], str]],
    faults: Iterable[Fault],
) -> rules.References:
    refs = rules.References()
    if modules is not None:
        refs.modules = [m.id for m in modules]
    if releases is not None:
        refs.versions = [r.version for r in releases]
        refs.released = [r.version for r in releases if r.released]
    if course is not None:
        refs.skills = rules.skill_ids(course.skills)
    refs.ids = {key for keys in declared.values() for key in keys}
    refs.admin_faults = {id_key(f.id): "admin" in f.audience for f in faults}  # type: ignore[misc]
    return refs


def load_kb(
    root: str | os.PathLike[str],
    memo: ParseMemo | None = None,
    elsewhere: Elsewhere[ParsedThere] | None = None,
    checked: ParseMemo | None = None,
    hashes: FileHashes | None = None,
) -> KnowledgeBase:
    """Load and validate a kb/ folder. Raises `KbError` listing every problem found.

    With `memo`, files read by an earlier build with the same bytes are not parsed
    again. With `elsewhere`, half of
    many record files to parse are parsed by the work it starts (a second process).
    With `checked`, the records an earlier build found without problems against the same
    references (ids, modules, versions, skills) are not checked again: the rules are a
    pure function of a record (of its file: path and bytes) and of those references.
    With `hashes`, files it knows as they are are not read to find their hashes."""
    shown = os.fspath(root)
    path = Path(root)
    if not path.is_dir():
        raise KbError([Problem(shown, 0, 0, "no such knowledge-base folder")])
    loading = _Loading(path, shown, memo=memo, elsewhere=elsewhere, hashes=hashes)
    product: Product | None = loading.read(
        "product.yaml", _one(Product), "a mapping of product fields"
    )
    modules: tuple[Module, ...] | None = loading.read(
        "modules.yaml", _list_of(Module), "a list of modules"
    )
    releases: tuple[Release, ...] | None = loading.read(
        "releases.yaml", _list_of(Release), "a list of releases"
    )
    course: Course | None = loading.read(
        "training/course.yaml", _one(Course), "a mapping with the course's fields"
    )
    records, declared = _load_records(loading)
    refs = _references(modules, releases, course, declared, records["F"])
    problems = loading.problems
    if modules is not None:
        problems.extend(rules.check_modules(modules))
    if releases is not None:
        problems.extend(rules.check_releases(releases, refs))
    if course is not None:
        problems.extend(rules.check_course(course, declared["T"]))
    checks: dict[str, Callable[[Any, rules.References], Iterator[Problem]]] = {
        "F": rules.check_fault,
        "P": rules.check_proposal,
        "Q": rules.check_faq,
        "T": rules.check_lesson,
    }
    refs_key = hashlib.sha256(rules.references_text(refs).encode()).hexdigest()
    for letter, check in checks.items():
        for record in records[letter]:
            source = loading.sources.get(id(record)) if checked is not None else None
            key = (letter, refs_key, source[1], source[2]) if source is not None else None
            problems.extend(kept_or_found(checked, key, partial(_rules, check, record, refs)))
    synonyms: list[list[str]] = []
    try:
        synonyms = load_synonyms(path, shown)
    except KbError as error:
        problems.extend(error.problems)
    loading.note_hashes()
    if problems or product is None or modules is None or releases is None or course is None:
        raise KbError(problems)
    order = {id_key(lesson): index for index, lesson in enumerate(course.lessons)}
    return KnowledgeBase(
        root=path,
        product=product,
        modules=modules,
        releases=releases,
        faults=tuple(records["F"]),
        proposals=tuple(records["P"]),
        faq=tuple(records["Q"]),
        course=course,
        lessons=tuple(sorted(records["T"], key=lambda lesson: order[id_key(lesson.id)])),
        synonyms=tuple(tuple(group) for group in synonyms),
        sources=loading.sources,
    )


__all__ = ["KnowledgeBase", "display_path", "kept_or_found", "load_kb"]
