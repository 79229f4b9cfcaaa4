"""The register's store: the only module that talks to the database (SQLAlchemy Core, SQLite or PostgreSQL).

A run's writes go in one transaction: `sync()` reads the stored state, asks `sync.plan` what to do,
and applies it, so a crash leaves the register as it was before the run.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator, Optional

import pandas as pd
from sqlalchemy import create_engine, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from ..text import fold
from . import schema
from .errors import RegisterError
from .rows import Incoming, TaskRow
from .sync import Decision, DispatchRec, FileRec, Plan, State, TaskRec, assign_task_ids, plan

DEFAULT_NAME = "register.sqlite"


@dataclass
class RunRecord:
    run_id: int
    counts: dict[str, int]
    warnings: list[str] = field(default_factory=list)


def database_url(db: Optional[str], out_dir: str | Path) -> str:
    """A SQLAlchemy URL from `--db` (a URL, or a path to a SQLite file), default `<out>/register.sqlite`."""
    if db and "://" in db:
        return db
    path = Path(db) if db else Path(out_dir) / DEFAULT_NAME
    return f"sqlite:///{path.resolve()}"


class Store:
    def __init__(self, url: str) -> None:
        self.url = url
        self.shown_url = _shown(url)
        try:
            parsed = make_url(url)
            if parsed.get_backend_name() == "sqlite" and parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(url)
        except (ArgumentError, NoSuchModuleError, ImportError, OSError, ValueError) as e:
            raise RegisterError("R001", url=self.shown_url, detail=_detail(e)) from e

    @classmethod
    def open(cls, db: Optional[str], out_dir: str | Path, must_exist: bool = False) -> "Store":
        url = database_url(db, out_dir)
        parsed = make_url(url)
        if must_exist and parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists():
            raise RegisterError("R004", url=_shown(url))
        store = cls(url)
        store.create()
        return store

    def create(self) -> None:
        with self._begin() as conn:
            schema.metadata.create_all(conn)

    @contextmanager
    def _begin(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as e:
            raise RegisterError("R002", url=self.shown_url, detail=_detail(e)) from e

    def sync(self, items: list[Incoming], seen: set[str], scope: list[str], today: date,
             inputs: list[str], failed: int) -> RunRecord:
        """Record one run: every processed file's rows, removed files, and the run itself."""
        with self._begin() as conn:
            state = self._state(conn)
            work = plan(state, items, seen, scope)
            now = _now()
            run_id = conn.execute(insert(schema.runs).values(
                started_at=now, today=today, inputs=json.dumps(inputs, ensure_ascii=False))).inserted_primary_key[0]
            self._remove(conn, work, run_id)
            for decision in work.decisions:
                self._apply(conn, state, decision, run_id, now)
            counts = _counts(work, len(seen), failed)
            warnings = [d.warning for d in work.decisions if d.warning]
            for d in work.decisions:
                if d.warning:
                    conn.execute(insert(schema.run_warnings).values(run_id=run_id, path=d.item.doc.source, message=d.warning))
            conn.execute(update(schema.runs).where(schema.runs.c.run_id == run_id).values(finished_at=_now(), **counts))
        return RunRecord(run_id=run_id, counts=counts, warnings=warnings)

    def _state(self, conn: Connection) -> State:
        state = State()
        for r in conn.execute(select(schema.files)).mappings():
            state.files[r["path"]] = FileRec(r["path"], r["shown"], r["doc_id"], r["sha256"], r["role"], r["state"])
        for r in conn.execute(select(schema.documents.c.doc_id, schema.documents.c.natural_key,
                                     schema.documents.c.content_key, schema.documents.c.fingerprint,
                                     schema.documents.c.state, schema.documents.c.number)).mappings():
            state.dispatches[r["doc_id"]] = DispatchRec(**r)
        t = schema.tasks.c
        for r in conn.execute(select(t.task_id, t.doc_id, t.seq, t.text, t.state, t.first_run)).mappings():
            task = TaskRec(r["task_id"], r["doc_id"], r["seq"] or "", fold(r["text"] or ""),
                           r["state"], r["first_run"])
            state.tasks.setdefault(r["doc_id"], []).append(task)
        return state

    def _remove(self, conn: Connection, work: Plan, run_id: int) -> None:
        f, d, t = schema.files.c, schema.documents.c, schema.tasks.c
        for path in work.removed:
            conn.execute(update(schema.files).where(f.path == path).values(state="removed", removed_run=run_id))
        for doc_id in work.withdrawn:
            conn.execute(update(schema.documents).where(d.doc_id == doc_id).values(state="withdrawn", withdrawn_run=run_id))
            conn.execute(update(schema.tasks).where(t.doc_id == doc_id, t.state == "active")
                         .values(state="withdrawn", withdrawn_reason="file removed", updated_run=run_id))

    def _apply(self, conn: Connection, state: State, decision: Decision, run_id: int, now: datetime) -> None:
        item, role = decision.item, "duplicate" if decision.kind == "duplicate" else "primary"
        if decision.kind in ("changed", "added", "moved"):
            self._write_dispatch(conn, state, decision, run_id, now)
        if decision.kind == "moved":  # the old files of this dispatch are now its duplicates
            conn.execute(update(schema.files).where(schema.files.c.doc_id == decision.doc_id,
                                                    schema.files.c.path != item.path).values(role="duplicate"))
        known = state.files.get(item.path)
        values = dict(shown=item.doc.source, doc_id=decision.doc_id, sha256=item.doc.sha256, role=role,
                      state="present", last_run=run_id, removed_run=None)
        if known is None:
            conn.execute(insert(schema.files).values(path=item.path, first_run=run_id, **values))
        else:
            conn.execute(update(schema.files).where(schema.files.c.path == item.path).values(**values))

    def _write_dispatch(self, conn: Connection, state: State, decision: Decision, run_id: int, now: datetime) -> None:
        item, doc_id = decision.item, decision.doc_id
        old = state.tasks.get(doc_id, [])
        ids, gone = assign_task_ids(doc_id, old, item.tasks)
        first = {o.task_id: o.first_run for o in old}
        t, o, c, d = schema.tasks.c, schema.obligations.c, schema.citations.c, schema.documents.c
        conn.execute(delete(schema.obligations).where(o.task_id.in_(ids)))
        conn.execute(delete(schema.tasks).where(t.task_id.in_(ids)))
        if gone:
            conn.execute(update(schema.tasks).where(t.task_id.in_(gone), t.state == "active").values(
                state="withdrawn", withdrawn_reason="no longer in the document", updated_run=run_id, updated_at=now))
        conn.execute(delete(schema.citations).where(c.doc_id == doc_id))
        previous = conn.execute(select(d.first_run).where(d.doc_id == doc_id)).scalar()
        conn.execute(delete(schema.documents).where(d.doc_id == doc_id))
        conn.execute(insert(schema.documents).values(**_document_values(item), doc_id=doc_id, state="active",
                                                     first_run=previous or run_id, updated_run=run_id, updated_at=now))
        task_rows = [_task_values(task, task_id, doc_id, first.get(task_id, run_id), run_id, now)
                     for task, task_id in zip(item.tasks, ids)]
        obligation_rows = [dict(task_id=task_id, **asdict(ob)) for task, task_id in zip(item.tasks, ids)
                           for ob in task.obligations]
        citation_rows = [dict(doc_id=doc_id, **asdict(ref)) for ref in item.references]
        for table, rows in ((schema.tasks, task_rows), (schema.obligations, obligation_rows), (schema.citations, citation_rows)):
            if rows:
                conn.execute(insert(table), rows)

    def snapshot(self) -> dict[str, pd.DataFrame]:
        """Every table as a DataFrame of plain Python values (None for missing; columns present even when empty)."""
        out = {}
        with self._begin() as conn:
            for table in schema.metadata.sorted_tables:
                rows = conn.execute(select(table)).mappings().all()
                out[table.name] = pd.DataFrame([dict(r) for r in rows], columns=[col.name for col in table.columns],
                                               dtype=object)
        return out

    def set_done(self, task_id: str, done_date: Optional[date], note: Optional[str]) -> None:
        """Record a clerk's "done" for a task; a later run never touches it."""
        with self._begin() as conn:
            self._require_task(conn, task_id)
            m = schema.manual_status.c
            conn.execute(delete(schema.manual_status).where(m.task_id == task_id))
            conn.execute(insert(schema.manual_status).values(task_id=task_id, status="done", done_date=done_date,
                                                             note=note, set_at=_now()))

    def clear_done(self, task_id: str) -> None:
        with self._begin() as conn:
            self._require_task(conn, task_id)
            conn.execute(delete(schema.manual_status).where(schema.manual_status.c.task_id == task_id))

    def _require_task(self, conn: Connection, task_id: str) -> None:
        if conn.execute(select(schema.tasks.c.task_id).where(schema.tasks.c.task_id == task_id)).first() is None:
            raise RegisterError("R003", task_id=task_id, url=self.shown_url)

    def close(self) -> None:
        self.engine.dispose()


