"""Scanned PDFs and photos: per-page OCR into word boxes, so a scan reads like its text PDF.

The scans in corpus/scans/ are the corpus PDFs printed, sealed and scanned back by
corpus/make_scans.py. Each is OCRed once per test session (module fixture), never cached between
runs.
"""
from __future__ import annotations

import importlib.util
import io
import math
import re
import struct
import zlib

import numpy as np
import pypdf
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw

from pipeline.errors import DocumentError
from pipeline.ingest import ingest, ocr, ocrfix, scanprep
from pipeline.ingest.ocr_accuracy import char_accuracy, flatten
from pipeline.text import fold

from .conftest import CORPUS, ROOT

_spec = importlib.util.spec_from_file_location("make_scans", ROOT / "corpus" / "make_scans.py")
make_scans = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_scans)

SCANS = CORPUS / "scans"
STEMS = sorted(make_scans.ROTATION)
MOTTO = fold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
needs_tesseract = pytest.mark.skipif(ocr.unavailable() is not None, reason=f"OCR unavailable: {ocr.unavailable()}")


@pytest.fixture(scope="module")
def scanned():
    """Each scan of corpus/scans read once for this module."""
    return {stem: ingest(SCANS / f"{stem}.pdf") for stem in STEMS}


def test_scans_are_current_with_their_source_pdfs():
    assert make_scans.stale() == [], "run: python corpus/make_scans.py"


def test_scans_are_small_image_only_pdfs():
    for stem in STEMS:
        path = SCANS / f"{stem}.pdf"
        assert path.stat().st_size < 500_000
        reader = pypdf.PdfReader(path)
        assert all(not page.extract_text().strip() for page in reader.pages)


@needs_tesseract
@pytest.mark.parametrize("stem", STEMS)
def test_scan_text_matches_its_text_pdf(scanned, stem):
    reference = flatten([b.text for b in ingest(CORPUS / f"{stem}.pdf").blocks])
    accuracy = char_accuracy(flatten([b.text for b in scanned[stem].blocks]), reference)
    assert accuracy >= 0.97, f"{stem}: character accuracy {accuracy:.2%}"


@needs_tesseract
@pytest.mark.parametrize("stem", STEMS)
def test_scan_header_columns_are_separate_blocks(scanned, stem):
    doc = scanned[stem]
    motto = [b for b in doc.blocks[:12] if MOTTO in fold(b.text)]
    assert motto, [b.text for b in doc.blocks[:6]]
    block = motto[0]
    assert fold(block.text).startswith(MOTTO) and block.bbox[0] > 200, block.text
    left = [b for b in doc.blocks[: block.id] if b.page == 1]
    assert left and all(b.bbox[2] < block.bbox[0] + 40 for b in left)


@needs_tesseract
@pytest.mark.parametrize("stem", STEMS)
def test_each_page_notes_its_confidence_and_straightening(scanned, stem):
    notes = scanned[stem].warnings
    pages = len(pypdf.PdfReader(SCANS / f"{stem}.pdf").pages)
    assert len(notes) == pages
    for note in notes:
        found = re.match(r"page \d+: OCR, mean confidence (\d+)(?:, deskewed ([-+][\d.]+)°)?$", note)
        assert found and int(found.group(1)) >= 85, note
        angle = float(found.group(2) or 0)
        assert abs(angle + make_scans.ROTATION[stem]) <= 0.3, note


@needs_tesseract
@pytest.mark.parametrize("stem", STEMS)
def test_signer_name_is_read_through_the_red_seal(scanned, stem):
    import json

    name = json.loads((CORPUS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))["signer_name"]
    assert any(fold(name) in fold(b.text) for b in scanned[stem].blocks)


