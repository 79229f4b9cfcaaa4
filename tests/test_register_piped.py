"""With `--jobs 2` the workbook is written by a process of its own, fed its rows through a pipe: the
same workbook as one written here; a writer that dies leaves the workbook to this process; a workbook
that cannot be written is the run's clear error."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline.batch import run_batch
from pipeline.register import piped, update
from pipeline.register.errors import RegisterError
from pipeline.register.store import Store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TODAY = date(2024, 11, 20)


@pytest.fixture(scope="module")
def register(tmp_path_factory) -> Path:
    """A register of six dispatches, its outputs written here (`--jobs 1`)."""
    root = tmp_path_factory.mktemp("piped")
    inbox = root / "in"
    inbox.mkdir()
    for path in sorted(CORPUS.glob("*.txt"))[6:12]:
        shutil.copy(path, inbox / path.name)
    summary = run_batch([str(inbox)], root / "here", jobs=1, today=TODAY)
    assert summary.tasks > 10 and summary.failed == 0
    return root / "here"


def _sheets(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path)  # full mode: cells' formats too
    return {sheet.title: [tuple((c.value, c.number_format, c.alignment.wrap_text, c.quotePrefix) for c in row)
                          for row in sheet.iter_rows()]
            for sheet in book.worksheets}


def _not_here(*args, **kwargs):
    raise AssertionError("the workbook was written in this process")


def _write(register: Path, out: Path) -> list[Path]:
    store = Store.open(None, register)
    try:
        return update.write_outputs(store, out, TODAY, jobs=2)
    finally:
        store.close()


def test_the_writer_process_writes_the_same_workbook(register, tmp_path, monkeypatch):
    started = []
    original = piped.PipedWriter.__init__

    def spy(self, path):
        original(self, path)
        started.append(self._process.pid)

    monkeypatch.setattr(piped.PipedWriter, "__init__", spy)
    monkeypatch.setattr(update, "write_workbook", _not_here)
    written = _write(register, tmp_path)
    assert len(started) == 1, "one writer process"
    assert tmp_path / "register.xlsx" in written
    here, there = _sheets(register / "register.xlsx"), _sheets(tmp_path / "register.xlsx")
    assert here == there and len(here["Nhiệm vụ"]) > 10


def test_a_writer_that_dies_leaves_the_workbook_to_this_process(register, tmp_path, monkeypatch):
    monkeypatch.setattr(piped, "WRITER", "pipeline.register.no_such_writer")  # exits at once, reading nothing
    here = []
    original = update.write_workbook
    monkeypatch.setattr(update, "write_workbook", lambda path, tables: here.append(path) or original(path, tables))
    _write(register, tmp_path)
    assert here == [tmp_path / "register.xlsx"]
    assert _sheets(tmp_path / "register.xlsx") == _sheets(register / "register.xlsx")


def test_a_workbook_that_cannot_be_written_is_a_clear_error(register, tmp_path, monkeypatch):
    monkeypatch.setattr(update, "write_workbook", _not_here)  # the writer process's own error, not a retry here
    (tmp_path / "register.xlsx").mkdir()  # in the way of the file the writer process replaces
    with pytest.raises(RegisterError) as raised:
        _write(register, tmp_path)
    assert raised.value.code == "R005" and "register.xlsx" in str(raised.value)
    assert (tmp_path / "tasks.csv").exists(), "the other exports were written"
    assert not list(tmp_path.glob(".register.xlsx.*")), "no temporary file left"


def test_a_writer_that_cannot_start_leaves_the_workbook_to_this_process(register, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(piped.subprocess, "Popen", refuse)
    _write(register, tmp_path)
    assert _sheets(tmp_path / "register.xlsx") == _sheets(register / "register.xlsx")
