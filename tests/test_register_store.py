"""The store: reruns change nothing, a changed file replaces only its rows (ids kept), a removed
file's tasks are withdrawn, the same dispatch twice is recorded once, a clerk's "done" survives."""
from __future__ import annotations

import shutil
from datetime import date

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

from pipeline.errors import PipelineError
from pipeline.register import query, schema
from pipeline.register.rows import TaskRow, natural_key, split_number
from pipeline.register.store import Store, database_url
from pipeline.register import sync
from pipeline.register.sync import TaskRec, assign_task_ids, in_scope

from . import test_register_fixtures as F
from .pg import postgres_server, postgres_url, register_backend, register_url  # noqa: F401 (fixtures)

STORED = ("documents", "tasks", "obligations", "citations", "files")


def rows(out, volatile=("updated_at", "last_run")) -> dict[str, set[tuple]]:
    """Every stored row of the register's data tables, as comparable tuples."""
    engine = create_engine(register_url(out))
    with engine.connect() as conn:
        found = {name: {tuple((k, v) for k, v in r.items() if k not in volatile)
                        for r in conn.execute(select(schema.metadata.tables[name])).mappings()} for name in STORED}
    engine.dispose()
    return found


def by_key(out, table: str, key: str) -> dict[str, dict]:
    engine = create_engine(register_url(out))
    with engine.connect() as conn:
        found = {r[key]: dict(r) for r in conn.execute(select(schema.metadata.tables[table])).mappings()}
    engine.dispose()
    return found


@pytest.fixture
def workspace(tmp_path, monkeypatch, register_backend):
    folder = F.write_samples(tmp_path / "in")
    out = tmp_path / "out"
    run = lambda **kw: F.run_samples(monkeypatch, [folder], out, **kw)  # noqa: E731
    return folder, out, run


def test_first_run_records_every_document_task_and_obligation(workspace):
    folder, out, run = workspace
    summary = run()
    counts = {name: len(found) for name, found in rows(out).items()}
    assert counts == {"documents": 3, "tasks": F.TASK_COUNT, "obligations": F.OBLIGATION_COUNT, "citations": 2,
                      "files": 3}
    assert summary.register.counts["added"] == 3 and summary.warnings == []


def test_rerun_on_the_same_files_changes_nothing(workspace):
    folder, out, run = workspace
    run()
    before = rows(out)
    summary = run()
    assert rows(out) == before
    assert summary.register.counts == {"files_seen": 3, "added": 0, "changed": 0, "unchanged": 3, "duplicates": 0,
                                       "removed": 0, "withdrawn": 0, "failed": 0}
    runs = by_key(out, "runs", "run_id")
    assert sorted(runs) == [1, 2] and runs[2]["unchanged"] == 3 and runs[2]["finished_at"] is not None


