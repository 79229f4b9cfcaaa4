"""A run over many files: process them, write the outputs atomically, summarize.

This is what `congvan run` and `make run` call. Outputs are rewritten whole on each run, each file
atomically, so an interrupted run is recovered by running again. After processing, the register
(pipeline/register) records the run in its store and writes the register's exports.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from . import atomic
from .register.export import ALL_FORMATS
from .register import Incoming, RegisterSummary, incoming, update_register
from .run import Result, collect, process_all
from .serialize import document_record, failure_record


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


def run_batch(inputs: list[str], out_dir: str | Path, jobs: int = 1, keep_results: bool = False,
              today: Optional[date] = None, db: Optional[str] = None, register: bool = True,
              formats: Optional[list[str]] = None) -> RunSummary:
    """Process files and folders into `out_dir` (documents.jsonl, errors.jsonl, and the register's outputs).

    `today` is the reference date for task status (default today); `db` the register's database (a
    path or SQLAlchemy URL; default `out_dir`/register.sqlite). `register=False` writes the JSONL only;
    `formats` limits the outputs (jsonl csv parquet xlsx import report calendar; default all).
    """
    start = time.perf_counter()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths, skipped = collect(inputs)
    summary = RunSummary(out_dir=str(out), files=len(paths), skipped=skipped)
    records, failures, items = [], [], []
    for result in process_all(paths, jobs=jobs):
        if result.status == "ok" and result.document is not None:
            summary.ok += 1
            summary.tasks += len(result.document.tasks)
            records.append(document_record(result.document))
            if register:
                items.append(incoming(result.document))
        else:
            summary.failed += 1
            summary.errors.append(result.error or f"{result.path}: failed")
            failures.append(failure_record(result.path, result.error or "", result.code))
        if keep_results:
            summary.results.append(result)
    if formats is None or "jsonl" in formats:
        _write_jsonl(out / "documents.jsonl", records)
        _write_jsonl(out / "errors.jsonl", failures)
    if register:
        summary.register = _register(items, paths, inputs, summary.failed, out, today, db, formats)
        summary.warnings += summary.register.warnings
    summary.seconds = time.perf_counter() - start
    return summary


def _register(items: list[Incoming], paths: list[str], inputs: list[str], failed: int, out: Path,
              today: Optional[date], db: Optional[str], formats: Optional[list[str]]) -> RegisterSummary:
    seen = {str(Path(p).resolve()) for p in paths}
    scope = [str(Path(i).resolve()) for i in inputs if Path(i).exists()]
    chosen = ALL_FORMATS if formats is None else [f for f in formats if f in ALL_FORMATS]
    return update_register(items, seen, scope, list(inputs), failed, out, today or date.today(), db,
                           formats=chosen)


def _write_jsonl(path: Path, records: list[dict]) -> None:
    with atomic.atomic_open(path) as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
