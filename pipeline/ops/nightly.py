"""`congvan nightly`: one run over the inbox, for cron or a systemd timer.

Never modifies, moves or deletes the inbox's files. Takes the output directory's lock (a stale one
left by a crash is taken over), skips files recorded as processed and unchanged (state.py), and
processes the rest in batches of `nightly.batch_size`, each batch one register commit: a run killed
at any point is resumed by the next run, and every file is recorded once. Each run leaves
`OUT/runs/<run id>/` with `log.jsonl`, `manifest.json` and `summary.txt` (report.py).
Exit code: 0 all good, 1 some files failed, 2 could not run (or stopped by a signal before the end).
"""
from __future__ import annotations

import argparse
import sys
import threading
from datetime import date
from fnmatch import fnmatch
from pathlib import Path
from typing import Optional, Sequence, TextIO

from ..errors import PipelineError
from ..run import collect
from .batching import apply_rule_files, batch_options, check_output_dir, process_files
from .config import Config, load_config
from .errors import OpsError
from .lock import LOCK_NAME, RunLock
from .outputs import RunOutputs
from .progress import Progress
from .report import RunReport
from .signals import stop_on_signals
from .state import ProcessedFiles, Stamp

QUARANTINE = "failed"  # the watcher's folder of failed files and their .error.txt: not dispatches
REGISTER_FILE = "register.sqlite"  # the store's default database in OUT


def run_nightly(cfg: Config, stop: Optional[threading.Event] = None, stream: Optional[TextIO] = None,
                bar: Optional[bool] = None) -> RunReport:
    """Process the inbox once into `cfg.out`; raises PipelineError when the run cannot go on."""
    inbox = require_inbox(cfg)
    apply_rule_files(cfg)
    batch_options(cfg)  # an option this pipeline lacks fails now, before anything is written
    check_output_dir(cfg.out, cfg.nightly.min_free_mb)
    report = RunReport.start(cfg, inbox, cfg.today or date.today())
    try:
        with RunLock(cfg.out / LOCK_NAME, wait=cfg.nightly.lock_wait_seconds, on_stale=report.stale_lock):
            pending, state = _plan(cfg, inbox, report)
            with Progress(len(pending), "nightly", stream=stream, bar=bar) as progress:
                _process(pending, cfg, state, report, stop or threading.Event(), progress)
    except PipelineError as e:
        report.finish(error=str(e))
        raise
    except OSError as e:  # the output disk failed under us (the register's own errors are PipelineErrors)
        error = OpsError("O006", path=cfg.out, detail=e.strerror or e)
        report.finish(error=str(error))
        raise error from e
    report.finish()
    return report


def _plan(cfg: Config, inbox: Path, report: RunReport) -> tuple[list[tuple[str, Stamp]], ProcessedFiles]:
    paths = candidates(inbox, cfg.watch.ignore, cfg.out.absolute())
    state = _load_state(cfg)
    pending = _partition(paths, state, cfg.nightly.full, report)
    report.log.event("plan", files=len(paths), pending=len(pending), skipped=len(paths) - len(pending))
    return pending, state


def _process(pending: list[tuple[str, Stamp]], cfg: Config, state: ProcessedFiles, report: RunReport,
             stop: threading.Event, progress: Progress) -> None:
    """Batch by batch: one register commit, then the state record, then the log lines."""
    outputs = RunOutputs(cfg.out, report.run_id)
    try:
        _batches(pending, cfg, state, report, stop, progress, outputs)
    except BaseException:
        outputs.restore()
        raise
    outputs.publish()


def _batches(pending: list[tuple[str, Stamp]], cfg: Config, state: ProcessedFiles, report: RunReport,
             stop: threading.Event, progress: Progress, outputs: RunOutputs) -> None:
    size = cfg.nightly.batch_size
    for start in range(0, len(pending), size):
        if stop.is_set():
            raise OpsError("O010", done=start, total=len(pending))
        chunk = dict(pending[start:start + size])
        outcome = process_files(list(chunk), cfg, report.today)
        for file in outcome.files:
            if file.status == "ok" and file.sha256 and file.path in chunk:
                state.record(file.path, chunk[file.path], file.sha256)
        state.save()
        outputs.take()
        report.add_batch(outcome)
        for file in outcome.files:
            report.add_file(file)
            progress.advance(file.path, file.status, file.error)
    if not pending:  # still refresh the outputs: task status moves with the date
        report.add_batch(process_files([], cfg, report.today))
        outputs.take()


