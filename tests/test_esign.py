"""E-office PDFs: the number and the day stamped into signature widgets, the signatures themselves, and
a routing note typed over the page by the receiving office.

The committed field file comes from corpus/make_signed.py; each test that signs makes its own file
from revision 0 of that file (the dispatch as printed, number and day blank) with a fresh throwaway
certificate, so nothing here depends on the committed signatures.
"""
from __future__ import annotations

import io
import json
import sys
import time
import zlib
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from pipeline.evaluate import _group, number_key
from pipeline.ingest import annots, ingest
from pipeline.run import process
from pipeline.serialize import document_record

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURE = CORPUS / "field" / "own-11-tanphuoc-ubndxa-tb-ketluan.pdf"
sys.path.insert(0, str(CORPUS))

import make_signed  # noqa: E402

GOLD = json.loads((CORPUS / "gold" / f"{FIXTURE.stem}.json").read_text(encoding="utf-8"))
NOTE = "Chuyển bộ phận Văn hóa - Xã hội xử lý."


@lru_cache(maxsize=None)
def record(path: Path) -> dict:
    result = process(str(path))
    assert result.status == "ok", result.error
    return json.loads(json.dumps(document_record(result.document), default=str))


def unsigned() -> bytes:
    return make_signed.original_revision(FIXTURE.read_bytes())


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> tuple[Path, datetime]:
    """Revision 0 stamped with another number and day, signed now by a new certificate, noted."""
    at = datetime.now(timezone(timedelta(hours=7))).replace(microsecond=0)
    signer = make_signed.throwaway_signer("Văn thư UBND xã Thử Nghiệm", "UBND huyện Thử Nghiệm")
    path = tmp_path_factory.mktemp("esign") / "signed.pdf"
    path.write_bytes(make_signed.add_note(make_signed.sign(unsigned(), signer, number="542", day="06", at=at)))
    return path, at


def test_fixture_is_scored_as_a_field_pdf():
    assert FIXTURE.exists() and _group(FIXTURE.relative_to(ROOT)) == "field/pdf"


def test_fixture_reads_the_stamped_number_and_day():
    pred = record(FIXTURE)
    assert number_key(pred["number"]) == number_key(GOLD["number"])
    assert pred["issue_date"] == GOLD["issue_date"]
    assert not [w for w in pred["warnings"] if w.startswith(("W101", "W102", "W104", "W110"))]


def test_fixture_signatures():
    pred = record(FIXTURE)
    assert datetime.fromisoformat(pred["signed_at"]) == make_signed.SIGNED_AT + timedelta(minutes=1)
    assert pred["signed_by"] == {"name": make_signed.ISSUER, "organization": make_signed.PARENT}


def test_fresh_signature_stamps_its_own_number_and_day(fresh):
    path, at = fresh
    pred = record(path)
    assert pred["number"] == "542/TB-UBND"
    assert pred["issue_date"] == "2024-07-06"
    assert datetime.fromisoformat(pred["signed_at"]) == at + timedelta(minutes=1)
    assert pred["signed_by"] == {"name": "Văn thư UBND xã Thử Nghiệm", "organization": "UBND huyện Thử Nghiệm"}
    doc = ingest(path)
    assert [s.field_name for s in doc.signatures] == ["SoVanBan", "NgayBanHanh"]
    # Plain str, not pyHanko's str subclass: a worker's result unpickled in the driver must not make
    # it import pyHanko (a hundred modules) to rebuild the value.
    assert {type(value) for s in doc.signatures for value in vars(s).values() if value is not None} == {str}


def test_without_the_stamp_the_blanks_fall_back_with_warnings(tmp_path):
    path = tmp_path / "unsigned.pdf"
    path.write_bytes(unsigned())
    pred = record(path)
    assert pred["number"] == "/TB-UBND"
    assert pred["issue_date"] == GOLD["issue_date"][:7]
    assert any(w.startswith("W102") for w in pred["warnings"])
    assert any(w.startswith("W110") for w in pred["warnings"])
    assert pred["signed_at"] is None and pred["signed_by"] is None


