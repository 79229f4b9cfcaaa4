"""The register's first schema, as congvan wrote it before migrations existed (frozen: never edit).

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    _runs()
    op.create_table(
        "run_warnings",
        sa.Column("warning_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer, nullable=False),
        sa.Column("path", sa.Text), sa.Column("message", sa.Text, nullable=False))
    op.create_index("ix_run_warnings_run_id", "run_warnings", ["run_id"])
    op.create_table(
        "files",
        sa.Column("path", sa.String(1024), primary_key=True), sa.Column("shown", sa.Text, nullable=False),
        sa.Column("doc_id", sa.String(32), nullable=False), sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("role", sa.String(16), nullable=False), sa.Column("state", sa.String(16), nullable=False),
        sa.Column("first_run", sa.Integer), sa.Column("last_run", sa.Integer), sa.Column("removed_run", sa.Integer))
    op.create_index("ix_files_doc_id", "files", ["doc_id"])
    _documents()
    _tasks()
    _small_tables()


def _runs() -> None:
    counts = [sa.Column(name, sa.Integer) for name in
              ("files_seen", "added", "changed", "unchanged", "duplicates", "removed", "withdrawn", "failed")]
    op.create_table(
        "runs",
        sa.Column("run_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("started_at", sa.DateTime, nullable=False), sa.Column("finished_at", sa.DateTime),
        sa.Column("today", sa.Date), sa.Column("inputs", sa.Text), *counts)


def _documents() -> None:
    texts = [sa.Column(name, sa.Text) for name in
             ("number", "code_number", "code_notation", "doc_type", "issuer", "issuer_parent", "place")]
    more = [sa.Column(name, sa.Text) for name in
            ("subject", "urgency", "addressees", "recipients", "signer_title", "signer_authority", "signer_name",
             "warnings", "body")]
    op.create_table(
        "documents",
        sa.Column("doc_id", sa.String(32), primary_key=True), sa.Column("source", sa.Text),
        sa.Column("sha256", sa.String(64)), sa.Column("format", sa.String(16)), sa.Column("pages", sa.Integer),
        *texts, sa.Column("issue_date", sa.String(10)), *more,
        sa.Column("natural_key", sa.Text), sa.Column("content_key", sa.String(64)),
        sa.Column("fingerprint", sa.String(64)), sa.Column("state", sa.String(16), nullable=False),
        sa.Column("first_run", sa.Integer), sa.Column("updated_run", sa.Integer),
        sa.Column("withdrawn_run", sa.Integer), sa.Column("updated_at", sa.DateTime))
    op.create_index("ix_documents_natural_key", "documents", ["natural_key"])
    op.create_index("ix_documents_content_key", "documents", ["content_key"])


def _tasks() -> None:
    op.create_table(
        "tasks",
        sa.Column("task_id", sa.String(200), primary_key=True), sa.Column("doc_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer), sa.Column("seq", sa.Text), sa.Column("text", sa.Text),
        sa.Column("section", sa.Text), sa.Column("action", sa.Text), sa.Column("deadline", sa.Date),
        sa.Column("deadline_text", sa.Text), sa.Column("deadline_time", sa.String(5)),
        sa.Column("recurrence", sa.String(16)), sa.Column("rrule", sa.Text), sa.Column("milestones", sa.Text),
        sa.Column("blocks", sa.Text), sa.Column("page", sa.Integer), sa.Column("confidence", sa.Float),
        sa.Column("stage_task_id", sa.Text), sa.Column("state", sa.String(16), nullable=False),
        sa.Column("withdrawn_reason", sa.Text), sa.Column("first_run", sa.Integer),
        sa.Column("updated_run", sa.Integer), sa.Column("updated_at", sa.DateTime))
    op.create_index("ix_tasks_doc_id", "tasks", ["doc_id"])


def _small_tables() -> None:
    op.create_table(
        "obligations",
        sa.Column("task_id", sa.String(200), primary_key=True), sa.Column("ordinal", sa.Integer, primary_key=True),
        sa.Column("unit", sa.Text, nullable=False), sa.Column("unit_name", sa.Text), sa.Column("unit_id", sa.Text),
        sa.Column("role", sa.String(32)))
    op.create_table(
        "citations",
        sa.Column("doc_id", sa.String(32), primary_key=True), sa.Column("ordinal", sa.Integer, primary_key=True),
        sa.Column("number", sa.Text), sa.Column("type", sa.Text), sa.Column("date", sa.String(10)),
        sa.Column("issuer", sa.Text), sa.Column("relation", sa.String(32)))
    op.create_table(
        "manual_status",
        sa.Column("task_id", sa.String(200), primary_key=True), sa.Column("status", sa.String(16), nullable=False),
        sa.Column("done_date", sa.Date), sa.Column("note", sa.Text), sa.Column("set_at", sa.DateTime))


def downgrade() -> None:
    for name in ("manual_status", "citations", "obligations", "tasks", "documents", "files", "run_warnings", "runs"):
        op.drop_table(name)