def test_a_changed_file_replaces_only_its_own_rows_and_keeps_task_ids(workspace, monkeypatch):
    folder, out, run = workspace
    run()
    before = rows(out)
    old_tasks = by_key(out, "tasks", "task_id")
    path = folder / "sgddt-24.txt"
    text = path.read_text(encoding="utf-8")
    text = text.replace("trước ngày 25/11/2024.", "trước ngày 28/11/2024.")
    text = text.replace("4. Các trường THPT", "4. Các trường THCS rà soát hồ sơ học sinh.\n\n5. Các trường THPT")
    path.write_text(text, encoding="utf-8")
    specs = list(F.TASKS["sgddt-24"])
    specs[1] = F.SampleTask("2", "tổng hợp danh sách", specs[1].assignees, deadline="2024-11-28",
                            deadline_text="trước ngày 28/11/2024")
    specs[3] = F.SampleTask("5", "tăng cường tuyên truyền", specs[3].assignees)
    specs.insert(3, F.SampleTask("4", "rà soát hồ sơ học sinh", [("Các trường THCS", "thực hiện", None)]))
    monkeypatch.setitem(F.TASKS, "sgddt-24", specs)

    summary = run()

    assert summary.register.counts["changed"] == 1 and summary.register.counts["unchanged"] == 2
    after = rows(out)
    changed_doc = next(t["doc_id"] for t in old_tasks.values() if t["seq"] == "2" and "danh sách" in t["text"])
    for name in ("documents", "tasks", "citations"):
        untouched = lambda found: {r for r in found if dict(r).get("doc_id") != changed_doc}  # noqa: E731
        assert untouched(after[name]) == untouched(before[name]), name
    tasks = by_key(out, "tasks", "task_id")
    doc_tasks = {tid: t for tid, t in tasks.items() if t["doc_id"] == changed_doc}
    old_ids = sorted(tid for tid, t in old_tasks.items() if t["doc_id"] == changed_doc)
    assert set(old_ids) < set(doc_tasks)  # every old id is still there ...
    renumbered = next(t for t in doc_tasks.values() if "tăng cường tuyên truyền" in t["text"])
    assert renumbered["task_id"] == f"{changed_doc[:10]}-4" and renumbered["seq"] == "5"  # ... even renumbered
    assert doc_tasks[f"{changed_doc[:10]}-2"]["deadline"] == date(2024, 11, 28)
    new = [t for tid, t in doc_tasks.items() if tid not in old_ids]
    assert [t["seq"] for t in new] == ["4"] and new[0]["task_id"] == f"{changed_doc[:10]}-4~2"
    assert all(t["state"] == "active" for t in doc_tasks.values())


def test_a_task_that_leaves_its_document_is_withdrawn_not_deleted(workspace, monkeypatch):
    folder, out, run = workspace
    run()
    monkeypatch.setitem(F.TASKS, "ubnd-1351", F.TASKS["ubnd-1351"][:2])
    run()
    tasks = by_key(out, "tasks", "task_id")
    gone = [t for t in tasks.values() if "phần mềm quản lý" in t["text"]]
    assert len(gone) == 1 and gone[0]["state"] == "withdrawn"
    assert gone[0]["withdrawn_reason"] == "no longer in the document"
    assert len(tasks) == F.TASK_COUNT


def test_a_removed_file_is_withdrawn_and_comes_back_with_the_same_ids(workspace):
    folder, out, run = workspace
    run()
    before = by_key(out, "tasks", "task_id")
    moved = folder.parent / "ubnd-1351.txt.bak"
    shutil.move(folder / "ubnd-1351.txt", moved)

    summary = run()

    assert summary.register.counts["removed"] == 1 and summary.register.counts["withdrawn"] == 1
    tasks = by_key(out, "tasks", "task_id")
    assert set(tasks) == set(before)  # nothing deleted
    withdrawn = {tid for tid, t in tasks.items() if t["state"] == "withdrawn"}
    assert len(withdrawn) == 3 and all(tasks[t]["withdrawn_reason"] == "file removed" for t in withdrawn)
    docs = by_key(out, "documents", "doc_id")
    assert sorted(d["state"] for d in docs.values()) == ["active", "active", "withdrawn"]
    listed = query.tasks(None, out, F.TODAY, statuses=["withdrawn"])
    assert set(listed["task_id"]) == withdrawn
    assert not set(query.tasks(None, out, F.TODAY)["task_id"]) & withdrawn  # hidden unless asked for

    shutil.move(moved, folder / "ubnd-1351.txt")
    run()
    tasks = by_key(out, "tasks", "task_id")
    assert set(tasks) == set(before) and all(t["state"] == "active" for t in tasks.values())


def test_a_run_over_another_folder_withdraws_nothing(workspace, tmp_path, monkeypatch):
    folder, out, run = workspace
    run()
    other = F.write_samples(tmp_path / "other", names=[])
    (other / "note.txt").write_text("Số: 1/TB\n\nThông báo nội bộ.", encoding="utf-8")
    F.run_samples(monkeypatch, [other], out)
    tasks = by_key(out, "tasks", "task_id")
    assert all(t["state"] == "active" for t in tasks.values()) and len(by_key(out, "documents", "doc_id")) == 4


