"""The watched inbox's folder work: which names to leave alone, when a file is fully written, and moves
that never overwrite.

- A file is *settled* when its size and mtime have not changed for `settle_seconds`: a copy, a download
  or a scanner still writing it keeps changing one of them.
- A move never replaces a file: on a name clash the new one gets a suffix, `x.docx` → `x (2).docx`.
  It is a hard link then an unlink (the link fails if the name is taken), so two movers cannot both
  win the same name; where links are not supported it falls back to a checked rename.
- A failed file gets a sidecar `<name>.error.txt` with the reason in Vietnamese and in English.
"""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from datetime import datetime
from fnmatch import fnmatch
from pathlib import Path
from typing import Callable, Optional, Sequence

from .. import atomic
from .errors import vietnamese_reason

PROCESSED = "processed"
FAILED = "failed"
SIDECAR_SUFFIX = ".error.txt"


def is_ignored(name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch(name, pattern) for pattern in patterns)


def arrivals(inbox: Path, patterns: Sequence[str]) -> list[Path]:
    """Regular files directly in the inbox (not in its folders, not symlinks), less ignored names."""
    found = []
    try:
        entries = list(os.scandir(inbox))
    except OSError:
        return found
    for entry in entries:
        try:
            regular = entry.is_file(follow_symlinks=False)
        except OSError:
            continue
        if regular and not is_ignored(entry.name, patterns):
            found.append(Path(entry.path))
    return sorted(found)


@dataclass
class _Seen:
    size: int
    mtime_ns: int
    since: float


class SettlingFiles:
    """Files seen in the inbox, each with the time its size and mtime last changed."""

    def __init__(self, settle_seconds: float) -> None:
        self.settle = settle_seconds
        self.seen: dict[Path, _Seen] = {}

    def update(self, paths: list[Path], now: float) -> None:
        current = {}
        for path in paths:
            try:
                st = path.stat()
            except OSError:
                continue  # gone between the listing and now
            old = self.seen.get(path)
            same = old is not None and (old.size, old.mtime_ns) == (st.st_size, st.st_mtime_ns)
            current[path] = old if same else _Seen(st.st_size, st.st_mtime_ns, now)
        self.seen = current

    def ready(self, now: float) -> list[Path]:
        """Settled files, the earliest settled first."""
        done = [(s.since, p) for p, s in self.seen.items() if now - s.since >= self.settle]
        return [p for _, p in sorted(done)]

    def forget(self, path: Path) -> None:
        self.seen.pop(path, None)

    @property
    def waiting(self) -> bool:
        return bool(self.seen)


def numbered(name: str, n: int) -> str:
    """`x.docx`, `x (2).docx`, `x (3).docx`…; for `archive.tar.gz` the suffix goes before `.gz`."""
    if n <= 1:
        return name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        return f"{name} ({n})"
    return f"{stem} ({n}).{ext}"


def move_no_clobber(src: Path, folder: Path, taken: Optional[Callable[[Path], bool]] = None) -> Path:
    """Move `src` into `folder` under its name, or the first numbered name free; returns the new path."""
    folder.mkdir(parents=True, exist_ok=True)
    taken = taken or (lambda p: False)
    n = 1
    while True:
        dest = folder / numbered(src.name, n)
        n += 1
        if taken(dest) or os.path.lexists(dest):
            continue
        try:
            os.link(src, dest, follow_symlinks=False)
        except FileExistsError:
            continue
        except OSError as e:
            if e.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            return _checked_rename(src, folder, dest)
        os.unlink(src)
        return dest


def _checked_rename(src: Path, folder: Path, dest: Path) -> Path:
    """Without hard links: rename to a free name (a race with another mover is possible, but rare)."""
    n = 2
    while os.path.lexists(dest):
        dest = folder / numbered(src.name, n)
        n += 1
    os.rename(src, dest)
    return dest


def sidecar_of(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def quarantine(path: Path, failed_dir: Path, original: str, code: Optional[str], error: str) -> Path:
    """Move a failed file into `failed_dir` and write its `.error.txt`; returns the file's new path."""
    dest = move_no_clobber(path, failed_dir, taken=lambda p: os.path.lexists(sidecar_of(p)))
    prefix = f"{path}: "  # the message names the file where it was processed; the sidecar names it once
    reason = error[len(prefix):] if error.startswith(prefix) else error
    atomic.write_text(sidecar_of(dest), sidecar_text(original, code, reason))
    return dest


def sidecar_text(original: str, code: Optional[str], reason: str) -> str:
    when = datetime.now().isoformat(timespec="seconds")
    return (f"Tệp / File: {original}\n"
            f"Thời điểm / Time: {when}\n"
            f"Mã lỗi / Code: {code or '-'}\n\n"
            f"Lý do: {vietnamese_reason(code)}\n"
            f"Reason: {reason}\n\n"
            "Sửa tệp rồi chép lại vào thư mục nhận để xử lý lại.\n"
            "Fix the file, then copy it into the inbox again to have it processed.\n")
