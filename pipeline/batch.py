"""A run over many files: process them, write the outputs atomically, summarize.

This is what `congvan run` and `make run` call. Outputs are rewritten whole on each run, each file
atomically, so an interrupted run is recovered by running again. After processing, the register
(pipeline/register) records the run in its store and writes the register's exports.
`engine="dask"` runs the files on Dask workers instead (`run_distributed`, pipeline/ops/engines.py),
committing the register in batches as results come back, so a stopped run resumes where it stopped.
"""
from __future__ import annotations

import gc
import json
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from . import atomic
from .register.rows import Incoming, file_key, incoming
from .run import Result, collect, process_all, worker_pool
from .serialize import document_record, failure_record

if TYPE_CHECKING:
    from .register.store import Store
    from .register.update import RegisterSummary


@dataclass
class RunSummary:
    out_dir: str
    files: int = 0
    ok: int = 0
    failed: int = 0
    tasks: int = 0
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    results: list[Result] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    register: Optional[RegisterSummary] = None
    resumed: int = 0  # files a stopped run had recorded, unchanged since: skipped (engine="dask")


def run_batch(inputs: list[str], out_dir: str | Path, jobs: int = 1, keep_results: bool = False,
              today: Optional[date] = None, db: Optional[str] = None, register: bool = True,
              formats: Optional[list[str]] = None, engine: str = "local",
              scheduler: Optional[str] = None) -> RunSummary:
    """Process files and folders into `out_dir` (documents.jsonl, errors.jsonl, and the register's outputs).

    `today` is the reference date for task status (default today); `db` the register's database (a
    path or SQLAlchemy URL; default `out_dir`/register.sqlite). `register=False` writes the JSONL only;
    `formats` limits the register's exports (jsonl csv parquet xlsx import report calendar; default all).
    `engine` is "local" (a process pool of `jobs`) or "dask" (see `run_distributed`).
    """
    if engine != "local" or scheduler:
        return run_distributed(inputs, out_dir, jobs, scheduler, keep_results, today, db, register, formats, engine)
    start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths, skipped = collect(inputs)
    summary = RunSummary(out_dir=str(out), files=len(paths), skipped=skipped)
    jsonl = formats is None or "jsonl" in formats
    with ExitStack() as stack:
        pool = stack.enter_context(worker_pool(jobs)) if jobs > 1 and len(paths) > 1 else None
        documents, errors = (stack.enter_context(atomic.atomic_open(out / name)) if jsonl else None
                             for name in ("documents.jsonl", "errors.jsonl"))
        items = []
        for n, result in enumerate(process_all(paths, jobs=jobs, pool=pool)):
            if n == 0 and register:  # the workers are forked by now: what only this process needs loads
                _load_register()  # while they work, not before (they never import it)
            if result.status == "ok" and result.document is not None:
                summary.ok += 1
                summary.tasks += len(result.document.tasks)
                _write_line(documents, document_record(result.document))  # as it comes: records are not kept
                if register:
                    items.append(incoming(result.document))
            else:
                summary.failed += 1
                summary.errors.append(result.error or f"{result.path}: failed")
                _write_line(errors, failure_record(result.path, result.error or "", result.code))
            if keep_results:
                summary.results.append(result)
        if pool is not None:
            pool.shutdown(wait=True)  # their memory is free before the store's work; exports fork their own
        if register:  # the register in one transaction: a run is recorded whole or not at all
            summary.register = _register(items, paths, inputs, summary.failed, out, today, db, formats, jobs)
            summary.warnings += summary.register.warnings
    summary.seconds = time.perf_counter() - start
    return summary


def _load_register() -> None:
    """Import the register's store and exports (pandas, SQLAlchemy, networkx), and leave them, like
    the rules, out of the collector's scans (this process keeps every result's rows until the end)."""
    from .register.update import preload

    preload()
    gc.freeze()


def _register(items: list[Incoming], paths: list[str], inputs: list[str], failed: int, out: Path,
              today: Optional[date], db: Optional[str], formats: Optional[list[str]], jobs: int = 1) -> RegisterSummary:
    from .register.export import ALL_FORMATS
    from .register.update import update_register

    seen = {str(Path(p).resolve()) for p in paths}
    scope = [str(Path(i).resolve()) for i in inputs if Path(i).exists()]
    chosen = ALL_FORMATS if formats is None else [f for f in formats if f in ALL_FORMATS]
    return update_register(items, seen, scope, list(inputs), failed, out, today or date.today(), db,
                           formats=chosen, jobs=jobs)


def _write_line(handle, record: dict) -> None:
    if handle is not None:
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")


COMMIT_FILES = 200  # a distributed run commits the register, and its journal, every so many files ...
COMMIT_SECONDS = 60.0  # ... or so many seconds, whichever comes first