def test_the_same_dispatch_under_another_name_is_recorded_once_with_a_warning(workspace):
    folder, out, run = workspace
    shutil.copy(folder / "sgddt-24.txt", folder / "zz-ban-sao-cv-24.txt")
    summary = run()
    assert summary.register.counts["duplicates"] == 1
    assert len(summary.warnings) == 1
    assert "zz-ban-sao-cv-24.txt: the same dispatch as" in summary.warnings[0]
    assert "sgddt-24.txt (same text); recorded once" in summary.warnings[0]
    found = rows(out)
    assert len(found["documents"]) == 3 and len(found["tasks"]) == F.TASK_COUNT
    files = by_key(out, "files", "path")
    assert sorted(f["role"] for f in files.values()) == ["duplicate", "primary", "primary", "primary"]
    assert run().warnings == []  # said once, not at every run


def test_another_rendering_is_recognized_by_issuer_year_and_number(workspace, monkeypatch):
    folder, out, run = workspace
    text = F.TEXTS["sgddt-24.txt"].replace("Độc lập - Tự do", "Độc lập – Tự do") + "\nBản chụp từ hệ thống.\n"
    (folder / "sgddt-24-scan.txt").write_text(text, encoding="utf-8")
    monkeypatch.setitem(F.FRAMES, "sgddt-24-scan", F.FRAMES["sgddt-24"])
    monkeypatch.setitem(F.TASKS, "sgddt-24-scan", F.TASKS["sgddt-24"])
    summary = run()
    assert summary.register.counts["duplicates"] == 1 and summary.register.counts["added"] == 3
    assert "same issuer, year and number 24/SGDĐT-VP" in summary.warnings[0]
    assert len(rows(out)["tasks"]) == F.TASK_COUNT


def test_a_renamed_file_takes_its_dispatch_over(workspace, monkeypatch):
    folder, out, run = workspace
    monkeypatch.setitem(F.FRAMES, "sgddt-24-renamed", F.FRAMES["sgddt-24"])
    monkeypatch.setitem(F.TASKS, "sgddt-24-renamed", F.TASKS["sgddt-24"])
    run()
    before = by_key(out, "tasks", "task_id")
    shutil.move(folder / "sgddt-24.txt", folder / "sgddt-24-renamed.txt")
    summary = run()
    assert summary.register.counts["withdrawn"] == 0 and summary.warnings == []
    tasks = by_key(out, "tasks", "task_id")
    assert set(tasks) == set(before) and all(t["state"] == "active" for t in tasks.values())
    docs = by_key(out, "documents", "doc_id")
    assert sorted(d["source"].rsplit("/", 1)[-1] for d in docs.values())[1] == "sgddt-24-renamed.txt"


def test_a_clerks_done_survives_reruns_and_changes(workspace):
    folder, out, run = workspace
    run()
    task_id = query.tasks(None, out, F.TODAY, statuses=["overdue"])["task_id"].iloc[0]
    message = query.mark_done(None, out, task_id, date(2024, 11, 18), "Đã gửi báo cáo số 12/BC", today=F.TODAY)
    assert message == f"{task_id}: done on 2024-11-18 (Đã gửi báo cáo số 12/BC)"
    path = folder / "sgddt-24.txt"
    path.write_text(path.read_text(encoding="utf-8") + "\nGhi chú thêm.\n", encoding="utf-8")
    run()
    run()
    done = query.tasks(None, out, F.TODAY, statuses=["done"])
    assert list(done["task_id"]) == [task_id]
    assert done["done_date"].iloc[0] == date(2024, 11, 18) and done["done_note"].iloc[0] == "Đã gửi báo cáo số 12/BC"
    assert query.mark_done(None, out, task_id, F.TODAY, None, undo=True, today=F.TODAY).endswith("no longer marked done")
    assert query.tasks(None, out, F.TODAY, statuses=["done"]).empty


