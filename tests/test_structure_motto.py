"""A national motto that wraps over lines stays out of the issuer; a diacritic OCR dropped is restored.

Real documents through ingest and structure: .txt and .docx headers with the motto broken at
several places, and the two field PDFs where this went wrong (split letters, an OCR'd scan).
"""
from __future__ import annotations

import ast
import json
from pathlib import Path

import docx
import pytest

from pipeline.ingest import ingest, ocr
from pipeline.run import process
from pipeline.structure import structure
from pipeline.structure.restore import Spellings, restore
from pipeline.syllables import could_be_syllable

ROOT = Path(__file__).resolve().parent.parent
FIELD = ROOT / "corpus" / "field"
needs_ocr = pytest.mark.skipif(ocr.unavailable() is not None, reason="Tesseract with vie is not installed")

BODY = ("Số: 587/PGDĐT-VP\nV/v triển khai Tuần lễ hưởng ứng học tập suốt đời\n\n"
        "Can Lộc, ngày 30 tháng 8 năm 2024\n\n"
        "Kính gửi: Hiệu trưởng các trường mầm non, tiểu học.\n\n"
        "1. Xây dựng kế hoạch tổ chức Tuần lễ, gửi về Phòng GD&ĐT trước ngày 06/9/2024.\n\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTRƯỞNG PHÒNG\n\nNguyễn Văn An\n")
ISSUER = "UBND HUYỆN CAN LỘC\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
MOTTOS = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nNAM",
    "CỘNG HÒA XÃ HỘI\nCHỦ NGHĨA VIỆT NAM",
    "CỘNG\nHOÀ XÃ HỘI CHỦ NGHĨA\nVIỆT NAM",  # three lines, the other tone placement
    "CONG HOA XA HOI CHU NGHIA VIET\nNAM",  # diacritics lost
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VI\nỆT NAM",  # the break inside a word
    "Cộng hòa xã hội chủ nghĩa Việt\nNam",
]


def from_text(tmp_path: Path, text: str) -> object:
    path = tmp_path / "doc.txt"
    path.write_text(text, encoding="utf-8")
    return structure(ingest(path)).frame


@pytest.mark.parametrize("motto", MOTTOS)
def test_wrapped_motto_in_its_own_paragraph(tmp_path, motto):
    frame = from_text(tmp_path, f"{ISSUER}\n\n{motto}\nĐộc lập - Tự do - Hạnh phúc\n\n{BODY}")
    assert (frame.issuer, frame.issuer_parent) == ("Phòng Giáo dục và Đào tạo", "UBND huyện Can Lộc")


@pytest.mark.parametrize("motto", MOTTOS)
def test_wrapped_motto_under_the_issuer_in_one_paragraph(tmp_path, motto):
    frame = from_text(tmp_path, f"{ISSUER}\n{motto}\nĐộc lập - Tự do -\nHạnh phúc\n\n{BODY}")
    assert (frame.issuer, frame.issuer_parent) == ("Phòng Giáo dục và Đào tạo", "UBND huyện Can Lộc")


def test_wrapped_motto_in_two_columns_run_together(tmp_path):
    """A dump that runs the issuer and motto columns together line by line: the motto's last word
    ends the next line."""
    text = ("UBND HUYỆN CAN LỘC CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO NAM\n"
            f"Độc lập - Tự do - Hạnh phúc\n\n{BODY}")
    frame = from_text(tmp_path, text)
    assert (frame.issuer, frame.issuer_parent) == ("Phòng Giáo dục và Đào tạo", "UBND huyện Can Lộc")


@pytest.mark.parametrize("issuer, expected", [
    ("UBND TỈNH QUẢNG NAM\nSỞ NỘI VỤ", ("Sở Nội vụ", "UBND tỉnh Quảng Nam")),  # "NAM" alone stays
    ("UBND TỈNH QUẢNG NAM\nBAN QUẢN LÝ KHU CÔNG\nNGHIỆP", ("Ban Quản lý khu công nghiệp", "UBND tỉnh Quảng Nam")),
])
def test_motto_words_alone_are_no_motto(tmp_path, issuer, expected):
    frame = from_text(tmp_path, f"{issuer}\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n\n{BODY}")
    assert (frame.issuer, frame.issuer_parent) == expected


def test_wrapped_motto_in_a_docx_header_table(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    left, right = table.rows[0].cells
    left.paragraphs[0].text = "UBND HUYỆN CAN LỘC"
    left.add_paragraph("PHÒNG GIÁO DỤC VÀ ĐÀO")
    left.add_paragraph("TẠO")
    right.paragraphs[0].text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT"
    right.add_paragraph("NAM")
    right.add_paragraph("Độc lập - Tự do - Hạnh phúc")
    for paragraph in BODY.split("\n\n"):
        document.add_paragraph(paragraph)
    path = tmp_path / "doc.docx"
    document.save(path)
    frame = structure(ingest(path)).frame
    assert (frame.issuer, frame.issuer_parent) == ("Phòng Giáo dục và Đào tạo", "UBND huyện Can Lộc")


def gold(name: str) -> dict:
    return json.loads((ROOT / "corpus" / "gold" / f"{name}.json").read_text(encoding="utf-8"))


def test_split_letter_pdf_with_the_motto_wrapped():
    """Its motto reads "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" / "NAM" once the letters are joined."""
    frame, want = process(str(FIELD / "chain-03-canloc-pgddt-tuanle-hoctap.pdf")).document.frame, \
        gold("chain-03-canloc-pgddt-tuanle-hoctap")
    assert (frame.issuer, frame.issuer_parent) == (want["issuer"], want["issuer_parent"])


@needs_ocr
def test_scan_signer_title_with_a_lost_diacritic():
    """OCR reads "GIÁO DUC" in the signature; the document spells "Giáo dục" elsewhere."""
    frame = process(str(FIELD / "vuquang-44-pgddt-tdkt.pdf")).document.frame
    want = gold("vuquang-44-pgddt-tdkt")
    assert (frame.signer_title, frame.issuer) == (want["signer_title"], want["issuer"])


SPELLED = ["Phòng Giáo dục và Đào tạo đề nghị các trường", "Chỉ thị về việc học tập"]


@pytest.mark.parametrize("text, restored", [
    ("TRƯỞNG PHÒNG GIÁO DUC VÀ ĐÀO TẠO", "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"),
    ("Giáo Duc và Đào tạo", "Giáo Dục và Đào tạo"),
    ("về viec học tập", "về việc học tập"),  # the neighbour after
    ("DUC", "DUC"),  # no neighbour to go by
    ("đạo DUC", "đạo DUC"),  # a neighbour the document never puts beside it
    ("Lưu: VT, UBND", "Lưu: VT, UBND"),  # abbreviations could be no syllable at all
])
def test_restore_from_the_documents_own_spelling(text, restored):
    assert restore(text, Spellings(SPELLED)) == restored


def test_restore_leaves_a_word_with_two_readings():
    assert restore("GIÁO DUC", Spellings(["giáo dục", "giáo đức"])) == "GIÁO DUC"


@pytest.mark.parametrize("word, possible", [
    ("DUC", True), ("TRUONG", True), ("viec", True), ("UBND", False), ("THCS", False), ("COVID", False),
])
def test_could_be_syllable(word, possible):
    assert could_be_syllable(word) is possible


def test_ingest_does_not_depend_on_structure():
    """Stages import downwards: the readers share the syllable inventory through pipeline.syllables."""
    for path in (ROOT / "pipeline" / "ingest").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert "structure" not in (node.module or ""), f"{path.name} imports {node.module}"
