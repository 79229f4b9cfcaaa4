"""What the nightly run already put in the register: sha256 per file, to skip unchanged files cheaply.

`OUT/.congvan-state.json` maps each processed file's path to its size, mtime and sha256. A file whose
size and mtime match is skipped without being read; one whose stat changed is hashed, and skipped if
its sha256 is still the recorded one. The record is tied to the database URL, so pointing the run at
another register starts afresh, and it is written atomically after each register commit, so a run
killed at any moment leaves a record that is true (at worst missing the last batch, which the next run
processes again and the register recognizes as unchanged).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from .. import atomic

STATE_NAME = ".congvan-state.json"
VERSION = 1


@dataclass(frozen=True)
class Stamp:
    size: int
    mtime_ns: int

    @classmethod
    def of(cls, path: str | Path) -> "Stamp":
        st = os.stat(path)
        return cls(st.st_size, st.st_mtime_ns)


def sha256_file(path: str | Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


class ProcessedFiles:
    def __init__(self, out_dir: str | Path, database: str) -> None:
        self.path = Path(out_dir) / STATE_NAME
        self.database = database
        self.files: dict[str, list] = {}  # path -> [size, mtime_ns, sha256]

    @classmethod
    def load(cls, out_dir: str | Path, database: str) -> "ProcessedFiles":
        state = cls(out_dir, database)
        try:
            data = json.loads(state.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return state  # none yet, or unreadable: every file is processed again, which is safe
        if isinstance(data, dict) and data.get("version") == VERSION and data.get("database") == database:
            state.files = {p: v for p, v in data.get("files", {}).items() if isinstance(v, list) and len(v) == 3}
        return state

    def unchanged(self, path: str, stamp: Stamp) -> Optional[str]:
        """The file's sha256 if it is the one recorded (by stat, else by content), else None."""
        known = self.files.get(path)
        if known is None:
            return None
        if [stamp.size, stamp.mtime_ns] == known[:2]:
            return known[2]
        try:
            digest = sha256_file(path)
        except OSError:
            return None
        if digest != known[2]:
            return None
        self.files[path] = [stamp.size, stamp.mtime_ns, digest]
        return digest

    def prune(self) -> None:
        """Forget files that no longer exist (deleted or moved out of the inbox)."""
        self.files = {p: v for p, v in self.files.items() if os.path.exists(p)}

    def record(self, path: str, stamp: Stamp, sha256: str) -> None:
        self.files[path] = [stamp.size, stamp.mtime_ns, sha256]

    def save(self) -> None:
        data = {"version": VERSION, "database": self.database, "files": self.files}
        atomic.write_text(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
