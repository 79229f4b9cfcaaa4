"""`congvan watch INBOX --out DIR`: take files as they arrive in a folder, into the register.

A file is taken once settled (inbox.py), moved to `INBOX/processed/YYYY-MM-DD/` and processed there, so
the register records it where it stays; a file that fails is then moved to `INBOX/failed/` beside its
`<name>.error.txt`. Files already in the inbox when the watcher starts are taken first. The watchdog
library wakes the loop on file-system events; a full look every `watch.rescan_seconds` catches what
events miss (network shares). SIGINT/SIGTERM: the current batch is finished, then the watcher exits 0.
Taken files are journaled until their batch is recorded: after a crash, the next start finishes them.
Each batch holds the output directory's lock, so a nightly run and a watcher never write at once.
Exit code: 0 stopped cleanly, 2 could not run (the files of a failed batch stay journaled).
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Optional, Sequence

from .. import atomic
from ..errors import PipelineError
from .batching import BatchOutcome, apply_rule_files, batch_options, check_output_dir, process_files
from .config import Config, load_config
from .inbox import FAILED, PROCESSED, SettlingFiles, arrivals, move_no_clobber, quarantine
from .lock import LOCK_NAME, RunLock
from .nightly import require_inbox
from .runlog import EventLog
from .signals import stop_on_signals

JOURNAL_NAME = ".congvan-watch-pending.json"
SLICE = 0.2  # seconds: the longest the loop sleeps before looking at the stop flag again


class Watcher:
    def __init__(self, cfg: Config, inbox: Path, stop: threading.Event, echo=None) -> None:
        self.cfg, self.inbox, self.stop = cfg, inbox, stop
        self.settings = cfg.watch
        self.log = EventLog(cfg.out / "logs" / "watch.jsonl")
        self.journal = cfg.out / JOURNAL_NAME
        self.settling = SettlingFiles(self.settings.settle_seconds)
        self.wake = threading.Event()
        self.echo = echo or sys.stderr
        self._next_scan = 0.0
        self._waiting_for_lock = False

    def run(self) -> int:
        """Watch until stopped; returns the exit code."""
        self.log.event("watch_start", inbox=str(self.inbox), out=str(self.cfg.out), config=self.cfg.source,
                       settle_seconds=self.settings.settle_seconds)
        observer = self._observe()
        try:
            self._recover()
            while not self.stop.is_set():
                self._tick()
        except PipelineError as e:
            self.log.event("error", level="error", error=str(e))
            print(f"congvan: {e}", file=sys.stderr)
            return 2
        finally:
            if observer is not None:
                observer.stop()
                observer.join()
            self.log.event("watch_stop")
            self.log.close()
        return 0

    def _observe(self):
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        wake = self.wake

        class Wake(FileSystemEventHandler):
            def on_any_event(self, event: object) -> None:
                wake.set()

        observer = Observer()
        try:
            observer.schedule(Wake(), str(self.inbox), recursive=False)
            observer.start()
        except OSError as e:  # e.g. the inotify watch limit: fall back to looking every rescan_seconds
            self.log.event("no_events", level="warning", error=str(e))
            return None
        return observer

    def _tick(self) -> None:
        now = time.monotonic()
        if self.wake.is_set() or self.settling.waiting or now >= self._next_scan:
            self.wake.clear()
            self.settling.update(arrivals(self.inbox, self.settings.ignore), now)
            self._next_scan = now + self.settings.rescan_seconds
        ready = self.settling.ready(now)[:self.settings.batch_size]
        if ready and self._take(ready):
            return
        pause = self.settings.poll_seconds if self.settling.waiting else self.settings.rescan_seconds
        self._sleep(pause)

    def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while not self.stop.is_set() and time.monotonic() < end:
            if self.wake.wait(min(SLICE, max(0.0, end - time.monotonic()))):
                return

    def _take(self, ready: list[Path]) -> bool:
        """Move settled files to processed/ and process them, under the lock; False if the lock is busy."""
        lock = RunLock(self.cfg.out / LOCK_NAME)
        holder = lock.try_acquire()
        if holder is not None:
            if not self._waiting_for_lock:
                self.log.event("lock_busy", level="warning", pid=holder.get("pid"))
            self._waiting_for_lock = True
            return False
        self._waiting_for_lock = False
        try:
            moved = self._move_in(ready)
            if moved:
                self._process(moved)
        finally:
            lock.release()
        return bool(moved)

    def _move_in(self, ready: list[Path]) -> dict[Path, str]:
        """Each settled file moved to processed/<today>/: new path -> original name (journaled)."""
        day = self.inbox / PROCESSED / date.today().isoformat()
        moved: dict[Path, str] = {}
        for src in ready:
            self.settling.forget(src)
            try:
                moved[move_no_clobber(src, day)] = src.name
            except OSError as e:
                self.log.event("move_failed", level="error", path=str(src), error=str(e))
            self._write_journal(moved)
        for dest, name in moved.items():
            self.log.event("taken", original=name, path=str(dest))
        return moved

    def _process(self, moved: dict[Path, str]) -> None:
        today = self.cfg.today or date.today()
        outcome = process_files([str(p) for p in moved], self.cfg, today)  # PipelineError: stays journaled
        self._settle(outcome, moved)
        self._write_journal({})

    def _settle(self, outcome: BatchOutcome, moved: dict[Path, str]) -> None:
        names = {str(p): name for p, name in moved.items()}
        for file in outcome.files:
            name = names.get(file.path, Path(file.path).name)
            entry = {"original": name, "path": file.path, "status": file.status}
            if file.status == "failed":
                dest = quarantine(Path(file.path), self.inbox / FAILED, name, file.code, file.error or "")
                entry.update(path=str(dest), code=file.code, error=file.error)
                print(f"failed {name} -> {dest}: {file.error}", file=self.echo, flush=True)
            else:
                entry.update(sha256=file.sha256, tasks=file.tasks)
                print(f"ok {name} -> {file.path} ({file.tasks} tasks)", file=self.echo, flush=True)
            self.log.event("file", level="error" if file.status == "failed" else "info", **entry)
        for warning in outcome.warnings:
            self.log.event("warning", level="warning", message=warning)

    def _recover(self) -> None:
        """Finish the batch a crash interrupted: its files are in processed/ but maybe not recorded."""
        moved = {Path(p): name for p, name in self._read_journal().items() if Path(p).is_file()}
        if moved:
            self.log.event("recover", files=[str(p) for p in moved])
            with RunLock(self.cfg.out / LOCK_NAME, wait=self.cfg.nightly.lock_wait_seconds):
                self._process(moved)

    def _read_journal(self) -> dict[str, str]:
        try:
            data = json.loads(self.journal.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_journal(self, moved: dict[Path, str]) -> None:
        atomic.write_text(self.journal, json.dumps({str(p): n for p, n in moved.items()}, ensure_ascii=False))


def run_watch(cfg: Config, stop: Optional[threading.Event] = None) -> int:
    """Check the configuration and folders, then watch until `stop` is set; the exit code."""
    inbox = require_inbox(cfg)
    apply_rule_files(cfg)
    batch_options(cfg)
    check_output_dir(cfg.out)
    for name in (PROCESSED, FAILED):
        (inbox / name).mkdir(exist_ok=True)
    return Watcher(cfg, inbox, stop or threading.Event()).run()


def watch(config: Optional[str] = None, overrides: Optional[dict] = None) -> int:
    """Load the configuration and watch with SIGINT/SIGTERM handled; the exit code (0 clean stop, 2 error)."""
    try:
        cfg = load_config(config, overrides)
        with stop_on_signals() as stop:
            return run_watch(cfg, stop)
    except (PipelineError, OSError) as e:
        print(f"congvan: {e}", file=sys.stderr)
        return 2


def parse_args(argv: Optional[Sequence[str]]) -> tuple[Optional[str], dict]:
    parser = argparse.ArgumentParser(prog="congvan watch", description=__doc__.splitlines()[0])
    parser.add_argument("inbox", nargs="?", help="the folder to watch (default: `inbox` in congvan.toml)")
    parser.add_argument("--config", help="congvan.toml (default ./congvan.toml or $CONGVAN_CONFIG)")
    parser.add_argument("--out", help="output directory (register, exports, logs/)")
    parser.add_argument("--db", dest="database", help="register database: SQLite path or SQLAlchemy URL")
    parser.add_argument("--today", help="reference date YYYY-MM-DD (default the day of each batch)")
    parser.add_argument("--jobs", "-j", type=int, help="worker processes")
    parser.add_argument("--settle", type=float, dest="watch.settle_seconds",
                        help="seconds a file's size and mtime must stay unchanged before it is taken")
    args = vars(parser.parse_args(argv))
    return args.pop("config"), args


def main(argv: Optional[Sequence[str]] = None) -> int:
    config, overrides = parse_args(sys.argv[1:] if argv is None else argv)
    return watch(config, overrides)


if __name__ == "__main__":
    sys.exit(main())
