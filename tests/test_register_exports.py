"""The register's exports: XLSX, CSV, Parquet, import/ (Decree 30 Appendix VI), calendars, and that
untrusted text comes out inert in every one of them."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import date, datetime, timezone

import icalendar
import openpyxl
import pandas as pd
import pytest

from pipeline.register.calendar import escape, fold, unit_filename
from pipeline.register.cells import csv_safe
from pipeline.register.columns import (DOCUMENT_COLUMNS, IMPORT_COLUMNS, OBLIGATION_COLUMNS, TASK_COLUMNS, headers,
                                       keys)
from pipeline.cascade.exports import SHEET_TITLE as CASCADE_SHEET
from pipeline.register.xlsx import SHEETS

from . import test_register_fixtures as F
from .test_register_fixtures import sample_out  # noqa: F401 - a fixture


def read_csv(path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM, so Excel shows the diacritics"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# XLSX

def test_xlsx_sheets_headers_and_layout(sample_out):
    book = openpyxl.load_workbook(sample_out / "register.xlsx")
    assert book.sheetnames == list(SHEETS) + [CASCADE_SHEET]
    tasks, units, docs = book["Nhiệm vụ"], book["Theo đơn vị"], book["Văn bản"]
    assert [c.value for c in tasks[1]] == headers(TASK_COLUMNS)
    assert [c.value for c in units[1]] == headers(OBLIGATION_COLUMNS)
    assert [c.value for c in docs[1]] == headers(DOCUMENT_COLUMNS)
    assert tasks.max_row == F.TASK_COUNT + 1 and units.max_row == F.OBLIGATION_COUNT + 1
    for sheet in (tasks, units, docs):
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
    text_col = keys(TASK_COLUMNS).index("text") + 1
    assert abs(column_width(tasks, text_col) - 60) < 1 and tasks.cell(2, text_col).alignment.wrap_text


def column_width(sheet, index: int) -> float:
    """The width a sheet gives column `index` (1-based): <col> ranges may span several columns, and the
    stored width carries the writer's cell padding (a fraction of a character)."""
    for dim in sheet.column_dimensions.values():
        if dim.min and dim.max and dim.min <= index <= dim.max:
            return dim.width
    raise AssertionError(f"column {index} has no width")


def test_xlsx_deadlines_are_real_dates(sample_out):
    sheet = openpyxl.load_workbook(sample_out / "register.xlsx")["Nhiệm vụ"]
    col = keys(TASK_COLUMNS)
    first = {c: sheet.cell(2, col.index(c) + 1) for c in ("task_id", "status", "next_due", "deadline")}
    assert first["status"].value == "Quá hạn"
    assert first["next_due"].data_type == "d" and first["next_due"].value == datetime(2024, 11, 10)
    assert first["next_due"].number_format == "DD/MM/YYYY"
    summary = openpyxl.load_workbook(sample_out / "register.xlsx")["Tổng hợp"]
    assert summary["B2"].value == datetime(2024, 11, 20)


def test_xlsx_conditional_formats_compare_with_today(sample_out):
    for name in ("Nhiệm vụ", "Theo đơn vị"):
        sheet = openpyxl.load_workbook(sample_out / "register.xlsx")[name]
        rules = [(str(cf.sqref), rule.formula[0], rule.dxf.fill.fgColor.rgb)
                 for cf in sheet.conditional_formatting for rule in cf.rules]
        due = sheet.cell(1, [c.value for c in sheet[1]].index("Hạn kế tiếp") + 1).column_letter
        assert len(rules) == 2
        (area, overdue, red), (_, soon, yellow) = rules
        assert area == f"A2:{sheet.cell(1, sheet.max_column).column_letter}{sheet.max_row}"
        assert f"${due}2<TODAY()" in overdue and '<>"Đã hoàn thành"' in overdue
        assert f"${due}2<=TODAY()+7" in soon
        assert red != yellow


def test_xlsx_untrusted_text_is_never_a_formula(sample_out):
    path = sample_out / "register.xlsx"
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml and "<f " not in xml
    cells = [c for sheet in openpyxl.load_workbook(path) for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value[:1] in "=+-@"]
    assert {c.value[:1] for c in cells} == {"=", "+", "-", "@"}
    for cell in cells:
        assert cell.data_type == "s" and cell.quotePrefix, cell.value
    assert any(c.value == F.EVIL_FORMULA for c in cells)  # the text itself is kept, as text


# CSV

@pytest.mark.parametrize("name, columns", [("tasks", TASK_COLUMNS), ("obligations", OBLIGATION_COLUMNS),
                                           ("documents", DOCUMENT_COLUMNS)])
def test_csv_has_bom_english_keys_and_every_row(sample_out, name, columns):
    found = read_csv(sample_out / f"{name}.csv")
    assert list(found[0]) == keys(columns)
    assert len(found) == {"tasks": F.TASK_COUNT, "obligations": F.OBLIGATION_COUNT, "documents": 3}[name]


