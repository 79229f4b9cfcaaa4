"""The register on real corpus files, through `pipeline.run.process` with whatever stages exist.

These tests hold however much the structure and task stages fill in: every processed file is
either a document of the register or a recognized duplicate, and the register holds exactly the
tasks the stages gave for the documents it keeps.
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from pipeline.batch import run_batch

from .conftest import CORPUS, corpus_stems

TODAY = date(2024, 11, 20)


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus-register")
    stems = corpus_stems()[:6]
    inputs = [str(CORPUS / f"{stem}.txt") for stem in stems]
    summary = run_batch(inputs, out, today=TODAY)
    return out, summary


def test_every_file_is_a_document_or_a_duplicate(corpus_run):
    out, summary = corpus_run
    counts = summary.register.counts
    assert counts["files_seen"] == summary.files == 6
    assert counts["added"] + counts["duplicates"] == summary.ok and counts["failed"] == summary.failed
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig")
    assert len(docs) == counts["added"]


def test_the_register_holds_the_tasks_the_stages_gave(corpus_run):
    out, summary = corpus_run
    records = [json.loads(line) for line in (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()]
    kept = set(pd.read_csv(out / "documents.csv", encoding="utf-8-sig")["sha256"])
    expected = sum(len(r["tasks"]) for r in records if r["sha256"] in kept)
    tasks = pd.read_csv(out / "tasks.csv", encoding="utf-8-sig")
    assert len(tasks) == expected
    assert set(tasks["status"]) <= {"overdue", "due_soon", "open", "no_deadline"}
    for name in ("register.xlsx", "report.html", "obligations.csv", "tasks.parquet", "import/documents.json"):
        assert (out / name).exists(), name


def test_renderings_of_one_dispatch_are_recorded_once(tmp_path):
    stem = "vuquang-44-pgddt-tdkt"
    inputs = [str(CORPUS / f"{stem}.{ext}") for ext in ("docx", "pdf", "txt")]
    summary = run_batch(inputs, tmp_path, today=TODAY)
    assert summary.ok == 3
    assert summary.register.counts["added"] == 1 and summary.register.counts["duplicates"] == 2
    assert len(summary.warnings) == 2 and all("recorded once" in w for w in summary.warnings)
    docs = pd.read_csv(tmp_path / "documents.csv", encoding="utf-8-sig")
    assert len(docs) == 1 and docs["source"].iloc[0] == inputs[0]
    assert docs["duplicates"].iloc[0] == f"{inputs[1]}; {inputs[2]}"
