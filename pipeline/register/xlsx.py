"""register.xlsx: a summary sheet and one sheet per table, laid out for clerks.

Vietnamese headers, frozen header row, autofilter, widths from the content, wrapped long text,
deadlines as real dates. Overdue and due-within-N-days rows are coloured by conditional formatting
that compares with TODAY(), so the colours are still right when the file is opened days later.
Untrusted text never becomes a formula (see cells.py).

Written with XlsxWriter: it streams rows and shares one format object per kind of cell, about four
times faster than building openpyxl cells one by one (the workbook was the largest export cost).
"""
from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .. import atomic
from .cells import FORMULA_STARTS, is_formula_like, plain, xlsx_text
from .columns import (DOCUMENT_COLUMNS, OBLIGATION_COLUMNS, REFERENCE_COLUMNS, STATUS_LABELS, TASK_COLUMNS,
                      VALUE_LABELS, Column, label)
from .tables import Tables

SHEETS = ("Tổng hợp", "Nhiệm vụ", "Theo đơn vị", "Văn bản", "Văn bản dẫn chiếu")
DATE_FORMAT = "DD/MM/YYYY"
OVERDUE_COLOUR = "#F8CBAD"
SOON_COLOUR = "#FFE699"
HEADER_COLOUR = "#DDEBF7"
WIDTHS = {"long": 60, "date": 12, "int": 9, "float": 9, "list": 45}
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
# Above this many task and obligation rows, constant_memory: each row goes to a temporary file as it is
# written (rows in order), so a register of a hundred thousand tasks does not hold millions of cells in
# memory. Below, cells are kept and repeated texts shared, which writes the workbook about 15% faster.
CONSTANT_MEMORY_ROWS = 20_000


