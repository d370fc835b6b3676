"""The build pipeline: validate, build into a staging folder, swap it in atomically.

The engine that turns the configuration into pages is passed in (see `rkb.adapters`), so
a failed or interrupted build leaves the previous site as it was, whatever the engine.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path

from ..records.loader import KnowledgeBase, load_kb
from ..serving.locking import exclusive
from .cache import CACHE_ENV, checked_memo, parse_memo
from .file_hashes import FileHashes
from .folders import abandon_staging, finish_early, prepare_staging
from .parallel import Child, in_child, stop_children
from .pdf import PDF_PATH, PdfError, check_pdf_support, write_course_pdf
from .places import cache_folder, staging_folder

KB_ENV = "RKB_KB"
INTERNAL_ENV = "RKB_INTERNAL"
PDF_ENV = "RKB_PDF"  # "1": the build also writes training/course.pdf (link it)

Engine = Callable[[str, Path, bool], int | None]
"""An engine builds `config_file` into a folder: engine(config_file, folder, strict);
returns how many pages it wrote, or None if it does not know."""

Ahead = Callable[[str, Path], Child[int] | None]
"""What starts compiling an engine's templates for `config_file` into a folder of the
build cache in a child process, while the build validates: ahead(config_file, folder)
(None when it does not: see `rkb.adapters.mkdocs_ahead`)."""
TEMPLATES_DIR = "templates"
"""The build cache's folder of compiled templates."""


class BuildError(Exception):
    """The site could not be built; the message says why."""


def progress(message: str) -> None:
    print(f"rkb: {message}", file=sys.stderr, flush=True)


_checked: dict[Path, KnowledgeBase] = {}


def check_kb(kb: str, cache: Path | None = None) -> KnowledgeBase:
    """Load and validate `kb`; with a build `cache` folder, files unchanged since the
    last build there are not parsed again."""
    progress(f"validating {kb} ...")
    memo = parse_memo(cache) if cache is not None else None
    checked = checked_memo(cache) if cache is not None else None
    hashes = FileHashes(cache) if cache is not None else None
    try:
        knowledge = load_kb(kb, memo, in_child, checked, hashes)
    finally:  # what each file gave, its problems too, is worth keeping either way
        for kept in (memo, checked, hashes):
            if kept is not None:
                kept.save()
    parsed = ""
    if memo is not None:
        read = len(memo.fresh)
        parsed = (
            f" ({memo.computed} of {read} files parsed; the others unchanged since the last build)"
        )
    progress(f"{kb}: valid: {knowledge.summary()}{parsed}")
    _checked[Path(kb).resolve()] = knowledge
    return knowledge


def checked_kb(kb_dir: Path) -> KnowledgeBase | None:
    """The kb `check_kb` just loaded in this process for this build, once: the engine's
    plugin takes it instead of reading every record file again."""
    return _checked.pop(kb_dir.resolve(), None)


def output_lock(site_dir: Path) -> AbstractContextManager[None]:
    """Refuse a second build into the same output while one runs."""
    return exclusive(
        site_dir.parent / f".{site_dir.name}.lock",
        f"another build into {site_dir} is running; wait for it to finish",
    )


def build_site(
    kb: str,
    site_dir: Path,
    config_file: str,
    engine: Engine,
    strict: bool = False,
    internal: bool = False,
    lock: bool = True,
    pdf: bool = False,
    cache: bool = True,
    engine_name: str = "MkDocs",
    ahead: Ahead | None = None,
) -> None:
    """Validate `kb`, build into a temporary folder, then put it in place of `site_dir`.

    With `pdf`, the course's PDF is written into the staging folder before the swap, so a
    failed PDF leaves the site as it was. With `cache`, pages whose inputs are unchanged
    since the last build are taken from `.cache/rkb/` beside `config_file` (see
    `rkb.build.cache`), and `ahead` starts compiling the engine's templates there."""
    cache_dir = cache_folder(config_file)
    staging = staging_folder(site_dir)
    # with an engine with the rkb plugin, the folders the last build made are made while
    # this one validates (`rkb build` starts them before it imports the rest)
    prepare_staging(staging, cache_dir if cache and ahead is not None else None)
    with _removed_on_failure(staging):
        if pdf:
            try:
                check_pdf_support()
            except PdfError as error:
                raise BuildError(str(error)) from None
        compiling = _validate(kb, config_file, cache_dir if cache else None, ahead)
    with _removed_on_failure(staging) as built, output_lock(site_dir) if lock else nullcontext():
        if lock:  # no other build into this folder runs: leftovers of killed ones can go
            _remove_leftovers(site_dir)
        _set_environment(kb, internal, pdf, cache_dir if cache else None)
        started = time.monotonic()
        progress(f"building the site with {engine_name} into {site_dir} ...")
        try:
            try:
                pages = engine(config_file, staging, strict)
                finish_early(staging)  # if the engine did not (see `build.folders`)
                if compiling is not None:  # long done; had it failed, the build compiled
                    with contextlib.suppress(Exception):  # the templates itself
                        compiling.result()
            finally:  # a failed build: no second process goes on writing into staging
                stop_children()
            if pdf:
                progress(f"writing {PDF_PATH} ...")
                write_course_pdf(load_kb(kb), staging)
        except PdfError as error:
            raise BuildError(str(error)) from None
        finally:
            _checked.clear()
            for name in (KB_ENV, INTERNAL_ENV, PDF_ENV, CACHE_ENV):
                os.environ.pop(name, None)
        built()  # from here on the staging folder is the site, or the one it replaced
        _replace(staging, site_dir)
        pages = _pages_in(site_dir) if pages is None else pages
        progress(f"site written to {site_dir}: {pages} pages in {time.monotonic() - started:.1f} s")


