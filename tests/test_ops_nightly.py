"""`congvan nightly`: the register, the run record, skipping, quarantine of failures, duplicates, --jobs,
a busy lock, and an output directory that cannot be written."""
from __future__ import annotations

import io
import json
import resource
import shutil
import signal
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from pipeline.errors import PipelineError
from pipeline.ops.config import Config, NightlySettings, load_config
from pipeline.ops.nightly import run_nightly

from .conftest import CORPUS
from .test_ops_support import (checksums, make_dispatches, manifest, query, run_dirs, run_module, events,
                               without_dac_override, write_config)

TODAY = date(2024, 5, 20)


def config(tmp_path: Path, **changes) -> Config:
    nightly = NightlySettings(min_free_mb=0, lock_wait_seconds=0, batch_size=changes.pop("batch_size", 50))
    return replace(Config(), inbox=tmp_path / "inbox", out=tmp_path / "out", today=TODAY, nightly=nightly, **changes)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    make_dispatches(folder, 5)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog")  # truncated
    (folder / "~$cv-01000.docx").write_bytes(b"\x00owner lock of an open Word file")
    (folder / "sub").mkdir()
    shutil.copy(CORPUS / "own-12-binhlac-mnhoasen-bc-sokethk1.txt", folder / "sub" / "nested.txt")
    (folder / "failed").mkdir()  # the watcher's quarantine: never taken as dispatches
    (folder / "failed" / "old.txt").write_text("x")
    (folder / "failed" / "old.txt.error.txt").write_text("Lý do: …")
    return folder


def run(cfg: Config, **kwargs):
    return run_nightly(cfg, stream=io.StringIO(), **kwargs)


