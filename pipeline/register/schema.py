"""The register's tables (SQLAlchemy Core metadata): definitions only; `store.py` does all the talking.

Dates are DATE columns where the value is a full date; an issue date may be a month alone
("2021-10"), so it stays text. Lists (addressees, milestones, block ids) are JSON text, which every
database reads the same way. The schema is versioned: a change here goes with a new revision in
`migrations/versions/` (tests/test_migrations.py checks that they agree).
"""
from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Float, Integer, MetaData, String, Table, Text

metadata = MetaData()

runs = Table(
    "runs", metadata,
    Column("run_id", Integer, primary_key=True, autoincrement=True),
    Column("started_at", DateTime, nullable=False),
    Column("finished_at", DateTime),
    Column("today", Date),
    Column("inputs", Text),  # JSON list
    Column("files_seen", Integer, default=0),
    Column("added", Integer, default=0),
    Column("changed", Integer, default=0),
    Column("unchanged", Integer, default=0),
    Column("duplicates", Integer, default=0),
    Column("removed", Integer, default=0),
    Column("withdrawn", Integer, default=0),
    Column("failed", Integer, default=0),
    Column("engine", String(200)),  # "local", or "dask <scheduler address>" (revision 0002)
)

run_warnings = Table(
    "run_warnings", metadata,
    Column("warning_id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", Integer, index=True, nullable=False),
    Column("path", Text),
    Column("message", Text, nullable=False),
)

files = Table(
    "files", metadata,
    Column("path", String(1024), primary_key=True),  # resolved absolute path
    Column("shown", Text, nullable=False),  # as the user gave it
    Column("doc_id", String(32), index=True, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("role", String(16), nullable=False),  # primary | duplicate
    Column("state", String(16), nullable=False),  # present | removed
    Column("first_run", Integer),
    Column("last_run", Integer),
    Column("removed_run", Integer),
)

documents = Table(
    "documents", metadata,
    Column("doc_id", String(32), primary_key=True),
    Column("source", Text), Column("sha256", String(64)), Column("format", String(16)),
    Column("pages", Integer),
    Column("number", Text), Column("code_number", Text), Column("code_notation", Text),
    Column("doc_type", Text), Column("issuer", Text), Column("issuer_parent", Text), Column("place", Text),
    Column("issue_date", String(10)), Column("subject", Text), Column("urgency", Text),
    Column("addressees", Text), Column("recipients", Text),  # JSON lists
    Column("signer_title", Text), Column("signer_authority", Text), Column("signer_name", Text),
    Column("warnings", Text), Column("body", Text),  # JSON lists
    Column("natural_key", Text, index=True), Column("content_key", String(64), index=True),
    Column("fingerprint", String(64)),
    Column("state", String(16), nullable=False),  # active | withdrawn
    Column("first_run", Integer), Column("updated_run", Integer), Column("withdrawn_run", Integer),
    Column("updated_at", DateTime),
)

tasks = Table(
    "tasks", metadata,
    Column("task_id", String(200), primary_key=True),
    Column("doc_id", String(32), index=True, nullable=False),
    Column("position", Integer),
    Column("seq", Text), Column("text", Text), Column("section", Text), Column("action", Text),
    Column("deadline", Date), Column("deadline_text", Text), Column("deadline_time", String(5)),
    Column("recurrence", String(16)), Column("rrule", Text),
    Column("milestones", Text), Column("blocks", Text),  # JSON lists
    Column("page", Integer), Column("confidence", Float), Column("stage_task_id", Text),
    Column("state", String(16), nullable=False),  # active | withdrawn
    Column("withdrawn_reason", Text),
    Column("first_run", Integer), Column("updated_run", Integer), Column("updated_at", DateTime),
)

obligations = Table(
    "obligations", metadata,
    Column("task_id", String(200), primary_key=True),
    Column("ordinal", Integer, primary_key=True),
    Column("unit", Text, nullable=False), Column("unit_name", Text), Column("unit_id", Text),
    Column("role", String(32)),
)

citations = Table(
    "citations", metadata,
    Column("doc_id", String(32), primary_key=True),
    Column("ordinal", Integer, primary_key=True),
    Column("number", Text), Column("type", Text), Column("date", String(10)), Column("issuer", Text),
    Column("relation", String(32)),
)

# A clerk's word: never written by a run, so it survives every rerun.
manual_status = Table(
    "manual_status", metadata,
    Column("task_id", String(200), primary_key=True),
    Column("status", String(16), nullable=False),  # done
    Column("done_date", Date),
    Column("note", Text),
    Column("set_at", DateTime),
)