def _document_values(item: Incoming) -> dict:
    values = asdict(item.doc)
    for name in ("addressees", "recipients", "warnings", "body"):
        values[name] = json.dumps(values[name], ensure_ascii=False)
    values["fingerprint"] = item.fingerprint
    return values


def _task_values(task: TaskRow, task_id: str, doc_id: str, first_run: int, run_id: int, now: datetime) -> dict:
    values = asdict(task)
    values.pop("obligations")
    values["milestones"] = json.dumps(task.milestones)
    values["blocks"] = json.dumps(task.blocks)
    return dict(values, task_id=task_id, doc_id=doc_id, state="active", withdrawn_reason=None,
                first_run=first_run, updated_run=run_id, updated_at=now)


def _counts(work: Plan, seen: int, failed: int) -> dict[str, int]:
    kinds = [d.kind for d in work.decisions]
    return dict(files_seen=seen, added=kinds.count("added"), changed=kinds.count("changed") + kinds.count("moved"),
                unchanged=kinds.count("unchanged"), duplicates=kinds.count("duplicate"), removed=len(work.removed),
                withdrawn=len(work.withdrawn), failed=failed)


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None, microsecond=0)


def _shown(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"


def _detail(error: Exception) -> str:
    return (str(getattr(error, "orig", None) or error).splitlines() or [type(error).__name__])[0][:300]
