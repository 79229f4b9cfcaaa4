"""The clerks' queries behind `congvan tasks`, `congvan units`, `congvan docs` and `congvan done`.

Each function takes plain arguments, reads (or, for `mark_done`, writes) the store, and returns
rows or text; the CLI only parses arguments and prints.
"""
from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Optional, Sequence

import pandas as pd
from rich.console import Console
from rich.table import Table

from ..text import fold
from .cells import csv_safe, plain
from .columns import DOCUMENT_COLUMNS, STATUSES, TASK_COLUMNS, Column, keys, label
from .errors import RegisterError
from .status import DUE_SOON_DAYS
from .store import Store
from .tables import UNIT_COUNT_COLUMNS, unit_counts
from .update import load_tables, write_outputs

FORMATS = ("table", "csv", "json")
TASK_VIEW = ("task_id", "status", "next_due", "lead_unit", "text", "doc_number")
DOC_VIEW = ("doc_id", "number", "issue_date", "issuer", "subject", "tasks", "open_tasks", "overdue_tasks", "state")
UNIT_HEADERS = {"unit": "Mã / khóa", "unit_name": "Đơn vị", "total": "Tổng", "open_total": "Chưa xong", "overdue": "Quá hạn",
                "due_soon": "Sắp đến hạn", "open": "Còn hạn", "no_deadline": "Không có hạn", "done": "Đã xong"}


def tasks(db: Optional[str], out_dir: str | Path, today: date, unit: Optional[str] = None,
          due_within: Optional[int] = None, statuses: Sequence[str] = (), soon_days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    """Tasks of the register, filtered; withdrawn ones only when asked for by status.

    `unit` matches any assigned unit, ignoring case and tone placement ("phòng gd&đt" finds
    "Phòng GD&ĐT huyện Vũ Quang"); `due_within` N keeps open tasks due by today + N (overdue ones too).
    """
    for value in statuses:
        if value not in STATUSES:
            raise RegisterError("R007", value=value, choices=", ".join(STATUSES))
    frame = load_tables(db, out_dir, today, soon_days).tasks
    if frame.empty:
        return frame
    keep = frame["status"].isin(statuses) if statuses else frame["status"] != "withdrawn"
    if unit:
        wanted = fold(unit)
        keep &= frame.apply(lambda t: any(wanted in fold(u) for u in [*t["unit_list"], t["units"] or ""]), axis=1)
    if due_within is not None:
        limit = today + timedelta(days=due_within)
        keep &= frame.apply(lambda t: t["next_due"] is not None and t["next_due"] <= limit
                            and t["status"] not in ("done", "withdrawn"), axis=1)
    return frame[keep].reset_index(drop=True)


def units(db: Optional[str], out_dir: str | Path, today: date, soon_days: int = DUE_SOON_DAYS) -> pd.DataFrame:
    return unit_counts(load_tables(db, out_dir, today, soon_days))


def docs(db: Optional[str], out_dir: str | Path, today: date) -> pd.DataFrame:
    return load_tables(db, out_dir, today).documents


def mark_done(db: Optional[str], out_dir: str | Path, task_id: str, done_date: date, note: Optional[str],
              undo: bool = False, today: Optional[date] = None) -> str:
    """Record (or, with `undo`, clear) a clerk's "done"; then refresh the outputs in `out_dir`."""
    store = Store.open(db, out_dir, must_exist=True)
    try:
        if undo:
            store.clear_done(task_id)
        else:
            store.set_done(task_id, done_date, note)
        write_outputs(store, out_dir, today or date.today())
    finally:
        store.close()
    if undo:
        return f"{task_id}: no longer marked done"
    return f"{task_id}: done on {done_date.isoformat()}" + (f" ({note})" if note else "")


def render(frame: pd.DataFrame, fmt: str, columns: tuple[Column, ...], view: Sequence[str]) -> str:
    """Rows as a table for people, or CSV / JSON with the English keys of `columns`."""
    if fmt not in FORMATS:
        raise RegisterError("R008", value=fmt, choices=", ".join(FORMATS))
    records = frame.to_dict("records")
    if fmt == "json":
        rows = [{c.key: (r.get(c.key) if c.kind == "list" else plain(r.get(c.key))) for c in columns} for r in records]
        return json.dumps(rows, ensure_ascii=False, indent=1)
    if fmt == "csv":
        buffer = io.StringIO()
        rows = [[csv_safe(r.get(c.key)) for c in columns] for r in records]
        pd.DataFrame(rows, columns=keys(columns), dtype=object).to_csv(buffer, index=False)
        return buffer.getvalue().rstrip("\n")
    headers = {c.key: c.header for c in columns}
    return _table([headers.get(k, k) for k in view], [[_cell(k, r.get(k)) for k in view] for r in records])


def _cell(key: str, value: Any) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    text = str(label(key, plain(value)) if value is not None else "")
    return text if len(text) <= 90 else text[:89] + "…"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    table = Table(show_lines=False, header_style="bold")
    for h in headers:
        table.add_column(h, overflow="fold")
    for row in rows:
        table.add_row(*row)
    buffer = io.StringIO()
    Console(file=buffer, width=160, color_system=None, legacy_windows=False).print(table)
    return buffer.getvalue().rstrip("\n")


def render_tasks(frame: pd.DataFrame, fmt: str) -> str:
    return render(frame, fmt, TASK_COLUMNS, TASK_VIEW)


def render_docs(frame: pd.DataFrame, fmt: str) -> str:
    return render(frame, fmt, DOCUMENT_COLUMNS, DOC_VIEW)


def render_units(frame: pd.DataFrame, fmt: str) -> str:
    columns = tuple(Column(k, UNIT_HEADERS[k], "text" if k == "unit" else "int") for k in UNIT_COUNT_COLUMNS)
    view = [k for k in UNIT_COUNT_COLUMNS if k != "unit"]
    return render(frame, fmt, columns, view)
