"""A large register's exports are written without copying it to the run's workers (they are let go
before the store's transaction): the same files as a small register's, whose largest exports the
idle workers write."""
from __future__ import annotations

import filecmp
import shutil
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
    small = run_batch([str(inbox)], tmp_path / "small", jobs=2, today=date(2024, 11, 20))
    shut = []
    original = update.write_outputs

    def spy(store, out_dir, today, soon_days, formats, pool=None):
        shut.append(pool)
        return original(store, out_dir, today, soon_days, formats, pool)

    monkeypatch.setattr(update, "OFFLOAD_MAX_TASKS", 0)  # every register counts as large
    monkeypatch.setattr(update, "write_outputs", spy)
    large = run_batch([str(inbox)], tmp_path / "large", jobs=2, today=date(2024, 11, 20))
    assert shut == [None], "the workers are let go before the store's work, not handed the exports"
    assert small.tasks == large.tasks > 20 and small.failed == large.failed == 0
    for name in SAME_BYTES:
        assert filecmp.cmp(tmp_path / "small" / name, tmp_path / "large" / name, shallow=False), name
    assert _sheets(tmp_path / "small" / "register.xlsx") == _sheets(tmp_path / "large" / "register.xlsx")
    assert _calendars(tmp_path / "small") == _calendars(tmp_path / "large") != {}


def _calendars(out: Path) -> dict[str, list[str]]:
    """Each unit's calendar, its lines but the stamp of when it was written (each run's own)."""
    return {p.name: [line for line in p.read_text(encoding="utf-8").splitlines() if not line.startswith("DTSTAMP")]
            for p in sorted((out / "calendar").glob("*.ics"))}
