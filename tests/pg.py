"""A throwaway PostgreSQL server for the tests, and the fixture that runs a store test on both backends.

`postgres_server` (session): `initdb` and `pg_ctl` in a temporary directory, a free port, loopback and a
socket in that directory only, trust auth, stopped and deleted at the end. As root (CI, containers) it
runs as the `postgres` system user, since initdb refuses root. PostgreSQL missing is a failure that
names the fix, never a skip: `make setup` installs it (Debian package postgresql).
`postgres_url`: a fresh database on that server per test; `any_database`: a SQLite file, then one of
those. `register_backend`: "sqlite", then "postgresql", where every store the test opens with `db=None`
uses a fresh PostgreSQL database instead.
Import the fixtures into a test module: `from .pg import postgres_server, postgres_url  # noqa: F401`.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine

from pipeline.register import store as store_module

SERVER_USER = "postgres"
MISSING = ("PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin): run `make setup`, "
           "which installs the Debian package postgresql")
SETTINGS = ("-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60")


def server_binaries() -> Path:
    """The newest installed PostgreSQL's bin directory; fails the test run with the fix when there is none."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        pytest.fail(MISSING, pytrace=False)
    return found[-1].parent


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", SERVER_USER, "--", *command] if os.geteuid() == 0 else command


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(_as_server_user(command), capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}): {(done.stderr or done.stdout).strip()[-800:]}", pytrace=False)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """The URL of a running throwaway server's `postgres` database (superuser postgres, no password)."""
    binaries = server_binaries()
    base = Path(tempfile.mkdtemp(prefix="congvan-pg-"))
    data, sockets = base / "data", base / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        for path in (base, sockets):
            shutil.chown(path, SERVER_USER, SERVER_USER)
    _run([str(binaries / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
          "--no-locale", "--no-sync"], "initdb")
    port = _free_port()
    _run([str(binaries / "pg_ctl"), "-D", str(data), "-l", str(base / "server.log"), "-w", "-t", "60",
          "-o", f"-p {port} -k {sockets} {SETTINGS}", "start"], "pg_ctl start")
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_server_user([str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh, empty database on the throwaway server, dropped after the test."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield postgres_server.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def register_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The store test's backend; on "postgresql" a store opened with `db=None` opens a fresh PostgreSQL database."""
    if request.param == "postgresql":
        url = request.getfixturevalue("postgres_url")
        default = store_module.database_url
        monkeypatch.setattr(store_module, "database_url", lambda db, out_dir: url if db is None else default(db, out_dir))
    return request.param


def register_url(out: Path) -> str:
    """The URL of the register a run into `out` writes with `db=None`, on the test's backend."""
    return store_module.database_url(None, out)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty database: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "postgresql":
        return request.getfixturevalue("postgres_url")
    return f"sqlite:///{tmp_path / 'register.sqlite'}"