class _Formats:
    """One format object per kind of cell: the workbook then stores each style once."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": HEADER_COLOUR, "pattern": 1,
                                       "text_wrap": True, "valign": "top"})
        self.bold_header = book.add_format({"bold": True, "bg_color": HEADER_COLOUR, "pattern": 1})
        self.top = book.add_format({"valign": "top"})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": DATE_FORMAT, "valign": "top"})
        self.plain_date = book.add_format({"num_format": DATE_FORMAT})
        self.quoted_top = book.add_format({"valign": "top", "quote_prefix": True})
        self.quoted_wrap = book.add_format({"text_wrap": True, "valign": "top", "quote_prefix": True})
        # Conditional fills: both colours set, as Excel reads bgColor and other readers fgColor.
        self.overdue = book.add_format({"bg_color": OVERDUE_COLOUR, "fg_color": OVERDUE_COLOUR, "pattern": 1})
        self.soon = book.add_format({"bg_color": SOON_COLOUR, "fg_color": SOON_COLOUR, "pattern": 1})


def write_workbook(path: str | Path, tables: Tables) -> None:
    buffer = io.BytesIO()
    large = len(tables.tasks) + len(tables.obligations) > CONSTANT_MEMORY_ROWS
    book = xlsxwriter.Workbook(buffer, {**WORKBOOK_OPTIONS, "constant_memory": large})
    formats = _Formats(book)
    _summary(book.add_worksheet(SHEETS[0]), tables, formats)
    for title, frame, columns in ((SHEETS[1], tables.tasks, TASK_COLUMNS),
                                  (SHEETS[2], tables.obligations, OBLIGATION_COLUMNS),
                                  (SHEETS[3], tables.documents, DOCUMENT_COLUMNS),
                                  (SHEETS[4], tables.references, REFERENCE_COLUMNS)):
        sheet = book.add_worksheet(title)
        _table(sheet, frame, columns, formats)
        if columns in (TASK_COLUMNS, OBLIGATION_COLUMNS):
            _highlight(sheet, columns, len(frame), tables.soon_days, formats)
    from ..cascade.exports import CASCADE_COLUMNS, SHEET_TITLE, cascade_sheet  # cascade builds on register columns

    _table(book.add_worksheet(SHEET_TITLE), cascade_sheet(tables), CASCADE_COLUMNS, formats)
    book.close()
    atomic.write_bytes(path, buffer.getbuffer())


def _table(sheet, frame: pd.DataFrame, columns: tuple[Column, ...], formats: _Formats) -> None:
    for c, column in enumerate(columns):
        sheet.write_string(0, c, column.header, formats.header)
    rows = len(frame)
    write = sheet.write_string
    cols = []
    for c, column in enumerate(columns):
        wrapped = column.kind in ("long", "list")
        cols.append((c, frame[column.key].tolist() if column.key in frame else [None] * rows, column.key, column.kind,
                     wrapped, VALUE_LABELS.get(column.key), formats.wrap if wrapped else formats.top))
    for r in range(rows):  # row by row: constant_memory writes each row out when the next one starts
        for c, values, key, kind, wrapped, labels, text_format in cols:
            value = values[r]
            if type(value) is str and value and not value.startswith(FORMULA_STARTS):  # most cells: plain text
                write(r + 1, c, xlsx_text(labels.get(value, value) if labels else value), text_format)
            else:
                _put(sheet, r + 1, c, label(key, plain_or_date(value)), kind, wrapped, formats)
    _layout(sheet, frame, columns)


def plain_or_date(value: Any) -> Any:
    return value if isinstance(value, date) else plain(value)


def _put(sheet, row: int, col: int, value: Any, kind: str, wrapped: bool, formats: _Formats) -> None:
    if value is None or value == "":
        return
    if kind == "date" and isinstance(value, date):
        sheet.write_datetime(row, col, value if isinstance(value, datetime) else datetime(value.year, value.month,
                                                                                           value.day), formats.date)
    elif isinstance(value, str):
        if is_formula_like(value):  # text, never a formula, and Excel keeps it text when the cell is edited
            sheet.write_string(row, col, xlsx_text(value), formats.quoted_wrap if wrapped else formats.quoted_top)
        else:
            sheet.write_string(row, col, xlsx_text(value), formats.wrap if wrapped else formats.top)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, formats.top)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, formats.top)
    else:
        sheet.write_string(row, col, xlsx_text(str(value)), formats.wrap if wrapped else formats.top)


def _layout(sheet, frame: pd.DataFrame, columns: tuple[Column, ...]) -> None:
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(frame), 1), len(columns) - 1)
    for i, column in enumerate(columns):
        sheet.set_column(i, i, _width(column, frame))


def _width(column: Column, frame: pd.DataFrame) -> float:
    if column.kind in WIDTHS:
        return WIDTHS[column.kind]
    values = frame[column.key].head(500) if column.key in frame else []
    longest = max([len(str(label(column.key, plain(v)) or "")) for v in values] + [len(column.header) // 2, 6])
    return min(longest + 2, 40)


def _highlight(sheet, columns: tuple[Column, ...], rows: int, soon_days: int, formats: _Formats) -> None:
    """Colour overdue and soon-due rows by formula on the next due date, skipping done and withdrawn."""
    names = [c.key for c in columns]
    due = f"${xl_col_to_name(names.index('next_due'))}2"
    state = f"${xl_col_to_name(names.index('status'))}2"
    open_ = f'{state}<>"{STATUS_LABELS["done"]}",{state}<>"{STATUS_LABELS["withdrawn"]}"'
    area = f"A2:{xl_col_to_name(len(columns) - 1)}{max(rows + 1, 2)}"
    sheet.conditional_format(area, {"type": "formula", "criteria": f"=AND(ISNUMBER({due}),{due}<TODAY(),{open_})",
                                    "format": formats.overdue, "stop_if_true": True})
    sheet.conditional_format(area, {
        "type": "formula", "criteria": f"=AND(ISNUMBER({due}),{due}>=TODAY(),{due}<=TODAY()+{soon_days},{open_})",
        "format": formats.soon, "stop_if_true": True})


def _summary(sheet, tables: Tables, formats: _Formats) -> None:
    sheet.write_string(0, 0, "Chỉ tiêu", formats.bold_header)
    sheet.write_string(0, 1, "Giá trị", formats.bold_header)
    for row, (name, value) in enumerate(summary_rows(tables), start=1):
        sheet.write_string(row, 0, name)
        if isinstance(value, date):
            sheet.write_datetime(row, 1, datetime(value.year, value.month, value.day), formats.plain_date)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            sheet.write_number(row, 1, value)
        elif value is not None:
            sheet.write_string(row, 1, xlsx_text(str(value)))
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, 0, 48)
    sheet.set_column(1, 1, 22)


def summary_rows(tables: Tables) -> Iterable[tuple[str, Any]]:
    """The headline figures, also used by the report."""
    counts = tables.tasks["status"].value_counts() if not tables.tasks.empty else pd.Series(dtype=int)
    active = tables.documents[tables.documents["state"] == "active"] if not tables.documents.empty else tables.documents
    yield "Ngày tham chiếu (trạng thái tính đến ngày)", tables.today
    yield "Số văn bản đang theo dõi", len(active)
    yield "Số nhiệm vụ (không kể đã thu hồi)", int(len(tables.tasks) - counts.get("withdrawn", 0))
    for code, name in STATUS_LABELS.items():
        suffix = f" (trong {tables.soon_days} ngày)" if code == "due_soon" else ""
        yield f"{name}{suffix}", int(counts.get(code, 0))
    yield "Số đơn vị được giao", int(tables.obligations["unit"].nunique()) if not tables.obligations.empty else 0
    run = tables.last_run or {}
    if run:
        yield "Lần chạy gần nhất (số)", int(run["run_id"])
        yield "Thời điểm (UTC)", str(run["started_at"])
        for key, name in (("files_seen", "Tệp đã đọc"), ("added", "Văn bản mới"), ("changed", "Văn bản thay đổi"),
                          ("duplicates", "Bản trùng"), ("withdrawn", "Văn bản thu hồi"), ("failed", "Tệp lỗi")):
            yield f"  {name}", int(run[key] or 0)
