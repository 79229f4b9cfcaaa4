"""The engine's parts on their own: batch sizes, argument errors, the resume journal, the analysts' dataset."""
from __future__ import annotations

import json
import os
import socket

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipeline import errors
from pipeline.cli import main
from pipeline.ops import engines
from pipeline.ops.engines import Journal, batch_size
from pipeline.register.dataset import issue_year, partition_value

from . import test_register_fixtures as F


@pytest.mark.parametrize("files, slots, expected", [
    (1, 2, 1),
    (8, 2, 1),  # few files: one per task, so both workers get some
    (9, 2, 2),
    (200, 2, 25),  # many: batches of 25 (a task costs ~2.7 ms; a batch ~25 documents' worth)
    (1000, 2, 25),
    (1000, 100, 3),  # a big cluster: smaller batches, four per worker
    (5, 0, 2),  # a scheduler with no worker yet: sized as for one
])
def test_batch_size(files, slots, expected):
    assert batch_size(files, slots) == expected


@pytest.mark.parametrize("files, sizes", [
    (1, [1]),
    (20, [3, 3, 2] + [1] * 12),  # the last two rounds (2 workers x 2 x 3 files) quartered
    (1000, [25] * 36 + [6] * 16 + [4]),
])
def test_batches_keep_the_order_and_taper_at_the_end(files, sizes):
    paths = [f"cv-{i}.txt" for i in range(files)]
    found = engines.batches(paths, 2)
    assert [len(b) for b in found] == sizes and [p for b in found for p in b] == paths


@pytest.mark.parametrize("args, message", [
    (["--scheduler", "tcp://127.0.0.1:8786"], "congvan: --scheduler needs --engine dask\n"),
    (["--engine", "spark"], "congvan: unknown engine 'spark' (choose from local, dask)\n"),
])
def test_engine_arguments_are_checked_before_any_work(tmp_path, capsys, args, message):
    with pytest.raises(SystemExit) as ended:
        main(["run", str(F.write_samples(tmp_path / "in")), "--out", str(tmp_path / "out"), *args])
    assert ended.value.code == 2 and capsys.readouterr().err == message
    assert not (tmp_path / "out" / "register.sqlite").exists()


def test_engine_texts_live_in_the_one_catalogue():
    """D-codes sit beside the E-, R-, O- and C-codes; the per-file ones have a Vietnamese reason too."""
    catalogues = [errors.MESSAGES, errors.REGISTER_MESSAGES, errors.OPS_MESSAGES, errors.CASCADE_MESSAGES,
                  errors.ENGINE_MESSAGES]
    codes = [code for catalogue in catalogues for code in catalogue]
    assert len(codes) == len(set(codes)) and not hasattr(engines, "MESSAGES")
    assert sorted(errors.ENGINE_MESSAGES) == [f"D00{i}" for i in range(1, 8)]
    assert {"D001", "D002"} <= set(errors.VI_REASONS)
    failed = engines._failed("a.txt", RuntimeError("boom"))
    assert (failed.code, failed.error) == ("D002", "a.txt: the Dask cluster could not process it: RuntimeError: boom")
    with pytest.raises(engines.EngineError, match="^--scheduler needs --engine dask$") as raised:
        engines.check_engine("local", "tcp://127.0.0.1:8786")
    assert raised.value.code == "D005" and isinstance(raised.value, errors.PipelineError)


def test_an_unreachable_scheduler_is_one_clean_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(engines, "CONNECT_SECONDS", 1)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    with pytest.raises(SystemExit) as ended:
        main(["run", str(F.write_samples(tmp_path / "in")), "--out", str(tmp_path / "out"), "--engine", "dask",
              "--scheduler", address])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and err.startswith(f"congvan: cannot start or reach the Dask cluster at {address}: ")
    assert len(err.splitlines()) == 1


def _entry(path, record=True, stamp=None):
    sha = engines.sha256_file(path)
    if not record:
        return {"path": str(path), "failure": {"source": str(path), "error": "x"}}
    return {"path": str(path), "stamp": stamp, "sha256": sha, "record": {"source": str(path), "sha256": sha}}


