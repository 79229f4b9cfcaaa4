"""A run's register step: record the processed files in the store, then rewrite every output from it.

Outputs come from the store, not from this run's files alone, so they always show the whole register
(files from earlier runs, clerks' "done" marks, withdrawn tasks).
"""
from __future__ import annotations

import gc
import importlib
import json
import multiprocessing
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable, Iterator, Optional

from .. import __version__, atomic, memory
from .calendar import write_calendars
from .dataset import write_dataset
from .errors import RegisterError
from .export import ALL_FORMATS, export_all
from .piped import PipedWriter
from .report import write_report
from .rows import Incoming
from .status import DUE_SOON_DAYS
from .store import Store
from .tables import Tables, build
from .xlsx import workbook_parts, write_workbook


@dataclass
class RegisterSummary:
    run_id: int
    database: str
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)


def update_register(items: list[Incoming], seen: set[str], scope: list[str], inputs: list[str], failed: int,
                    out_dir: str | Path, today: date, db: Optional[str] = None,
                    soon_days: int = DUE_SOON_DAYS, formats: Iterable[str] = ALL_FORMATS,
                    jobs: int = 1) -> RegisterSummary:
    """Record one run's files (one transaction) and write every export into `out_dir` (with `jobs`
    processes, see `write_outputs`).

    `items` is emptied once recorded: the exports read the store, and a large run's rows should not
    stay in memory beside the tables the exports build.
    """
    store = Store.open(db, out_dir)
    try:
        record = store.sync(items, seen, scope, today, inputs, failed)
        items.clear()
        memory.release()  # the run's rows, gone: their pages back before the tables are built
        outputs = write_outputs(store, out_dir, today, soon_days, formats, jobs)
    finally:
        store.close()
    return RegisterSummary(run_id=record.run_id, database=store.shown_url, counts=record.counts,
                           warnings=record.warnings, outputs=outputs)


# Exports written by a process forked for them while this process writes the others: the report
# with the calendars. It inherits the tables, and the pages of them it reads become its own copies,
# so above OFFLOAD_MAX_TASKS tasks they are written here, one after another.
OFFLOADED = frozenset({"report", "calendar"})
OFFLOAD_MAX_TASKS = 20_000
WORKBOOK = "register.xlsx"


def write_outputs(store: Store, out_dir: str | Path, today: date, soon_days: int = DUE_SOON_DAYS,
                  formats: Iterable[str] = ALL_FORMATS, jobs: int = 1) -> list[Path]:
    """register.xlsx, the CSV/Parquet tables and their dataset, import/, report.html and
    calendar/*.ics from the store (those named in `formats`).

    With `jobs` > 1 the workbook (the largest export, a third of the time of them all) is written by
    a process of its own fed its rows through a pipe (`piped.py`), whatever the register's size; and
    with up to OFFLOAD_MAX_TASKS tasks, the report and calendars by a process forked once the tables are built
    (it inherits them), in parallel with the others written here.
    """
    out, formats = Path(out_dir), set(formats)
    stamp = _outputs_stamp(store, today, soon_days, formats)
    unchanged = _unchanged_outputs(out, stamp)
    if unchanged is not None:
        return unchanged
    tables = build(store.snapshot(), today, soon_days)
    memory.release()  # the snapshot's frames and the build's intermediate ones
    piped = jobs > 1 and "xlsx" in formats
    part = OFFLOADED & formats if jobs > 1 and len(tables.tasks) <= OFFLOAD_MAX_TASKS else frozenset()
    try:
        # The writers started in this order, before the thread that feeds the workbook (see PipedWriter).
        with frozen_heap(), _workbook_writer(out / WORKBOOK, piped) as book, \
                _forked_writers(tables, 1 if part else 0) as pool:
            future = pool.submit(_write_inherited, out, part) if pool else None
            if book:
                book.feed(workbook_parts(tables))
            written = write_part(tables, out, formats - part - ({"xlsx"} if book else set()))
            if "parquet" in formats:
                written.append(write_dataset(out))
            if future is not None:
                try:
                    written += future.result()
                except OSError:
                    raise
                except Exception:  # noqa: BLE001 - a writer gone (killed, out of memory): write it here
                    written += write_part(tables, out, part)
            if book:
                if not book.result():  # the writer gone: written here
                    write_workbook(out / WORKBOOK, tables)
                written.append(out / WORKBOOK)
        _save_stamp(out, stamp, written)
    except OSError as e:
        raise RegisterError("R005", path=getattr(e, "filename", None) or out, detail=e.strerror or e) from e
    return written


