"""register.xlsx: a summary sheet and one sheet per table, laid out for clerks.

Vietnamese headers, frozen header row, autofilter, widths from the content, wrapped long text,
deadlines as real dates. Overdue and due-within-N-days rows are coloured by conditional formatting
that compares with TODAY(), so the colours are still right when the file is opened days later.
Untrusted text never becomes a formula (see cells.py).
"""
from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .. import atomic
from .cells import is_formula_like, plain, xlsx_text
from .columns import (DOCUMENT_COLUMNS, OBLIGATION_COLUMNS, REFERENCE_COLUMNS, STATUS_LABELS, TASK_COLUMNS,
                      Column, label)
from .tables import Tables

SHEETS = ("Tổng hợp", "Nhiệm vụ", "Theo đơn vị", "Văn bản", "Văn bản dẫn chiếu")
DATE_FORMAT = "DD/MM/YYYY"
OVERDUE_FILL = PatternFill(start_color="F8CBAD", end_color="F8CBAD", fill_type="solid")
SOON_FILL = PatternFill(start_color="FFE699", end_color="FFE699", fill_type="solid")
HEADER_FILL = PatternFill(start_color="DDEBF7", end_color="DDEBF7", fill_type="solid")
WIDTHS = {"long": 60, "date": 12, "int": 9, "float": 9, "list": 45}
# One style object for all cells of a kind: openpyxl then stores one style, not one per cell.
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")
BOLD = Font(bold=True)


def write_workbook(path: str | Path, tables: Tables) -> None:
    book = Workbook()
    summary = book.active
    summary.title = SHEETS[0]
    _summary(summary, tables)
    for title, frame, columns in ((SHEETS[1], tables.tasks, TASK_COLUMNS),
                                  (SHEETS[2], tables.obligations, OBLIGATION_COLUMNS),
                                  (SHEETS[3], tables.documents, DOCUMENT_COLUMNS),
                                  (SHEETS[4], tables.references, REFERENCE_COLUMNS)):
        sheet = book.create_sheet(title)
        _table(sheet, frame, columns)
        if columns in (TASK_COLUMNS, OBLIGATION_COLUMNS):
            _highlight(sheet, columns, len(frame), tables.soon_days)
    from ..cascade.exports import CASCADE_COLUMNS, SHEET_TITLE, cascade_sheet  # cascade builds on register columns

    _table(book.create_sheet(SHEET_TITLE), cascade_sheet(tables), CASCADE_COLUMNS)
    buffer = io.BytesIO()
    book.save(buffer)
    atomic.write_bytes(path, buffer.getvalue())


def _table(sheet: Worksheet, frame: pd.DataFrame, columns: tuple[Column, ...]) -> None:
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = WRAP
    for r, record in enumerate(frame.to_dict("records"), start=2):
        for c, column in enumerate(columns, start=1):
            _put(sheet.cell(row=r, column=c), label(column.key, plain_or_date(record.get(column.key))), column.kind)
    _layout(sheet, frame, columns)


def plain_or_date(value: Any) -> Any:
    return value if isinstance(value, date) else plain(value)


def _put(cell, value: Any, kind: str) -> None:
    if value is None:
        return
    if kind == "date" and isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, str):
        cell.value = xlsx_text(value)
        if is_formula_like(value):
            cell.data_type = "s"  # text, never a formula
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    else:
        cell.value = value
    cell.alignment = WRAP if kind in ("long", "list") else TOP


def _layout(sheet: Worksheet, frame: pd.DataFrame, columns: tuple[Column, ...]) -> None:
    sheet.freeze_panes = "A2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{max(len(frame) + 1, 2)}"
    for i, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = _width(column, frame)


def _width(column: Column, frame: pd.DataFrame) -> float:
    if column.kind in WIDTHS:
        return WIDTHS[column.kind]
    values = frame[column.key].head(500) if column.key in frame else []
    longest = max([len(str(label(column.key, plain(v)) or "")) for v in values] + [len(column.header) // 2, 6])
    return min(longest + 2, 40)


def _highlight(sheet: Worksheet, columns: tuple[Column, ...], rows: int, soon_days: int) -> None:
    """Colour overdue and soon-due rows by formula on the next due date, skipping done and withdrawn."""
    names = [c.key for c in columns]
    due = f"${get_column_letter(names.index('next_due') + 1)}2"
    state = f"${get_column_letter(names.index('status') + 1)}2"
    open_ = f'{state}<>"{STATUS_LABELS["done"]}",{state}<>"{STATUS_LABELS["withdrawn"]}"'
    area = f"A2:{get_column_letter(len(columns))}{max(rows + 1, 2)}"
    sheet.conditional_formatting.add(area, FormulaRule(
        formula=[f"AND(ISNUMBER({due}),{due}<TODAY(),{open_})"], fill=OVERDUE_FILL, stopIfTrue=True))
    sheet.conditional_formatting.add(area, FormulaRule(
        formula=[f"AND(ISNUMBER({due}),{due}>=TODAY(),{due}<=TODAY()+{soon_days},{open_})"], fill=SOON_FILL,
        stopIfTrue=True))


def _summary(sheet: Worksheet, tables: Tables) -> None:
    sheet.append(["Chỉ tiêu", "Giá trị"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for name, value in summary_rows(tables):
        sheet.append([name, value])
        if isinstance(value, date):
            sheet.cell(row=sheet.max_row, column=2).number_format = DATE_FORMAT
    sheet.freeze_panes = "A2"
    sheet.column_dimensions["A"].width = 48
    sheet.column_dimensions["B"].width = 22


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
