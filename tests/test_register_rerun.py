"""A rerun that changes nothing leaves the exports as they are; anything they show that changes
(the reference date, a new or removed file, a clerk's "done", a deleted export) rewrites them."""
from __future__ import annotations

import json
from datetime import timedelta

import openpyxl

from pipeline.register import query
from pipeline.register.update import STAMP_FILE

from . import test_register_fixtures as F

EXPORTS = ("register.xlsx", "report.html", "tasks.csv", "tasks.parquet", "import/documents.json")


def _times(out):
    return {name: (out / name).stat().st_mtime_ns for name in EXPORTS}


def _statuses(out):
    sheet = openpyxl.load_workbook(out / "register.xlsx")["Nhiệm vụ"]
    header = [c.value for c in sheet[1]]
    return [row[header.index("Trạng thái")] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_unchanged_rerun_keeps_the_exports_and_changes_rewrite_them(tmp_path, monkeypatch):
    inbox, out = F.write_samples(tmp_path / "in"), tmp_path / "out"
    F.run_samples(monkeypatch, [inbox], out)
    first = _times(out)
    stamp = json.loads((out / STAMP_FILE).read_text(encoding="utf-8"))
    assert "register.xlsx" in stamp["written"] and "report.html" in stamp["written"]

    again = F.run_samples(monkeypatch, [inbox], out)  # same files, same day
    assert again.register.counts["unchanged"] == 3
    assert _times(out) == first, "nothing changed: the exports stay as written"
    assert {p.name for p in again.register.outputs} >= {"register.xlsx", "report.html", "tasks.csv"}

    before = _statuses(out)
    later = F.run_samples(monkeypatch, [inbox], out, today=F.TODAY + timedelta(days=60))
    assert later.register.counts["unchanged"] == 3
    assert all(_times(out)[n] != first[n] for n in EXPORTS), "a new reference date rewrites every export"
    assert _statuses(out) != before

    (out / "report.html").unlink()
    F.run_samples(monkeypatch, [inbox], out, today=F.TODAY + timedelta(days=60))
    assert (out / "report.html").exists(), "a deleted export is written again"

    task_id = query.tasks(None, out, F.TODAY + timedelta(days=60))["task_id"].iloc[0]
    marked = _times(out)
    query.mark_done(None, out, task_id, F.TODAY, "xong", today=F.TODAY + timedelta(days=60))
    assert all(_times(out)[n] != marked[n] for n in EXPORTS), "a clerk's done rewrites the exports"

    (inbox / "sgddt-24.txt").unlink()
    kept = _times(out)
    F.run_samples(monkeypatch, [inbox], out, today=F.TODAY + timedelta(days=60))
    assert all(_times(out)[n] != kept[n] for n in EXPORTS), "a removed file rewrites the exports"
