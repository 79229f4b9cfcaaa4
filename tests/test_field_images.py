"""Images as input: a multi-page TIFF whose pages were fed sideways and upside down."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluate import match_tasks
from pipeline.ingest import ocr
from pipeline.run import process
from pipeline.serialize import document_record

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
TIFF = CORPUS / "field" / "ninhbinh-tb-ketluan-2017.tif"

pytestmark = pytest.mark.skipif(ocr.unavailable() is not None, reason="Tesseract with vie is not installed")


def test_multipage_tiff_pages_are_turned_upright_and_read():
    doc = process(str(TIFF)).document
    assert doc.source.pages == 3
    assert "page 1: turned 90° upright (Tesseract OSD)" in doc.warnings
    assert "page 3: turned 180° upright (Tesseract OSD)" in doc.warnings
    assert not any("page 2: turned" in w for w in doc.warnings)
    gold = json.loads((CORPUS / "gold" / f"{TIFF.stem}.json").read_text(encoding="utf-8"))
    record = json.loads(json.dumps(document_record(doc), default=str))
    assert (record["doc_type"], record["issuer"]) == (gold["doc_type"], gold["issuer"])
    assert len(match_tasks(record["tasks"], gold["tasks"])) >= len(gold["tasks"]) - 1
    assert {b.page for b in doc.blocks} == {1, 2, 3}
    assert doc.blocks[0].page == 1 and doc.blocks[0].text == "THÔNG BÁO"  # the quarter-turned page, upright
