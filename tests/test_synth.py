"""The synthetic dispatch generator of `make bench`: seeded, varied, and readable by the pipeline."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from pipeline import synth
from pipeline.evaluate import Scores, score_document
from pipeline.run import process
from pipeline.serialize import document_record

SAMPLE = [synth.dispatch(i) for i in range(200)]
TYPES = ("Công văn", "Kế hoạch", "Hướng dẫn", "Thông báo", "Quyết định", "Chỉ thị", "Giấy mời")


def short_one(doc_type: str) -> synth.Dispatch:
    """The first dispatch of the sample of this type that is at most two pages long."""
    return next(d for d in SAMPLE if d.gold["doc_type"] == doc_type and d.pages <= 2)


@pytest.mark.parametrize("index", [0, 1, 57, 100_003])
def test_the_same_arguments_give_the_same_dispatch(index):
    a, b = synth.dispatch(index, seed=0), synth.dispatch(index, seed=0)
    assert (a.stem, a.text, a.gold, a.pages) == (b.stem, b.text, b.gold, b.pages)


def test_another_seed_gives_another_set():
    assert synth.dispatch(3, seed=0).text != synth.dispatch(3, seed=1).text
    assert synth.dispatch(3, seed=0).stem != synth.dispatch(3, seed=1).stem


def test_a_set_is_varied():
    assert set(Counter(d.gold["doc_type"] for d in SAMPLE)) == set(TYPES)
    assert {d.pages for d in SAMPLE} == set(range(1, 11))
    assert len({d.gold["issuer"] for d in SAMPLE}) >= 7  # ministry down to a school
    assert len({d.text for d in SAMPLE}) == len(SAMPLE)


@pytest.mark.parametrize("shape", [
    "| Số:",  # the header as a pipe table (web dumps)
    "CỘNG HOÀ",  # old tone placement
    "Độc lập – Tự do",  # en dash in the motto
    " /",  # "Số: 15 /HD-PGDĐT"
    "| TT |",  # a task table
    "\n+ ",  # a plus list inside a dash list
    ". Tháng ",  # a schedule heading ("2. Tháng 11/2024")
    "KT. ",  # a deputy's signature
    "\na) ",  # lettered points
    "Kính gửi:\n- ",  # addressees as a list
])
def test_the_corpus_shapes_occur(shape):
    assert any(shape in d.text for d in SAMPLE)


def test_a_blank_day_gives_a_month_only_date():
    blank = [d for d in SAMPLE if len(d.gold["issue_date"]) == 7]
    assert blank and all("ngày     tháng" in d.text for d in blank)


def test_gold_has_the_corpus_gold_shape():
    gold = SAMPLE[0].gold
    for key in ("number", "doc_type", "issuer", "issuer_parent", "place", "issue_date", "subject", "addressees",
                "recipients", "signer_title", "signer_name", "references", "tasks"):
        assert key in gold
    for task in (t for d in SAMPLE for t in d.gold["tasks"]):
        assert set(task) == {"anchor", "assignees", "deadline", "deadline_text", "recurrence"}
        assert task["anchor"] and task["assignees"]
    json.dumps([d.gold for d in SAMPLE], ensure_ascii=False)


@pytest.mark.parametrize("doc_type", TYPES)
def test_the_pipeline_reads_what_the_generator_wrote(tmp_path, doc_type):
    d = short_one(doc_type)
    path = tmp_path / f"{d.stem}.txt"
    path.write_text(d.text, encoding="utf-8")
    result = process(str(path))
    assert result.status == "ok", result.error
    scores = Scores()
    score_document(document_record(result.document), d.gold, scores, d.stem)
    table = scores.table()
    for key in ("number", "doc_type", "issue_date", "issuer", "signer_name"):
        assert table[key] == 1.0, (key, scores.misses)
    assert table["tasks_r"] >= 0.7 and table["tasks_p"] >= 0.7, scores.misses


def test_sets_are_written_once_and_grow_without_changing(tmp_path):
    first = synth.build_sets(tmp_path, 0, {"txt": 3}, jobs=1, log=lambda _: None)["txt"][0]
    before = {p.name: p.read_bytes() for p in first.glob("*.txt")}
    assert len(before) == 3 and synth.shard_info(first)["files"] == 3
    synth.build_sets(tmp_path, 0, {"txt": 5}, jobs=1, log=lambda _: None)
    after = {p.name: p.read_bytes() for p in first.glob("*.txt")}
    assert len(after) == 5 and all(after[name] == data for name, data in before.items())
    assert len(list((tmp_path / "gold").glob("*.json"))) == 5


def test_a_docx_rendering_reads_back(tmp_path):
    pytest.importorskip("docx")
    if not synth.RENDERER.exists():
        pytest.skip("corpus/make_renderings.py is not here")
    d = short_one("Kế hoạch")
    path = synth._write_docx([d], tmp_path, tmp_path)[0]
    result = process(str(path))
    assert result.status == "ok", result.error
    frame = result.document.frame
    assert (frame.number, frame.doc_type, frame.issue_date) == (d.gold["number"], d.gold["doc_type"], d.gold["issue_date"])
