"""Work shared with one forked child process: the build's second core.

A build is one Python process, so one core does everything while a second one waits.
`in_child(work)` forks: the child runs `work()` on a copy of everything the parent has
loaded (nothing to send it), pickles what it returns (or the exception it raised) into a
pipe and exits; the parent goes on with its own share and calls `.result()` when it
needs the child's. Log records the child emits are carried back and handled in the
parent, so warnings still reach the engine's `--strict` counter.

Forking is only safe in a process with one thread (or for pure work, see `can_fork`), on
a system with fork and more than one core; elsewhere, and with `RKB_JOBS=1`, `in_child`
runs the work in this process.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import mmap
import os
import pickle
import signal
import struct
import sys
import tempfile
import threading
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
JOBS_ENV = "RKB_JOBS"


def can_fork(pure: bool = False) -> bool:
    """True when a second process would run on a second core and forking is safe: in a
    process with one thread, or, for `pure` work (computing and writing files: no
    logging, no printing, no lock another thread may hold), in any process."""
    if os.environ.get(JOBS_ENV) == "1" or not hasattr(os, "fork"):
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (cores or 1) > 1 and (pure or threading.active_count() == 1)


class _Capture(logging.Handler):
    """The child's log records, made picklable, to be handled again in the parent."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        record.exc_info, record.exc_text, record.stack_info = None, None, None
        self.records.append(record)


def _capture_logging() -> _Capture:
    capture = _Capture()
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and logger.handlers
    ]
    for logger in loggers:
        logger.handlers = []
    logging.getLogger().addHandler(capture)
    for logger in loggers:  # records stop where a handler was: keep them flowing to root
        logger.propagate = True
    return capture


class Outcome(Generic[T]):
    """What `work` gave: its value, or the exception it raised."""

    def __init__(self, run: Callable[[], T]) -> None:
        self.value: T | None = None
        self.error: BaseException | None = None
        self.records: list[logging.LogRecord] = []
        try:
            self.value = run()
        except Exception as error:  # carried to the parent and raised there
            self.error = error

    def result(self) -> T:
        for record in self.records:
            logging.getLogger(record.name).handle(record)
        self.records = []
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


_running: weakref.WeakValueDictionary[int, Child[Any]] = weakref.WeakValueDictionary()
"""Children whose result has not been collected, by pid (one nobody holds is stopped as
it is collected)."""


def stop_children() -> None:
    """Stop every child whose result nobody collected: called when a build fails, before
    its folder is removed, so that no child goes on writing into it."""
    for child in list(_running.values()):
        child.stop()


class Child(Generic[T]):
    """A forked child running `work`; `result()` waits for it."""

    def __init__(self, work: Callable[[], T]) -> None:
        sys.stdout.flush()
        sys.stderr.flush()
        read_end, write_end = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child: never returns
            os.close(read_end)
            status = 1
            try:
                # a child lives for one share of a build: what it allocates is freed
                # when it exits, so the collector need not look for cycles in it
                gc.disable()
                capture = _capture_logging()
                outcome = Outcome(work)
                outcome.records = capture.records
                try:
                    data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
                except Exception as error:  # an exception or value that cannot travel
                    outcome.value, outcome.error = None, RuntimeError(f"{error!r}")
                    data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write_end)
        self.read_end = read_end
        self.outcome: Outcome[T] | None = None
        _running[self.pid] = self

    def stop(self) -> None:
        """Stop the child, whose work nobody wants any more, and reap it."""
        _running.pop(self.pid, None)
        if self.outcome is None and self.read_end >= 0:
            os.close(self.read_end)
            self.read_end = -1
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)

    def __del__(self) -> None:
        """Never collected (the build failed before it was needed): stop it."""
        if getattr(self, "outcome", True) is None:
            self.stop()

    def result(self) -> T:
        if self.outcome is None:
            with os.fdopen(self.read_end, "rb") as pipe:
                data = pipe.read()
            self.read_end = -1
            _running.pop(self.pid, None)
            _, status = os.waitpid(self.pid, 0)
            if not data or os.waitstatus_to_exitcode(status) != 0:
                raise RuntimeError(
                    f"a build process (pid {self.pid}) ended without its result "
                    f"(exit status {os.waitstatus_to_exitcode(status)})"
                )
            self.outcome = pickle.loads(data)  # written by our own child just now
        return self.outcome.result()


