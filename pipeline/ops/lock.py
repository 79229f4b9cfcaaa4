"""One run at a time per output directory: a lock file holding the owner's pid.

A lock whose pid no longer runs (a run killed with -9, a power cut) is stale and taken over; the pid's
start time is kept too, so a new process that happens to reuse the pid is not mistaken for the owner.
The check-and-take-over step runs under `flock` on a sibling `.guard` file, so two runs starting at
the same moment cannot both take over the same stale lock.
"""
from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, Optional

from .errors import OpsError

LOCK_NAME = ".congvan.lock"


def _start_ticks(pid: int) -> Optional[int]:
    """The process's start time in clock ticks since boot (Linux /proc), or None where unknown."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _alive(holder: dict) -> bool:
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return False
    if holder.get("host") not in (None, socket.gethostname()):
        return True  # another machine's process: we cannot tell, so we do not take it over
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it runs, as another user
    recorded, now = holder.get("start"), _start_ticks(pid)
    return recorded is None or now is None or recorded == now


class RunLock:
    """`with RunLock(out / LOCK_NAME, wait=60):` holds the lock for the block (raises OpsError O005)."""

    def __init__(self, path: str | Path, wait: float = 0.0, on_stale: Optional[Callable[[dict], None]] = None,
                 poll: float = 0.5) -> None:
        self.path = Path(path)
        self.wait, self.poll, self.on_stale = wait, poll, on_stale
        self.mine = {"pid": os.getpid(), "start": _start_ticks(os.getpid()), "host": socket.gethostname(),
                     "since": datetime.now().isoformat(timespec="seconds")}

    def __enter__(self) -> "RunLock":
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        deadline = time.monotonic() + self.wait
        while True:
            holder = self.try_acquire()
            if holder is None:
                return
            if time.monotonic() >= deadline:
                raise OpsError("O005", path=self.path, pid=holder.get("pid"), since=holder.get("since"))
            time.sleep(self.poll)

    def try_acquire(self) -> Optional[dict]:
        """Take the lock and return None, or return the live holder's record."""
        with self._guard():
            holder = self._holder()
            if holder is not None and _alive(holder):
                return holder
            if holder is not None and self.on_stale:
                self.on_stale(holder)
            tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
            try:
                tmp.write_text(json.dumps(self.mine), encoding="utf-8")
                os.replace(tmp, self.path)
            except OSError as e:
                tmp.unlink(missing_ok=True)
                raise OpsError("O006", path=self.path.parent, detail=e.strerror or e) from e
            return None

    def release(self) -> None:
        with self._guard():
            if self._holder() == self.mine:
                self.path.unlink(missing_ok=True)

    def _holder(self) -> Optional[dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, UnicodeDecodeError):
            return {}  # unreadable: written by a process killed mid-write, so stale
        except OSError as e:
            raise OpsError("O011", path=self.path, detail=e.strerror or e) from e
        return data if isinstance(data, dict) else {}

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            guard = open(self.path.with_name(self.path.name + ".guard"), "a")
        except OSError as e:
            raise OpsError("O006", path=self.path.parent, detail=e.strerror or e) from e
        with guard:
            fcntl.flock(guard, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(guard, fcntl.LOCK_UN)
