"""The register's store: the only module that talks to the database (SQLAlchemy Core, SQLite or PostgreSQL).

A run's writes go in one transaction: `sync()` reads the stored state, asks `sync.plan` what to do,
and applies it, so a crash leaves the register as it was before the run. A long run (the Dask engine)
writes in batches instead: `start_run`, `add_batch` per batch of files (one transaction each, reading
only the stored rows those files can touch), then `finish_run`, which records the removed files.
Every write transaction first takes the register's write lock (PostgreSQL: a transaction-level
advisory lock; SQLite: BEGIN IMMEDIATE), so two runs writing one register take turns and each plans
against what the other committed. Opening a store migrates its schema to the newest revision.
"""
from __future__ import annotations

import json
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Optional

import pandas as pd
from sqlalchemy import Column, Table, case, create_engine, delete, event, func, insert, select, text, update
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from ..serialize import field_names
from ..text import fold
from . import migrations, schema
from .errors import RegisterError
from .rows import Incoming, TaskRow
from .sync import Decision, DispatchRec, FileRec, Plan, State, TaskIdClaims, TaskRec, assign_task_ids, plan

DEFAULT_NAME = "register.sqlite"
LOCK_KEY = 0x636F6E6776616E  # "congvan": PostgreSQL's advisory lock for the register's writes
SQLITE_WAIT_SECONDS = 300  # how long a SQLite writer waits for another run's transaction
IN_CHUNK = 500  # values per IN (...) list
INSERT_CHUNK = 1000  # rows per INSERT
DISPATCH = [schema.documents.c[n] for n in ("doc_id", "natural_key", "content_key", "fingerprint", "state", "number")]
TASK = [schema.tasks.c[n] for n in ("task_id", "doc_id", "seq", "text", "state", "first_run")]


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
            self.backend = parsed.get_backend_name()
            if self.backend == "sqlite" and parsed.database:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = _engine(url, self.backend)
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
        """Bring the schema to the newest revision (a new database gets every table); refuse a newer one."""
        with self._begin() as conn:
            if migrations.current_revision(conn) == migrations.head():
                return
        try:
            with self._begin(write=True) as conn:
                migrations.upgrade(conn)
        except migrations.NewerSchema as e:
            raise RegisterError("R002", url=self.shown_url, detail=str(e)) from e

    @contextmanager
    def _begin(self, write: bool = False) -> Iterator[Connection]:
        """A transaction; `write` first takes the register's write lock (waiting for another run's commit)."""
        try:
            with self.engine.connect() as conn:
                if write:
                    conn.execution_options(congvan_write=True)
                with conn.begin():
                    if write and self.backend == "postgresql":
                        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
                    yield conn
        except SQLAlchemyError as e:
            raise RegisterError("R002", url=self.shown_url, detail=_detail(e)) from e

    def sync(self, items: list[Incoming], seen: set[str], scope: list[str], today: date,
             inputs: list[str], failed: int, engine: str = "local") -> RunRecord:
        """Record one run in one transaction: every processed file's rows, removed files, and the run itself."""
        with self._begin(write=True) as conn:
            run_id = self._insert_run(conn, today, inputs, engine)
            return self._record(conn, self._state(conn), run_id, items, seen, scope, failed, final=True)

    def start_run(self, today: date, inputs: list[str], engine: str = "local") -> int:
        """A run written in batches: its record first, then `add_batch` per batch, then `finish_run`."""
        with self._begin(write=True) as conn:
            return self._insert_run(conn, today, inputs, engine)

    def add_batch(self, run_id: int, items: list[Incoming], seen: set[str], scope: list[str],
                  failed: int) -> RunRecord:
        """One batch of a run's files, in one transaction; `seen` holds every file of the whole run."""
        with self._begin(write=True) as conn:
            state = self._scoped_state(conn, items)
            return self._record(conn, state, run_id, items, seen, scope, failed, final=False)

    def finish_run(self, run_id: int, seen: set[str], scope: list[str]) -> RunRecord:
        """The end of a batched run: files its inputs cover but did not find are removed; the run's totals."""
        with self._begin(write=True) as conn:
            state = self._state(conn, with_tasks=False)
            return self._record(conn, state, run_id, [], seen, scope, 0, final=True)

    def recorded(self, paths: Iterable[str]) -> dict[str, str]:
        """The sha256 the register holds for each of these files (resolved paths) that is present."""
        f = schema.files.c
        with self._begin() as conn:
            rows = _where_in(conn, [f.path, f.sha256, f.state], f.path, paths)
        return {r["path"]: r["sha256"] for r in rows if r["state"] == "present"}

    def _insert_run(self, conn: Connection, today: date, inputs: list[str], engine: str) -> int:
        values = dict(started_at=_now(), today=today, inputs=json.dumps(inputs, ensure_ascii=False), engine=engine)
        return conn.execute(insert(schema.runs).values(**values)).inserted_primary_key[0]

    def _record(self, conn: Connection, state: State, run_id: int, items: list[Incoming], seen: set[str],
                scope: list[str], failed: int, final: bool) -> RunRecord:
        """Apply the plan for these files; only a run's last write records removed files and ends the run."""
        work = plan(state, items, seen, scope)
        if final:
            self._remove(conn, work, run_id)
        else:
            work = replace(work, removed=[], withdrawn=[])
        now, pending = _now(), defaultdict(list)
        claims = self._claims(conn, state, work.decisions)
        for decision in work.decisions:
            self._apply(conn, state, decision, run_id, now, pending, claims)
        for table, rows in pending.items():  # the new rows of the whole write: one insert per table, not per dispatch
            for start in range(0, len(rows), INSERT_CHUNK):
                conn.execute(insert(table), rows[start:start + INSERT_CHUNK])
        warnings = [d.warning for d in work.decisions if d.warning]
        for d in work.decisions:
            if d.warning:
                conn.execute(insert(schema.run_warnings).values(run_id=run_id, path=d.item.doc.source, message=d.warning))
        counts = self._add_counts(conn, run_id, _counts(work, len(seen), failed), final)
        return RunRecord(run_id=run_id, counts=counts, warnings=warnings)

    def _add_counts(self, conn: Connection, run_id: int, counts: dict[str, int], final: bool) -> dict[str, int]:
        """Add one write's counts to its run's; returns the run's totals so far."""
        r = schema.runs.c
        values: dict = {k: func.coalesce(r[k], 0) + v for k, v in counts.items() if k != "files_seen"}
        values["files_seen"] = counts["files_seen"]
        if final:
            values["finished_at"] = _now()
        conn.execute(update(schema.runs).where(r.run_id == run_id).values(**values))
        return dict(conn.execute(select(*(r[k] for k in counts)).where(r.run_id == run_id)).mappings().one())

    def _state(self, conn: Connection, with_tasks: bool = True) -> State:
        files = conn.execute(select(schema.files)).mappings().all()
        dispatches = conn.execute(select(*DISPATCH)).mappings().all()
        tasks = conn.execute(select(*TASK)).mappings().all() if with_tasks else []
        return _state_of(files, dispatches, tasks)

    def _scoped_state(self, conn: Connection, items: list[Incoming]) -> State:
        """The stored rows a batch of files can touch: their own file rows, the dispatches they may be
        (same id, same issuer-year-number, same text), and those dispatches' files and tasks."""
        f, d = schema.files.c, schema.documents.c
        files = _where_in(conn, list(f), f.path, [i.path for i in items])
        ids = {r["doc_id"] for r in files} | {i.file_doc_id for i in items}
        dispatches = (_where_in(conn, DISPATCH, d.doc_id, ids)
                      + _where_in(conn, DISPATCH, d.natural_key, {i.doc.natural_key for i in items} - {None})
                      + _where_in(conn, DISPATCH, d.content_key, {i.doc.content_key for i in items}))
        doc_ids = {r["doc_id"] for r in dispatches}
        files += _where_in(conn, list(f), f.doc_id, doc_ids)
        return _state_of(files, dispatches, _where_in(conn, TASK, schema.tasks.c.doc_id, doc_ids))

    def _remove(self, conn: Connection, work: Plan, run_id: int) -> None:
        f, d, t = schema.files.c, schema.documents.c, schema.tasks.c
        for path in work.removed:
            conn.execute(update(schema.files).where(f.path == path).values(state="removed", removed_run=run_id))
        for doc_id in work.withdrawn:
            conn.execute(update(schema.documents).where(d.doc_id == doc_id).values(state="withdrawn", withdrawn_run=run_id))
            conn.execute(update(schema.tasks).where(t.doc_id == doc_id, t.state == "active")
                         .values(state="withdrawn", withdrawn_reason="file removed", updated_run=run_id))

    def _apply(self, conn: Connection, state: State, decision: Decision, run_id: int, now: datetime,
               pending: dict[Table, list[dict]], claims: TaskIdClaims) -> None:
        item, role = decision.item, "duplicate" if decision.kind == "duplicate" else "primary"
        if decision.kind in ("changed", "added", "moved"):
            self._write_dispatch(conn, state, decision, run_id, now, pending, claims)
        if decision.kind == "moved":  # the old files of this dispatch are now its duplicates
            conn.execute(update(schema.files).where(schema.files.c.doc_id == decision.doc_id,
                                                    schema.files.c.path != item.path).values(role="duplicate"))
        known = state.files.get(item.path)
        values = dict(shown=item.doc.source, doc_id=decision.doc_id, sha256=item.doc.sha256, role=role,
                      state="present", last_run=run_id, removed_run=None)
        if known is None:
            pending[schema.files].append(dict(path=item.path, first_run=run_id, **values))
        else:
            conn.execute(update(schema.files).where(schema.files.c.path == item.path).values(**values))

    def _write_dispatch(self, conn: Connection, state: State, decision: Decision, run_id: int, now: datetime,
                        pending: dict[Table, list[dict]], claims: TaskIdClaims) -> None:
        """Replace a dispatch's rows (its task ids kept); the new rows go to `pending`."""
        item, doc_id = decision.item, decision.doc_id
        old = state.tasks.get(doc_id, [])
        ids, gone = assign_task_ids(doc_id, old, item.tasks, claims.held(doc_id))
        claims.claim(doc_id, ids)
        first = {o.task_id: o.first_run for o in old}
        fresh = decision.kind == "added" and not claims.stored.intersection(ids)  # nothing stored to replace
        previous = None if fresh else self._clear(conn, doc_id, ids, gone, run_id, now)
        pending[schema.documents].append(dict(_document_values(item), doc_id=doc_id, state="active",
                                              first_run=previous or run_id, updated_run=run_id, updated_at=now))
        pending[schema.tasks] += [_task_values(task, task_id, doc_id, first.get(task_id, run_id), run_id, now)
                                  for task, task_id in zip(item.tasks, ids)]
        pending[schema.obligations] += [dict(_shallow(ob), task_id=task_id) for task, task_id in zip(item.tasks, ids)
                                        for ob in task.obligations]
        pending[schema.citations] += [dict(_shallow(ref), doc_id=doc_id) for ref in item.references]

    def _claims(self, conn: Connection, state: State, decisions: list[Decision]) -> TaskIdClaims:
        """Who holds the task ids the dispatches written now would take (a prefix may clash with another
        dispatch's), looked up in bulk."""
        t = schema.tasks.c
        claims = TaskIdClaims(lambda ids: {r["task_id"]: r["doc_id"]
                                           for r in _where_in(conn, [t.task_id, t.doc_id], t.task_id, ids)})
        wanted: list[str] = []
        for d in decisions:
            if d.kind in ("changed", "added", "moved"):
                old = state.tasks.get(d.doc_id, [])
                own = {o.task_id for o in old}
                wanted += [i for i in assign_task_ids(d.doc_id, old, d.item.tasks)[0] if i not in own]
        claims.prefetch(wanted)
        return claims

    def _clear(self, conn: Connection, doc_id: str, ids: list[str], gone: list[str], run_id: int,
               now: datetime) -> Optional[int]:
        """Remove a dispatch's rows before they are written again; returns the run that first recorded it."""
        t, o, c, d = schema.tasks.c, schema.obligations.c, schema.citations.c, schema.documents.c
        conn.execute(delete(schema.obligations).where(o.task_id.in_(ids)))
        conn.execute(delete(schema.tasks).where(t.task_id.in_(ids)))
        if gone:
            conn.execute(update(schema.tasks).where(t.task_id.in_(gone), t.state == "active").values(
                state="withdrawn", withdrawn_reason="no longer in the document", updated_run=run_id, updated_at=now))
        conn.execute(delete(schema.citations).where(c.doc_id == doc_id))
        previous = conn.execute(select(d.first_run).where(d.doc_id == doc_id)).scalar()
        conn.execute(delete(schema.documents).where(d.doc_id == doc_id))
        return previous

    def snapshot(self) -> dict[str, pd.DataFrame]:
        """Every table as a DataFrame of plain Python values (None for missing; columns present even when empty)."""
        out = {}
        with self._begin() as conn:
            for table in schema.metadata.sorted_tables:
                rows = [tuple(r) for r in conn.execute(select(table))]  # tuples: a third of the memory of dicts
                out[table.name] = pd.DataFrame(rows, columns=[col.name for col in table.columns], dtype=object)
        return out

    def task_count(self) -> int:
        with self._begin() as conn:
            return conn.execute(select(func.count()).select_from(schema.tasks)).scalar() or 0

    def content_stamp(self) -> str:
        """A short key that changes whenever what the exports show could change (rows added, updated,
        withdrawn or removed; a clerk's "done"), read with a few aggregate queries instead of the
        tables themselves. Runs that change nothing leave it as it was."""
        d, t, f, m = schema.documents.c, schema.tasks.c, schema.files.c, schema.manual_status.c
        queries = [
            select(func.count(), func.max(d.updated_run), func.max(d.withdrawn_run),
                   func.sum(case((d.state == "withdrawn", 1), else_=0))),
            select(func.count(), func.max(t.updated_run), func.sum(case((t.state == "withdrawn", 1), else_=0))),
            select(func.count()).select_from(schema.obligations),
            select(func.count()).select_from(schema.citations),
            select(func.count(), func.max(f.first_run), func.max(f.removed_run),
                   func.sum(case((f.state == "removed", 1), else_=0)), func.sum(case((f.role == "duplicate", 1), else_=0))),
            select(func.count(), func.max(m.set_at), func.max(m.done_date)),
        ]
        with self._begin() as conn:
            values = [list(conn.execute(q).one()) for q in queries]
        return json.dumps(values, default=str)

    def set_done(self, task_id: str, done_date: Optional[date], note: Optional[str]) -> None:
        """Record a clerk's "done" for a task; a later run never touches it."""
        with self._begin(write=True) as conn:
            self._require_task(conn, task_id)
            m = schema.manual_status.c
            conn.execute(delete(schema.manual_status).where(m.task_id == task_id))
            conn.execute(insert(schema.manual_status).values(task_id=task_id, status="done", done_date=done_date,
                                                             note=note, set_at=_now()))

    def clear_done(self, task_id: str) -> None:
        with self._begin(write=True) as conn:
            self._require_task(conn, task_id)
            conn.execute(delete(schema.manual_status).where(schema.manual_status.c.task_id == task_id))

    def _require_task(self, conn: Connection, task_id: str) -> None:
        if conn.execute(select(schema.tasks.c.task_id).where(schema.tasks.c.task_id == task_id)).first() is None:
            raise RegisterError("R003", task_id=task_id, url=self.shown_url)

    def close(self) -> None:
        self.engine.dispose()


