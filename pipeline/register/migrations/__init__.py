"""The register's schema versions (Alembic): `upgrade(conn)` brings a database to the newest one.

The store calls it each time it opens a database, inside its write transaction (so two runs opening a
new register at once migrate it once). A register made before migrations existed (tables, no
`alembic_version`) is the first revision and is stamped as such; one written by a newer congvan
(a revision this code does not know) is refused rather than touched.
Add a revision: copy `versions/0002_run_engine.py`, bump the ids, and change `schema.py` to match
(tests/test_migrations.py checks that head and schema.py agree, on SQLite and PostgreSQL).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

FIRST = "0001"
HERE = Path(__file__).resolve().parent


class NewerSchema(Exception):
    """The database's schema revision is unknown here: written by a newer congvan."""

    def __init__(self, found: str, head: str) -> None:
        self.found, self.head = found, head
        super().__init__(f"its schema revision {found} is newer than this congvan knows (up to {head}): "
                         "upgrade congvan")


def upgrade(conn: Connection, target: str = "head") -> Optional[str]:
    """Migrate the database on `conn` to `target`; returns the revision it had (None: a new database)."""
    scripts = _scripts()
    found = current_revision(conn)
    if found is None and inspect(conn).has_table("runs"):
        found = FIRST  # written before migrations existed: the first schema
        _run(conn, "stamp", FIRST)
    if found is not None and found not in _known():
        raise NewerSchema(found, scripts.get_current_head())
    if found != (scripts.get_current_head() if target == "head" else target):
        _run(conn, "upgrade", target)
    return found


def current_revision(conn: Connection) -> Optional[str]:
    return MigrationContext.configure(conn).get_current_revision()


def head() -> str:
    return _scripts().get_current_head()


def _run(conn: Connection, what: str, target: str) -> None:
    config = _config()
    config.attributes["connection"] = conn
    getattr(command, what)(config, target)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


@lru_cache(maxsize=1)
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(s.revision for s in _scripts().walk_revisions())