@pytest.mark.parametrize("which", ["fixture", "fresh"])
def test_routing_note_is_an_overlay_never_a_task_nor_a_header_field(which, fresh):
    path = FIXTURE if which == "fixture" else fresh[0]
    pred, doc = record(path), ingest(path)
    notes = [b for b in doc.blocks if b.kind == "overlay"]
    assert len(notes) == 1 and notes[0].text.startswith(NOTE) and notes[0].page == 1
    assert [o["text"] for o in pred["provenance"]["overlays"]] == [notes[0].text]
    header = json.dumps({k: v for k, v in pred.items() if k not in ("provenance", "warnings")}, ensure_ascii=False)
    assert "Chuyển bộ phận" not in header and "23/07/2024" not in header
    assert len(pred["tasks"]) == len(GOLD["tasks"])
    assert all(pred[k] == GOLD[k] for k in ("issuer", "issuer_parent", "place", "signer_name"))


# A stamp's line against the printed line "Số:" ... "/TB-UBND" (x 119-138 and 174-235, top 97.6).
PRINTED = [{"text": t, "x0": x0, "x1": x1, "top": 97.6, "bottom": 110.6, "upright": True}
           for t, x0, x1 in (("S", 119.4, 126.6), (":", 134.6, 138.2), ("/", 173.9, 177.5), ("D", 225.8, 235.2))]


@pytest.mark.parametrize("x0, x1, top, fills", [
    (147.4, 163.2, 100.1, True),  # in the blank, a little low: moved onto the line
    (140.0, 150.0, 93.0, True),  # a little high
    (170.0, 185.0, 97.6, False),  # over printed text: a note, not a fill
    (300.0, 320.0, 97.6, False),  # far from any printed text of the line
    (240.0, 255.0, 97.6, False),  # after the line's end: no label before it
    (147.4, 163.2, 120.0, False),  # below the line
])
def test_fill_rule(x0, x1, top, fills):
    word = {"text": "46", "x0": x0, "x1": x1, "top": top, "bottom": top + 13, "doctop": top, "upright": True,
            "size": 13.0}
    moved = annots._fill([word], PRINTED)
    assert bool(moved) is fills
    assert not moved or (moved[0]["top"], moved[0]["bottom"]) == (97.6, 110.6)


def _form(writer, content: bytes, compress: bool = False):
    attrs = {pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
             pdf_name("/BBox"): generic.ArrayObject([generic.NumberObject(v) for v in (0, 0, 40, 14)])}
    if compress:
        attrs[pdf_name("/Filter")] = pdf_name("/FlateDecode")
        return writer.add_object(generic.StreamObject(attrs, encoded_data=zlib.compress(content, 9)))
    return writer.add_object(generic.StreamObject(attrs, stream_data=content))


def _stamp(writer, page_ref, form_ref, x: float) -> None:
    """A Stamp annotation in the bottom margin, drawn by the form."""
    annot = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/Stamp"),
        pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (x, 10, x + 40, 24)]),
        pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): form_ref})})
    writer.register_annotation(page_ref, writer.add_object(annot))