def test_csv_values(sample_out):
    tasks = {r["task_id"]: r for r in read_csv(sample_out / "tasks.csv")}
    by_text = {r["text"][:20]: r for r in tasks.values()}
    monthly = next(r for r in tasks.values() if r["recurrence"] == "monthly")
    assert monthly["next_due"] == "2024-11-25" and monthly["deadline"] == "2024-01-25"
    assert monthly["rrule"] == "FREQ=MONTHLY;BYMONTHDAY=25" and monthly["status"] == "due_soon"
    assert monthly["days_left"] == "5"
    lead = by_text["Sở Giáo dục và Đào t"]
    assert lead["units"] == "Sở Giáo dục và Đào tạo (chủ trì); Sở Tài chính (phối hợp)"
    assert lead["lead_unit"] == "Sở Giáo dục và Đào tạo" and lead["deadline_time"] == "17:00"
    statuses = sorted(r["status"] for r in tasks.values())
    assert statuses == sorted(s for v in F.EXPECTED_STATUS.values() for s in v)
    units = [r["unit"] for r in read_csv(sample_out / "obligations.csv")]
    assert units == sorted(units)  # sorted by unit, then deadline


def test_obligations_sorted_by_unit_then_deadline(sample_out):
    found = [r for r in read_csv(sample_out / "obligations.csv") if r["unit"] == "Phòng GD&ĐT huyện Vũ Quang"]
    assert [r["next_due"] for r in found] == ["2024-11-10", "2024-11-25"]
    assert [r["role"] for r in found] == ["chủ trì", "thực hiện"]
    by_id = [r for r in read_csv(sample_out / "obligations.csv") if r["unit"] == "so-gddt"]
    assert {r["unit_name"] for r in by_id} == {"Sở Giáo dục và Đào tạo"} and len(by_id) == 2


def test_csv_untrusted_text_is_neutralized(sample_out):
    for name in ("tasks", "obligations", "documents"):
        for row in read_csv(sample_out / f"{name}.csv"):
            for value in row.values():
                number = re.fullmatch(r"-?\d+(\.\d+)?", value)  # -10 days left is a number, not a formula
                assert number or not value.startswith(("=", "+", "-", "@")), (name, value)
    tasks = read_csv(sample_out / "tasks.csv")
    assert any(r["text"].startswith("'" + F.EVIL_FORMULA) for r in tasks)
    assert any(r["lead_unit"] == "'+Trường THCS " + F.EVIL_SCRIPT for r in tasks)
    docs = read_csv(sample_out / "documents.csv")
    assert any(r["subject"] == "'" + F.EVIL_FORMULA for r in docs)


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+84 912", "'+84 912"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"),
    ("Số 24", "Số 24"), ("a=b", "a=b"), (5, 5), (-5, -5), (None, None), (["a", "=b"], "a; =b"),
])
def test_csv_safe(value, expected):
    assert csv_safe(value) == expected


# Parquet and JSONL

def test_parquet_tables_are_typed(sample_out):
    tasks = pd.read_parquet(sample_out / "tasks.parquet")
    assert list(tasks.columns) == keys(TASK_COLUMNS) and len(tasks) == F.TASK_COUNT
    assert str(tasks["days_left"].dtype) == "Int64"
    dates = [d for d in tasks["next_due"] if d is not None]
    assert all(isinstance(d, date) for d in dates) and date(2024, 11, 10) in dates
    docs = pd.read_parquet(sample_out / "documents.parquet")
    assert len(docs) == 3
    recipients = docs.set_index("number").loc["1351/KH-UBND", "recipients"]
    assert list(recipients) == ["Sở GD&ĐT (để thực hiện)", "Lưu: VT"]
    assert len(pd.read_parquet(sample_out / "obligations.parquet")) == F.OBLIGATION_COUNT


