"""What every command prints: `rkb: ` messages and problem lists, on stderr."""

from __future__ import annotations

import sys

from ..records.problems import KbError


def say(message: str) -> None:
    print(f"rkb: {message}", file=sys.stderr, flush=True)


def fail(message: str) -> int:
    say(message)
    return 1


def report(error: KbError) -> int:
    """Print every problem, one per line; the exit code of a failed command."""
    for problem in error.problems:
        print(problem, file=sys.stderr)
    return 1
