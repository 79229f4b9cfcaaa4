"""The register's schema versions (Alembic): `upgrade(conn)` brings a database to the newest one.

The store calls it each time it opens a database, inside its write transaction (so two runs opening a
new register at once migrate it once). A register made before migrations existed (tables, no
`alembic_version`) is the first revision and is stamped as such; one written by a newer congvan
(a revision this code does not know) is refused rather than touched.
Add a revision: copy `versions/0002_run_engine.py`, bump the ids, and change `schema.py` to match
(tests/test_migrations.py checks that head and schema.py agree, on SQLite and PostgreSQL).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

FIRST = "0001"
HERE = Path(__file__).resolve().parent
_VERSION_FILE = re.compile(r"^(\d{4})_\w+\.py$")


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
    """The revision stamped in the database (None: none), read without loading Alembic: the store
    asks on every open, and Alembic is needed only when there is something to migrate."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


@lru_cache(maxsize=1)
def head() -> str:
    """The newest revision: revisions are numbered in order and the files carry the number
    (tests/test_migrations.py checks this against Alembic's own view of the scripts)."""
    return max(m.group(1) for f in (HERE / "versions").iterdir() if (m := _VERSION_FILE.match(f.name)))


def _run(conn: Connection, what: str, target: str) -> None:
    from alembic import command

    config = _config()
    config.attributes["connection"] = conn
    getattr(command, what)(config, target)


def _config() -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


@lru_cache(maxsize=1)
def _scripts() -> "ScriptDirectory":
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config())


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(s.revision for s in _scripts().walk_revisions())