def _set_environment(kb: str, internal: bool, pdf: bool, cache_dir: Path | None) -> None:
    """What the engine's rkb plugin reads: the kb, the site's kind, the build cache."""
    os.environ[KB_ENV] = str(Path(kb).resolve())
    os.environ[INTERNAL_ENV] = "1" if internal else "0"
    os.environ[PDF_ENV] = "1" if pdf else "0"
    if cache_dir is not None:
        os.environ[CACHE_ENV] = str(cache_dir)


def _validate(
    kb: str, config_file: str, cache_dir: Path | None, ahead: Ahead | None
) -> Child[int] | None:
    """`check_kb`, with the build cache `cache_dir`, while `ahead` compiles the engine's
    templates there; the child compiling them, if it was started."""
    found = Path(config_file).is_file()
    compiling = None
    if cache_dir is not None and found and ahead is not None:
        compiling = ahead(config_file, cache_dir / TEMPLATES_DIR)
    try:
        check_kb(kb, cache_dir if found else None)
    except BaseException:
        stop_children()
        raise
    gc.freeze()  # the loaded kb lives as long as the build: no collection walks it again
    if not found:
        _checked.clear()
        raise BuildError(
            f"{config_file}: no such MkDocs configuration; run rkb in the project folder"
        )
    return compiling


def _pages_in(site_dir: Path) -> int:
    """The pages of a built site, counted by walking it (for an engine that does not
    say how many it wrote)."""
    return sum("index.html" in names for _, _, names in os.walk(site_dir))


def _remove_leftovers(site_dir: Path) -> None:
    """Staging folders of builds into `site_dir` that were killed, and replaced builds
    not deleted yet (in the background, as `_replace` deletes them). A staging folder
    is named after its build's process: one whose process still runs is a build that
    validates before it waits for the lock (with folders made ahead), and is kept."""
    for stale in site_dir.parent.glob(f".{site_dir.name}.building-*"):
        pid = stale.name.rpartition("-")[2]
        if not (pid.isdigit() and _running(int(pid))):
            _discard(stale)
    for stale in site_dir.parent.glob(f".{site_dir.name}.old-*"):
        _discard(stale)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's: running
        return True
    return True


@contextlib.contextmanager
def _removed_on_failure(staging: Path) -> Iterator[Callable[[], None]]:
    """This build's staging folder (which may hold the folders made ahead of it) is
    removed if the build fails or is refused, until the function given is called."""
    armed = [True]
    try:
        yield armed.clear
    except BaseException:
        if armed:
            stop_children()
            abandon_staging(staging)
        raise


def _exchange(first: Path, second: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange)
    return bool(done == 0)


def _replace(staging: Path, site_dir: Path) -> None:
    """Put the new build in place of the old one.

    Where the system can, the two folders are swapped atomically, so the output folder
    is never missing, even for a moment; elsewhere the old one is moved aside first.
    """
    old = site_dir.parent / f".{site_dir.name}.old-{os.getpid()}-{time.monotonic_ns()}"
    if site_dir.exists() and _exchange(staging, site_dir):
        staging.rename(old)  # it now holds the previous build
        _discard(old)
        return
    if site_dir.exists():
        site_dir.rename(old)
    staging.rename(site_dir)
    _discard(old)


def _discard(folder: Path) -> None:
    """Delete a replaced build (or a killed build's staging folder) without waiting for
    it: `rm -rf` in the background, left running when rkb exits. A 3,000-page site has
    3,000 folders, which took 0.6-0.7 s to delete on the benchmark's disk. A build that
    finds one still there deletes it again (see `_remove_leftovers`)."""
    if not folder.exists():
        return
    try:  # sh starts rm and exits at once: nothing is left for this process to wait for
        subprocess.run(
            ["sh", "-c", 'rm -rf -- "$1" &', "sh", str(folder)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            check=False,
        )
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
