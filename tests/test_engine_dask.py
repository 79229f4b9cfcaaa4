"""`congvan run --engine dask`: the same results as one process, a killed worker loses nothing, a file that
kills its worker is one per-file error, and a stopped driver resumes with every file recorded once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import dask
import pytest
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from pipeline import batch
from pipeline.cli import main
from pipeline.ops.engines import LOOPBACK_HTTP
from pipeline.register.store import Store

from .conftest import CORPUS, ROOT
from .test_ops_support import make_dispatches, query, wait_for

TODAY = "2024-11-20"


class Sabotage(WorkerPlugin):
    """On the workers: a file named *slow* takes `delay` seconds more; one named *crash* kills its worker."""

    name = "congvan-test-sabotage"

    def __init__(self, delay: float = 0.25) -> None:
        self.delay = delay

    def setup(self, worker) -> None:
        from pipeline import run

        original = run.stages
        run.stages = lambda: [*original(), self._stage]

    def _stage(self, doc):
        name = Path(doc.source.path).name
        if "crash" in name:
            os._exit(3)
        if "slow" in name:
            time.sleep(self.delay)
        return doc


def _cluster(**config) -> LocalCluster:
    with dask.config.set(config):
        return LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                            dashboard_address=None, scheduler_kwargs=LOOPBACK_HTTP)


@pytest.fixture(scope="module")
def cluster():
    """A running cluster of two worker processes that slows down *slow* files (as `dask worker`s would be)."""
    with _cluster() as running, Client(running) as client:
        client.register_plugin(Sabotage())
        yield running


def _records(out: Path) -> list[dict]:
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    return sorted((json.loads(line) for line in lines), key=lambda r: (r["doc_id"], r["source"]))


def _task_ids(out: Path) -> list[str]:
    return sorted(task_id for (task_id,) in query(out / "register.sqlite", "select task_id from tasks"))


def test_the_corpus_on_dask_gives_the_same_results_as_one_process(tmp_path, capsys):
    one, dask_out = tmp_path / "one", tmp_path / "dask"
    args = ["run", str(CORPUS), "--today", TODAY, "--out"]
    local = subprocess.Popen([sys.executable, "-m", "pipeline", *args, str(one), "--jobs", "1"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        with pytest.raises(SystemExit) as ended:
            main([*args, str(dask_out), "--engine", "dask", "--jobs", "2"])
    finally:
        local_out, _ = local.communicate(timeout=600)
    assert ended.value.code == 0 and local.returncode == 0
    assert _records(dask_out) == _records(one) and len(_records(one)) >= 100
    assert _task_ids(dask_out) == _task_ids(one) and len(_task_ids(one)) >= 300
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].split(";")[0] == local_out.splitlines()[0].split(";")[0]  # "N files: N ok, 0 failed"
    engine = query(dask_out / "register.sqlite", "select engine, finished_at is not null from runs")
    assert engine == [("dask LocalCluster x2", 1)]


def _kill_a_busy_worker(client: Client, killed: list[int], after: float) -> None:
    """Once a worker has been busy for `after` seconds, SIGKILL its process (it is mid-document)."""
    wait_for(lambda: any(client.processing().values()), timeout=120, what="a busy worker")
    time.sleep(after)
    busy = [address for address, keys in client.processing().items() if keys]
    pid = client.run(os.getpid, workers=busy[:1])[busy[0]]
    os.kill(pid, signal.SIGKILL)
    killed.append(pid)


def test_a_worker_killed_mid_run_loses_no_file_and_records_each_once(cluster, tmp_path):
    files = make_dispatches(tmp_path / "in", 24)
    for path in files:
        path.rename(path.with_name(f"slow-{path.name}"))
    out, killed = tmp_path / "out", []
    with Client(cluster) as client:
        before = set(client.run(os.getpid).values())
        killer = threading.Thread(target=_kill_a_busy_worker, args=(client, killed, 1.0))
        killer.start()
        summary = batch.run_batch([str(tmp_path / "in")], out, engine="dask", scheduler=cluster.scheduler_address)
        killer.join(timeout=60)
        assert len(killed) == 1 and killed[0] in before  # a worker of the cluster was killed mid-run ...
        wait_for(lambda: len(client.run(os.getpid)) == 2, timeout=60, what="the restarted worker")
        assert killed[0] not in client.run(os.getpid).values()  # ... and its process is gone
    assert (summary.ok, summary.failed) == (24, 0)
    sources = Counter(Path(r["source"]).name for r in _records(out))
    assert len(sources) == 24 and set(sources.values()) == {1}
    paths = query(out / "register.sqlite", "select path from files")
    assert len(paths) == 24 and len(set(paths)) == 24
    assert len(query(out / "register.sqlite", "select doc_id from documents")) == 24


def test_a_file_that_kills_its_worker_is_one_per_file_error(tmp_path, capsys):
    files = make_dispatches(tmp_path / "in", 20)  # batches of 3: the crash takes two others down with it
    crash = files[4].rename(files[4].with_name("crash-cv.txt"))
    out = tmp_path / "out"
    with _cluster(**{"distributed.scheduler.allowed-failures": 0}) as running, Client(running) as client:
        client.register_plugin(Sabotage())
        with pytest.raises(SystemExit) as ended:
            main(["run", str(tmp_path / "in"), "--out", str(out), "--today", TODAY, "--engine", "dask",
                  "--scheduler", running.scheduler_address])
    assert ended.value.code == 1
    error = f"{crash}: the Dask worker died while processing it (attempts: 1; the file may crash a parser " \
            "or exhaust memory)"
    assert f"error: {error}" in capsys.readouterr().err.splitlines()
    failures = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(f["error_code"], f["error"]) for f in failures] == [("D001", error)]
    assert len(_records(out)) == 19 and len(query(out / "register.sqlite", "select path from files")) == 19


class _Stop(Exception):
    """The driver stopped (as by Ctrl-C or a kill) after some register commits."""


def test_a_stopped_driver_resumes_and_records_every_file_once(cluster, tmp_path, monkeypatch):
    files = make_dispatches(tmp_path / "in", 20)
    out, add_batch = tmp_path / "out", Store.add_batch
    monkeypatch.setattr(batch, "COMMIT_FILES", 4)

    def stop_after_two_commits(store, run_id, *args):
        if query(out / "register.sqlite", "select count(*) from files")[0][0] >= 8:
            raise _Stop
        return add_batch(store, run_id, *args)

    monkeypatch.setattr(Store, "add_batch", stop_after_two_commits)
    with pytest.raises(_Stop):
        batch.run_batch([str(tmp_path / "in")], out, engine="dask", scheduler=cluster.scheduler_address)
    monkeypatch.setattr(Store, "add_batch", add_batch)
    committed = {p for (p,) in query(out / "register.sqlite", "select path from files")}
    assert len(committed) == 8 and not (out / "documents.jsonl").exists()
    changed = sorted(committed)[0]
    Path(changed).write_text(Path(changed).read_text(encoding="utf-8") + "\nGhi chú thêm.\n", encoding="utf-8")

    summary = batch.run_batch([str(tmp_path / "in")], out, engine="dask", scheduler=cluster.scheduler_address)

    assert (summary.resumed, summary.ok, summary.failed) == (7, 13, 0)  # the changed one is processed again
    assert summary.register.counts["added"] == 12 and summary.register.counts["changed"] == 1
    records = _records(out)
    assert sorted(r["source"] for r in records) == sorted(str(f) for f in files)  # every file, once
    assert len(query(out / "register.sqlite", "select path from files")) == 20
    runs = query(out / "register.sqlite", "select run_id, finished_at is not null from runs order by run_id")
    assert runs == [(1, 0), (2, 1)]  # the stopped run stays unfinished in the register's history
    assert not (out / ".congvan-journal.jsonl").exists()