@contextmanager
def _workbook_writer(path: Path, piped: bool) -> Iterator[Optional[PipedWriter]]:
    """The workbook's writer process, or None: not asked for, or it could not be started (the
    workbook is then written here, as with `--jobs 1`)."""
    try:
        writer = PipedWriter(path) if piped else None
    except OSError:  # no interpreter to start (an embedded or frozen Python), no processes left
        writer = None
    if writer is None:
        yield None
        return
    with writer:
        yield writer


# The outputs' stamp: what they were written from. A run that changes nothing in the register, on the
# same reference date, finds its outputs already right and leaves them (a rerun over thousands of
# unchanged files then takes seconds, not the minutes of rewriting every export).
STAMP_FILE = ".congvan-outputs.json"
OUTPUTS_VERSION = 1  # bump when an export's content changes for the same register


def _outputs_stamp(store: Store, today: date, soon_days: int, formats: set[str]) -> str:
    return json.dumps([OUTPUTS_VERSION, __version__, today.isoformat(), soon_days, sorted(formats),
                       store.shown_url, store.content_stamp()])


def _unchanged_outputs(out: Path, stamp: str) -> Optional[list[Path]]:
    """The outputs written from `stamp`, when they are all still there; else None."""
    try:
        saved = json.loads((out / STAMP_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("stamp") != stamp or not isinstance(saved.get("written"), list):
        return None
    paths = [out / p for p in saved["written"]]
    return paths if all(p.exists() for p in paths) else None


def _save_stamp(out: Path, stamp: str, written: list[Path]) -> None:
    names = [str(Path(p).relative_to(out)) if Path(p).is_relative_to(out) else str(p) for p in written]
    atomic.write_text(out / STAMP_FILE, json.dumps({"stamp": stamp, "written": names}, ensure_ascii=False) + "\n")


def preload() -> None:
    """Import what the exports import only when first written (the cascade sheet and section, with
    networkx): a run calls this while its files are processed, not on the way to its outputs."""
    importlib.import_module("..cascade.exports", __package__)


@contextmanager
def _forked_writers(tables: Tables, count: int) -> Iterator[Optional[Executor]]:
    """`count` processes forked from this one at the first task, holding `tables` (for
    `_write_inherited`); None when there are none to fork."""
    global _inherited
    if count == 0:
        yield None
        return
    _inherited = tables
    try:
        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context("fork")) as pool:
            yield pool
    finally:
        _inherited = None


def _write_inherited(out: Path, formats: Iterable[str]) -> list[Path]:
    assert _inherited is not None, "a writer not forked by _forked_writers"
    return write_part(_inherited, out, formats)


_inherited: Optional[Tables] = None


def write_part(tables: Tables, out: Path, formats: Iterable[str]) -> list[Path]:
    """The exports named in `formats` (run in this process or in a worker)."""
    formats = set(formats)
    with frozen_heap():
        written = export_all(tables, out, formats)
        if "report" in formats:
            written.append(write_report(tables, out / "report.html"))
        if "calendar" in formats:
            written += write_calendars(tables, out)
    return written


@contextmanager
def frozen_heap() -> Iterator[None]:
    """The objects alive now (the tables, hundreds of thousands of cells) left out of the cyclic
    collector's scans while the exports make their millions of short-lived ones: its full scans
    would otherwise walk the tables again and again (about a sixth of the workbook's time).
    Released after (all of it: the collector cannot release part, so the rules frozen by run.warm go
    too, and run.worker_pool freezes again before its next fork), so that no garbage frozen with them
    outlives its use in a long-running process."""
    global _frozen
    if _frozen:  # within an outer one: that one releases
        yield
        return
    gc.freeze()
    _frozen = True
    try:
        yield
    finally:
        _frozen = False
        gc.unfreeze()


_frozen = False


def load_tables(db: Optional[str], out_dir: str | Path, today: date, soon_days: int = DUE_SOON_DAYS) -> Tables:
    """The register's tables for a reference date, from an existing store."""
    store = Store.open(db, out_dir, must_exist=True)
    try:
        return build(store.snapshot(), today, soon_days)
    finally:
        store.close()
