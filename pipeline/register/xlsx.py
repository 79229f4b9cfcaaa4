"""register.xlsx from the register's tables: a summary sheet and one sheet per table, for clerks.

This side reads the tables and turns them into the parts `workbook.write_parts` lays out, in chunks
of rows, so that the workbook can be written by another process fed through a pipe (see piped.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import pandas as pd

from .cells import plain
from .columns import (DOCUMENT_COLUMNS, OBLIGATION_COLUMNS, REFERENCE_COLUMNS, STATUS_LABELS, TASK_COLUMNS, Column,
                      label)
from .tables import Tables
from .workbook import SHEETS, write_parts

WIDTHS = {"long": 60, "date": 12, "int": 9, "float": 9, "list": 45}
# Above this many task and obligation rows, constant_memory: each row goes to a temporary file as it is
# written (rows in order), so a register of a hundred thousand tasks does not hold millions of cells in
# memory. Below, cells are kept and repeated texts shared, which writes the workbook about 15% faster.
CONSTANT_MEMORY_ROWS = 20_000

__all__ = ["SHEETS", "workbook_parts", "write_workbook", "summary_rows"]


def write_workbook(path: str | Path, tables: Tables) -> None:
    write_parts(path, workbook_parts(tables))


# The workbook as a stream of parts (plain picklable tuples), so that another process can write it
# while this one writes other exports: ("book", constant_memory), ("summary", rows),
# ("sheet", title, columns, rows, widths, soon_days or None), then its ("rows", one list per column)
# chunks of CHUNK_ROWS rows. The writer never needs the tables, only this stream.
CHUNK_ROWS = 2_000


def workbook_parts(tables: Tables) -> Iterator[tuple]:
    yield "book", len(tables.tasks) + len(tables.obligations) > CONSTANT_MEMORY_ROWS
    yield "summary", list(summary_rows(tables))
    for title, frame, columns in ((SHEETS[1], tables.tasks, TASK_COLUMNS),
                                  (SHEETS[2], tables.obligations, OBLIGATION_COLUMNS),
                                  (SHEETS[3], tables.documents, DOCUMENT_COLUMNS),
                                  (SHEETS[4], tables.references, REFERENCE_COLUMNS)):
        highlight = tables.soon_days if columns in (TASK_COLUMNS, OBLIGATION_COLUMNS) else None
        yield from _sheet_parts(title, frame, columns, highlight)
    from ..cascade.exports import CASCADE_COLUMNS, SHEET_TITLE, cascade_sheet  # cascade builds on register columns

    yield from _sheet_parts(SHEET_TITLE, cascade_sheet(tables), CASCADE_COLUMNS, None)


def _sheet_parts(title: str, frame: pd.DataFrame, columns: tuple[Column, ...],
                 soon_days: Optional[int]) -> Iterator[tuple]:
    rows = len(frame)
    yield "sheet", title, columns, rows, [_width(c, frame) for c in columns], soon_days
    values = [frame[c.key].tolist() if c.key in frame else None for c in columns]
    for start in range(0, rows, CHUNK_ROWS):
        end = min(start + CHUNK_ROWS, rows)
        yield "rows", [v[start:end] if v is not None else [None] * (end - start) for v in values]


def _width(column: Column, frame: pd.DataFrame) -> float:
    if column.kind in WIDTHS:
        return WIDTHS[column.kind]
    values = frame[column.key].head(500) if column.key in frame else []
    longest = max([len(str(label(column.key, plain(v)) or "")) for v in values] + [len(column.header) // 2, 6])
    return min(longest + 2, 40)


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