def test_the_journal_skips_only_files_unchanged_since(tmp_path):
    a, b, c, d = (tmp_path / f"{n}.txt" for n in "abcd")
    for path in (a, b, c, d):
        path.write_text(f"Công văn {path.stem}", encoding="utf-8")
    stamp = engines.Stamp.of(a)
    journal = Journal(tmp_path)
    journal.append([_entry(a, stamp=[stamp.size, stamp.mtime_ns]), _entry(b), _entry(c), _entry(d, record=False)])
    with open(journal.path, "a", encoding="utf-8") as handle:
        handle.write('{"path": "cut short by a ki')  # the last line of a killed run
    os.utime(b, ns=(1, 1))  # touched, same bytes: unchanged by its sha256
    c.write_text("Công văn c, sửa đổi", encoding="utf-8")  # changed: processed again
    paths = {str(p) for p in (a, b, c, d)}
    assert sorted(journal.unchanged(paths)) == [str(a), str(b)]  # d failed: processed again
    assert journal.unchanged({str(a)}) == {str(a): engines.sha256_file(a)}  # only the run's own files
    journal.restart({str(a), str(b)})
    journal.append([_entry(c), _entry(d, record=False)])
    journal.publish(tmp_path)
    sources = [json.loads(line)["source"] for line in (tmp_path / "documents.jsonl").read_text().splitlines()]
    failed = [json.loads(line)["source"] for line in (tmp_path / "errors.jsonl").read_text().splitlines()]
    assert (sources, failed) == ([str(a), str(b), str(c)], [str(d)]) and not journal.path.exists()


@pytest.mark.parametrize("issuer, expected", [
    ("Sở Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo"),
    ("Phòng GD&ĐT  huyện\nVũ Quang", "Phòng GD&ĐT huyện Vũ Quang"),
    ("UBND tỉnh A/B: 50% = ?", "UBND tỉnh A_B_ 50_ _ _"),
    ("Ho\u0300a Bi\u0300nh", "Hòa Bình"),  # NFC
    ("..", "(không rõ)"),
    ("", "(không rõ)"),
    (None, "(không rõ)"),
    ("Ủy ban " * 40, ("Ủy ban " * 40)[:120].strip()),
])
def test_partition_value(issuer, expected):
    assert partition_value(issuer) == expected


@pytest.mark.parametrize("issue_date, expected", [("2024-10-04", 2024), ("2021-10", 2021), (None, 0), ("", 0),
                                                  ("khoảng 2020", 0)])
def test_issue_year(issue_date, expected):
    assert issue_year(issue_date) == expected


def _cell(value) -> str:
    """A cell as text, whatever null or list type a reader gave it."""
    if isinstance(value, (list, tuple, np.ndarray)):
        return str([_cell(v) for v in value])
    return "null" if value is None or value is pd.NA or value is pd.NaT or value != value else str(value)


def _rows(frame: pd.DataFrame) -> list[tuple]:
    return sorted(tuple(_cell(v) for v in row) for row in frame.itertuples(index=False))


def test_the_dataset_reads_back_as_the_flat_tables_with_pandas_and_duckdb(tmp_path, monkeypatch):
    out = tmp_path / "out"
    summary = F.run_samples(monkeypatch, [F.write_samples(tmp_path / "in")], out)
    assert out / "dataset" in summary.register.outputs
    for table in ("documents", "tasks", "obligations", "references"):
        flat = pd.read_parquet(out / f"{table}.parquet")
        whole = pd.read_parquet(out / "dataset" / table).rename(columns={"cited_issuer": "issuer_cited"})
        assert len(whole) == len(flat) > 0, table
        if table == "references":  # the cited document's issuer keeps its values under another name
            assert sorted(map(_cell, whole["issuer_cited"])) == sorted(map(_cell, flat["issuer"]))
        columns = [c for c in flat.columns if c != "issuer"]
        assert _rows(whole[columns]) == _rows(flat[columns]), table
    docs = pd.read_parquet(out / "documents.parquet")
    expected = sorted((int(d[:4]), partition_value(i)) for d, i in zip(docs["issue_date"], docs["issuer"]))
    found = duckdb.sql(f"select year, issuer from read_parquet('{out}/dataset/documents/**/*.parquet', "
                       "hive_partitioning = true) order by all").fetchall()
    assert found == expected and len(found) == 3
    tasks = duckdb.sql(f"select count(*) from read_parquet('{out}/dataset/tasks/**/*.parquet', "
                       "hive_partitioning = true) where year = 2024").fetchall()
    assert tasks == [(F.TASK_COUNT,)]


def test_workers_with_several_threads_are_refused(tmp_path, capsys):
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        with pytest.raises(SystemExit) as ended:
            main(["run", str(F.write_samples(tmp_path / "in")), "--out", str(tmp_path / "out"), "--engine", "dask",
                  "--scheduler", address])
    assert ended.value.code == 2 and capsys.readouterr().err == (
        f"congvan: the Dask workers at {address} run 2 threads each, and congvan's parsers run one document per "
        f"process: start them with `dask worker {address} --nthreads 1 --nworkers N`\n")
