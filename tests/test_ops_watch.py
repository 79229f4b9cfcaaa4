"""`congvan watch`: the watcher as a subprocess (files copied in, one slowly; a bad one; SIGTERM), and in
process: a stage that raises, a batch a crash interrupted, a nightly run holding the lock."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipeline.ops.config import Config, WatchSettings
from pipeline.ops.watch import JOURNAL_NAME, run_watch

from . import hostile
from .conftest import CORPUS, ROOT
from .test_ops_support import events, make_dispatches, query, sha256, wait_for, write_config

GOOD = CORPUS / "own-02-brvt-sgddt-hoatoc-tuyensinh.docx"
SLOW = CORPUS / "own-06-binhlac-pgddt-cv-lichchuyenmon.docx"


def _file_events(log: Path) -> list[dict]:
    return [e for e in events(log) if e["event"] == "file"]


def _copy_slowly(src: Path, dest: Path, chunks: int = 8, pause: float = 0.2) -> None:
    """Copy in chunks with pauses shorter than the settle time, as a slow network copy does."""
    data = src.read_bytes()
    step = len(data) // chunks + 1
    with open(dest, "wb") as handle:
        for start in range(0, len(data), step):
            handle.write(data[start:start + step])
            handle.flush()
            time.sleep(pause)


def test_the_watcher_takes_files_as_they_arrive_and_stops_on_sigterm(tmp_path: Path) -> None:
    """Files copied in (one slowly, one broken, temporaries) are taken when complete; SIGTERM stops it cleanly."""
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    early = make_dispatches(inbox, 1)[0]  # arrived while the watcher was not running
    early_sha = sha256(early)
    conf = write_config(tmp_path / "congvan.toml", 'inbox = "inbox"\nout = "out"\ntoday = 2024-05-20\n'
                        "[watch]\nsettle_seconds = 2.0\npoll_seconds = 0.1\nrescan_seconds = 2\n")
    log = out / "logs" / "watch.jsonl"
    with open(tmp_path / "watch.err", "w") as err:
        watcher = subprocess.Popen([sys.executable, "-m", "pipeline.ops.watch", "--config", str(conf)], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=err)
    try:
        wait_for(lambda: len(_file_events(log)) >= 1, 60, "the file that was already there")
        shutil.copy(GOOD, inbox / "good.docx")
        hostile.truncated(CORPUS / "own-03-tamdong-pgddt-hd-baocao.pdf", inbox / "bad.pdf")
        (inbox / "~$good.docx").write_bytes(b"\x05Word owner file")
        (inbox / "cv.pdf.part").write_bytes(b"%PDF-1.4 half a download")
        _copy_slowly(SLOW, inbox / "slow.docx")
        wait_for(lambda: len(_file_events(log)) >= 4, 60, "the three new files")
        shutil.copy(GOOD, inbox / "good.docx")  # the same file dropped again; stopped while it is processed
        wait_for(lambda: sum(e["event"] == "taken" for e in events(log)) == 5, 60, "the second good.docx")
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(timeout=30) == 0, (tmp_path / "watch.err").read_text()
        assert len(_file_events(log)) == 5  # the file being processed was finished first
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    assert events(log)[-1]["event"] == "watch_stop"

    processed = {p.name: sha256(p) for p in (inbox / "processed").glob("*/*")}
    assert processed == {"cv-01000.txt": early_sha, "good.docx": sha256(GOOD), "good (2).docx": sha256(GOOD),
                         "slow.docx": sha256(SLOW)}
    assert sorted(p.name for p in (inbox / "failed").iterdir()) == ["bad.pdf", "bad.pdf.error.txt"]
    reason = (inbox / "failed" / "bad.pdf.error.txt").read_text(encoding="utf-8")
    assert "Lý do: Không phải tệp PDF hợp lệ" in reason and "Reason: not a valid PDF" in reason
    assert sorted(p.name for p in inbox.iterdir()) == ["cv.pdf.part", "failed", "processed", "~$good.docx"]

    db = out / "register.sqlite"
    files = {Path(path).name: (digest, role) for path, digest, role in query(db, "select path, sha256, role from files")}
    assert files == {"cv-01000.txt": (early_sha, "primary"), "good.docx": (sha256(GOOD), "primary"),
                     "good (2).docx": (sha256(GOOD), "duplicate"), "slow.docx": (sha256(SLOW), "primary")}
    assert len(query(db, "select doc_id from documents")) == 3  # the same dispatch twice is recorded once


@pytest.fixture
def watch_cfg(tmp_path: Path) -> Config:
    (tmp_path / "inbox").mkdir()
    settings = WatchSettings(settle_seconds=0.2, poll_seconds=0.05, rescan_seconds=0.5)
    return replace(Config(), inbox=tmp_path / "inbox", out=tmp_path / "out", today=date(2024, 5, 20), watch=settings)


class Running:
    """The watcher in a thread of this process (signals are the subprocess test's concern)."""

    def __init__(self, cfg: Config) -> None:
        self.stop = threading.Event()
        self.codes: list[int] = []
        self.thread = threading.Thread(target=lambda: self.codes.append(run_watch(cfg, self.stop)))

    def __enter__(self) -> "Running":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(timeout=60)
        assert self.codes == [0]


def test_a_file_that_makes_a_stage_raise_goes_to_failed_with_its_reason(watch_cfg: Config, monkeypatch) -> None:
    from pipeline import run as pipeline_run

    real = pipeline_run.stages

    def exploding(doc):
        if "cv-01001" in doc.source.path:
            raise ValueError("a stage broke")
        return doc

    monkeypatch.setattr(pipeline_run, "stages", lambda: [*real(), exploding])
    inbox = watch_cfg.inbox
    with Running(watch_cfg):
        make_dispatches(inbox, 3)
        wait_for(lambda: len(list((inbox / "processed").glob("*/*"))) == 2 and (inbox / "failed" / "cv-01001.txt.error.txt").exists(),
                 60, "two processed files and one failed")
    text = (inbox / "failed" / "cv-01001.txt.error.txt").read_text(encoding="utf-8")
    assert "Mã lỗi / Code: E099" in text and "Lý do: Lỗi không lường trước khi xử lý tệp." in text
    assert "Reason: unexpected error while processing: ValueError: a stage broke" in text
    assert len(query(watch_cfg.out / "register.sqlite", "select doc_id from documents")) == 2


def test_a_batch_interrupted_by_a_crash_is_finished_at_start(watch_cfg: Config) -> None:
    day = watch_cfg.inbox / "processed" / "2024-05-19"
    taken = make_dispatches(day, 2)  # moved in, then the watcher died before recording them
    watch_cfg.out.mkdir()
    (watch_cfg.out / JOURNAL_NAME).write_text(json.dumps({str(p): p.name for p in taken}), encoding="utf-8")
    with Running(watch_cfg):
        wait_for(lambda: json.loads((watch_cfg.out / JOURNAL_NAME).read_text()) == {}, 60, "the journal to empty")
    paths = sorted(Path(p) for (p,) in query(watch_cfg.out / "register.sqlite", "select path from files"))
    assert paths == sorted(p.resolve() for p in taken) and all(p.exists() for p in taken)


def test_the_watcher_waits_while_a_nightly_run_holds_the_lock(watch_cfg: Config) -> None:
    watch_cfg.out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys\nfrom pipeline.ops.lock import RunLock\n"
                               "RunLock(sys.argv[1]).acquire(); print('held', flush=True); sys.stdin.read()",
                               str(watch_cfg.out / ".congvan.lock")], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    log = watch_cfg.out / "logs" / "watch.jsonl"
    try:
        assert holder.stdout.readline().strip() == "held"
        with Running(watch_cfg):
            dropped = make_dispatches(watch_cfg.inbox, 1)[0]
            wait_for(lambda: any(e["event"] == "lock_busy" for e in events(log)), 30, "the watcher to see the lock")
            assert dropped.exists()  # left where it is while the lock is held
            holder.communicate("", timeout=30)  # the nightly run ends
            wait_for(lambda: len(_file_events(log)) == 1, 60, "the file to be taken")
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()
    assert not dropped.exists() and _file_events(log)[0]["status"] == "ok"
