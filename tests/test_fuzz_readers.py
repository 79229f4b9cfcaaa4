"""Property-based tests: random and mutated documents through every reader and parser.

Whatever the bytes, `process(path)` returns a Result: ok, or failed with a catalogue code and a message
that names the file. "Unexpected error" (E099, the catch-all) counts as a failure of the test: a reader
must recognise what it cannot read. The text parsers never raise on any string.

Examples are derived from a fixed seed (reproducible in CI); `CONGVAN_FUZZ=explore` runs many more,
randomly: `CONGVAN_FUZZ=explore .venv/bin/python -m pytest tests/test_fuzz_readers.py`.
"""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from pipeline.errors import MESSAGES
from pipeline.ingest import encodings
from pipeline.run import process
from pipeline.tasks import temporal
from pipeline.text import clean, collapse, fold

from . import hostile
from .conftest import CORPUS

set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "congvan-hypothesis")  # its caches stay out of the tree
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("explore", max_examples=400, deadline=None, database=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("CONGVAN_FUZZ", "ci"))

DOCX = (CORPUS / "own-11-tanphuoc-ubndxa-tb-ketluan.docx").read_bytes()
PDF = (CORPUS / "own-10-longan-sgddt-giaymoi-sokethk1.pdf").read_bytes()
TXT = (CORPUS / "own-09-nghean-sgddt-khan-tuyendung.txt").read_bytes()
# Vietnamese letters and marks, punctuation of dispatches, digits, spaces and newlines, and anything else.
VIETNAMESE = "aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
TEXTS = st.one_of(st.text(alphabet=VIETNAMESE + "0123456789 .,:;/-()\n\t", max_size=400),
                  st.text(max_size=300))


def processed(data: bytes, suffix: str):
    """The Result of processing `data` saved under a name with `suffix`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzzed{suffix}"
        path.write_bytes(data)
        result = process(str(path))
    assert result.status in ("ok", "failed")
    if result.status == "failed":
        assert result.code in MESSAGES and result.code != "E099", f"{result.code}: {result.error}"
        assert result.error.startswith(f"{path}: "), result.error
    else:
        assert result.document is not None
    return result


def flipped(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    buffer = bytearray(data)
    for position, value in flips:
        buffer[position % len(buffer)] ^= value or 1
    return bytes(buffer)


FLIPS = st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=12)


@given(FLIPS)
def test_a_docx_with_flipped_bytes(flips: list[tuple[int, int]]) -> None:
    processed(flipped(DOCX, flips), ".docx")


@given(st.data())
def test_a_docx_whose_document_xml_has_flipped_bytes(data: st.DataObject) -> None:
    """Flips inside the decompressed XML, re-zipped: the archive is sound, the XML is not."""
    source = zipfile.ZipFile(io.BytesIO(DOCX))
    xml = source.read("word/document.xml")
    bad = flipped(xml, data.draw(FLIPS))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, bad if item.filename == "word/document.xml" else source.read(item))
    processed(buffer.getvalue(), ".docx")


@given(st.lists(TEXTS, min_size=1, max_size=8))
def test_a_docx_of_random_paragraphs(paragraphs: list[str]) -> None:
    xml_safe = ["".join(c for c in p if c in "\t\n" or (ord(c) >= 0x20 and not 0xD800 <= ord(c) <= 0xDFFF
                                                       and ord(c) not in (0xFFFE, 0xFFFF))) for p in paragraphs]
    processed(hostile.docx_bytes(xml_safe), ".docx")


@given(st.floats(min_value=0.0, max_value=0.999))
def test_a_truncated_pdf(keep: float) -> None:
    processed(PDF[: max(1, int(len(PDF) * keep))], ".pdf")


@settings(max_examples=max(10, settings().max_examples // 3))  # a damaged PDF may go to OCR: slower
@given(FLIPS)
def test_a_pdf_with_flipped_bytes(flips: list[tuple[int, int]]) -> None:
    processed(flipped(PDF, flips), ".pdf")


@given(TEXTS)
def test_random_unicode_text(text: str) -> None:
    processed(text.encode("utf-8"), ".txt")


@given(st.sampled_from(["utf-16", "cp1258", "utf-8-sig"]), TEXTS)
def test_random_text_in_other_encodings(encoding: str, text: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    processed(data, ".txt")


@given(st.binary(min_size=1, max_size=3000), st.sampled_from([".txt", ".docx", ".pdf", ".doc", ".xlsx", ""]))
def test_random_bytes_under_any_name(data: bytes, suffix: str) -> None:
    processed(data, suffix)


@given(FLIPS)
def test_a_dispatch_with_flipped_bytes(flips: list[tuple[int, int]]) -> None:
    processed(flipped(TXT, flips), ".txt")


@given(TEXTS)
def test_the_text_functions_take_any_string(text: str) -> None:
    cleaned = clean(text)
    assert clean(cleaned) == cleaned  # cleaning twice changes nothing
    assert isinstance(fold(text), str) and isinstance(collapse(text), str)


@given(TEXTS, st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))))
def test_the_date_parser_takes_any_string(text: str, doc_date) -> None:
    temporal.find_temporal(text, doc_date)
    value = temporal.parse_date(text, doc_date)
    assert value is None or isinstance(value, str)


@given(st.binary(max_size=2000))
def test_the_encoding_detector_takes_any_bytes(data: bytes) -> None:
    found = encodings.decode_bytes(data)
    assert found is None or (isinstance(found[0], str) and isinstance(found[1], str))


def test_a_docx_with_a_damaged_member_is_a_clear_error() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.docx"
        path.write_bytes(flipped(DOCX, [(50, 1)]))
        assert process(str(path)).code == "E005"