@needs_tesseract
def test_the_choice_is_per_page(tmp_path):
    """A text page keeps its text layer; only the scanned page is OCRed."""
    stem = "haugiang-24-sgddt-vp"
    writer = pypdf.PdfWriter()
    writer.add_page(pypdf.PdfReader(CORPUS / f"{stem}.pdf").pages[0])
    writer.add_page(pypdf.PdfReader(SCANS / f"{stem}.pdf").pages[1])
    path = tmp_path / "mixed.pdf"
    with path.open("wb") as out:
        writer.write(out)
    doc = ingest(path)
    assert len(doc.warnings) == 1 and doc.warnings[0].startswith("page 2: OCR")
    text_page = [b.text for b in ingest(CORPUS / f"{stem}.pdf").blocks if b.page == 1]
    assert [b.text for b in doc.blocks if b.page == 1] == text_page
    assert any("Nguyễn Hoài Thúy Hằng" in b.text for b in doc.blocks if b.page == 2)


def test_without_tesseract_a_scan_fails_clearly(monkeypatch):
    monkeypatch.setattr(ocr, "unavailable", lambda: "Tesseract is not installed (Debian packages tesseract-ocr, tesseract-ocr-vie)")
    path = SCANS / "ttg-2403-ttg-kgvx.pdf"
    with pytest.raises(DocumentError) as info:
        ingest(path)
    assert info.value.code == "E017"
    assert str(info.value) == (f"{path}: scanned: needs OCR, but Tesseract is not installed "
                               "(Debian packages tesseract-ocr, tesseract-ocr-vie)")


@needs_tesseract
def test_a_photo_goes_through_the_same_ocr(tmp_path):
    pdf = pdfium.PdfDocument(str(SCANS / "bxd-2214-bxd-qln.pdf"))
    image = pdf[0].render(scale=200 / 72).to_pil().convert("RGB")
    pdf.close()
    path = tmp_path / "photo.jpg"
    image.save(path, quality=80, dpi=(200, 200))
    doc = ingest(path)
    assert doc.source.format == "jpeg" and doc.source.pages == 1
    assert any(fold(b.text).startswith(MOTTO) for b in doc.blocks[:6])


@pytest.mark.parametrize("words, expected", [
    ([], False),
    ([{"text": " "}], False),
    ([{"text": "(cid:12)(cid:13)"}, {"text": "(cid:14)"}], False),
    ([{"text": "Số:"}, {"text": "24/SGDĐT-VP"}], True),
    ([{"text": "2"}], True),
])
def test_usable_text_layer(words, expected):
    assert ocr.usable(words) is expected


HOCR = b"""<?xml version="1.0" encoding="UTF-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><body><div class='ocr_page' title='bbox 0 0 2480 3508'>
<span class='ocr_line' title="bbox 400 230 2200 300; baseline 0.001 -10; x_size 60; x_descenders 11">
<span class='ocrx_word' title='bbox 400 250 545 288; x_wconf 92'>UBND</span>
<span class='ocrx_word' title='bbox 1200 231 1400 290; x_wconf 88'><strong>CO\xcc\x82\xcc\xa3NG</strong></span>
<span class='ocrx_word' title='bbox 1500 231 1600 290; x_wconf 10'> </span>
</span></div></body></html>"""


def test_hocr_words_sit_on_their_line_baseline_in_points():
    k = 72 / 300
    words = ocr.parse_hocr(HOCR, k)
    assert [w["text"] for w in words] == ["UBND", "CỘNG"]  # NFC, empty words dropped
    first, second = words
    assert first["bottom"] == pytest.approx(290 * k)
    assert second["bottom"] == pytest.approx((290 + 0.001 * 800) * k)
    assert first["size"] == pytest.approx(round(60 * 0.9 * k, 1))
    assert first["top"] == pytest.approx(first["bottom"] - 60 * 0.9 * k)
    assert (first["x0"], first["x1"], first["conf"]) == (pytest.approx(400 * k), pytest.approx(545 * k), 92)


def _lines_image(angle: float) -> Image.Image:
    image = Image.new("L", (1200, 1600), 255)
    pen = ImageDraw.Draw(image)
    for y in range(150, 1450, 45):
        for x in range(100, 1100, 70):
            pen.rectangle((x, y, x + 50, y + 18), fill=0)
    return image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)


@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.0, 1.2, 2.5])
def test_skew_is_measured(angle):
    assert scanprep.skew_angle(_lines_image(angle)) == pytest.approx(-angle, abs=0.15)


