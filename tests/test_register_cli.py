"""The clerks' commands: run --today/--db, tasks, units, docs, done; exit codes and one-line errors."""
from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from pipeline import run as run_module
from pipeline.cli import app

from . import test_register_fixtures as F

runner = CliRunner()


def cli(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def out(tmp_path, monkeypatch):
    """A register made by `congvan run` over the samples, with the stand-in stage."""
    monkeypatch.setattr(run_module, "stages", lambda: [F.annotate])
    folder = F.write_samples(tmp_path / "in")
    result = cli("run", folder, "--out", tmp_path / "out", "--today", "2024-11-20")
    assert result.exit_code == 0, result.output
    assert "register run 1: 3 added, 0 changed, 0 unchanged, 0 duplicates, 0 withdrawn -> sqlite:///" in result.stdout
    return tmp_path / "out"


def test_run_with_a_database_path(tmp_path, monkeypatch):
    monkeypatch.setattr(run_module, "stages", lambda: [F.annotate])
    folder = F.write_samples(tmp_path / "in")
    db = tmp_path / "elsewhere" / "so-dang-ky.sqlite"
    result = cli("run", folder, "--out", tmp_path / "out", "--db", db, "--today", "2024-11-20")
    assert result.exit_code == 0, result.output
    assert db.exists() and not (tmp_path / "out" / "register.sqlite").exists()
    assert (tmp_path / "out" / "register.xlsx").exists()
    listed = cli("tasks", "--db", db, "--out", tmp_path / "out", "--today", "2024-11-20", "--format", "json")
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == F.TASK_COUNT


def test_run_rejects_a_bad_date(tmp_path):
    result = cli("run", tmp_path, "--out", tmp_path / "out", "--today", "2024-13-01")
    assert result.exit_code == 2
    assert result.stderr == "congvan: not a date: '2024-13-01' (expected YYYY-MM-DD)\n"


def test_tasks_by_unit_as_json(out):
    result = cli("tasks", "--out", out, "--today", "2024-11-20", "--unit", "phòng gd&đt huyện vũ quang", "-f", "json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert [t["status"] for t in found] == ["overdue", "due_soon"]
    assert found[0]["next_due"] == "2024-11-10" and found[0]["milestones"] == []
    assert all("Phòng GD&ĐT huyện Vũ Quang" in t["units"] for t in found)


def test_tasks_by_status_and_due_window(out):
    def listed(*args):
        result = cli("tasks", "--out", out, "--today", "2024-11-20", "-f", "csv", *args)
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout)))

    assert [r["status"] for r in listed("--status", "overdue")] == ["overdue"]
    assert len(listed("--status", "overdue", "--status", "due_soon")) == 4
    within = listed("--due-within", "7")  # overdue ones included: they are due by then too
    assert sorted(r["next_due"] for r in within) == ["2024-11-10", "2024-11-22", "2024-11-25", "2024-11-25"]
    assert [r["next_due"] for r in listed("--due-within", "14", "--unit", "Vũ Quang")] == ["2024-11-10", "2024-11-25"]
    assert all(not v.startswith(("=", "@", "+")) for r in listed() for v in r.values())


def test_tasks_as_a_table(out):
    result = cli("tasks", "--out", out, "--today", "2024-11-20", "--status", "overdue")
    assert result.exit_code == 0
    assert "Mã nhiệm vụ" in result.stdout and "Quá hạn" in result.stdout and "10/11/2024" in result.stdout


def test_tasks_rejects_an_unknown_status_and_format(out):
    result = cli("tasks", "--out", out, "--status", "late")
    assert result.exit_code == 2
    assert result.stderr == ("congvan: unknown status 'late' (choose from overdue, due_soon, open, no_deadline, "
                             "done, withdrawn)\n")
    result = cli("tasks", "--out", out, "--format", "xml")
    assert result.exit_code == 2 and result.stderr == "congvan: unknown format 'xml' (choose from table, csv, json)\n"


def test_units(out):
    result = cli("units", "--out", out, "--today", "2024-11-20", "-f", "json")
    assert result.exit_code == 0
    units = {u["unit"]: u for u in json.loads(result.stdout)}
    assert len(units) == 9
    assert units["Phòng GD&ĐT huyện Vũ Quang"] == {
        "unit": "Phòng GD&ĐT huyện Vũ Quang", "unit_name": "Phòng GD&ĐT huyện Vũ Quang", "total": 2, "open_total": 2,
        "overdue": 1, "due_soon": 1, "open": 0, "no_deadline": 0, "done": 0}
    assert units["so-gddt"]["unit_name"] == "Sở Giáo dục và Đào tạo" and units["so-gddt"]["open"] == 2
    table = cli("units", "--out", out, "--today", "2024-11-20")
    assert "Đơn vị" in table.stdout and "Quá hạn" in table.stdout and "Sở Tài chính" in table.stdout


def test_docs(out):
    result = cli("docs", "--out", out, "--today", "2024-11-20", "-f", "json")
    assert result.exit_code == 0
    docs = {d["number"]: d for d in json.loads(result.stdout)}
    assert set(docs) == {"24/SGDĐT-VP", "1351/KH-UBND", "7/PGDĐT"}
    assert docs["24/SGDĐT-VP"]["tasks"] == 4 and docs["24/SGDĐT-VP"]["overdue_tasks"] == 1
    assert docs["1351/KH-UBND"]["recipients"] == ["Sở GD&ĐT (để thực hiện)", "Lưu: VT"]


def test_done_marks_a_task_and_refreshes_the_outputs(out):
    task_id = json.loads(cli("tasks", "--out", out, "--today", "2024-11-20", "--status", "overdue", "-f", "json")
                         .stdout)[0]["task_id"]
    result = cli("done", task_id, "--date", "2024-11-19", "--note", "Đã nộp", "--out", out, "--today", "2024-11-20")
    assert result.exit_code == 0 and result.stdout == f"{task_id}: done on 2024-11-19 (Đã nộp)\n"
    with open(out / "tasks.csv", encoding="utf-8-sig", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["task_id"] == task_id)
    assert row["status"] == "done" and row["done_date"] == "2024-11-19" and row["done_note"] == "Đã nộp"
    units = {u["unit"]: u for u in json.loads(cli("units", "--out", out, "--today", "2024-11-20", "-f", "json").stdout)}
    assert units["Phòng GD&ĐT huyện Vũ Quang"]["done"] == 1 and units["Phòng GD&ĐT huyện Vũ Quang"]["overdue"] == 0


def test_done_on_an_unknown_task(out):
    result = cli("done", "khong-co", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.startswith("congvan: no task with id khong-co in the register sqlite:///")
    assert result.stderr.count("\n") == 1


def test_queries_before_any_run(tmp_path):
    result = cli("units", "--out", tmp_path / "nothing")
    assert result.exit_code == 2
    assert result.stderr.endswith("register.sqlite: run `congvan run` first\n")
