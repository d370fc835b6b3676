"""The hash of each kb file's bytes, kept with the file's status, as Git's index keeps it.

A rebuild keys what each kb file gave by the hash of its bytes (`cache.parse_memo`), and
reading and hashing 3,000 files took 0.06-0.1 s on its critical path. A file whose
status (size, modification and change times, inode, device) is the one recorded with its
hash is not read again. Only files whose both times were at least `SETTLED_NS` old when
the table was written are recorded: a file changed twice within one tick of the clock
behind those times keeps them, and is then read again in the next build. Writing a file
always sets its change time, which no program can set back. A damaged table is discarded
with a one-line notice.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from ..records.loader import Status
from .cache import notice

FILE = "file-hashes.json"
FORMAT = 1
SETTLED_NS = 2_000_000_000


class FileHashes:
    """The table in `root` (the build cache); `known` asks it, `note` adds to it."""

    def __init__(self, root: Path) -> None:
        self.path = root / FILE
        self.kept: dict[str, tuple[Status, str]] = self._load()
        self.noted: dict[str, tuple[Status, str]] = {}

    def _load(self) -> dict[str, tuple[Status, str]]:
        try:
            data = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            return self._discard(error)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return self._discard("not a table of this rkb version")
        files = data.get("files")
        if not isinstance(files, dict):
            return self._discard("a damaged table")
        kept: dict[str, tuple[Status, str]] = {}
        for name, entry in files.items():
            if not (
                isinstance(entry, list)
                and len(entry) == 6
                and all(type(n) is int for n in entry[:5])
                and isinstance(entry[5], str)
            ):
                return self._discard(f"a damaged entry for {name}")
            kept[name] = ((entry[0], entry[1], entry[2], entry[3], entry[4]), entry[5])
        return kept

    def _discard(self, why: object) -> dict[str, tuple[Status, str]]:
        notice(f"discarded the build cache's {self.path.name}: {why}")
        self.path.unlink(missing_ok=True)
        return {}

    def known(self, path: str, status: Status) -> str | None:
        """The hash of the file at `path` when its status is the one recorded with it."""
        entry = self.kept.get(path)
        return entry[1] if entry is not None and entry[0] == status else None

    def note(self, path: str, status: Status, sha: str) -> None:
        """The file at `path` had `status` when its bytes, hashed to `sha`, were read."""
        self.noted[path] = (status, sha)

    def save(self) -> None:
        """Keep the files noted in this build whose times had settled (see the module);
        written only when that differs from what was kept."""
        settled = time.time_ns() - SETTLED_NS
        files = {
            path: [*status, sha]
            for path, (status, sha) in sorted(self.noted.items())
            if status[1] < settled and status[2] < settled
        }
        if files == {path: [*status, sha] for path, (status, sha) in self.kept.items()}:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f"{FILE}.tmp-{os.getpid()}")
        temporary.write_text(json.dumps({"format": FORMAT, "files": files}), "utf-8")
        temporary.replace(self.path)
