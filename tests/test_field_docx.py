"""Word's hidden parts on the generated field files (corpus/make_field.py) and on small built ones.

Each field .docx is a corpus document rebuilt with its text where a plain walk misses or doubles
it; the pipeline must read it as a reader sees it and score as the clean rendering does.
"""
from __future__ import annotations

import io
import json
from functools import lru_cache
from pathlib import Path

import docx
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from pipeline.evaluate import match_tasks, number_key
from pipeline.ingest import ingest
from pipeline.run import process
from pipeline.serialize import document_record

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FIELD = CORPUS / "field"
TEXT_BOX = FIELD / "haugiang-24-sgddt-vp.docx"
HEADER_PART = FIELD / "own-03-tamdong-pgddt-hd-baocao.docx"


@lru_cache(maxsize=None)
def texts(path: Path) -> tuple[str, ...]:
    return tuple(b.text for b in ingest(path).blocks)


@lru_cache(maxsize=None)
def record(path: Path) -> dict:
    return json.loads(json.dumps(document_record(process(str(path)).document), default=str))


def gold(path: Path) -> dict:
    return json.loads((CORPUS / "gold" / f"{path.stem}.json").read_text(encoding="utf-8"))


def test_text_box_is_read_once_and_in_place():
    blocks = texts(TEXT_BOX)
    assert "\n".join(blocks).count("UBND TỈNH HẬU GIANG") == 1  # not again from the VML fallback
    assert blocks[:2] == ("UBND TỈNH HẬU GIANG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO",
                          "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")


@pytest.mark.parametrize("path, absent", [
    (TEXT_BOX, "Tạm dừng, không"),  # a deleted phrase
    (TEXT_BOX, "Tổ chức hội nghị tổng kết công tác thi đua"),  # a deleted numbered paragraph
])
def test_tracked_deletions_are_dropped(path, absent):
    assert not any(absent in t for t in texts(path))


def test_tracked_insertions_are_kept_and_deleted_items_do_not_count():
    blocks = texts(TEXT_BOX)
    assert any(t.startswith("1. Rà soát, sửa đổi") for t in blocks)
    assert any(t.startswith("2. Xây dựng kế hoạch nâng cao chất lượng giáo dục cho") for t in blocks)
    assert sum(t[:2] in {f"{n}." for n in range(1, 10)} for t in blocks) == 6


def test_page_header_part_gives_the_issuer_block():
    blocks = texts(HEADER_PART)
    assert blocks[0] == "UBND HUYỆN TAM ĐỒNG\nPHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    frame = record(HEADER_PART)
    assert (frame["issuer"], frame["issuer_parent"]) == (gold(HEADER_PART)["issuer"], gold(HEADER_PART)["issuer_parent"])


def test_bullets_from_numbering_definitions_and_padded_literal_numbers():
    blocks = texts(HEADER_PART)
    clean = texts(CORPUS / HEADER_PART.name)
    assert [t[:2] for t in blocks if t[:2] in ("- ", "+ ")] == [t[:2] for t in clean if t[:2] in ("- ", "+ ")]
    assert "1. Các trường Mầm non, Tiểu học, THCS" in blocks and "III. TỔ CHỨC THỰC HIỆN" in blocks


@pytest.mark.parametrize("path", [TEXT_BOX, HEADER_PART], ids=lambda p: p.stem)
def test_field_docx_scores_like_its_clean_rendering(path):
    pred, want = record(path), gold(path)
    assert number_key(pred["number"]) == number_key(want["number"])
    for key in ("issuer", "issue_date", "signer_name"):
        assert pred[key] == want[key], key
    pairs = match_tasks(pred["tasks"], want["tasks"])
    assert len(pairs) == len(want["tasks"]) == len(pred["tasks"])


def _docx(build) -> Path:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_content_control_and_vml_text_box_in_a_built_file(tmp_path):
    def build(document):
        body = document.element.body
        body.insert(0, parse_xml(f'<w:sdt {nsdecls("w")}><w:sdtContent><w:p><w:r><w:t>Kính gửi: Các trường.'
                                 "</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
        p = document.add_paragraph("Neo")
        p._p.append(parse_xml(f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape>'
                              "<v:textbox><w:txbxContent><w:p><w:r><w:t>SỞ GIÁO DỤC VÀ ĐÀO TẠO</w:t></w:r></w:p>"
                              "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"))
    path = tmp_path / "built.docx"
    path.write_bytes(_docx(build))
    assert [b.text for b in ingest(path).blocks] == ["Kính gửi: Các trường.", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Neo"]
