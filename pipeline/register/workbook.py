"""register.xlsx written from a stream of parts: the workbook's side that never sees the tables.

`xlsx.workbook_parts` turns the register's tables into plain picklable parts; `write_parts` lays
them out for clerks: Vietnamese headers, frozen header row, autofilter, widths, wrapped long text,
deadlines as real dates. Overdue and due-within-N-days rows are coloured by conditional formatting
that compares with TODAY(), so the colours are still right when the file is opened days later.
Untrusted text never becomes a formula (see cells.py).

Run as `python -m pipeline.register.workbook`, it reads the parts (pickled, from the process that
started it) on its standard input and writes the workbook: a run writes it this way in parallel
with its other exports (see piped.py). It imports only XlsxWriter and the register's cell rules
(a fresh interpreter of about 20 MB), so it neither shares nor copies the tables' memory.

Written with XlsxWriter: it streams rows and shares one format object per kind of cell, about four
times faster than building openpyxl cells one by one.
"""
from __future__ import annotations

import io
import pickle
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, Optional

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .. import atomic
from .cells import FORMULA_STARTS, is_formula_like, plain, xlsx_text
from .columns import STATUS_LABELS, VALUE_LABELS, Column, label

SHEETS = ("Tổng hợp", "Nhiệm vụ", "Theo đơn vị", "Văn bản", "Văn bản dẫn chiếu")
DATE_FORMAT = "DD/MM/YYYY"
OVERDUE_COLOUR = "#F8CBAD"
SOON_COLOUR = "#FFE699"
HEADER_COLOUR = "#DDEBF7"
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


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


def write_parts(path: str | Path, parts: Iterable[tuple]) -> None:
    """Write the workbook `workbook_parts` describes (in this process or in one fed them through a pipe)."""
    buffer = io.BytesIO()
    book = formats = sheet = None
    for part in parts:
        kind = part[0]
        if kind == "rows":
            sheet.write_rows(part[1])
        elif kind == "sheet":
            if sheet is not None:
                sheet.finish()
            sheet = _Sheet(book.add_worksheet(part[1]), formats, *part[2:])
        elif kind == "summary":
            _summary(book.add_worksheet(SHEETS[0]), part[1], formats)
        elif kind == "book":
            book = xlsxwriter.Workbook(buffer, {**WORKBOOK_OPTIONS, "constant_memory": part[1]})
            formats = _Formats(book)
        else:
            raise ValueError(f"not a part of a workbook: {kind!r}")
    if book is None:
        raise ValueError("an empty workbook stream")
    if sheet is not None:
        sheet.finish()
    book.close()
    atomic.write_bytes(path, buffer.getbuffer())


class _Sheet:
    """One table's sheet, written row by row (constant_memory writes each row out when the next starts)."""

    def __init__(self, sheet, formats: _Formats, columns: tuple[Column, ...], rows: int, widths: list[float],
                 soon_days: Optional[int]) -> None:
        self.sheet, self.formats, self.columns, self.rows = sheet, formats, columns, rows
        self.widths, self.soon_days, self.next_row = widths, soon_days, 1
        self.kinds = []
        for c, column in enumerate(columns):
            sheet.write_string(0, c, column.header, formats.header)
            wrapped = column.kind in ("long", "list")
            self.kinds.append((c, column.key, column.kind, wrapped, VALUE_LABELS.get(column.key),
                               formats.wrap if wrapped else formats.top))

    def write_rows(self, values: list[list[Any]]) -> None:
        sheet, formats, write = self.sheet, self.formats, self.sheet.write_string
        columns = [(values[kind[0]], *kind) for kind in self.kinds]
        first, count = self.next_row, len(values[0]) if values else 0
        for i in range(count):
            r = first + i
            for column, c, key, kind, wrapped, labels, text_format in columns:
                value = column[i]
                if type(value) is str and value and not value.startswith(FORMULA_STARTS):  # most cells: plain text
                    write(r, c, xlsx_text(labels.get(value, value) if labels else value), text_format)
                else:
                    _put(sheet, r, c, label(key, plain_or_date(value)), kind, wrapped, formats)
        self.next_row = first + count

    def finish(self) -> None:
        sheet = self.sheet
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(self.rows, 1), len(self.columns) - 1)
        for i, width in enumerate(self.widths):
            sheet.set_column(i, i, width)
        if self.soon_days is not None:
            _highlight(sheet, self.columns, self.rows, self.soon_days, self.formats)


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


def _summary(sheet, rows: list[tuple[str, Any]], formats: _Formats) -> None:
    sheet.write_string(0, 0, "Chỉ tiêu", formats.bold_header)
    sheet.write_string(0, 1, "Giá trị", formats.bold_header)
    for row, (name, value) in enumerate(rows, start=1):
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


# --- the writer process ---------------------------------------------------------------------------
# Its standard input: pickles, the output path first, then the parts, then None. Its standard
# output: one pickle, ("done", None), ("error", the OSError that stopped writing) or ("failed", why).
# Pickles read from the process that started it, never from a file.


def serve(stdin: BinaryIO, stdout: BinaryIO) -> int:
    try:
        path = pickle.load(stdin)
        write_parts(path, _received(stdin))
    except EOFError:  # the stream stopped before its end (the parent failed or stopped): nothing to write
        return 1
    except OSError as e:
        return _reply(stdout, ("error", e))
    except Exception as e:  # noqa: BLE001 - the parent writes the workbook itself and meets it there
        return _reply(stdout, ("failed", repr(e)))
    return _reply(stdout, ("done", None))


def _received(stdin: BinaryIO) -> Iterator[Any]:
    while (part := pickle.load(stdin)) is not None:
        yield part


def _reply(stdout: BinaryIO, message: tuple) -> int:
    pickle.dump(message, stdout)
    stdout.flush()
    return 0 if message[0] == "done" else 1


if __name__ == "__main__":
    sys.exit(serve(sys.stdin.buffer, sys.stdout.buffer))
