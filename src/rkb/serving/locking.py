"""One writer at a time: an advisory lock file beside what is being written."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class BusyError(Exception):
    """Another process holds the lock; the message says what it is doing."""


@contextmanager
def exclusive(lock_path: Path, busy: str) -> Iterator[None]:
    """Hold `lock_path` for the block, or raise BusyError(busy) at once if it is taken.

    The lock is released when the process ends, however it ends (kill included).
    """
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BusyError(busy) from None
        yield