@pytest.mark.parametrize("register_backend", ["sqlite"], indirect=True)  # the message names the SQLite file
def test_done_on_an_unknown_task_is_one_clean_error(workspace):
    folder, out, run = workspace
    run()
    with pytest.raises(PipelineError, match=r"^no task with id nope-1 in the register sqlite:///"):
        query.mark_done(None, out, "nope-1", F.TODAY, None)


def test_queries_without_a_register_say_so(tmp_path):
    with pytest.raises(PipelineError, match="no register database at .*: run `congvan run` first"):
        query.tasks(None, tmp_path / "empty", F.TODAY)
    assert not (tmp_path / "empty" / "register.sqlite").exists()


def test_a_failing_file_keeps_its_rows(workspace):
    folder, out, run = workspace
    run()
    before = rows(out)
    (folder / "sgddt-24.txt").write_bytes(b"")  # now an empty file: a per-file failure
    summary = run()
    assert summary.failed == 1 and summary.register.counts["failed"] == 1
    assert summary.register.counts["withdrawn"] == 0
    assert rows(out, volatile=("updated_at", "last_run"))["tasks"] == before["tasks"]


# Task ids: the same task keeps its id however the document moves it.

def _old(*items):
    return [TaskRec(f"abcdef1234-{seq}", "abcdef1234567890", seq, text, "active", 1) for seq, text in items]


@pytest.mark.parametrize("new, expected_ids, expected_gone", [
    # unchanged
    ([("1", "a"), ("2", "b")], ["abcdef1234-1", "abcdef1234-2"], []),
    # a task inserted before: the others keep their ids by text, the new one gets a fresh id
    ([("1", "x"), ("2", "a"), ("3", "b")], ["abcdef1234-1~2", "abcdef1234-1", "abcdef1234-2"], []),
    # reworded in place: same outline path
    ([("1", "a"), ("2", "b, reworded")], ["abcdef1234-1", "abcdef1234-2"], []),
    # one removed
    ([("2", "b")], ["abcdef1234-2"], ["abcdef1234-1"]),
    # no outline path: numbered by position
    ([("", "c")], ["abcdef1234-t1"], ["abcdef1234-1", "abcdef1234-2"]),
])
def test_assign_task_ids(new, expected_ids, expected_gone):
    rows_ = [TaskRow(seq=seq, text=text, position=i) for i, (seq, text) in enumerate(new)]
    ids, gone = assign_task_ids("abcdef1234567890", _old(("1", "a"), ("2", "b")), rows_)
    assert ids == expected_ids and gone == expected_gone


def test_assign_task_ids_takes_more_digits_where_another_dispatch_holds_the_id():
    rows_ = [TaskRow(seq=seq, text=text, position=i) for i, (seq, text) in enumerate([("1", "a"), ("1", "b"), ("2", "c")])]
    other = {"abcdef1234-1", "abcdef12345-1", "abcdef1234-1~2"}  # a dispatch "abcdef1234…" / "abcdef12345…" elsewhere
    ids, _ = assign_task_ids("abcdef1234567890", [], rows_, held=other.__contains__)
    assert ids == ["abcdef123456-1", "abcdef123456-1~2", "abcdef1234-2"]
    everything = lambda task_id: not task_id.startswith("abcdef1234567890-")  # noqa: E731 - all but the last resort
    assert assign_task_ids("abcdef1234567890", [], rows_[:1], held=everything)[0] == ["abcdef1234567890-1"]


def _tasks_by_dispatch(out) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for task_id, row in by_key(out, "tasks", "task_id").items():
        found.setdefault(row["doc_id"], set()).add(task_id)
    return found


