"""The register on a real PostgreSQL (and SQLite): two runs writing it at once lose and duplicate nothing;
errors are one clean line without the password; a Dask run into PostgreSQL gives the local run's ids."""
from __future__ import annotations

import hashlib
import multiprocessing
import socket
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pipeline.cli import main
from pipeline.register.rows import (DocRow, Incoming, ObligationRow, TaskRow, content_key, fingerprint,
                                    natural_key)
from pipeline.register.store import Store

from .pg import any_database, postgres_server, postgres_url  # noqa: F401 (fixtures)
from .test_ops_support import make_dispatches, query

ISSUER = "UBND huyện Vũ Quang"


def _item(path: Path) -> Incoming:
    """A processed dispatch for the store, made up from a file: its number is the file's."""
    body = [path.read_text(encoding="utf-8")]
    number = path.stem.split("-")[-1]
    sha = hashlib.sha256(body[0].encode("utf-8")).hexdigest()
    doc = DocRow(source=str(path), sha256=sha, format="txt", number=f"{number}/UBND-VP", code_number=number,
                 code_notation="UBND-VP", issuer=ISSUER, issue_date="2024-10-01", body=body,
                 natural_key=natural_key(ISSUER, "2024-10-01", number, "UBND-VP"), content_key=content_key(body))
    tasks = [TaskRow(seq=str(i), text=f"{verb} số {number}", position=i - 1, obligations=[
        ObligationRow("Phòng GD&ĐT", "Phòng GD&ĐT", None, "chủ trì", 0)]) for i, verb in ((1, "Báo cáo"), (2, "Rà soát"))]
    return Incoming(path=str(path.resolve()), file_doc_id=sha[:16], doc=doc, tasks=tasks, references=[],
                    fingerprint=fingerprint(doc, tasks, []))


def _writer(url: str, paths: list[str], mode: str, barrier) -> None:
    """One office's run, in its own process: the files in batches of three, as the Dask driver or nightly writes."""
    store = Store.open(url, "unused")
    items = [_item(Path(p)) for p in paths]
    seen = {i.path for i in items}
    barrier.wait(timeout=120)
    if mode == "batches":  # one run, one transaction per batch
        run_id = store.start_run(date(2024, 11, 20), paths, "test")
        for start in range(0, len(items), 3):
            store.add_batch(run_id, items[start:start + 3], seen, [], 0)
        store.finish_run(run_id, seen, [])
    else:  # a run per batch (the nightly run's commits)
        for start in range(0, len(items), 3):
            batch = items[start:start + 3]
            store.sync(batch, {i.path for i in batch}, [], date(2024, 11, 20), paths, 0)
    store.close()


def _count(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    with engine.connect() as conn:
        found = [tuple(r) for r in conn.execute(text(sql))]
    engine.dispose()
    return found


def test_two_runs_writing_one_register_at_once_lose_and_duplicate_nothing(any_database, tmp_path):
    files = [str(p) for p in make_dispatches(tmp_path / "in", 45)]
    copies = []
    for i in range(5):  # the same dispatch under another name, in the other office's folder
        copy = tmp_path / "other" / f"ban-sao-{i}.txt"
        copy.parent.mkdir(exist_ok=True)
        copy.write_bytes(Path(files[i]).read_bytes())
        copies.append(str(copy))
    Store.open(any_database, "unused").close()
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(2)
    # Lined up so that both offices write the same files, and the same dispatches, at the same moments.
    other = copies + files[30:40] + files[15:30] + files[40:]
    offices = [spawn.Process(target=_writer, args=(any_database, files[:30], "batches", barrier)),
               spawn.Process(target=_writer, args=(any_database, other, "runs", barrier))]
    for office in offices:
        office.start()
    for office in offices:
        office.join(timeout=300)
    assert [office.exitcode for office in offices] == [0, 0]

    assert _count(any_database, "SELECT count(*), count(DISTINCT path) FROM files") == [(50, 50)]
    assert _count(any_database, "SELECT count(*), count(DISTINCT natural_key), count(DISTINCT content_key) "
                                "FROM documents") == [(45, 45, 45)]
    assert _count(any_database, "SELECT role, count(*) FROM files GROUP BY role ORDER BY role") == \
        [("duplicate", 5), ("primary", 45)]
    assert _count(any_database, "SELECT count(*), count(DISTINCT task_id) FROM tasks") == [(90, 90)]
    assert _count(any_database, "SELECT count(*) FROM obligations") == [(90,)]
    totals = _count(any_database, "SELECT sum(added), sum(unchanged), sum(duplicates), sum(changed), "
                                  "count(*) - count(finished_at) FROM runs")
    assert totals == [(45, 15, 5, 0, 0)]  # the 15 files both offices hold: written once, then unchanged


def test_done_on_an_unknown_task_names_the_postgresql_register_without_its_password(postgres_url, tmp_path, capsys):
    url = postgres_url.replace("postgres@", "postgres:secret@")  # trust auth: the password is not checked
    Store.open(url, "unused").close()
    with pytest.raises(SystemExit) as ended:
        main(["done", "nope-1", "--db", url, "--out", str(tmp_path)])
    shown = postgres_url.replace("postgres@", "postgres:***@")
    assert ended.value.code == 2 and capsys.readouterr().err == f"congvan: no task with id nope-1 in the register {shown}\n"


def test_an_unreachable_postgresql_is_one_clean_error_without_the_password(tmp_path, capsys):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SystemExit) as ended:
        main(["tasks", "--db", f"postgresql+psycopg://clerk:secret@127.0.0.1:{port}/register", "--out", str(tmp_path)])
    err = capsys.readouterr().err
    prefix = f"congvan: the register database postgresql+psycopg://clerk:***@127.0.0.1:{port}/register failed: "
    assert ended.value.code == 2 and err.startswith(prefix) and len(err.splitlines()) == 1 and "secret" not in err


def test_a_dask_run_into_postgresql_gives_the_ids_of_a_local_run(postgres_url, tmp_path, capsys):
    folder = tmp_path / "in"
    make_dispatches(folder, 6)
    (folder / "ban-sao.txt").write_bytes((folder / "cv-01002.txt").read_bytes())
    for out, extra in ((tmp_path / "local", []), (tmp_path / "dask", ["--engine", "dask", "--db", postgres_url])):
        with pytest.raises(SystemExit) as ended:
            main(["run", str(folder), "--out", str(out), "--today", "2024-11-20", "--jobs", "2", *extra])
        assert ended.value.code == 0
    printed = capsys.readouterr().out
    assert f"register run 1: 6 added, 0 changed, 0 unchanged, 1 duplicates, 0 withdrawn -> {postgres_url}" in printed
    local = query(tmp_path / "local" / "register.sqlite", "SELECT task_id, doc_id, state FROM tasks")
    assert sorted(_count(postgres_url, "SELECT task_id, doc_id, state FROM tasks")) == sorted(local) and local
    assert not (tmp_path / "dask" / "register.sqlite").exists()
