"""The workbook written by a process of its own, fed its rows through a pipe, while this one writes
the other exports.

Why a fresh interpreter and not a forked copy of this one: a forked process shares this process's
pages only until either side writes them, and Python writes into every object it reads (reference
counts). With this process reading the tables for the other exports and the fork reading them for
the workbook, every page of them ended up copied: a register of 75,000 tasks took 1.5 GB instead
of 0.9. The writer (`python -m pipeline.register.workbook`) imports only XlsxWriter and the cell
rules, about 20 MB, and holds one chunk of rows at a time whatever the register's size; reading the
tables costs this process a thread's worth of pickling.

The command line is fixed: the output's path travels in the stream, never in an argument.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Iterable, Optional

WRITER = "pipeline.register.workbook"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent  # the folder holding `pipeline`


class PipedWriter:
    """The workbook writer process; `feed` sends it the path and the parts from a thread of this one.

    Start it before any thread that could hold a lock while this process forks again (the report's
    forked writer is started after it, and before `feed`).
    """

    def __init__(self, path: str | Path) -> None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(PACKAGE_ROOT),
                                                                         os.environ.get("PYTHONPATH")) if p)}
        # Its standard error is dropped: if it fails, the workbook is written here and meets the same
        # error, reported as the run's.
        self._process = subprocess.Popen([sys.executable, "-m", WRITER], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                         close_fds=True)
        self._path = str(path)
        self._thread: Optional[threading.Thread] = None
        self._failure: Optional[BaseException] = None
        self._answered = False

    def feed(self, parts: Iterable[Any]) -> None:
        """Send the path and `parts` from a thread (returns at once); `result` waits for the writer."""
        self._thread = threading.Thread(target=self._send, args=(parts,), name="congvan-workbook-feed", daemon=True)
        self._thread.start()

    def _send(self, parts: Iterable[Any]) -> None:
        stdin = self._process.stdin
        try:
            pickle.dump(self._path, stdin, protocol=pickle.HIGHEST_PROTOCOL)
            for part in parts:
                pickle.dump(part, stdin, protocol=pickle.HIGHEST_PROTOCOL)
            pickle.dump(None, stdin)
            stdin.close()
        except (OSError, ValueError):  # the writer is gone (broken pipe; closed by `close`): `result` finds out
            pass
        except BaseException as e:  # noqa: BLE001 - the parts' own failure, raised by `result`
            self._failure = e

    def result(self) -> bool:
        """Wait for the writer. True when it wrote the workbook; False when it is gone (killed, out of
        memory, failed) and the caller should write it here. Raises the writer's OSError (the file
        could not be written) and any error of the parts themselves."""
        if self._thread is not None:
            self._thread.join()
        if self._failure is not None:
            self.close()
            raise self._failure
        try:
            status, detail = pickle.load(self._process.stdout)
        except Exception:  # noqa: BLE001 - no answer (it died): written here
            status, detail = "gone", None
        self._answered = True
        self.close()
        if status == "error" and isinstance(detail, OSError):
            raise detail
        return status == "done"

    def close(self) -> None:
        """Stop the writer if it still runs (this process failed first) and release its pipes."""
        if self._process.poll() is None and not self._answered:
            self._process.kill()  # the feeding thread's next write then fails and it ends
        self._process.wait()
        if self._thread is not None:
            self._thread.join()
        for stream in (self._process.stdin, self._process.stdout):
            try:
                stream.close()
            except OSError:
                pass

    def __enter__(self) -> "PipedWriter":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