def test_red_seal_becomes_paper_and_black_text_stays():
    image = Image.new("RGB", (40, 10), (250, 250, 245))
    image.paste((205, 35, 45), (0, 0, 20, 10))
    image.paste((10, 10, 10), (20, 0, 30, 10))
    gray = np.asarray(scanprep.drop_red(image))
    assert gray[:, :20].min() == 255 and gray[:, 20:30].max() < 20 and gray[:, 30:].min() > 240


def test_otsu_separates_ink_from_paper():
    rng = np.random.default_rng(1)
    pixels = np.concatenate([rng.normal(40, 10, 2000), rng.normal(220, 10, 8000)]).clip(0, 255).astype(np.uint8)
    assert 80 < scanprep.otsu(pixels) < 180


def test_accuracy_measure():
    assert char_accuracy("Cộng hòa", "Cộng hòa") == 1.0
    assert char_accuracy("Cong hòa", "Cộng hòa") == pytest.approx(1 - 1 / 8)
    assert math.isclose(char_accuracy("", "abc"), 0.0)


def test_image_bytes_that_are_not_an_image_fail_clearly(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(DocumentError) as info:
        ingest(path)
    assert info.value.code in ("E021", "E017") and str(info.value).startswith(str(path))


def test_ocr_render_uses_no_file_named_after_the_input(tmp_path, monkeypatch):
    """Tesseract reads the page from a pipe: a hostile file name never reaches a command line."""
    seen = []
    real_run = ocr.subprocess.run

    def recording_run(command, *args, **kwargs):
        seen.append(command)
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(ocr.subprocess, "run", recording_run)
    image = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    path = tmp_path / "; rm -rf ~ $(x).png"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(DocumentError):
        ingest(path)  # a blank picture: no text
    assert seen and all(str(path) not in " ".join(map(str, c)) for c in seen)


def test_an_image_too_large_to_decode_is_refused_before_decoding(tmp_path):
    """Only the header is read: a 10000×10000 PNG of a few bytes is no memory bomb here."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 10000, 10000, 8, 0, 0, 0, 0))
    path = tmp_path / "bomb.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + header + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
    if ocr.unavailable():
        pytest.skip("OCR unavailable")
    with pytest.raises(DocumentError) as info:
        ingest(path)
    assert info.value.code == "E021" and "too large" in str(info.value)


@pytest.mark.parametrize("raw, expected", [
    ("LĐÐTBXH", "LĐTBXH"), ("GD&ĐÐT.", "GD&ĐT."), ("SGDÐT", "SGDĐT"), ("Ðà", "Đà"), ("Vie\u0323\u0302t", "Việt"),
    ("Ñguyễn", "Nguyễn"), ("V¿v", "V/v"), ("ÇÔNG", "CÔNG"), ("Hoäng", "Hoang"), ("¿", "/"),
])
def test_fix_word(raw, expected):
    assert ocrfix.fix_word(raw) == expected


def test_fix_word_keeps_every_vietnamese_letter():
    """Each vowel with each tone, and đ, in both cases, comes out as it went in."""
    import unicodedata

    vowels = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
    letters = [unicodedata.normalize("NFC", v + t) for v in vowels for t in ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")]
    word = "".join(letters) + "đ"
    assert ocrfix.fix_word(word) == word and ocrfix.fix_word(word.upper()) == word.upper()


@pytest.mark.parametrize("line, expected", [
    ("Bộ Xây dựng để nghị Bộ Tài chính", "Bộ Xây dựng đề nghị Bộ Tài chính"),
    ("Để nghị các đơn vị", "Đề nghị các đơn vị"),
    ("các vấn để xã hội", "các vấn đề xã hội"),
    ("để xuất khẩu gạo", "để xuất khẩu gạo"),  # a real "để xuất": left alone
    ("Số: 142/2008/QĐ-TTE ngày", "Số: 142/2008/QĐ-TTg ngày"),
    ("TTE", "TTE"),  # only parts of a symbol
])
def test_fix_pairs(line, expected):
    words = [{"text": t} for t in line.split()]
    assert " ".join(w["text"] for w in ocrfix.fix_pairs(words)) == expected
