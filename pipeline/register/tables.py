"""The register's tables (pandas), built from the store's snapshot for one reference date.

Documents, tasks, obligations (one row per unit and task) and cited documents, with each task's
status and next due date worked out for `today`. Columns follow `columns.py`; a few extra columns
(`unit_list`, `blocks`, `body`, `position`) serve the report and are never exported as such.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

import pandas as pd

from . import status as st
from .columns import CLOSED_STATUSES, DOCUMENT_COLUMNS, OBLIGATION_COLUMNS, REFERENCE_COLUMNS, TASK_COLUMNS, keys
from ..text import fold
from .rows import parse_date

LEAD_ROLE = "chủ trì"


@dataclass
class Tables:
    today: date
    soon_days: int
    documents: pd.DataFrame
    tasks: pd.DataFrame
    obligations: pd.DataFrame
    references: pd.DataFrame
    last_run: Optional[dict[str, Any]] = None
    # What exports derive from the whole register and share (the cascade: the workbook's sheet and
    # the report's section), computed once for these tables by whichever export comes first.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


def build(snapshot: dict[str, pd.DataFrame], today: date, soon_days: int = st.DUE_SOON_DAYS) -> Tables:
    docs = _documents_base(snapshot)
    obligations = canonical_units(snapshot["obligations"].sort_values(["task_id", "ordinal"]))
    tasks = _tasks(snapshot, docs, obligations, today, soon_days)
    return Tables(today=today, soon_days=soon_days, documents=_documents(docs, tasks, snapshot["files"]),
                  tasks=tasks, obligations=_obligations(obligations, tasks),
                  references=_references(snapshot["citations"], docs), last_run=_last_run(snapshot["runs"]))


def canonical_units(obligations: pd.DataFrame) -> pd.DataFrame:
    """One key per unit: its gazetteer id, also for the same name written elsewhere without one;
    else its name, with case and tone-placement variants ("BỘ Tài chính", "Bộ Tài chính") as one."""
    frame = obligations.copy()
    if frame.empty:
        return frame
    folded = _folded(frame["unit_name"].fillna(frame["unit"]))
    with_id = frame["unit_id"].notna()
    known = dict(zip(folded[with_id], frame.loc[with_id, "unit_id"]))
    frame.loc[~with_id, "unit"] = [known.get(k, u) for k, u in zip(folded[~with_id], frame.loc[~with_id, "unit"])]
    key = frame["unit"].where(frame["unit"].isin(known.values()), _folded(frame["unit"]))
    frame["unit"] = key.map(_modes(key, frame["unit"]))
    return frame


def _folded(names: pd.Series) -> pd.Series:
    """`names.map(fold)`, folding each distinct name once (a register repeats its units thousands of times)."""
    return names.map({name: fold(name) for name in names.unique()})


def _modes(keys: pd.Series, values: pd.Series) -> pd.Series:
    """Per key, its most frequent non-null value, the smallest of equally frequent ones (what
    `groupby(keys).agg(lambda s: s.mode().min())` gives, without a Python call per group)."""
    pairs = pd.DataFrame({"key": keys.to_numpy(), "value": values.to_numpy()}).dropna()
    counted = pairs.value_counts(sort=False).reset_index(name="n")
    ranked = counted.sort_values(["key", "n", "value"], ascending=[True, False, True], kind="stable")
    return ranked.drop_duplicates("key").set_index("key")["value"]


def _documents_base(snapshot: dict[str, pd.DataFrame]) -> pd.DataFrame:
    docs = snapshot["documents"].copy()
    for name in ("addressees", "recipients", "warnings", "body"):
        docs[name] = docs[name].map(_json_list)
    return docs.set_index("doc_id", drop=False)


def _tasks(snapshot: dict[str, pd.DataFrame], docs: pd.DataFrame, obligations: pd.DataFrame,
           today: date, soon_days: int) -> pd.DataFrame:
    manual = {m["task_id"]: m for m in snapshot["manual_status"].to_dict("records")}
    units: dict[str, list[dict]] = {}
    for ob in obligations.to_dict("records"):
        units.setdefault(ob["task_id"], []).append(ob)
    by_id = {d["doc_id"]: d for d in docs.to_dict("records")}
    rows = [_task(r, by_id.get(r["doc_id"], {}), units.get(r["task_id"], []), manual.get(r["task_id"]), today,
                  soon_days) for r in snapshot["tasks"].to_dict("records")]
    frame = pd.DataFrame(rows, columns=keys(TASK_COLUMNS) + ["unit_list", "blocks", "position", "issue_sort"], dtype=object)
    if frame.empty:
        return frame
    frame["_due"] = frame["next_due"].map(lambda d: d or date.max)
    frame = frame.sort_values(["_due", "issue_sort", "doc_id", "position"], kind="stable").drop(columns="_due")
    return frame.reset_index(drop=True)


def _task(r: dict, doc: dict, units: list[dict], done: Optional[dict], today: date, soon_days: int) -> dict:
    deadline = _date(r["deadline"])
    milestones = [m for m in (parse_date(x) for x in _json_list(r["milestones"])) if m]
    rule = st.rrule_for(r["rrule"], r["recurrence"], deadline)
    due = st.next_due(deadline, rule, milestones, today)
    status = st.task_status(due, today, done=done is not None, withdrawn=r["state"] == "withdrawn", soon_days=soon_days)
    return {
        "task_id": r["task_id"], "status": status, "lead_unit": _lead(units),
        "units": "; ".join(f"{u['unit_name'] or u['unit']} ({u['role']})" for u in units),
        "text": r["text"], "next_due": due, "days_left": st.days_left(due, today) if status not in CLOSED_STATUSES else None,
        "deadline": deadline, "deadline_time": r["deadline_time"], "deadline_text": r["deadline_text"],
        "recurrence": r["recurrence"], "rrule": rule, "milestones": [m.isoformat() for m in milestones],
        "done_date": _date(done["done_date"]) if done is not None else None,
        "done_note": done["note"] if done is not None else None,
        "doc_id": r["doc_id"], "doc_number": doc.get("number"), "doc_type": doc.get("doc_type"),
        "issuer": doc.get("issuer"), "issue_date": doc.get("issue_date"), "doc_subject": doc.get("subject"),
        "seq": r["seq"], "section": r["section"], "action": r["action"], "page": _int(r["page"]),
        "confidence": r["confidence"], "source": doc.get("source"),
        "unit_list": [u["unit"] for u in units], "blocks": _json_list(r["blocks"]), "position": _int(r["position"]),
        "issue_sort": doc.get("issue_date") or "",
    }


def _lead(units: list[dict]) -> Optional[str]:
    lead = next((u for u in units if u["role"] == LEAD_ROLE), units[0] if units else None)
    return (lead["unit_name"] or lead["unit"]) if lead else None


def _obligations(obligations: pd.DataFrame, tasks: pd.DataFrame) -> pd.DataFrame:
    columns = keys(OBLIGATION_COLUMNS)
    if obligations.empty or tasks.empty:
        return pd.DataFrame(columns=columns)
    merged = obligations[["task_id", "unit", "unit_name", "unit_id", "role"]].merge(
        tasks.drop(columns=["unit_list"]), on="task_id", how="inner")
    names = _modes(merged["unit"], merged["unit_name"]).to_dict()
    merged["unit_name"] = [names.get(u) or u for u in merged["unit"]]
    merged["_due"] = merged["next_due"].map(lambda d: d or date.max)
    merged = merged.sort_values(["unit", "_due", "task_id"], kind="stable")
    return merged[columns].reset_index(drop=True)


def _documents(docs: pd.DataFrame, tasks: pd.DataFrame, files: pd.DataFrame) -> pd.DataFrame:
    docs = docs.reset_index(drop=True)
    status = tasks["status"] if not tasks.empty else pd.Series(dtype=object)
    flags = pd.DataFrame({"doc_id": tasks["doc_id"] if not tasks.empty else pd.Series(dtype=object),
                          "tasks": status != "withdrawn", "open_tasks": ~status.isin(CLOSED_STATUSES),
                          "overdue_tasks": status == "overdue"})
    counts = flags.groupby("doc_id").sum()
    for name in ("tasks", "open_tasks", "overdue_tasks"):
        docs[name] = docs["doc_id"].map(counts[name]).fillna(0).astype(int)
    dupes = files[(files["role"] == "duplicate") & (files["state"] == "present")].groupby("doc_id")["shown"].agg(sorted)
    docs["duplicates"] = docs["doc_id"].map(lambda d: list(dupes.get(d, [])))
    docs["pages"] = docs["pages"].map(_int)
    docs = docs.sort_values(["issue_date", "doc_id"], na_position="last", kind="stable")
    return docs[keys(DOCUMENT_COLUMNS) + ["body"]].reset_index(drop=True)


def _references(citations: pd.DataFrame, docs: pd.DataFrame) -> pd.DataFrame:
    refs = citations.sort_values(["doc_id", "ordinal"]).copy()
    refs["doc_number"] = refs["doc_id"].map(docs["number"]) if not refs.empty else None
    return refs.reindex(columns=keys(REFERENCE_COLUMNS)).reset_index(drop=True)


def _last_run(runs: pd.DataFrame) -> Optional[dict[str, Any]]:
    if runs.empty:
        return None
    return runs.sort_values("run_id").iloc[-1].to_dict()


def _json_list(value: Any) -> list:
    if isinstance(value, list):
        return value
    if not isinstance(value, str) or not value:
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def _date(value: Any) -> Optional[date]:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if isinstance(value, date):
        return value
    return parse_date(str(value))


def _int(value: Any) -> Optional[int]:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    return int(value)


UNIT_COUNT_COLUMNS = ["unit", "unit_name", "total", "open_total", "overdue", "due_soon", "open", "no_deadline", "done"]


def unit_counts(tables: Tables) -> pd.DataFrame:
    """Per unit: its tasks (withdrawn left out), those still open, and each status."""
    obligations = tables.obligations[tables.obligations["status"] != "withdrawn"] if not tables.obligations.empty \
        else tables.obligations
    # Each unit's tasks once, counted by status, without a DataFrame per unit.
    per_task = obligations.drop_duplicates(["unit", "task_id"])
    counts: dict[Any, dict[str, int]] = {}
    for (unit, status), n in per_task.groupby(["unit", "status"], sort=False).size().items():
        counts.setdefault(unit, {})[status] = n
    rows = []
    for unit, name in obligations.drop_duplicates("unit")[["unit", "unit_name"]].itertuples(index=False):
        if pd.isna(unit):
            continue  # as groupby leaves it out
        by_status = counts.get(unit, {})
        row = {"unit": unit, "unit_name": name, "total": int(sum(by_status.values())),
               "open_total": int(sum(by_status.get(s, 0) for s in ("overdue", "due_soon", "open", "no_deadline")))}
        row.update({s: int(by_status.get(s, 0)) for s in ("overdue", "due_soon", "open", "no_deadline", "done")})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=UNIT_COUNT_COLUMNS)
    return frame.sort_values("unit_name", key=lambda s: s.map(fold), kind="stable").reset_index(drop=True)
