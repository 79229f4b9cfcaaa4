"""The register's schema versions, on SQLite and PostgreSQL: the newest revision is schema.py; a register of
the first schema (with or without Alembic's stamp) is migrated keeping every row and every clerk's "done";
a register written by a newer congvan is refused and left as it was."""
from __future__ import annotations

from datetime import date

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, Table, create_engine, select, text

from pipeline.errors import PipelineError
from pipeline.register import migrations, query, schema
from pipeline.register.store import Store

from . import test_register_fixtures as F
from .pg import any_database, postgres_server, postgres_url  # noqa: F401 (fixtures)

NOTE = "Đã gửi báo cáo số 12/BC"


def test_the_newest_revision_is_the_schema_in_schema_py(any_database):
    Store.open(any_database, "unused").close()
    engine = create_engine(any_database)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
        assert migrations.current_revision(conn) == migrations.head() == "0002"
        assert MigrationContext.configure(conn).get_current_revision() == "0002"  # Alembic reads it the same
    engine.dispose()


def test_head_from_the_file_names_is_alembics_head():
    assert migrations.head() == migrations._scripts().get_current_head()


def _register_written_by_the_first_schema(tmp_path, monkeypatch, url: str, stamped: bool) -> tuple[dict, str]:
    """Rows of a real register (the samples, one task marked done), copied into `url` created at revision 0001."""
    source = tmp_path / "source"
    F.run_samples(monkeypatch, [F.write_samples(tmp_path / "in")], source)
    task_id = query.tasks(None, source, F.TODAY, statuses=["overdue"])["task_id"].iloc[0]
    query.mark_done(None, source, task_id, date(2024, 11, 18), NOTE, today=F.TODAY)
    store = Store.open(None, source)
    snapshot = store.snapshot()
    store.close()
    engine = create_engine(url)
    with engine.begin() as conn:
        migrations.upgrade(conn, "0001")
        for name, frame in snapshot.items():
            table = Table(name, MetaData(), autoload_with=conn)  # the first schema's columns only
            rows = [{c: r[c] for c in table.columns.keys()} for r in frame.to_dict("records")]
            if rows:
                conn.execute(table.insert(), rows)
        if conn.dialect.name == "postgresql":  # rows copied with their ids: move the id sequences past them
            for name, key in (("runs", "run_id"), ("run_warnings", "warning_id")):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', '{key}'), "
                                  f"(SELECT coalesce(max({key}), 0) + 1 FROM {name}), false)"))
        if not stamped:  # a register made before congvan had migrations
            conn.execute(text("DROP TABLE alembic_version"))
    engine.dispose()
    return snapshot, task_id


def _rows(url: str) -> dict[str, set[tuple]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = {name: {tuple(r) for r in conn.execute(select(*(c for c in table.columns if c.name != "engine")))}
                 for name, table in schema.metadata.tables.items()}
    engine.dispose()
    return found


@pytest.mark.parametrize("stamped", [True, False], ids=["alembic-0001", "before-migrations"])
def test_a_register_of_the_first_schema_keeps_every_row_and_done(any_database, tmp_path, monkeypatch, stamped):
    snapshot, task_id = _register_written_by_the_first_schema(tmp_path, monkeypatch, any_database, stamped)
    before = {name: {tuple(r[c] for c in frame.columns if c != "engine") for r in frame.to_dict("records")}
              for name, frame in snapshot.items()}
    assert len(before["tasks"]) == F.TASK_COUNT and len(before["manual_status"]) == 1

    Store.open(any_database, "unused").close()  # opening the store migrates it

    assert _rows(any_database) == before
    engine = create_engine(any_database)
    with engine.connect() as conn:
        assert migrations.current_revision(conn) == migrations.head()
        assert conn.execute(text("SELECT DISTINCT engine FROM runs")).all() == [(None,)]
    engine.dispose()
    out = tmp_path / "after"
    summary = F.run_samples(monkeypatch, [tmp_path / "in"], out, db=any_database)  # and it takes new runs
    assert summary.register.counts["unchanged"] == 3 and summary.register.counts["added"] == 0
    done = query.tasks(any_database, out, F.TODAY, statuses=["done"])
    assert list(done["task_id"]) == [task_id]
    assert done["done_date"].iloc[0] == date(2024, 11, 18) and done["done_note"].iloc[0] == NOTE


def test_a_register_from_a_newer_congvan_is_refused_and_left_as_it_was(any_database):
    Store.open(any_database, "unused").close()
    engine = create_engine(any_database)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
        conn.execute(text("INSERT INTO manual_status (task_id, status) VALUES ('x-1', 'done')"))
    with pytest.raises(PipelineError) as caught:
        Store.open(any_database, "unused")
    shown = Store(any_database).shown_url
    assert str(caught.value) == (f"the register database {shown} failed: its schema revision 0099 is newer than "
                                 "this congvan knows (up to 0002): upgrade congvan")
    with engine.connect() as conn:
        assert migrations.current_revision(conn) == "0099"
        assert conn.execute(text("SELECT task_id FROM manual_status")).all() == [("x-1",)]
    engine.dispose()