class Later(Generic[T]):
    """A value for a child started before the value is known: the parent `give`s it
    once, the child `wait`s for it. It travels in an unnamed temporary file made before
    the fork (so giving never blocks, whatever its size), and one byte through a pipe
    says it is there. Only for a `Child`: in this process, waiting would wait forever."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by `give`, or with the child)
        self.ready_read, self.ready_write = os.pipe()

    def give(self, value: T) -> None:
        """In the parent, once."""
        self.file.write(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        self.file.flush()
        os.write(self.ready_write, b"1")
        self.close()

    def wait(self) -> T:
        """In the child: the value, once the parent gave it (an error if it ended first)."""
        with contextlib.suppress(OSError):  # this copy: the parent's is the one that writes
            os.close(self.ready_write)
        if not os.read(self.ready_read, 1):  # end of file: every writer gone, nothing given
            raise RuntimeError("the build process ended before it gave its second process its data")
        size = os.fstat(self.file.fileno()).st_size
        value: T = pickle.loads(os.pread(self.file.fileno(), size, 0))  # from our parent
        return value

    def close(self) -> None:
        for end in (self.ready_read, self.ready_write):
            with contextlib.suppress(OSError):
                os.close(end)
        self.ready_read = self.ready_write = -1
        self.file.close()


class Claims:
    """Items 0 to `count` - 1 shared by this process and one child forked after this is
    made: this process takes them from the front, in order, the child from the back,
    each when it gets to one, so the two meet wherever their pace puts them (a share
    fixed beforehand leaves one waiting for the other: how fast each goes depends on
    what else runs beside them).

    The two ends are kept in memory shared with the child; a byte in a pipe is the lock
    (whoever reads it holds it)."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._ends = mmap.mmap(-1, 8)  # anonymous and shared: the child's is this one
        struct.pack_into("ii", self._ends, 0, 0, count)
        self._lock_read, self._lock_write = os.pipe()
        os.write(self._lock_write, b"1")

    def _take(self, front: int | None) -> int | None:
        os.read(self._lock_read, 1)
        try:
            first, end = struct.unpack_from("ii", self._ends, 0)
            if front is not None:  # this process: item `front`, if the child has not
                taken = front if first <= front < end else None
                first = front + 1 if taken is not None else first
            else:  # the child: the last item not taken
                taken = end - 1 if end > first else None
                end = end - 1 if taken is not None else end
            struct.pack_into("ii", self._ends, 0, first, end)
            return taken
        finally:
            os.write(self._lock_write, b"1")

    def take(self, item: int) -> bool:
        """In this process: take `item` (items are taken in increasing order); False
        when the child has taken it (and with it every later item)."""
        return self._take(item) is not None

    def take_last(self) -> int | None:
        """In the child: the last item nobody has taken, or None when none is left."""
        return self._take(None)

    def close(self) -> None:
        for end in (self._lock_read, self._lock_write):
            with contextlib.suppress(OSError):
                os.close(end)
        self._ends.close()


NICENESS = 10
"""A background child's: it takes what the build's own processes leave of the cores."""


def lowered(work: Callable[[], T]) -> Callable[[], T]:
    """`work`, to run in a child at a lower priority (at the same one where that is not
    allowed)."""

    def run() -> T:
        with contextlib.suppress(OSError):
            os.nice(NICENESS)
        return work()

    return run


def in_child(work: Callable[[], T], pure: bool = False) -> Child[T] | Outcome[T]:
    """Start `work` in a forked child when that can help, else run it here; either way
    `.result()` gives its value (or raises its exception). See `can_fork` for `pure`."""
    return Child(work) if can_fork(pure) else Outcome(work)