def test_documents_jsonl_is_still_written(sample_out):
    records = [json.loads(line) for line in (sample_out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(records) == 3 and sum(len(r["tasks"]) for r in records) == F.TASK_COUNT


# import/: Decree 30/2020 Appendix VI

def test_import_layout(sample_out):
    records = json.loads((sample_out / "import" / "documents.json").read_text(encoding="utf-8"))
    assert [list(r) for r in records][0] == keys(IMPORT_COLUMNS)
    by_number = {f"{r['CodeNumber']}/{r['CodeNotation']}": r for r in records}
    plan = by_number["1351/KH-UBND"]
    assert plan["OrganName"] == "Ủy ban nhân dân tỉnh Quảng Ngãi" and plan["IssuedDate"] == "2024-10-01"
    assert plan["TypeName"] == "Kế hoạch" and plan["SignerCompetence"] == "KT."
    assert plan["ToPlaces"] == ["Sở GD&ĐT (để thực hiện)", "Lưu: VT"]
    assert plan["DueDate"] == "2024-03-31"  # the earliest deadline among its tasks
    assert plan["TaskCount"] == 3 and plan["Language"] == "vi"
    rows = read_csv(sample_out / "import" / "documents.csv")
    assert list(rows[0]) == keys(IMPORT_COLUMNS) and len(rows) == 3
    assert next(r for r in rows if r["CodeNumber"] == "7")["Subject"] == "'" + F.EVIL_FORMULA


# Calendars

def calendar(sample_out, name):
    return icalendar.Calendar.from_ical((sample_out / "calendar" / name).read_bytes())


def test_one_calendar_per_unit(sample_out):
    names = sorted(p.name for p in (sample_out / "calendar").glob("*.ics"))
    assert len(names) == len({r["unit"] for r in read_csv(sample_out / "obligations.csv")})
    assert "phong-gd-dt-huyen-vu-quang.ics" in names and "so-gddt.ics" in names


def test_calendar_dates(sample_out):
    cal = calendar(sample_out, "phong-gd-dt-huyen-vu-quang.ics")
    assert str(cal["X-WR-CALNAME"]) == "Phòng GD&ĐT huyện Vũ Quang"
    events = sorted(cal.walk("VEVENT"), key=lambda e: e["DTSTART"].dt)
    assert [e["DTSTART"].dt for e in events] == [date(2024, 11, 10), date(2024, 11, 25)]  # all-day
    assert [e["DTEND"].dt for e in events] == [date(2024, 11, 11), date(2024, 11, 26)]
    assert str(events[0]["SUMMARY"]).startswith("24/SGDĐT-VP: Phòng GD&ĐT huyện Vũ Quang chủ trì, phối hợp")
    assert "Vai trò: chủ trì" in str(events[0]["DESCRIPTION"])
    assert str(events[0]["UID"]).endswith("-1@congvan")


def test_calendar_recurring_and_timed_events(sample_out):
    events = {str(e["UID"]): e for e in calendar(sample_out, "so-gddt.ics").walk("VEVENT")}
    timed = next(e for uid, e in events.items() if uid.endswith("-1@congvan"))
    assert timed["DTSTART"].dt == datetime(2024, 12, 31, 10, 0, tzinfo=timezone.utc)  # 17:00 in Việt Nam
    quarterly = next(e for uid, e in events.items() if uid.endswith("-2@congvan"))
    assert quarterly["DTSTART"].dt == date(2024, 3, 31)
    rule = quarterly["RRULE"]
    assert rule["FREQ"] == ["MONTHLY"] and rule["INTERVAL"] == [3] and rule["BYMONTHDAY"] == [-1]
    monthly = next(iter(calendar(sample_out, "phong-gd-dt-cac-huyen-thi-xa-thanh-pho.ics").walk("VEVENT")))
    assert monthly["RRULE"]["BYMONTHDAY"] == [25] and monthly["DTSTART"].dt == date(2024, 1, 25)


def test_calendar_milestones_are_separate_events(sample_out):
    events = calendar(sample_out, "so-tttt.ics").walk("VEVENT")
    assert sorted(e["DTSTART"].dt for e in events) == [date(2024, 11, 5), date(2024, 12, 15)]
    assert len({str(e["UID"]) for e in events}) == 2


def test_calendar_lines_are_folded_crlf_and_escaped(sample_out):
    raw = (sample_out / "calendar" / "so-gddt.ics").read_bytes()
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"END:VCALENDAR\r\n") and all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    assert escape("a, b; c\\d\ne") == "a\\, b\\; c\\\\d\\ne"
    assert fold("x" * 80) == "x" * 75 + "\r\n " + "x" * 5
    folded = fold("Đ" * 50)  # two bytes each: never split inside a character
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))


def test_calendar_file_names():
    taken: set[str] = set()
    assert unit_filename("Phòng GD&ĐT", taken) == "phong-gd-dt.ics"
    assert unit_filename("../../etc/passwd", taken) == "etc-passwd.ics"
    assert unit_filename("<>", taken) == "don-vi.ics"
    assert re.fullmatch(r"phong-gd-dt-[0-9a-f]{6}\.ics", unit_filename("PHÒNG GD ĐT", {"phong-gd-dt.ics"}))


def test_calendars_of_units_no_longer_assigned_are_removed(tmp_path, monkeypatch):
    folder = F.write_samples(tmp_path / "in")
    out = tmp_path / "out"
    F.run_samples(monkeypatch, [folder], out)
    assert (out / "calendar" / "so-tttt.ics").exists()
    monkeypatch.setitem(F.TASKS, "ubnd-1351", F.TASKS["ubnd-1351"][:2])
    F.run_samples(monkeypatch, [folder], out)
    assert not (out / "calendar" / "so-tttt.ics").exists() and (out / "calendar" / "so-gddt.ics").exists()
