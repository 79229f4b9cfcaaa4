"""Structured logs: one JSON object per line, flushed as it is written so `tail -f` (or a test) sees it.

Every line has `ts` (local time, ISO 8601), `level` (info / warning / error) and `event`; the rest
depends on the event: `file` lines carry `path`, `status` (ok / failed / skipped), `code` and `error`.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any, Optional, TextIO

from .errors import OpsError


class EventLog:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle: Optional[TextIO] = open(self.path, "a", encoding="utf-8")
        except OSError as e:
            raise OpsError("O006", path=self.path.parent, detail=e.strerror or e) from e

    def event(self, event: str, level: str = "info", **fields: Any) -> dict[str, Any]:
        record = {"ts": datetime.now().isoformat(timespec="milliseconds"), "level": level, "event": event, **fields}
        if self._handle is not None:
            try:
                self._handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
                self._handle.flush()
            except OSError:
                pass  # a full disk must not turn a log line into a crash; the summary still reports
        return record

    def close(self) -> None:
        if self._handle is not None:
            try:
                self._handle.close()
            except OSError:
                pass
            self._handle = None

    def __enter__(self) -> "EventLog":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_events(path: str | Path) -> list[dict[str, Any]]:
    """Every complete line of a log (a line cut by a kill is left out)."""
    events = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return events
    for line in lines:
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events
