"""Ingestion: every format into the same blocks; bad and hostile files into one clear error each."""
from __future__ import annotations

import difflib
import re
import subprocess
import sys
import unicodedata

import docx
import pytest

from pipeline.errors import DocumentError
from pipeline.ingest import ingest
from pipeline.text import clean, collapse, fold

from . import hostile
from .conftest import CORPUS, ROOT, corpus_stems

SAMPLE = "Số: 24/SGDĐT-VP\nV/v khắc phục bệnh thành tích\n\nKính gửi: Phòng Giáo dục và Đào tạo các huyện."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1258"])
def test_txt_encodings_decode_to_the_same_text(tmp_path, encoding):
    path = tmp_path / f"d-{encoding}.txt"
    text = _windows_1258_form(SAMPLE) if encoding == "cp1258" else SAMPLE
    path.write_bytes(text.encode(encoding))
    doc = ingest(path)
    assert [b.text for b in doc.blocks] == [clean(p) for p in SAMPLE.split("\n\n")]


def _windows_1258_form(text: str) -> str:
    """Windows-1258 keeps â ê ô ơ ư ă đ precomposed and writes tone marks as combining characters."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
        out.append(base + "".join(c for c in parts if c in tones))
    return "".join(out)


@pytest.mark.parametrize("raw, expected", [
    ("**UBND TỈNH HẬU GIANG**", "UBND TỈNH HẬU GIANG"),
    ("Số:\u00a024\u00a0/SGDĐT-VP", "Số: 24 /SGDĐT-VP"),
    ("thực\u00ad hiện\u200b ngay", "thực hiện ngay"),
    ("Ho\u0300a", "Hòa"),  # decomposed (NFD) input becomes NFC
    ("a\t\tb   c", "a b c"),
])
def test_clean(raw, expected):
    assert clean(raw) == expected


@pytest.mark.parametrize("a, b", [("CỘNG HOÀ", "Cộng hòa"), ("thuỷ lợi", "thủy lợi"), ("khoẻ", "khỏe"),
                                  ("Ho\u0300a", "hòa")])
def test_fold_equalizes_tone_placement(a, b):
    assert fold(a) == fold(b)


def test_fold_keeps_different_words_apart():
    assert fold("hòa") != fold("hóa")


def test_markdown_pipe_table_becomes_cells(tmp_path):
    path = tmp_path / "t.txt"
    path.write_text("| BỘ XÂY DỰNG ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|---|---|\n"
                    "| Số: 2214/BXD-QLN | Hà Nội, ngày 23 tháng 10 năm 2013 |\n\nKính gửi: Bộ Tài chính", encoding="utf-8")
    doc = ingest(path)
    cells = [(b.table, b.text) for b in doc.blocks if b.kind == "cell"]
    assert cells[0] == ((0, 0, 0), "BỘ XÂY DỰNG -------")
    assert cells[3] == ((0, 1, 1), "Hà Nội, ngày 23 tháng 10 năm 2013")
    assert doc.blocks[-1].kind == "paragraph" and doc.blocks[-1].text == "Kính gửi: Bộ Tài chính"


def test_docx_body_order_and_header_table(tmp_path):
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "UBND TỈNH HẬU GIANG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO"
    table.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    inner = table.cell(0, 0).add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "nested"
    document.add_paragraph("Kính gửi: Các trường.")
    path = tmp_path / "h.docx"
    document.save(path)
    doc = ingest(path)
    assert [b.text for b in doc.blocks] == ["UBND TỈNH HẬU GIANG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO", "nested",
                                            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Kính gửi: Các trường."]
    assert doc.blocks[0].kind == "cell" and doc.blocks[0].table == (0, 0, 0)
    assert doc.source.format == "docx" and len(doc.source.sha256) == 64


def test_docx_word_numbering_from_style_is_rebuilt(tmp_path):
    document = docx.Document()
    for text in ("Rà soát các văn bản.", "Xây dựng kế hoạch.", "Báo cáo kết quả."):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("Tăng cường kiểm tra.", style="List Bullet")
    path = tmp_path / "n.docx"
    document.save(path)
    texts = [b.text for b in ingest(path).blocks]
    assert texts[:3] == ["1. Rà soát các văn bản.", "2. Xây dựng kế hoạch.", "3. Báo cáo kết quả."]
    assert texts[3].endswith("Tăng cường kiểm tra.") and texts[3][0] in "•-"


def _rendered_numbering(stem: str) -> tuple[list[str], list[str]]:
    """(paragraph texts as python-docx sees them, block texts after numbering is rebuilt)."""
    path = CORPUS / f"{stem}.docx"
    plain = [p.text for p in docx.Document(str(path)).paragraphs]
    return plain, [b.text for b in ingest(path).blocks]


@pytest.mark.parametrize("stem", corpus_stems("docx"))
def test_corpus_docx_automatic_numbering_is_rebuilt(stem):
    source = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
    numbered = re.findall(r"^(?:\d+\.|[a-z]\)) (\S+ \S+ \S+)", source, re.M)
    plain, blocks = _rendered_numbering(stem)
    joined = "\n".join(blocks)
    for words in numbered:
        assert re.search(r"(?:^|\n)(?:\d+\.|[a-z]\)) " + re.escape(words), joined), words


def _normal(text: str) -> str:
    return collapse(re.sub(r"-{3,}|\*{3,}", " ", text.replace("|", " ")))


def _flat(doc_path) -> str:
    return _normal(" ".join(b.text for b in ingest(doc_path).blocks))


def _in_reference_order(doc_path, reference: str) -> str:
    """Block lines ordered by where each starts in the reference text.

    Text dumps of PDFs (several corpus .txt files) run the two header columns together line by line,
    while the PDF reader deliberately reads one column, then the other. Ordering blocks by their place
    in the reference compares the words and their order inside blocks, not the column choice.
    """
    blocks, last = [], -1
    for line in (line for b in ingest(doc_path).blocks for line in b.text.split("\n")):
        text = _normal(line)
        key = text[:40] if len(text) >= 12 else ""  # short lines ("3.000") just follow the previous one
        found = reference.find(key, max(last, 0)) if key else -1
        if found < 0 and key:
            found = reference.find(key)
        last = found if found >= 0 else last
        blocks.append((last, len(blocks), text))
    return " ".join(t for _, _, t in sorted(blocks))


@pytest.mark.parametrize("stem", corpus_stems("docx", "pdf"))
@pytest.mark.parametrize("ext", ["docx", "pdf"])
def test_renderings_agree_with_the_text(stem, ext):
    reference = _flat(CORPUS / f"{stem}.txt")
    other = _in_reference_order(CORPUS / f"{stem}.{ext}", reference)
    ratio = difflib.SequenceMatcher(None, reference, other, autojunk=False).ratio()
    assert ratio >= 0.98, f"{stem}.{ext}: similarity {ratio:.3f}"


MOTTO = fold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")


def _with_motto() -> list[str]:
    """Corpus dispatches whose header carries the national motto (web articles and bare plans do not)."""
    return [s for s in corpus_stems("pdf") if MOTTO in fold((CORPUS / f"{s}.txt").read_text(encoding="utf-8"))]


@pytest.mark.parametrize("stem", _with_motto())
def test_pdf_header_columns_are_separate_blocks(stem):
    doc = ingest(CORPUS / f"{stem}.pdf")
    motto = [b for b in doc.blocks[:12] if MOTTO in fold(b.text)]
    assert motto, "the motto is not at the top of the document"
    block = motto[0]
    # The motto's block holds only right-column text: no issuer words interleaved before it.
    assert fold(block.text).startswith(MOTTO), block.text
    assert block.bbox[0] > 200, f"motto block starts at x={block.bbox[0]:.0f}, not in the right column"
    left = [b for b in doc.blocks[: block.id] if b.page == 1]
    assert left and all(b.bbox[2] < block.bbox[0] + 40 for b in left)


# --- bad input: one clear message naming the file and the reason ---------------------------------

def _bad_cases(tmp_path):
    pdf = next(iter(sorted(CORPUS.glob("*.pdf"))), None)
    good_docx = tmp_path / "good.docx"
    good_docx.write_bytes(hostile.docx_bytes(["Kính gửi: Các trường."]))
    cases = {
        "missing": (tmp_path / "nope.docx", "E001", "file not found"),
        "empty-docx": (tmp_path / "empty.docx", "E002", "empty"),
        "empty-pdf": (tmp_path / "empty.pdf", "E002", "empty"),
        "truncated-docx": (hostile.truncated(good_docx, tmp_path / "trunc.docx"), "E005", "not a valid .docx"),
        "random-docx": (hostile.random_bytes(tmp_path / "random.docx"), "E004", "content is"),
        "random-pdf": (hostile.random_bytes(tmp_path / "random.pdf"), "E004", "content is"),
        "unsupported": (tmp_path / "notes.xyz", "E003", "unsupported file type"),
        "lying-extension": (good_docx.rename(tmp_path / "lies.pdf"), "E004", "extension says .pdf"),
        "no-text-pdf": (hostile.blank_pdf(tmp_path / "scan.pdf"), "E008", "scanned: needs OCR"),
        "zip-bomb": (hostile.zip_bomb_docx(tmp_path / "bomb.docx"), "E011", "zip bomb"),
    }
    (tmp_path / "empty.docx").write_bytes(b"")
    (tmp_path / "empty.pdf").write_bytes(b"")
    (tmp_path / "notes.xyz").write_text("hello")
    if pdf is not None:
        cases["encrypted-pdf"] = (hostile.encrypted_pdf(pdf, tmp_path / "locked.pdf"), "E007", "password-protected")
        cases["truncated-pdf"] = (hostile.truncated(pdf, tmp_path / "half.pdf", 0.3), None, None)
    return cases


BAD = ["missing", "empty-docx", "empty-pdf", "truncated-docx", "random-docx", "random-pdf", "unsupported",
       "lying-extension", "no-text-pdf", "zip-bomb", "encrypted-pdf", "truncated-pdf"]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_gives_one_clear_error(tmp_path, case):
    cases = _bad_cases(tmp_path)
    if case not in cases:
        pytest.fail("the corpus has no PDF rendering to build this case from")
    path, code, words = cases[case]
    with pytest.raises(DocumentError) as info:
        ingest(path)
    message = str(info.value)
    assert message.startswith(str(path)) and "\n" not in message
    if code:
        assert info.value.code == code and words in message, message
    else:  # a truncated PDF is either corrupt or has lost its text; both are said plainly
        assert info.value.code in ("E006", "E008"), message


@pytest.mark.parametrize("builder", [hostile.entity_bomb_docx, hostile.deep_nesting_docx])
def test_hostile_docx_is_bounded(tmp_path, builder):
    """Entity expansion and absurd nesting end in a clear error or a small result, never a blow-up."""
    from pipeline.run import process

    result = process(str(builder(tmp_path / "evil.docx")))
    if result.status == "failed":
        assert result.error.startswith(str(tmp_path / "evil.docx"))
    else:
        assert sum(len(b.text) for b in result.document.blocks) < 10_000


def _cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=300)


def test_cli_run_goes_on_after_a_bad_file_and_says_so(tmp_path):
    good = tmp_path / "good.txt"
    good.write_text(SAMPLE, encoding="utf-8")
    bad = hostile.random_bytes(tmp_path / "broken.docx")
    odd = tmp_path / "-h.docx"
    odd.write_bytes(hostile.docx_bytes(["Kính gửi: Các trường."]))
    out = tmp_path / "out"
    proc = _cli("run", str(good), str(bad), str(tmp_path / "missing.pdf"), "--out", str(out), "--", str(odd))
    assert proc.returncode == 1, proc.stderr
    assert f"{bad}: the extension says .docx" in proc.stderr
    assert f"{tmp_path / 'missing.pdf'}: file not found" in proc.stderr
    lines = (out / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(__import__("json").loads(line)["source"] for line in lines) == sorted([str(good), str(odd)])


def test_cli_ingest_prints_blocks(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    proc = _cli("ingest", str(path))
    assert proc.returncode == 0
    assert "paragraph" in proc.stdout and "Kính gửi: Phòng Giáo dục và Đào tạo các huyện." in proc.stdout


def test_originals_are_not_modified(tmp_path):
    path = tmp_path / "d.txt"
    path.write_bytes(SAMPLE.encode("utf-16"))
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    _cli("run", str(path), "--out", str(tmp_path / "out"))
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