def run_distributed(inputs: list[str], out_dir: str | Path, jobs: int = 1, scheduler: Optional[str] = None,
                    keep_results: bool = False, today: Optional[date] = None, db: Optional[str] = None,
                    register: bool = True, formats: Optional[list[str]] = None, engine: str = "dask") -> RunSummary:
    """`run_batch` on Dask workers: a LocalCluster of `jobs` processes, or the cluster at `scheduler`.

    The register is committed every COMMIT_FILES files, in input order (so ids are those of a local run).
    Files a stopped run committed, unchanged since, are skipped (`summary.resumed`); documents.jsonl and
    errors.jsonl still list every file of the run (the skipped ones first). With `scheduler`, relative
    inputs are made absolute, since the workers may run elsewhere.
    """
    from .ops.engines import DaskEngine, Journal, check_engine
    from .register.store import Store

    check_engine(engine, scheduler)
    start, out = time.perf_counter(), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths, skipped = collect([str(Path(i).absolute()) for i in inputs] if scheduler else inputs)
    summary = RunSummary(out_dir=str(out), files=len(paths), skipped=skipped)
    journal = Journal(out)
    store = Store.open(db, out) if register else None
    try:
        pending = _resume(paths, journal, store, summary)
        with DaskEngine(jobs, scheduler) as cluster:
            commits = _Commits(summary, journal, store, paths, inputs, today or date.today(), cluster.name, keep_results)
            for stamp, result in cluster.results(pending):
                commits.add(stamp, result)
            commits.flush()
            cluster.release()  # stops while the exports are written
            if store is not None:
                summary.register = commits.finish(out, formats)
    finally:
        if store is not None:
            store.close()
    if formats is None or "jsonl" in formats:
        journal.publish(out)
    journal.path.unlink(missing_ok=True)
    summary.seconds = time.perf_counter() - start
    return summary


def _resume(paths: list[str], journal, store: Optional[Store], summary: RunSummary) -> list[str]:
    """The files to process: all but those a stopped run committed (the register agreeing) and unchanged since."""
    done = journal.unchanged(set(paths))
    if store is not None and done:
        held = store.recorded(file_key(p) for p in done)
        done = {p: sha for p, sha in done.items() if held.get(file_key(p)) == sha}
    journal.restart(set(done))
    summary.resumed = len(done)
    return [p for p in paths if p not in done]


class _Commits:
    """The driver's side of a distributed run: results gathered, committed to the register, then journaled."""

    def __init__(self, summary: RunSummary, journal, store: Optional[Store], paths: list[str], inputs: list[str],
                 today: date, engine: str, keep_results: bool) -> None:
        self.summary, self.journal, self.store, self.today, self.keep = summary, journal, store, today, keep_results
        self.seen = {file_key(p) for p in paths}
        self.scope = [str(Path(i).resolve()) for i in inputs if Path(i).exists()]
        self.run_id = store.start_run(self.today, list(inputs), engine) if store is not None else 0
        self.items: list[Incoming] = []
        self.entries: list[dict] = []
        self.failed, self.last = 0, time.monotonic()

    def add(self, stamp, result: Result) -> None:
        doc, summary = result.document, self.summary
        if result.status == "ok" and doc is not None:
            summary.ok += 1
            summary.tasks += len(doc.tasks)
            self.entries.append({"path": result.path, "stamp": [stamp.size, stamp.mtime_ns] if stamp else None,
                                 "sha256": doc.source.sha256, "record": document_record(doc)})
            self.items += [incoming(doc)] if self.store is not None else []
        else:
            summary.failed += 1
            self.failed += 1
            summary.errors.append(result.error or f"{result.path}: failed")
            self.entries.append({"path": result.path, "failure": failure_record(result.path, result.error or "", result.code)})
        if self.keep:
            summary.results.append(result)
        if len(self.entries) >= COMMIT_FILES or time.monotonic() - self.last >= COMMIT_SECONDS:
            self.flush()

    def flush(self) -> None:
        """One register transaction for the files gathered, then their journal lines (never the other way)."""
        if self.store is not None and self.entries:
            self.summary.warnings += self.store.add_batch(self.run_id, self.items, self.seen, self.scope,
                                                          self.failed).warnings
        self.journal.append(self.entries)
        self.items, self.entries, self.failed, self.last = [], [], 0, time.monotonic()

    def finish(self, out: Path, formats: Optional[list[str]]) -> RegisterSummary:
        """The run's last transaction (removed files), then the register's exports and the dataset."""
        from .register.export import ALL_FORMATS
        from .register.update import RegisterSummary, write_outputs

        assert self.store is not None
        record = self.store.finish_run(self.run_id, self.seen, self.scope)
        chosen = ALL_FORMATS if formats is None else [f for f in formats if f in ALL_FORMATS]
        outputs = write_outputs(self.store, out, self.today, formats=chosen)
        return RegisterSummary(run_id=record.run_id, database=self.store.shown_url, counts=record.counts,
                               warnings=list(self.summary.warnings), outputs=outputs)