def test_a_run_fills_the_register_and_records_itself(tmp_path: Path, inbox: Path) -> None:
    before = checksums(inbox)
    report = run(config(tmp_path, batch_size=2))
    assert report.exit_code == 1 and report.status == "failed"
    assert checksums(inbox) == before  # originals untouched, nothing added to the inbox
    db = tmp_path / "out" / "register.sqlite"
    sources = sorted(Path(s).name for (s,) in query(db, "select path from files where state = 'present'"))
    assert sources == [f"cv-{n:05d}.txt" for n in range(1000, 1005)] + ["nested.txt"]
    data = manifest(report.run_dir)
    assert data["status"] == "failed" and data["exit_code"] == 1 and data["ended"] >= data["started"]
    assert data["counts"] == {"files": 7, "processed": 7, "ok": 6, "failed": 1, "skipped": 0, "tasks": data["counts"]["tasks"]}
    assert data["register"]["added"] == 6
    failed = [f for f in data["files"] if f["status"] == "failed"]
    assert [(Path(f["path"]).name, f["code"]) for f in failed] == [("broken.pdf", "E006")]
    assert "not a valid PDF" in failed[0]["error"]
    logged = [e for e in events(report.run_dir / "log.jsonl") if e["event"] == "file"]
    assert sorted(e["status"] for e in logged) == ["failed"] + ["ok"] * 6
    summary = (report.run_dir / "summary.txt").read_text(encoding="utf-8")
    assert summary.startswith(f"congvan nightly {report.run_id}: failed (exit 1)\n7 files: 7 processed (6 ok, 1 failed)")
    out = tmp_path / "out"
    assert len((out / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 6  # all batches, not the last
    assert [json.loads(x)["error_code"] for x in (out / "errors.jsonl").read_text().splitlines()] == ["E006"]


def test_the_next_run_skips_unchanged_files(tmp_path: Path, inbox: Path) -> None:
    cfg = config(tmp_path)
    run(cfg)
    changed = inbox / "cv-01002.txt"
    changed.write_text(changed.read_text(encoding="utf-8").replace("Số: 1002", "Số: 1902"), encoding="utf-8")
    (inbox / "cv-01003.txt").touch()  # new mtime, same bytes: still skipped, by sha256
    report = run(cfg)
    data = manifest(report.run_dir)
    processed = sorted(Path(f["path"]).name for f in data["files"] if f["status"] != "skipped")
    assert processed == ["broken.pdf", "cv-01002.txt"]  # failed files are tried again
    assert data["counts"]["skipped"] == 5 and data["register"]["changed"] == 1
    numbers = query(tmp_path / "out" / "register.sqlite", "select number from documents where state = 'active'")
    assert len(numbers) == 6 and any(n.startswith("1902/") for (n,) in numbers)
    full = run(replace(cfg, nightly=replace(cfg.nightly, full=True)))
    assert full.counts["skipped"] == 0 and full.counts["processed"] == 7 and full.register["unchanged"] == 6


def test_a_clean_run_exits_0_and_a_run_with_nothing_new_refreshes_the_outputs(tmp_path: Path) -> None:
    make_dispatches(tmp_path / "inbox", 2)
    cfg = config(tmp_path)
    assert run(cfg).exit_code == 0
    (tmp_path / "out" / "tasks.csv").unlink()
    second = run(replace(cfg, today=date(2030, 1, 1)))
    assert second.exit_code == 0 and second.counts["skipped"] == 2
    assert "overdue" in (tmp_path / "out" / "tasks.csv").read_text(encoding="utf-8-sig")


def test_a_file_that_makes_a_stage_raise_is_quarantined_and_the_run_goes_on(tmp_path: Path, monkeypatch) -> None:
    from pipeline import run as pipeline_run

    real = pipeline_run.stages

    def exploding(doc):
        if "cv-01001" in doc.source.path:
            raise RuntimeError("boom in a stage")
        return doc

    monkeypatch.setattr(pipeline_run, "stages", lambda: [*real(), exploding])
    make_dispatches(tmp_path / "inbox", 3)
    report = run(config(tmp_path))
    failed = [f for f in report.files if f["status"] == "failed"]
    assert report.exit_code == 1 and report.counts["ok"] == 2
    assert [(Path(f["path"]).name, f["code"]) for f in failed] == [("cv-01001.txt", "E099")]
    assert "RuntimeError: boom in a stage" in failed[0]["error"]
    assert len(query(tmp_path / "out" / "register.sqlite", "select doc_id from documents")) == 2


def test_the_same_file_twice_and_the_same_dispatch_as_docx_and_pdf_are_recorded_once(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    stem = "own-10-longan-sgddt-giaymoi-sokethk1"
    shutil.copy(CORPUS / f"{stem}.docx", inbox / "giaymoi.docx")
    shutil.copy(CORPUS / f"{stem}.docx", inbox / "giaymoi - Copy.docx")
    shutil.copy(CORPUS / f"{stem}.pdf", inbox / "giaymoi.pdf")
    report = run(config(tmp_path))
    db = tmp_path / "out" / "register.sqlite"
    assert report.exit_code == 0
    assert len(query(db, "select doc_id from documents")) == 1
    roles = sorted(r for (r,) in query(db, "select role from files"))
    assert roles == ["duplicate", "duplicate", "primary"]
    assert len(report.warnings) == 2 and all("recorded once" in w for w in report.warnings)
    tasks = query(db, "select doc_id, seq, text from tasks")
    assert len(tasks) == len(set(tasks)) > 0


def test_jobs_2_gives_the_same_outputs_as_jobs_1(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    make_dispatches(inbox, 6)
    for stem in ("own-02-brvt-sgddt-hoatoc-tuyensinh", "own-06-binhlac-pgddt-cv-lichchuyenmon"):
        shutil.copy(CORPUS / f"{stem}.docx", inbox)
        shutil.copy(CORPUS / f"{stem}.pdf", inbox)  # the same dispatch twice: which one is primary must not vary
    outputs = {}
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        report = run(replace(config(tmp_path), out=out, jobs=jobs, nightly=NightlySettings(batch_size=4, min_free_mb=0)))
        assert report.exit_code == 0 and report.counts["ok"] == 10
        outputs[jobs] = {name: (out / name).read_bytes() for name in
                         ("documents.jsonl", "tasks.csv", "documents.csv", "obligations.csv", "references.csv")}
    for name, content in outputs[1].items():
        assert outputs[2][name] == content, name


def test_a_busy_lock_stops_the_run_before_it_writes(tmp_path: Path) -> None:
    import subprocess
    import sys

    make_dispatches(tmp_path / "inbox", 1)
    (tmp_path / "out").mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pipeline.ops.lock import RunLock\n"
                               "RunLock(sys.argv[1]).acquire(); print('held', flush=True); time.sleep(60)",
                               str(tmp_path / "out" / ".congvan.lock")], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(PipelineError, match=f"another run holds the lock .* \\(pid {holder.pid},"):
            run(config(tmp_path))
    finally:
        holder.kill()
        holder.wait()
    assert not (tmp_path / "out" / "register.sqlite").exists()


def test_a_stop_request_ends_the_run_and_keeps_the_last_good_outputs(tmp_path: Path) -> None:
    make_dispatches(tmp_path / "inbox", 2)
    cfg = config(tmp_path)
    run(cfg)
    documents = (tmp_path / "out" / "documents.jsonl").read_bytes()
    make_dispatches(tmp_path / "inbox", 2, first=2000)
    stop = threading.Event()
    stop.set()
    with pytest.raises(PipelineError, match="stopped by a signal after 0 of 2 files"):
        run(cfg, stop=stop)
    assert (tmp_path / "out" / "documents.jsonl").read_bytes() == documents
    last = manifest(run_dirs(tmp_path / "out")[-1])
    assert last["status"] == "error" and last["exit_code"] == 2


# ---- an output directory that cannot be written ----

def _first_run(tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    make_dispatches(tmp_path / "inbox", 3)
    conf = write_config(tmp_path / "congvan.toml", f'inbox = "inbox"\nout = "out"\ntoday = {TODAY}\n'
                                                   "[nightly]\nmin_free_mb = 0\nlock_wait_seconds = 0\n")
    assert run(load_config(conf)).exit_code == 0
    make_dispatches(tmp_path / "inbox", 3, first=3000)
    out = tmp_path / "out"
    return conf, out, checksums(out)


def test_an_unwritable_output_directory_is_a_clear_error_and_the_outputs_stay(tmp_path: Path) -> None:
    conf, out, before = _first_run(tmp_path)
    for folder in [out, *[p for p in out.rglob("*") if p.is_dir()]]:
        folder.chmod(0o555)
    try:
        result = run_module("pipeline.ops.nightly", "--config", conf, preexec_fn=without_dac_override())
    finally:
        for folder in [out, *[p for p in out.rglob("*") if p.is_dir()]]:
            folder.chmod(0o755)
    assert result.returncode == 2
    assert result.stderr == f"congvan: cannot write to the output directory {out}: Permission denied\n"
    assert checksums(out) == before


def _file_size_limit(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, like a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.parametrize("where", ["at the start", "in the middle"])
def test_a_full_disk_is_a_clear_error_and_the_outputs_stay(tmp_path: Path, where: str) -> None:
    conf, out, before = _first_run(tmp_path)
    # At the start: the 64 KiB probe fails. In the middle: it passes, then the register or an output fails.
    limit = 32 * 1024 if where == "at the start" else (out / "register.sqlite").stat().st_size + 4096
    result = run_module("pipeline.ops.nightly", "--config", conf, preexec_fn=_file_size_limit(limit))
    assert result.returncode == 2, result.stdout
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr in (f"congvan: cannot write to the output directory {out}: File too large\n",
                             f"congvan: the register database sqlite:///{out}/register.sqlite failed: disk I/O error\n")
    after = checksums(out)
    assert {name: after.get(name) for name in before} == before
    assert all(name.startswith("runs/") for name in set(after) - set(before))  # only the failed run's record


def test_a_nearly_full_disk_is_refused_before_the_run(tmp_path: Path) -> None:
    conf, out, before = _first_run(tmp_path)
    conf.write_text(conf.read_text().replace("min_free_mb = 0", "min_free_mb = 100000000"))
    result = run_module("pipeline.ops.nightly", "--config", conf)
    assert result.returncode == 2
    assert result.stderr.startswith(f"congvan: the output directory {out} is nearly full: ")
    assert result.stderr.endswith("MB free, at least 100000000 MB needed (nightly.min_free_mb)\n")
    assert checksums(out) == before


def test_an_output_directory_inside_the_inbox_is_not_read_as_dispatches(tmp_path: Path) -> None:
    make_dispatches(tmp_path / "inbox", 1)
    cfg = replace(config(tmp_path), out=tmp_path / "inbox" / "out")
    run(cfg)
    second = run(cfg)  # the first run's runs/<id>/summary.txt is a .txt inside the inbox
    assert second.counts["files"] == 1 and second.counts["skipped"] == 1
