"""Progress: a bar (rich) when the stream is a terminal, one plain line per file otherwise (cron, systemd).

Plain lines look like `[12/50] ok corpus/x.docx` or `[13/50] failed corpus/y.pdf: not a valid PDF …`.
"""
from __future__ import annotations

import sys
from typing import Optional, TextIO


class Progress:
    def __init__(self, total: int, label: str = "processing", stream: Optional[TextIO] = None,
                 bar: Optional[bool] = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.done = total, 0
        use_bar = bar if bar is not None else _is_terminal(self.stream)
        self._bar = _RichBar(total, label, self.stream) if use_bar and total else None

    def advance(self, path: str, status: str, error: Optional[str] = None) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.advance(self.done)
            if status == "failed":
                self._bar.note(f"failed {error or path}")
            return
        what = error if status == "failed" and error else path  # an error names its file already
        self.line(f"[{self.done}/{self.total}] {status} {what}")

    def line(self, text: str) -> None:
        if self._bar is not None:
            self._bar.note(text)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class _RichBar:
    def __init__(self, total: int, label: str, stream: TextIO) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeRemainingColumn(), console=Console(file=stream), transient=False)
        self._progress.start()
        self._task = self._progress.add_task(label, total=total)

    def advance(self, done: int) -> None:
        self._progress.update(self._task, completed=done)

    def note(self, text: str) -> None:
        self._progress.console.print(text, markup=False, highlight=False)

    def close(self) -> None:
        self._progress.stop()
