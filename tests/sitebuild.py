"""Helpers shared by the site tests: copying the project and building it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def copy_project(target: Path, kb: Path | None = None, docs: bool = True) -> Path:
    """A copy of the project (mkdocs.yml, overrides/, docs/ and a kb) in `target`."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(ROOT / "overrides", target / "overrides")
    if docs:
        shutil.copytree(ROOT / "docs", target / "docs")
    else:
        (target / "docs").mkdir()
    shutil.copytree(kb or ROOT / "kb", target / "kb")
    if (ROOT / "node_modules").is_dir():  # Mermaid, installed by npm ci (scripts/test.sh)
        (target / "node_modules").symlink_to(ROOT / "node_modules")
    return target


def rkb(
    *args: str | Path, cwd: Path = ROOT, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the rkb command as a user would, in `cwd` (with `env` added to the environment)."""
    return subprocess.run(
        [sys.executable, "-m", "rkb", *map(str, args)],
        cwd=cwd,
        env={**ENV, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def read_tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def names_once_replaced_sites_are_gone(folder: Path, deadline: float = 60) -> list[str]:
    """The names in `folder` once the sites builds replaced there are deleted.

    A build deletes the site it replaced in the background (`rm -rf`, left running when
    rkb exits), so they may still be there when rkb has exited: this waits for that
    condition, and fails with the names left if it is not met within `deadline` seconds.
    """
    ends = time.monotonic() + deadline
    while True:
        names = sorted(p.name for p in folder.iterdir())
        replaced = [name for name in names if ".old-" in name]
        if not replaced:
            return names
        assert time.monotonic() < ends, f"still not deleted after {deadline} s: {replaced}"
        time.sleep(0.05)
