"""`rkb validate`: check every record of the knowledge base."""

from __future__ import annotations

import argparse

from ..build.parallel import in_child
from ..records.loader import load_kb
from ..records.problems import KbError
from .output import report


def add_arguments(validate: argparse.ArgumentParser) -> None:
    """No options beyond --kb."""


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        kb = load_kb(args.kb, elsewhere=in_child)  # many files: half parsed by a second process
    except KbError as error:
        return report(error)
    print(f"{args.kb}: valid: {kb.summary()}")
    return 0