def require_inbox(cfg: Config) -> Path:
    if cfg.inbox is None:
        raise OpsError("O009")
    if not cfg.inbox.is_dir():
        raise OpsError("O008", path=cfg.inbox)
    return cfg.inbox


def candidates(inbox: Path, ignore: Sequence[str], out: Optional[Path] = None) -> list[str]:
    """The inbox's documents, recursively and sorted, less ignored names, the quarantine folder and the
    output directory when it lies inside the inbox (its summary.txt files are not dispatches)."""
    files, _ = collect([str(inbox)])
    skipped = [inbox / QUARANTINE] + ([out] if out is not None else [])
    return [f for f in files if not any(fnmatch(Path(f).name, pattern) for pattern in ignore)
            and not any(folder in Path(f).parents for folder in skipped)]


def _load_state(cfg: Config) -> ProcessedFiles:
    state = ProcessedFiles.load(cfg.out, cfg.database or str(cfg.out / REGISTER_FILE))
    sqlite_file = _sqlite_file(cfg)
    if sqlite_file is not None and not sqlite_file.exists():
        state.files.clear()  # the register is gone: nothing in it can be skipped
    state.prune()
    return state


def _sqlite_file(cfg: Config) -> Optional[Path]:
    if cfg.database is None:
        return cfg.out / REGISTER_FILE
    if "://" not in cfg.database:
        return Path(cfg.database)
    prefix = "sqlite:///"
    return Path(cfg.database[len(prefix):]) if cfg.database.startswith(prefix) else None


def _partition(paths: list[str], state: ProcessedFiles, full: bool, report: RunReport) -> list[tuple[str, Stamp]]:
    """Files to process, each with its stat; the unchanged ones are recorded as skipped."""
    pending = []
    for path in paths:
        try:
            stamp = Stamp.of(path)
        except OSError:
            stamp = Stamp(-1, -1)  # gone or unreadable: processing reports the reason
        digest = None if full or stamp.size < 0 else state.unchanged(path, stamp)
        if digest:
            report.add_skipped(path, digest)
        else:
            pending.append((path, stamp))
    return pending


def nightly(config: Optional[str] = None, overrides: Optional[dict] = None, stream: Optional[TextIO] = None) -> int:
    """Load the configuration, run once with SIGINT/SIGTERM handled, print the summary; the exit code."""
    report = None
    try:
        cfg = load_config(config, overrides)
        with stop_on_signals() as stop:
            report = run_nightly(cfg, stop=stop, stream=stream)
    except PipelineError as e:
        print(f"congvan: {e}", file=sys.stderr)
        return 2
    print(report.summary(), end="")
    return report.exit_code


def parse_args(argv: Optional[Sequence[str]]) -> tuple[Optional[str], dict]:
    parser = argparse.ArgumentParser(prog="congvan nightly", description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="congvan.toml (default ./congvan.toml or $CONGVAN_CONFIG)")
    parser.add_argument("--inbox", help="folder of incoming dispatches (read, never modified)")
    parser.add_argument("--out", help="output directory (register, exports, runs/)")
    parser.add_argument("--db", dest="database", help="register database: SQLite path or SQLAlchemy URL")
    parser.add_argument("--today", help="reference date YYYY-MM-DD (default the day of the run)")
    parser.add_argument("--jobs", "-j", type=int, help="worker processes")
    parser.add_argument("--batch-size", type=int, dest="nightly.batch_size", help="files per register commit")
    parser.add_argument("--full", action="store_const", const=True, dest="nightly.full",
                        help="reprocess every file, even unchanged ones")
    args = vars(parser.parse_args(argv))
    return args.pop("config"), args


def main(argv: Optional[Sequence[str]] = None) -> int:
    config, overrides = parse_args(sys.argv[1:] if argv is None else argv)
    return nightly(config, overrides)


if __name__ == "__main__":
    sys.exit(main())
