"""`explain`: every extracted value is found at its source; the HTML view is inert."""
from __future__ import annotations

import pytest

from pipeline import explain
from pipeline.run import process

from .conftest import CORPUS


@pytest.mark.parametrize("ext", ["txt", "docx", "pdf"])
def test_frame_values_are_marked_where_they_were_read(ext):
    doc = process(str(CORPUS / f"haugiang-24-sgddt-vp.{ext}")).document
    marked = {}
    for s in explain.spans(doc):
        marked.setdefault(s.label, []).append(doc.blocks[s.block].text[s.start:s.end])
    assert [t.replace(" ", "") for t in marked["SỐ"]] == ["24/SGDDĐT-VP"]
    assert marked["NGÀY"] == ["ngày 4/ tháng 01 năm 2018"]
    assert marked["CƠ QUAN"][0].upper() == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert "6122/BGDĐT-TĐKT" in marked["VĂN BẢN DẪN"]
    assert len(marked["VIỆC"]) >= 6


def test_locate_ignores_case_and_line_breaks():
    assert explain.locate("V/v khắc phục bệnh\ntrong giáo dục", "Khắc phục bệnh trong giáo dục") == (4, 33)
    assert explain.locate("Số: 24 /SGDĐT-VP", "24/SGDĐT-VP", spaced=True) == (4, 16)
    assert explain.locate("abc", "xyz") is None


def test_html_escapes_document_text(tmp_path):
    path = tmp_path / "evil.txt"
    path.write_text("Kính gửi: <script>alert(1)</script> Các trường.\n\n1. Các trường báo cáo trước ngày 05/3/2024.",
                    encoding="utf-8")
    page = explain.html(process(str(path)).document)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_cli_explain_marks_values_and_writes_html(tmp_path):
    import subprocess
    import sys

    from .conftest import ROOT

    page = tmp_path / "x.html"
    proc = subprocess.run([sys.executable, "-m", "pipeline", "explain", str(CORPUS / "haugiang-24-sgddt-vp.txt"),
                           "--html", str(page)], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "⟦SỐ: 24 /SGDDĐT-VP⟧" in proc.stdout
    assert "Nguyễn Hoài Thúy Hằng" in page.read_text(encoding="utf-8")
