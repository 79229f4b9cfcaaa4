"""kill -9 in the middle of a 50-file nightly run, then run again: every file recorded exactly once, no
duplicate rows, every original present and byte-identical."""
from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from pipeline.run import process

from .conftest import ROOT
from .test_ops_support import (checksums, events, make_dispatches, manifest, query, run_dirs, run_module, wait_for,
                               write_config)

FILES = 50


def _done_in_first_run(out: Path) -> list[str]:
    runs = run_dirs(out)
    if not runs:
        return []
    return [e["path"] for e in events(runs[0] / "log.jsonl") if e["event"] == "file" and e["status"] == "ok"]


def test_kill_9_mid_run_then_run_again(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    originals = make_dispatches(inbox, FILES)
    before = checksums(inbox)
    conf = write_config(tmp_path / "congvan.toml", 'inbox = "inbox"\nout = "out"\ntoday = 2024-05-20\n'
                                                   "[nightly]\nbatch_size = 5\nmin_free_mb = 0\n")
    first = subprocess.Popen([sys.executable, "-m", "pipeline.ops.nightly", "--config", str(conf)], cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(lambda: len(_done_in_first_run(out)) >= FILES // 2, timeout=120, what="half of the files")
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait(timeout=30)
    assert first.returncode == -signal.SIGKILL
    done_before_kill = set(_done_in_first_run(out))
    assert FILES // 2 <= len(done_before_kill) < FILES  # killed in the middle
    assert manifest(run_dirs(out)[0])["status"] == "running"  # it never finished
    assert (out / ".congvan.lock").exists()  # and left its lock behind

    second = run_module("pipeline.ops.nightly", "--config", conf)
    assert second.returncode == 0, second.stderr
    rerun = run_dirs(out)[1]
    assert any(e["event"] == "stale_lock" for e in events(rerun / "log.jsonl"))
    files = manifest(rerun)["files"]
    skipped = {f["path"] for f in files if f["status"] == "skipped"}
    assert done_before_kill <= skipped  # what the killed run recorded is not processed again
    assert Counter(f["status"] for f in files) == Counter(skipped=len(skipped), ok=FILES - len(skipped))

    assert checksums(inbox) == before  # every original present and byte-identical
    _assert_recorded_once(out / "register.sqlite", originals, before)


def _assert_recorded_once(db: Path, originals: list[Path], checksum: dict[str, str]) -> None:
    rows = query(db, "select path, doc_id, sha256, role, state from files")
    assert sorted(Path(r[0]) for r in rows) == sorted(p.resolve() for p in originals)
    assert all(r[3:] == ("primary", "present") and r[2] == checksum[Path(r[0]).name] for r in rows)
    documents = query(db, "select doc_id, state from documents")
    assert len(documents) == len(originals) and {d for d, _ in documents} == {r[1] for r in rows}
    assert all(state == "active" for _, state in documents)
    tasks = query(db, "select doc_id, seq, text from tasks where state = 'active'")
    assert len(tasks) == len(set(tasks))  # no task twice
    per_doc = Counter(doc_id for doc_id, _, _ in tasks)
    doc_of = {Path(r[0]).name: r[1] for r in rows}
    expected = {p.name: len(process(str(p)).document.tasks) for p in originals}  # the same files, processed once
    assert {name: per_doc[doc_of[name]] for name in expected} == expected