def hostile(count: int = 3000) -> bytes:
    """Revision 0 with a flate bomb, a huge plain stream and a form that draws itself as the first
    appearances, then thousands of small stamps."""
    writer = IncrementalPdfFileWriter(io.BytesIO(unsigned()), strict=False)
    page_ref, _ = writer.find_page_for_modification(0)
    _stamp(writer, page_ref, _form(writer, b"0 0 m 1 1 l S\n" * 4_000_000, compress=True), 10)  # 56 MB
    _stamp(writer, page_ref, _form(writer, b"% padding\n" * 200_000), 60)  # 2 MB as stored
    loop_form = _form(writer, b"/X Do")
    loop_form.get_object()[pdf_name("/Resources")] = generic.DictionaryObject(
        {pdf_name("/XObject"): generic.DictionaryObject({pdf_name("/X"): loop_form})})
    _stamp(writer, page_ref, loop_form, 110)
    small = _form(writer, b"BT /Helv 9 Tf 2 3 Td (x) Tj ET")
    helvetica = generic.DictionaryObject({pdf_name("/Type"): pdf_name("/Font"), pdf_name("/Subtype"): pdf_name("/Type1"),
                                          pdf_name("/BaseFont"): pdf_name("/Helvetica")})
    small.get_object()[pdf_name("/Resources")] = generic.DictionaryObject(
        {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/Helv"): helvetica})})
    for k in range(count):
        _stamp(writer, page_ref, small, 160 + k % 300)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_hostile_annotations_stay_bounded_and_the_text_still_reads(tmp_path):
    path = tmp_path / "hostile.pdf"
    path.write_bytes(hostile())
    start = time.perf_counter()
    pred = record(path)
    assert time.perf_counter() - start < 60
    assert pred["number"] == "/TB-UBND" and pred["issuer"] == GOLD["issuer"]
    assert len(pred["tasks"]) == len(GOLD["tasks"])


def test_bounded_decoding_refuses_bombs_without_decoding_them():
    import pdfplumber

    with pdfplumber.open(io.BytesIO(hostile(count=5))) as pdf:
        page = pdf.pages[0]
        forms = [annots._normal_appearance(a) for a, _ in annots._annotations(page, annots.Budget())]
        budget = annots.Budget()
        assert [annots.load(f, budget) for f in forms[:2]] == [False, False]
        assert all(f.data is None for f in forms[:2])  # refused before decoding anything big
        assert budget.bytes == annots.MAX_BYTES


def test_free_text_note_without_appearance_is_read_from_its_contents(tmp_path):
    """Some viewers save a typed note with /Contents only and draw it themselves."""
    writer = IncrementalPdfFileWriter(io.BytesIO(unsigned()), strict=False)
    page_ref, _ = writer.find_page_for_modification(0)
    annot = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/FreeText"),
        pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (20, 300, 80, 500)]),
        pdf_name("/Contents"): generic.TextStringObject(f"{NOTE} Hạn báo cáo trước ngày 30/7/2024."),
        pdf_name("/DA"): generic.TextStringObject("/Helv 10 Tf 0 0 1 rg")})
    writer.register_annotation(page_ref, writer.add_object(annot))
    path = tmp_path / "note.pdf"
    with path.open("wb") as out:
        writer.write(out)
    pred, doc = record(path), ingest(path)
    notes = [b.text for b in doc.blocks if b.kind == "overlay"]
    assert notes == [f"{NOTE} Hạn báo cáo trước ngày 30/7/2024."]
    assert len(pred["tasks"]) == len(GOLD["tasks"])
    assert not any("30/7/2024" in (t["deadline_text"] or "") or NOTE in t["text"] for t in pred["tasks"])


def test_note_printed_sideways_in_the_margin_is_an_overlay(tmp_path):
    """A routing note typed turned a quarter in the left margin, in the page content itself."""
    data = unsigned()
    codes = make_signed.font_codes(data)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    turned = b"q 0 1 -1 0 50 330 cm\n" + make_signed.note_stream(codes, 250) + b"\nQ"
    writer.add_stream_to_page(0, writer.add_object(generic.StreamObject(stream_data=turned)))
    path = tmp_path / "margin.pdf"
    with path.open("wb") as out:
        writer.write(out)
    pred, doc = record(path), ingest(path)
    notes = [b.text for b in doc.blocks if b.kind == "overlay"]
    assert len(notes) == 1 and notes[0].startswith(NOTE) and "23/07/2024" in notes[0]
    assert [b.bbox[0] < 60 for b in doc.blocks if b.kind == "overlay"] == [True]  # the left margin
    assert len(pred["tasks"]) == len(GOLD["tasks"])
    assert not any(NOTE in t["text"] for t in pred["tasks"])
    assert pred["issuer"] == GOLD["issuer"] and pred["number"] == "/TB-UBND"


@pytest.mark.parametrize("text, following, number", [
    ("Số:", "/TB-UBND", "/TB-UBND"),  # the blank left for the number, no stamp
    ("Số:", "46/TB-UBND", "46/TB-UBND"),
    ("Số: 46", "/TB-UBND", "46/TB-UBND"),  # a stamp with a gap after it
    ("Số: 46/TB-UBND", "V/v kết luận", None),  # complete on its own line
    ("Số:", "V/v kết luận", None),
    ("Tân Phước, ngày", "tháng 7 năm 2024", None),
])
def test_number_wrapped(text, following, number):
    from pipeline.structure.fields import number_wrapped
    from pipeline.structure.rulebook import header_rules

    assert number_wrapped(text, following, header_rules()) == number
