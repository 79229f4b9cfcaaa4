"""Every table export from one list of fields per table (columns.py): CSV, Parquet, XLSX, import/.

- `tasks.csv`, `obligations.csv`, `documents.csv`, `references.csv`: UTF-8 with BOM (Excel shows the
  diacritics), English column keys, formula-like text neutralized;
- the same tables as Parquet (typed: dates are dates, lists are lists);
- `register.xlsx` (xlsx.py);
- `import/documents.csv` and `import/documents.json`: the documents in the metadata layout of
  Decree 30/2020 Appendix VI, for loading into an e-office system.
Each file is written atomically.
"""
from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import pandas as pd
import pyarrow as pa

from .. import atomic
from .cells import FORMULA_STARTS, csv_safe, plain
from .columns import DOCUMENT_COLUMNS, IMPORT_COLUMNS, OBLIGATION_COLUMNS, REFERENCE_COLUMNS, TASK_COLUMNS, Column, keys
from .tables import Tables
from .xlsx import write_workbook

TABLES = {
    "tasks": TASK_COLUMNS,
    "obligations": OBLIGATION_COLUMNS,
    "documents": DOCUMENT_COLUMNS,
    "references": REFERENCE_COLUMNS,
}


ALL_FORMATS = ("csv", "parquet", "xlsx", "import", "report", "calendar")


def export_all(tables: Tables, out_dir: str | Path, formats: Iterable[str] = ALL_FORMATS) -> list[Path]:
    """Write the table exports named in `formats` into `out_dir`; returns the files written."""
    out, formats = Path(out_dir), set(formats)
    written = []
    for name, columns in TABLES.items():
        frame = getattr(tables, name)
        if "csv" in formats:
            written.append(write_csv(out / f"{name}.csv", frame, columns))
        if "parquet" in formats:
            written.append(write_parquet(out / f"{name}.parquet", frame, columns))
    if "xlsx" in formats:
        write_workbook(out / "register.xlsx", tables)
        written.append(out / "register.xlsx")
    if "import" in formats:
        written += _write_import(tables, out)
    return written


def _write_import(tables: Tables, out: Path) -> list[Path]:
    """The documents in Decree 30/2020 Appendix VI's metadata layout, as CSV and JSON."""
    written = []
    imports = import_records(tables)
    written.append(write_csv(out / "import" / "documents.csv", pd.DataFrame(imports), IMPORT_COLUMNS))
    atomic.write_text(out / "import" / "documents.json", json.dumps(imports, ensure_ascii=False, indent=1) + "\n")
    written.append(out / "import" / "documents.json")
    return written


def write_csv(path: Path, frame: pd.DataFrame, columns: tuple[Column, ...]) -> Path:
    # Column by column: one list per column, no dict per row (a register holds tens of thousands of rows).
    data = {c.key: _csv_column(_values(frame, c.key), c.kind) for c in columns}
    with atomic.atomic_open(path, "w", encoding="utf-8-sig", newline="") as handle:
        pd.DataFrame(data, columns=keys(columns), dtype=object).to_csv(handle, index=False, lineterminator="\r\n")
    return path


def _csv_column(values: list[Any], kind: str) -> list[Any]:
    if kind in ("int", "float"):
        return [csv_safe(_typed(v, kind)) for v in values]
    # Text, most cells, taken as it is (csv_safe's answer for text, without its general path).
    return [("'" + v if v.startswith(FORMULA_STARTS) else v) if type(v) is str else csv_safe(_typed(v, kind))
            for v in values]


def write_parquet(path: Path, frame: pd.DataFrame, columns: tuple[Column, ...]) -> Path:
    data = {}
    for c in columns:
        values = _values(frame, c.key)
        if c.kind == "int":
            data[c.key] = pd.array([_typed(v, "int") for v in values], dtype="Int64")
        elif c.kind == "float":
            data[c.key] = pd.array([_typed(v, "float") for v in values], dtype="Float64")
        elif c.kind == "list":
            data[c.key] = [list(v) if isinstance(v, (list, tuple)) else [] for v in values]
        elif c.kind == "date":
            data[c.key] = pd.Series([v if isinstance(v, date) else None for v in values], dtype=object)
        else:
            data[c.key] = pd.array([plain(v) for v in values], dtype="string")
    buffer = io.BytesIO()
    pd.DataFrame(data).to_parquet(buffer, index=False)
    del data
    atomic.write_bytes(path, buffer.getbuffer())
    pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed memory unless told
    return path


def _values(frame: pd.DataFrame, key: str) -> list[Any]:
    """A column's values as a list (None for each row when the table lacks the column)."""
    return frame[key].tolist() if key in frame else [None] * len(frame)


def _typed(value: Any, kind: str) -> Any:
    value = plain(value) if kind != "list" else value
    if value is None:
        return None
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return plain(value)


def import_records(tables: Tables) -> list[dict[str, Any]]:
    """Active documents as Appendix VI records (dates ISO, ToPlaces a list)."""
    tasks = tables.tasks[tables.tasks["status"] != "withdrawn"] if not tables.tasks.empty else tables.tasks
    due = tasks.dropna(subset=["deadline"]).groupby("doc_id")["deadline"].min() if not tasks.empty else {}
    records = []
    for doc in tables.documents.to_dict("records"):
        if doc["state"] != "active":
            continue
        first_due = due.get(doc["doc_id"]) if len(due) else None
        records.append({
            "Identifier": doc["doc_id"], "OrganName": doc["issuer"], "OrganInCharge": doc["issuer_parent"],
            "CodeNumber": doc["code_number"], "CodeNotation": doc["code_notation"], "Place": doc["place"],
            "IssuedDate": doc["issue_date"], "TypeName": doc["doc_type"], "Subject": doc["subject"],
            "Language": "vi", "PageAmount": doc["pages"], "SignerPosition": doc["signer_title"],
            "SignerCompetence": doc["signer_authority"], "SignerFullName": doc["signer_name"],
            "ToPlaces": list(doc["recipients"] or []), "Priority": doc["urgency"],
            "DueDate": first_due.isoformat() if first_due else None, "TaskCount": doc["tasks"],
            "FileName": doc["source"],
        })
    return [{k: plain(v) if not isinstance(v, list) else v for k, v in r.items()} for r in records]
