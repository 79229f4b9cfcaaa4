"""PDF text layers that lie: a scan's invisible garbage OCR layer, blank back sides, split letters.

Field files come from corpus/make_field.py; case tables pin the pieces (layer quality, blank
pages, the split-letter joins, the committed syllable inventory).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.evaluate import match_tasks, number_key
from pipeline.ingest import encodings, ingest, layer, ocr, scanprep
from pipeline.ingest.splitletters import repair_line
from pipeline.run import process
from pipeline.serialize import document_record
from pipeline.text import clean

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
GARBAGE = CORPUS / "field" / "vuquang-44-pgddt-tdkt.pdf"
SPLIT = CORPUS / "field" / "chain-03-canloc-pgddt-tuanle-hoctap.pdf"
needs_ocr = pytest.mark.skipif(ocr.unavailable() is not None, reason="Tesseract with vie is not installed")


@lru_cache(maxsize=None)
def document(path: Path):
    return process(str(path)).document


def gold(path: Path) -> dict:
    return json.loads((CORPUS / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))


def words(text: str) -> list[dict]:
    return [{"text": w} for w in text.split()]


TEXT = ("Để tiếp tục đề ra những giải pháp khắc phục bệnh thành tích trong giáo dục, Sở Giáo dục và "
        "Đào tạo yêu cầu các đơn vị thực hiện các công việc cụ thể như sau")


@pytest.mark.parametrize("text, poor", [
    (TEXT, False),
    (encodings.encode(TEXT, "tcvn3").decode("latin-1"), False),  # a legacy layer is decoded, not OCRed
    ("De tiep tuc de ra nhung giai phap khac phuc benh thanh tich trong giao duc, So Giao duc va Dao tao",
     True),  # diacritics lost
    ("C0NG H0A XA H0l CHU NGHlA VlET NAM Ð0c lap Tu d0 Hanh phuc S0 GlA0 DUC", True),
    ("Nơi nhận: Như trên; UBND tỉnh; Sở GD&ĐT; BCĐ; Lưu: VT, TCCB, KHTC.", False),  # too few words to judge
])
def test_layer_quality(text, poor):
    assert layer.quality(words(text)).poor is poor


def test_blank_page_detection():
    rng = np.random.default_rng(7)
    paper = np.clip(rng.normal(242, 6, (1100, 850)), 0, 255).astype(np.uint8)
    blank = Image.fromarray(paper).convert("RGB")
    written = blank.copy()
    ImageDraw.Draw(written).text((100, 100), "Kính gửi: Các trường trung học cơ sở", fill=(0, 0, 0))
    assert scanprep.is_blank(blank) and not scanprep.is_blank(written)


@needs_ocr
def test_garbage_layer_is_replaced_by_ocr_and_blank_back_side_skipped():
    doc = document(GARBAGE)
    notes = "\n".join(doc.warnings)
    assert "page 1: the text layer does not read as Vietnamese" in notes
    assert "page 3: the text layer does not read as Vietnamese" in notes
    assert "page 2: blank (no ink), skipped" in notes
    assert not any(b.page == 2 for b in doc.blocks)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in "\n".join(b.text for b in doc.blocks)


@needs_ocr
def test_garbage_layer_scan_gives_the_header_and_most_tasks():
    pred, want = document_record(document(GARBAGE)), gold(GARBAGE)
    assert number_key(pred["number"]) == number_key(want["number"])
    assert (pred["issue_date"], pred["signer_name"]) == (want["issue_date"], want["signer_name"])
    assert len(match_tasks(json.loads(json.dumps(pred["tasks"], default=str)), want["tasks"])) >= len(want["tasks"]) - 1


@pytest.mark.parametrize("line, repaired", [
    ("Ngu y ễn Văn A", "Nguyễn Văn A"),
    ("- T hủ tướ ng C h í nh ph ủ ;", "- Thủ tướng Chính phủ ;"),
    ("CỘ NG H ÒA XÃ H ỘI C HỦ NG HĨA VI ỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("UB ND HU YỆN C AN L ỘC", "UBND HUYỆN CAN LỘC"),
    ("Hi ệu trư ởng các trư ờng", "Hiệu trưởng các trường"),
    ("Qu ả ng Ngãi", "Quảng Ngãi"),
    # never two syllables on their shapes alone; never words apart
    ("bà ngoại", "bà ngoại"),
    ("chủ trì phối hợp", "chủ trì phối hợp"),
    ("Sở GD&ĐT và UBND các xã", "Sở GD&ĐT và UBND các xã"),
    ("Lưu: VT, TH.", "Lưu: VT, TH."),
    ("a) Rà soát", "a) Rà soát"),
])
def test_split_letter_repair(line, repaired):
    assert repair_line(line) == repaired


def test_split_letter_pdf_keeps_the_layer_for_provenance_and_repairs_for_extraction():
    doc = document(SPLIT)
    first = doc.blocks[0]
    assert clean(first.raw).startswith("UB ND HU YỆN C AN L ỘC") and first.text.startswith("UBND HUYỆN CAN LỘC")
    frame, want = doc.frame, gold(SPLIT)
    assert (frame.signer_name, frame.issuer_parent) == (want["signer_name"], "UBND huyện Can Lộc")
    assert frame.addressees == want["addressees"]
    record = json.loads(json.dumps(document_record(doc)["tasks"], default=str))
    assert len(match_tasks(record, want["tasks"])) == len(want["tasks"])


def test_syllable_inventory_is_current():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_syllables", ROOT / "rules" / "syllables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "rules" / "syllables.known.yaml").read_text(encoding="utf-8") == module.render(module.inventory())
