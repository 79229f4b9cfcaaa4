"""Legacy .doc, .rtf and .odt through LibreOffice; one clear error when it is missing, fails or hangs.

The fixtures in corpus/legacy/ were made from the corpus .docx files by corpus/make_legacy.py
(LibreOffice export), two of them in TCVN3 and VNI fonts; each must read back to the text of the
.docx it came from.
"""
from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import time

import pytest

from pipeline.errors import DocumentError
from pipeline.ingest import ingest, legacy

from .conftest import CORPUS, ROOT

LEGACY = CORPUS / "legacy"
FIXTURES = [
    ("angiang-554-ubnd-kt-2006.doc", "doc", None),
    ("bxd-2214-bxd-qln.rtf", "rtf", None),
    ("ttg-2403-ttg-kgvx.odt", "odt", None),
    ("tcvn3/haugiang-393-ubnd-kgvx-2018.doc", "doc", "tcvn3"),
    ("vni/vpcp-8794-vpcp-kgvx.doc", "doc", "vni"),
]
_MARKER = re.compile(r"^(?:\d+\.|[a-z]\)) ")

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")


def _texts(doc) -> list[str]:
    """Block texts without list numbers: LibreOffice's .doc export restarts continued lists."""
    return [_MARKER.sub("", b.text) for b in doc.blocks]


@pytest.mark.parametrize("name, fmt, encoding", FIXTURES)
def test_legacy_file_reads_as_its_docx(name, fmt, encoding):
    path = LEGACY / name
    doc = ingest(path)
    assert doc.source.format == fmt
    assert f"converted from .{fmt} with LibreOffice" in doc.warnings
    assert _texts(doc) == _texts(ingest(CORPUS / f"{path.stem}.docx"))
    if encoding:
        assert any(encoding in w for w in doc.warnings), doc.warnings


def test_rtf_named_doc_is_read_as_rtf(tmp_path):
    path = tmp_path / "cv.doc"
    path.write_bytes((LEGACY / "bxd-2214-bxd-qln.rtf").read_bytes())
    assert ingest(path).source.format == "rtf"


def test_pdf_named_doc_is_refused(tmp_path):
    path = tmp_path / "cv.doc"
    path.write_bytes((CORPUS / "bxd-2214-bxd-qln.pdf").read_bytes())
    with pytest.raises(DocumentError) as info:
        ingest(path)
    assert info.value.code == "E004"


def test_missing_libreoffice_is_said_plainly(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy, "soffice", lambda: None)
    path = tmp_path / "cv.doc"
    path.write_bytes((LEGACY / FIXTURES[0][0]).read_bytes())
    with pytest.raises(DocumentError) as info:
        ingest(path)
    assert info.value.code == "E018"
    assert str(info.value) == f"{path}: .doc files need LibreOffice, which is not installed (Debian package libreoffice-writer-nogui)"


def test_failed_conversion_is_said_plainly(tmp_path):
    path = tmp_path / "broken.rtf"
    path.write_bytes(b"{\\rtf1 {\\fonttbl")
    with pytest.raises(DocumentError) as info:
        ingest(path)
    assert info.value.code == "E019" and str(info.value).startswith(f"{path}: LibreOffice could not convert the .rtf file")


def test_timeout_kills_the_whole_libreoffice_group(tmp_path, monkeypatch):
    started = []
    real_popen = subprocess.Popen

    def recording_popen(*args, **kwargs):
        proc = real_popen(*args, **kwargs)
        started.append(proc.pid)
        return proc

    monkeypatch.setattr(legacy.subprocess, "Popen", recording_popen)
    monkeypatch.setattr(legacy, "TIMEOUT", 0.05)
    path = tmp_path / "slow.odt"
    path.write_bytes((LEGACY / "ttg-2403-ttg-kgvx.odt").read_bytes())
    with pytest.raises(DocumentError) as info:
        ingest(path)
    assert info.value.code == "E020" and "took longer than 0.05 s" in str(info.value)
    assert len(started) == 1
    assert _group_gone(started[0], within=10.0)


def _group_gone(pgid: int, within: float) -> bool:
    """Whether no process of the group is left (killed helpers are reaped by init shortly after)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_conversion_leaves_no_temporary_files(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    ingest(LEGACY / "angiang-554-ubnd-kt-2006.doc")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("encoding, name", [("tcvn3", "TCVN3"), ("vni", "VNI")])
def test_pdf_text_layer_in_a_legacy_font_is_decoded_by_its_words(tmp_path, encoding, name):
    """A PDF printed from a .VnTime/VNI-Times document carries the legacy bytes in its text layer."""
    spec = importlib.util.spec_from_file_location("make_legacy", ROOT / "corpus" / "make_legacy.py")
    make_legacy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_legacy)
    typed = make_legacy.legacy_font_docx((CORPUS / "vpcp-8794-vpcp-kgvx.docx").read_bytes(), encoding)
    path = tmp_path / "printed.pdf"
    path.write_bytes(make_legacy.soffice_convert(typed, "docx", "pdf"))
    doc = ingest(path)
    text = "\n".join(b.text for b in doc.blocks)
    assert "CỘNG HÒA" in text and "Độc lập - Tự do - Hạnh phúc" in text and "đề nghị quý Bộ khẩn" in text
    assert any(name in w and "recognised by its words" in w for w in doc.warnings)
