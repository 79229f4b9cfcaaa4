"""The parts of ops: the run lock, the inbox's moves and settling, the skip record, progress, messages."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.errors import MESSAGES, PipelineError
from pipeline.ops.errors import VI_REASONS
from pipeline.ops.inbox import SettlingFiles, arrivals, move_no_clobber, numbered, quarantine, sidecar_of
from pipeline.ops.lock import RunLock, _start_ticks
from pipeline.ops.progress import Progress
from pipeline.ops.state import ProcessedFiles, Stamp

from .conftest import ROOT


# ---- the lock ----

def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _write_lock(path: Path, pid: int, start: object) -> None:
    path.write_text(json.dumps({"pid": pid, "start": start, "since": "2024-01-01T01:30:00"}), encoding="utf-8")


def test_the_lock_is_held_and_released(tmp_path: Path) -> None:
    lock_path = tmp_path / ".congvan.lock"
    with RunLock(lock_path):
        assert json.loads(lock_path.read_text())["pid"] == os.getpid()
        with pytest.raises(PipelineError, match=rf"another run holds the lock {lock_path} \(pid {os.getpid()},"):
            RunLock(lock_path).acquire()
    assert not lock_path.exists()


def test_a_live_holder_keeps_the_lock(tmp_path: Path) -> None:
    lock_path = tmp_path / ".congvan.lock"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _write_lock(lock_path, holder.pid, _start_ticks(holder.pid))
        with pytest.raises(PipelineError, match=f"pid {holder.pid}"):
            RunLock(lock_path, wait=0.3, poll=0.1).acquire()
        assert json.loads(lock_path.read_text())["pid"] == holder.pid
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("content", ["dead pid", "reused pid", "garbage"])
def test_a_stale_lock_is_taken_over(tmp_path: Path, content: str) -> None:
    lock_path = tmp_path / ".congvan.lock"
    if content == "dead pid":
        _write_lock(lock_path, _dead_pid(), None)
    elif content == "reused pid":  # our parent runs, but it is not the process that wrote the lock
        _write_lock(lock_path, os.getppid(), (_start_ticks(os.getppid()) or 0) + 1)
    else:
        lock_path.write_text("{\"pid\": 12", encoding="utf-8")  # cut by a kill mid-write
    stale = []
    with RunLock(lock_path, on_stale=stale.append):
        assert json.loads(lock_path.read_text())["pid"] == os.getpid()
    assert len(stale) == 1


def test_release_leaves_another_runs_lock_alone(tmp_path: Path) -> None:
    lock_path = tmp_path / ".congvan.lock"
    lock = RunLock(lock_path)
    lock.acquire()
    _write_lock(lock_path, os.getppid(), _start_ticks(os.getppid()))  # taken over meanwhile
    lock.release()
    assert json.loads(lock_path.read_text())["pid"] == os.getppid()


def test_two_runs_racing_for_a_stale_lock_one_wins(tmp_path: Path) -> None:
    lock_path = tmp_path / ".congvan.lock"
    _write_lock(lock_path, _dead_pid(), None)
    code = ("import sys; from pipeline.ops.lock import RunLock\n"
            "won = RunLock(sys.argv[1]).try_acquire() is None\nprint(won, flush=True)\n"
            "sys.stdin.read()")  # every racer, the winner too, runs until the test has read them all
    racers = [subprocess.Popen([sys.executable, "-c", code, str(lock_path)], cwd=ROOT, stdin=subprocess.PIPE,
                               stdout=subprocess.PIPE, text=True) for _ in range(4)]
    results = [r.stdout.readline().strip() for r in racers]
    for racer in racers:
        racer.communicate("", timeout=30)
    assert sorted(results) == ["False", "False", "False", "True"]


# ---- the inbox ----

@pytest.mark.parametrize("name, n, expected", [
    ("x.docx", 1, "x.docx"), ("x.docx", 2, "x (2).docx"), ("Công văn 12.pdf", 3, "Công văn 12 (3).pdf"),
    ("README", 2, "README (2)"), (".hidden", 2, ".hidden (2)"), ("a.tar.gz", 2, "a.tar (2).gz"),
])
def test_numbered_names(name: str, n: int, expected: str) -> None:
    assert numbered(name, n) == expected


def test_a_move_never_overwrites(tmp_path: Path) -> None:
    folder = tmp_path / "processed"
    folder.mkdir()
    (folder / "x.docx").write_bytes(b"first")
    (folder / "x (2).docx").write_bytes(b"second")
    src = tmp_path / "x.docx"
    src.write_bytes(b"third")
    dest = move_no_clobber(src, folder)
    assert dest == folder / "x (3).docx" and not src.exists()
    assert [(folder / n).read_bytes() for n in ("x.docx", "x (2).docx", "x (3).docx")] == [b"first", b"second", b"third"]


def test_a_quarantined_file_gets_a_bilingual_sidecar(tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    failed.mkdir()
    (failed / "y.pdf.error.txt").write_text("an older failure, whose file was removed", encoding="utf-8")
    src = tmp_path / "y.pdf"
    src.write_bytes(b"%PDF-1.4 cut")
    dest = quarantine(src, failed, "y.pdf", "E006", f"{src}: not a valid PDF (corrupt or truncated): EOF")
    assert dest == failed / "y (2).pdf" and dest.read_bytes() == b"%PDF-1.4 cut"
    assert (failed / "y.pdf.error.txt").read_text(encoding="utf-8") == "an older failure, whose file was removed"
    text = sidecar_of(dest).read_text(encoding="utf-8")
    assert "Tệp / File: y.pdf" in text and "Mã lỗi / Code: E006" in text
    assert "Lý do: Không phải tệp PDF hợp lệ (tệp bị hỏng hoặc chưa chép hết)." in text
    assert "Reason: not a valid PDF (corrupt or truncated): EOF" in text


def test_every_document_error_has_a_vietnamese_reason() -> None:
    assert sorted(set(MESSAGES) - set(VI_REASONS)) == [], "add the Vietnamese text to pipeline/ops/errors.py"


def test_arrivals_leave_temporary_and_lock_files_alone(tmp_path: Path) -> None:
    from pipeline.ops.config import DEFAULT_IGNORE

    names = ["a.docx", "~$a.docx", ".~lock.a.docx#", "b.pdf.part", "c.pdf.crdownload", ".hidden.txt", "d.txt"]
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / "processed").mkdir()
    (tmp_path / "processed" / "e.txt").write_text("x")
    (tmp_path / "link.txt").symlink_to(tmp_path / "d.txt")
    assert [p.name for p in arrivals(tmp_path, DEFAULT_IGNORE)] == ["a.docx", "d.txt"]


def test_a_file_is_ready_once_unchanged_for_the_settle_time(tmp_path: Path) -> None:
    path = tmp_path / "slow.docx"
    path.write_bytes(b"part one")
    settling = SettlingFiles(settle_seconds=2.0)
    settling.update([path], now=100.0)
    assert settling.ready(now=101.9) == []
    with open(path, "ab") as handle:
        handle.write(b" and part two")
    settling.update([path], now=101.9)
    assert settling.ready(now=103.0) == []  # it grew: the clock starts again
    assert settling.ready(now=103.9) == [path]
    settling.update([], now=104.0)
    assert not settling.waiting


# ---- the record of processed files ----

def test_the_record_skips_by_stat_then_by_content(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Số: 1/UBND")
    digest = __import__("hashlib").sha256(path.read_bytes()).hexdigest()
    record = ProcessedFiles(tmp_path, "sqlite:///r")
    record.record(str(path), Stamp.of(path), digest)
    record.save()
    again = ProcessedFiles.load(tmp_path, "sqlite:///r")
    assert again.unchanged(str(path), Stamp.of(path)) == digest
    os.utime(path, ns=(1, 1))  # touched, same bytes
    assert again.unchanged(str(path), Stamp.of(path)) == digest
    path.write_text("Số: 2/UBND")
    assert again.unchanged(str(path), Stamp.of(path)) is None
    assert ProcessedFiles.load(tmp_path, "sqlite:///other").files == {}


# ---- progress ----

def test_progress_is_plain_lines_off_a_terminal() -> None:
    stream = io.StringIO()
    with Progress(2, stream=stream) as progress:
        progress.advance("a.txt", "ok")
        progress.advance("b.pdf", "failed", "b.pdf: not a valid PDF")
    assert stream.getvalue() == "[1/2] ok a.txt\n[2/2] failed b.pdf: not a valid PDF\n"


def test_progress_draws_a_bar_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    with Progress(2, "nightly", stream=stream) as progress:
        progress.advance("a.txt", "ok")
        progress.advance("b.pdf", "failed", "b.pdf: not a valid PDF")
    out = stream.getvalue()
    assert "nightly" in out and "2/2" in out and "failed b.pdf: not a valid PDF" in out
    assert "[1/2]" not in out
