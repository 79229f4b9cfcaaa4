"""The register's documents as the cascade sees them: number, issuer, date, citations and tasks.

Read from the register's store when the run has one (`register.load_tables`: renderings of one
dispatch are already recorded once there, and task ids are the register's), else from the run's
documents.jsonl, where renderings of one dispatch are collapsed by (issuer, year, number).
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Optional

from ..text import fold
from .errors import CascadeError

REGISTER_FILE = "register.sqlite"
DOCUMENTS_FILE = "documents.jsonl"


@dataclass(frozen=True)
class Citation:
    number: str
    date: Optional[str] = None  # ISO
    issuer: Optional[str] = None
    relation: str = "cites"
    type: Optional[str] = None  # "Công văn", "Quyết định", ...


@dataclass(frozen=True)
class DispatchTask:
    task_id: str
    text: str
    deadline: Optional[str] = None  # ISO date
    assignees: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dispatch:
    key: str  # identity: folded issuer | year | number key, else the document's own id
    number: Optional[str] = None
    issuer: Optional[str] = None
    issuer_parent: Optional[str] = None
    issue_date: Optional[str] = None  # "YYYY-MM-DD" or "YYYY-MM"
    doc_type: Optional[str] = None
    subject: Optional[str] = None
    citations: tuple[Citation, ...] = ()
    tasks: tuple[DispatchTask, ...] = ()


def number_key(number: Optional[str]) -> str:
    """A number for comparison: no spaces or slashes, upper case ("4125 /BGDĐT-GDTX" = "4125/bgdđt-gdtx")."""
    return re.sub(r"[\s/]+", "", unicodedata.normalize("NFC", number or "")).upper()


def identity(issuer: Optional[str], issue_date: Optional[str], number: Optional[str]) -> Optional[str]:
    """(issuer, year, number) as one key, or None when one of them is unknown."""
    year = (issue_date or "")[:4]
    if not (issuer and year.isdigit() and number_key(number)):
        return None
    return f"{fold(issuer)}|{year}|{number_key(number)}"


def load(out_dir: str | Path, db: Optional[str] = None) -> list[Dispatch]:
    """The documents of a run's output directory: its register if it has one, else documents.jsonl."""
    out = Path(out_dir)
    if db or (out / REGISTER_FILE).exists():
        from ..register.update import load_tables

        return from_tables(load_tables(db, out, date.today()))
    if (out / DOCUMENTS_FILE).exists():
        return from_records(read_jsonl(out / DOCUMENTS_FILE))
    raise CascadeError("C001", out=out)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError as e:
                raise CascadeError("C005", path=path, line=line_no, detail=e) from e
    return records


def from_records(records: Iterable[dict[str, Any]]) -> list[Dispatch]:
    """documents.jsonl records (see serialize.py), one Dispatch per dispatch: the first rendering wins."""
    seen: dict[str, Dispatch] = {}
    for record in records:
        if record.get("status", "ok") != "ok":
            continue
        key = identity(record.get("issuer"), record.get("issue_date"), record.get("number")) or \
            f"doc:{record.get('doc_id') or record.get('sha256')}"
        if key not in seen:
            seen[key] = _from_record(record, key)
    return list(seen.values())


def _from_record(record: dict[str, Any], key: str) -> Dispatch:
    citations = tuple(Citation(r["number"], r.get("date"), r.get("issuer"), r.get("relation") or "cites", r.get("type"))
                      for r in record.get("references") or [] if r.get("number"))
    tasks = tuple(DispatchTask(str(t["task_id"]), t.get("text") or "", _iso(t.get("deadline")),
                               tuple(a["name"] for a in t.get("assignees") or [] if a.get("name")))
                  for t in record.get("tasks") or [])
    return Dispatch(key=key, number=record.get("number"), issuer=record.get("issuer"),
                    issuer_parent=record.get("issuer_parent"), issue_date=record.get("issue_date"),
                    doc_type=record.get("doc_type"), subject=record.get("subject"),
                    citations=citations, tasks=tasks)


def from_documents(docs: Iterable[Any]) -> list[Dispatch]:
    """Processed `Document`s (pipeline.model), through their documents.jsonl records."""
    from ..serialize import document_record

    return from_records(document_record(doc) for doc in docs)


def from_tables(tables: Any) -> list[Dispatch]:
    """The register's tables (`register.tables.Tables`): active documents, tasks not withdrawn."""
    units: dict[str, list[str]] = {}
    for ob in _records(tables.obligations, "task_id", "unit_name", "unit"):
        units.setdefault(ob["task_id"], []).append(ob.get("unit_name") or ob["unit"])
    tasks: dict[str, list[DispatchTask]] = {}
    rows = _records(tables.tasks, "task_id", "doc_id", "position", "status", "text", "deadline")
    for t in sorted(rows, key=lambda t: (t["doc_id"], t["position"] or 0)):
        if t["status"] != "withdrawn":
            task = DispatchTask(str(t["task_id"]), t["text"] or "", _iso(t["deadline"]), tuple(units.get(t["task_id"], [])))
            tasks.setdefault(t["doc_id"], []).append(task)
    cites: dict[str, list[Citation]] = {}
    for r in _records(tables.references, "doc_id", "number", "date", "issuer", "relation", "type"):
        if _text(r["number"]):
            cites.setdefault(r["doc_id"], []).append(
                Citation(r["number"], _text(r["date"]), _text(r["issuer"]), _text(r["relation"]) or "cites",
                         _text(r["type"])))
    return [Dispatch(key=identity(d["issuer"], d["issue_date"], d["number"]) or f"doc:{d['doc_id']}",
                     number=_text(d["number"]), issuer=_text(d["issuer"]), issuer_parent=_text(d["issuer_parent"]),
                     issue_date=_text(d["issue_date"]), doc_type=_text(d["doc_type"]), subject=_text(d["subject"]),
                     citations=tuple(cites.get(d["doc_id"], [])), tasks=tuple(tasks.get(d["doc_id"], [])))
            for d in _records(tables.documents, "doc_id", "state", "number", "issuer", "issuer_parent", "issue_date",
                              "doc_type", "subject") if d["state"] == "active"]


def _records(frame: Any, *names: str) -> list[dict]:
    """The rows of a table as dicts of the named columns only (boxing every cell of every column
    would cost several times more)."""
    return frame[[n for n in names if n in frame.columns]].to_dict("records")


def _iso(value: Any) -> Optional[str]:
    """An ISO date from a date or a string; anything else (a month alone, NaN) is None."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if not text or len(text) != 10:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _text(value: Any) -> Optional[str]:
    """A string value, or None for None/NaN/empty (pandas gives NaN for missing cells)."""
    return value if isinstance(value, str) and value.strip() else None
