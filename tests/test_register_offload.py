"""A small register's report and calendars are written by a process forked for them once the tables
are built; a large one's here, one after another: the same files either way. The run's workers are
forked before the register's modules (pandas, SQLAlchemy) are imported, so they never hold them."""
from __future__ import annotations

import filecmp
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl

from pipeline.batch import run_batch
from pipeline.register import update

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SAME_BYTES = ("tasks.csv", "obligations.csv", "documents.csv", "references.csv", "report.html",
              "import/documents.json")


def _sheets(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's rows but the time each run started (the summary's "Thời điểm (UTC)")."""
    book = openpyxl.load_workbook(path, read_only=True)
    return {sheet.title: [row for row in sheet.iter_rows(values_only=True) if row[0] != "Thời điểm (UTC)"]
            for sheet in book.worksheets}


def test_large_and_small_register_paths_write_the_same_exports(tmp_path, monkeypatch):
    inbox = tmp_path / "in"
    inbox.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[:6]:
        shutil.copy(path, inbox / path.name)
    forked = []
    original = update._forked_writers

    def spy(tables, count):
        forked.append(count)
        return original(tables, count)

    monkeypatch.setattr(update, "_forked_writers", spy)
    small = run_batch([str(inbox)], tmp_path / "small", jobs=2, today=date(2024, 11, 20))
    monkeypatch.setattr(update, "OFFLOAD_MAX_TASKS", 0)  # every register counts as large
    large = run_batch([str(inbox)], tmp_path / "large", jobs=2, today=date(2024, 11, 20))
    assert forked == [1, 0], "the report's writer forked for the small register, none for the large"
    assert small.tasks == large.tasks > 20 and small.failed == large.failed == 0
    for name in SAME_BYTES:
        assert filecmp.cmp(tmp_path / "small" / name, tmp_path / "large" / name, shallow=False), name
    assert _sheets(tmp_path / "small" / "register.xlsx") == _sheets(tmp_path / "large" / "register.xlsx")
    assert _calendars(tmp_path / "small") == _calendars(tmp_path / "large") != {}


def _calendars(out: Path) -> dict[str, list[str]]:
    """Each unit's calendar, its lines but the stamp of when it was written (each run's own)."""
    return {p.name: [line for line in p.read_text(encoding="utf-8").splitlines() if not line.startswith("DTSTAMP")]
            for p in sorted((out / "calendar").glob("*.ics"))}


def test_a_run_loads_the_register_modules_only_after_forking_its_workers():
    code = ("import sys, pipeline.cli, pipeline.batch, pipeline.run, pipeline.register.status; "
            "print(sorted(m for m in ('pandas', 'sqlalchemy', 'pyarrow', 'networkx') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=CORPUS.parent)
    assert done.stdout.strip() == "[]"
