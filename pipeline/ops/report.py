"""A run's record: the structured log, the manifest (JSON) and the short human summary, in OUT/runs/<id>/.

The manifest is written when the run starts (status "running") and again when it ends, so a run
killed with -9 is visible as one that never finished. Exit codes: 0 ok, 1 some files failed, 2 error.
"""
from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path
from typing import Any, Optional

from .. import atomic
from .batching import BatchOutcome, FileOutcome
from .config import Config
from .runlog import EventLog

REGISTER_KEYS = ("added", "changed", "unchanged", "duplicates", "removed", "withdrawn")


class RunReport:
    def __init__(self, cfg: Config, inbox: Path, today: date, kind: str = "nightly") -> None:
        self.cfg, self.inbox, self.today, self.kind = cfg, inbox, today, kind
        self.started = datetime.now()
        self._clock = time.monotonic()
        self.run_id = f"{self.started:%Y%m%dT%H%M%S}-{os.getpid()}"
        self.run_dir = cfg.out / "runs" / self.run_id
        self.log = EventLog(self.run_dir / "log.jsonl")
        self.files: list[dict[str, Any]] = []
        self.counts: Counter = Counter(files=0, processed=0, ok=0, failed=0, skipped=0, tasks=0)
        self.register: Counter = Counter({k: 0 for k in REGISTER_KEYS})
        self.warnings: list[str] = []
        self.status, self.error, self.ended = "running", None, None

    @classmethod
    def start(cls, cfg: Config, inbox: Path, today: date, kind: str = "nightly") -> "RunReport":
        report = cls(cfg, inbox, today, kind)
        report.log.event("run_start", kind=kind, run_id=report.run_id, inbox=str(inbox), out=str(cfg.out),
                         database=cfg.database, today=today.isoformat(), jobs=cfg.jobs, config=cfg.source)
        report.write_manifest()
        return report

    @property
    def exit_code(self) -> int:
        return {"ok": 0, "failed": 1}.get(self.status, 2)

    def stale_lock(self, holder: dict) -> None:
        self.log.event("stale_lock", level="warning", pid=holder.get("pid"), since=holder.get("since"))

    def add_skipped(self, path: str, sha256: str) -> None:
        self.counts.update(files=1, skipped=1)
        self.files.append({"path": path, "status": "skipped", "sha256": sha256})
        self.log.event("file", path=path, status="skipped", sha256=sha256, reason="unchanged")

    def add_file(self, outcome: FileOutcome) -> None:
        self.counts.update(files=1, processed=1, tasks=outcome.tasks, **{outcome.status: 1})
        entry = {k: v for k, v in asdict(outcome).items() if v is not None}
        self.files.append(entry)
        self.log.event("file", level="error" if outcome.status == "failed" else "info", **entry)

    def add_batch(self, outcome: BatchOutcome) -> None:
        self.register.update({k: outcome.register.get(k, 0) for k in REGISTER_KEYS})
        self.warnings += outcome.warnings
        for warning in outcome.warnings:
            self.log.event("warning", level="warning", message=warning)
        self.log.event("batch", files=len(outcome.files), register=outcome.register)

    def finish(self, error: Optional[str] = None) -> None:
        self.ended = datetime.now()
        self.error = error
        self.status = "error" if error else ("failed" if self.counts["failed"] else "ok")
        self.log.event("run_end", level="error" if error else "info", status=self.status, exit_code=self.exit_code,
                       counts=dict(self.counts), register=dict(self.register), error=error,
                       seconds=round(time.monotonic() - self._clock, 3))
        self.write_manifest()
        self._quietly(atomic.write_text, self.run_dir / "summary.txt", self.summary())
        self.log.close()

    def manifest(self) -> dict[str, Any]:
        cfg = self.cfg
        return {"kind": self.kind, "run_id": self.run_id, "status": self.status, "exit_code": self.exit_code,
                "started": self.started.isoformat(timespec="seconds"),
                "ended": self.ended.isoformat(timespec="seconds") if self.ended else None,
                "inbox": str(self.inbox), "out": str(cfg.out), "database": cfg.database,
                "today": self.today.isoformat(), "jobs": cfg.jobs, "config": cfg.source,
                "counts": dict(self.counts), "register": dict(self.register), "warnings": self.warnings,
                "error": self.error, "files": self.files}

    def write_manifest(self) -> None:
        text = json.dumps(self.manifest(), ensure_ascii=False, indent=1) + "\n"
        self._quietly(atomic.write_text, self.run_dir / "manifest.json", text)

    def summary(self) -> str:
        c, r = self.counts, self.register
        lines = [f"congvan {self.kind} {self.run_id}: {self.status} (exit {self.exit_code})",
                 f"{c['files']} files: {c['processed']} processed ({c['ok']} ok, {c['failed']} failed), "
                 f"{c['skipped']} unchanged and skipped; {c['tasks']} tasks",
                 f"register: {r['added']} added, {r['changed']} changed, {r['duplicates']} duplicates, "
                 f"{r['removed']} removed, {r['withdrawn']} withdrawn"]
        lines += [f"failed: {f['error']}" for f in self.files if f["status"] == "failed"]
        lines += [f"warning: {w}" for w in self.warnings]
        if self.error:
            lines.append(f"error: {self.error}")
        lines.append(f"log: {self.run_dir / 'log.jsonl'}")
        return "\n".join(lines) + "\n"

    @staticmethod
    def _quietly(write, path: Path, text: str) -> None:
        try:
            write(path, text)
        except OSError:
            pass  # the output disk is full or read-only: the summary still goes to the terminal