def test_dispatches_whose_task_id_prefixes_clash_keep_every_task(workspace, monkeypatch):
    """No prefix digits at all: every dispatch's task "1" would be "-1". The first to be written keeps
    the short ids; each later one takes digits of its own id until its ids are free."""
    folder, out, run = workspace
    monkeypatch.setattr(sync, "TASK_ID_PREFIX", 0)
    run()
    found = _tasks_by_dispatch(out)
    assert sum(len(ids) for ids in found.values()) == F.TASK_COUNT and len(found) == 3
    assert sum("-1" in ids for ids in found.values()) == 1  # the short id went to one dispatch only
    for doc_id, ids in found.items():
        assert all(doc_id.startswith(task_id.split("-")[0]) for task_id in ids)
    assert run().register.counts["unchanged"] == 3  # stable on a rerun
    assert _tasks_by_dispatch(out) == found


def test_a_new_dispatch_clashing_with_a_stored_one_leaves_the_stored_ids_alone(tmp_path, monkeypatch, register_backend):
    out = tmp_path / "out"
    monkeypatch.setattr(sync, "TASK_ID_PREFIX", 0)
    F.run_samples(monkeypatch, [F.write_samples(tmp_path / "in", ["sgddt-24.txt"])], out)
    before = _tasks_by_dispatch(out)
    (first, first_ids), = before.items()
    assert "-1" in first_ids
    F.run_samples(monkeypatch, [F.write_samples(tmp_path / "in", ["ubnd-1351.txt"])], out)
    after = _tasks_by_dispatch(out)
    assert after[first] == first_ids and len(after) == 2
    (second, second_ids), = ((d, ids) for d, ids in after.items() if d != first)
    assert not first_ids & second_ids and all(task_id.startswith(second[:1] + "-") for task_id in second_ids)


@pytest.mark.parametrize("number, expected", [
    ("24/SGDĐT-VP", ("24", "SGDĐT-VP")),
    ("44 /PGDDĐT-TĐKT", ("44", "PGDDĐT-TĐKT")),
    ("494/2012/UBTVQH13", ("494", "2012/UBTVQH13")),
    ("15", ("15", None)),
    (None, (None, None)),
])
def test_split_number(number, expected):
    assert split_number(number) == expected


def test_natural_key_folds_case_tones_and_leading_zeros():
    a = natural_key("Sở Giáo dục và Đào tạo", "2024-10-04", "024", "SGDĐT-VP")
    b = natural_key("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "2024-01-01", "24", "sgdđt-vp")
    assert a == b and a is not None
    assert natural_key("Sở Giáo dục và Đào tạo", None, "24", "SGDĐT-VP") is None  # no year: no key


def test_in_scope():
    assert in_scope("/a/b/c.txt", ["/a"]) and in_scope("/a/b/c.txt", ["/a/b/c.txt"])
    assert not in_scope("/a/b/c.txt", ["/a/bb"]) and not in_scope("/a/b/c.txt", [])


def test_database_url(tmp_path):
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path.resolve()}/register.sqlite"
    assert database_url(str(tmp_path / "x.db"), "ignored") == f"sqlite:///{tmp_path.resolve()}/x.db"
    assert database_url("postgresql+psycopg://clerk:secret@db/register", tmp_path) == \
        "postgresql+psycopg://clerk:secret@db/register"


def test_the_schema_compiles_for_postgresql():
    for table in schema.metadata.sorted_tables:
        ddl = str(CreateTable(table).compile(dialect=postgresql.dialect()))
        assert ddl.startswith(f"\nCREATE TABLE {table.name}")


def test_a_bad_database_url_is_one_clean_error_without_the_password():
    with pytest.raises(PipelineError) as caught:
        Store("nosuchdb://clerk:secret@host/register")
    assert str(caught.value).startswith("cannot open the register database nosuchdb://clerk:***@host/register: ")