def _engine(url: str, backend: str) -> Engine:
    if backend != "sqlite":
        return create_engine(url)
    engine = create_engine(url, connect_args={"timeout": SQLITE_WAIT_SECONDS})
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's recipe: we emit BEGIN ourselves (below)


def _sqlite_begin(conn: Connection) -> None:
    """A writer takes SQLite's write lock at BEGIN, before it reads the state it plans from."""
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("congvan_write") else "BEGIN")


def _where_in(conn: Connection, columns: list[Column], column: Column, values: Iterable) -> list:
    values = sorted(values)
    rows: list = []
    for start in range(0, len(values), IN_CHUNK):
        rows += conn.execute(select(*columns).where(column.in_(values[start:start + IN_CHUNK]))).mappings().all()
    return rows


def _state_of(files, dispatches, tasks) -> State:
    state = State()
    for r in files:
        state.files[r["path"]] = FileRec(r["path"], r["shown"], r["doc_id"], r["sha256"], r["role"], r["state"])
    for r in dispatches:
        state.dispatches[r["doc_id"]] = DispatchRec(**r)
    for r in tasks:
        task = TaskRec(r["task_id"], r["doc_id"], r["seq"] or "", fold(r["text"] or ""), r["state"], r["first_run"])
        state.tasks.setdefault(r["doc_id"], []).append(task)
    return state


def _document_values(item: Incoming) -> dict:
    values = _shallow(item.doc)
    for name in ("addressees", "recipients", "warnings", "body"):
        values[name] = json.dumps(values[name], ensure_ascii=False)
    values["fingerprint"] = item.fingerprint
    return values


def _task_values(task: TaskRow, task_id: str, doc_id: str, first_run: int, run_id: int, now: datetime) -> dict:
    values = _shallow(task)
    values.pop("obligations")
    values["milestones"] = json.dumps(task.milestones)
    values["blocks"] = json.dumps(task.blocks)
    return dict(values, task_id=task_id, doc_id=doc_id, state="active", withdrawn_reason=None,
                first_run=first_run, updated_run=run_id, updated_at=now)


def _shallow(row: object) -> dict:
    """A dataclass row as a dict, its lists left as they are (dataclasses.asdict copies them deeply)."""
    return {name: getattr(row, name) for name in field_names(type(row))}


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
