"""Case tables for the structure stage: one table per quirk of real dispatches."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.ingest import ingest
from pipeline.model import Block, Document, Source
from pipeline.structure import structure
from pipeline.structure import fields, flow, rulebook
from pipeline.structure.casing import display
from pipeline.structure.header import split_bodies
from pipeline.structure.recipients import purpose, recipient
from pipeline.structure.repair import repair
from pipeline.syllables import is_syllable


def from_text(tmp_path: Path, text: str, name: str = "doc.txt") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return structure(ingest(path))


def from_blocks(*texts: str, kind: str = "paragraph", page: int | None = None) -> Document:
    blocks = [Block(id=i, text=t, kind=kind, page=page) for i, t in enumerate(texts)]
    return structure(Document(source=Source(path="x", sha256="0" * 64, format="pdf"), blocks=blocks))


# --- số / ký hiệu -------------------------------------------------------------------------------

@pytest.mark.parametrize("line, number", [
    ("Số: 24/SGDĐT-VP", "24/SGDĐT-VP"),
    ("Số: 24 /SGDDĐT-VP", "24/SGDDĐT-VP"),
    ("Số:/KH-THBH2", "/KH-THBH2"),
    ("Số:    /KH-UBND", "/KH-UBND"),
    ("Số: 3210/QĐ - U B ND", "3210/QĐ-UBND"),
    ("Số: 393/UBND-KGVX Hậu Giang, ngày 13 tháng 3 năm 2018", "393/UBND-KGVX"),
    ("Số: 1040/LĐTBXH-NCC V/v hướng dẫn giải quyết chế độ", "1040/LĐTBXH-NCC"),
    ("Số: 2403/TTg-KGVX", "2403/TTg-KGVX"),
    ("Số lượng học sinh tăng", None),
    ("Theo số liệu 2023", None),
])
def test_number(line, number):
    found = fields.number_from(line, rulebook.header_rules())
    assert (found[0] if found else None) == number


# --- place and date ------------------------------------------------------------------------------

@pytest.mark.parametrize("line, place, date", [
    ("Hậu Giang, ngày 04 tháng 01 năm 2018", "Hậu Giang", "2018-01-04"),
    ("Hậu Giang, ngày 4/ tháng 01 năm 2018", "Hậu Giang", "2018-01-04"),
    ("Bình Hòa, ngày    tháng 10 năm 2021", "Bình Hòa", "2021-10"),
    ("Bình Hòa, ngày tháng 10 năm 2021", "Bình Hòa", "2021-10"),
    ("Vũng Tàu, ngày 29 tháng 4 năm 2011", "Vũng Tàu", "2011-04-29"),
    ("Hà Nội , ngày 27 tháng 10 năm 2014", "Hà Nội", "2014-10-27"),
    ("Long Xuyên, ngày 22/02/2006", "Long Xuyên", "2006-02-22"),
    ("Thành phố Hồ Chí Minh, ngày 28 tháng 6 năm 2014", "Thành phố Hồ Chí Minh", "2014-06-28"),
])
def test_place_date(line, place, date):
    hr = rulebook.header_rules()
    got_place, m = fields.place_date(line, hr)
    assert got_place == place
    assert fields.iso_date(m.group("day"), m.group("month"), m.group("year"), hr)[0] == date


@pytest.mark.parametrize("day, month, year", [("31", "02", "2018"), ("10", "13", "2018"), ("01", "01", "1890")])
def test_impossible_dates_are_refused(day, month, year):
    assert fields.iso_date(day, month, year, rulebook.header_rules())[0] is None


def test_impossible_date_is_a_warning(tmp_path):
    doc = from_text(tmp_path, "SỞ GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 5/SGDĐT-VP\n\nHà Nội, ngày 31 tháng 02 năm 2018\n")
    assert doc.frame.issue_date is None
    assert any(w.startswith("W103") for w in doc.warnings)


# --- the header as printed in the three layouts ------------------------------------------------

TWO_COLUMNS = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
TỈNH HẬU GIANG Độc lập - Tự do - Hạnh phúc

Số: 393/UBND-KGVX Hậu Giang, ngày 13 tháng 3 năm 2018

V/v đầu tư Trường THPT Vị Thanh để đạt trường chuẩn quốc gia

Kính gửi: Giám đốc Sở Tài chính.

Nội dung.
"""

STACKED = """UBND TỈNH HẬU GIANG
SỞ GIÁO DỤC VÀ ĐÀO TẠO

CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc

Số: 24 /SGDDĐT-VP
V/v khắc phục bệnh thành tích
trong giáo dục

Hậu Giang, ngày 4/ tháng 01 năm 2018

Kính gửi:

- Công đoàn Giáo dục tỉnh;
- Các đơn vị thuộc Sở GD&ĐT.

Yêu cầu thực hiện./.
"""

PIPE_TABLE = """| BỘ TÀI CHÍNH TỔNG CỤC THUẾ ------- | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc --------------- |
|---|---|
| Số: 1414/TCT-CS V/v hỗ trợ người có công với cách mạng cải thiện nhà ở. | Hà Nội, ngày 04 tháng 05 năm 2013 |

| Kính gửi: | - Bộ Quốc phòng; - Bộ Lao động - Thương binh và Xã hội; - Bộ Tài chính |
|---|---|

Nội dung.
"""


@pytest.mark.parametrize("text, expected", [
    (TWO_COLUMNS, dict(number="393/UBND-KGVX", doc_type="Công văn", issuer="Ủy ban nhân dân tỉnh Hậu Giang",
                       issuer_parent=None, place="Hậu Giang", issue_date="2018-03-13",
                       subject="đầu tư Trường THPT Vị Thanh để đạt trường chuẩn quốc gia",
                       addressees=["Giám đốc Sở Tài chính"])),
    (STACKED, dict(number="24/SGDDĐT-VP", issuer="Sở Giáo dục và Đào tạo", issuer_parent="UBND tỉnh Hậu Giang",
                   issue_date="2018-01-04", subject="khắc phục bệnh thành tích trong giáo dục",
                   addressees=["Công đoàn Giáo dục tỉnh", "Các đơn vị thuộc Sở GD&ĐT"])),
    (PIPE_TABLE, dict(number="1414/TCT-CS", issuer="Tổng cục Thuế", issuer_parent="Bộ Tài chính",
                      subject="hỗ trợ người có công với cách mạng cải thiện nhà ở",
                      addressees=["Bộ Quốc phòng", "Bộ Lao động - Thương binh và Xã hội", "Bộ Tài chính"])),
])
def test_header_layouts(tmp_path, text, expected):
    frame = from_text(tmp_path, text).frame
    for key, value in expected.items():
        assert getattr(frame, key) == value, key


def test_subject_printed_after_the_date_line(tmp_path):
    assert from_text(tmp_path, TWO_COLUMNS).frame.subject.startswith("đầu tư")


@pytest.mark.parametrize("head, doc_type", [
    ("Số: 12/KH-UBND\n\nHà Nội, ngày 01 tháng 02 năm 2024\n\nKẾ HOẠCH\n\nTriển khai chuyển đổi số\n", "Kế hoạch"),
    ("Số: 12/QĐ-UBND\n\nHà Nội, ngày 01 tháng 02 năm 2024\n\nQUYẾT ĐỊNH\n\nVề việc thành lập Đoàn\n", "Quyết định"),
    ("Số: 12/TB-UBND\n\nHà Nội, ngày 01 tháng 02 năm 2024\n\nNội dung.\n", "Thông báo"),  # from the code
    ("Số: 12/GM-SGDĐT\n\nHà Nội, ngày 01 tháng 02 năm 2024\n\nNội dung.\n", "Giấy mời"),
    ("Số: 12/UBND-VP\nV/v tổ chức hội nghị\n\nHà Nội, ngày 01 tháng 02 năm 2024\n", "Công văn"),
    ("Số: 12/UBND-VP\n\nHà Nội, ngày 01 tháng 02 năm 2024\n\nNội dung.\n", "Công văn"),  # no code
])
def test_doc_type(tmp_path, head, doc_type):
    assert from_text(tmp_path, "UBND TỈNH AN GIANG\n\n" + head).frame.doc_type == doc_type


def test_typed_subject_over_several_lines_stops_at_the_authority(tmp_path):
    text = ("ỦY BAN THƯỜNG VỤ\n\nSố: 494/NQ-UBTVQH13\n\nHà Nội, ngày 18 tháng 05 năm 2012\n\nNGHỊ QUYẾT\n\n"
            "VỀ KẾT QUẢ GIÁM SÁT VIỆC THỰC HIỆN\n\nCHÍNH SÁCH VỀ NGƯỜI CÓ CÔNG\n\nỦY BAN THƯỜNG VỤ QUỐC HỘI\n\n"
            "Căn cứ Luật hoạt động giám sát của Quốc hội;\n")
    frame = from_text(tmp_path, text).frame
    assert frame.subject == "VỀ KẾT QUẢ GIÁM SÁT VIỆC THỰC HIỆN CHÍNH SÁCH VỀ NGƯỜI CÓ CÔNG"
    assert frame.issuer == "Ủy ban Thường vụ Quốc hội"  # the header printed only "ỦY BAN THƯỜNG VỤ"


def test_urgency(tmp_path):
    text = "SỞ GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 9/SGDĐT-VP\n\nHỎA TỐC\n\nHà Nội, ngày 01 tháng 02 năm 2024\n"
    assert from_text(tmp_path, text).frame.urgency == "HỎA TỐC"


def test_no_header_at_all_leaves_fields_empty(tmp_path):
    doc = from_text(tmp_path, "Tin tức hôm nay\n\nTrường tổ chức lễ khai giảng vào sáng thứ hai.\n")
    frame = doc.frame
    assert (frame.number, frame.issuer, frame.issue_date, frame.doc_type, frame.signer_name) == (None,) * 5
    assert any(w.startswith("W109") for w in doc.warnings)


def test_plan_without_issuer_lines_names_itself(tmp_path):
    text = ("Số:/KH-THBH2\n\nBình Hòa, ngày tháng 10 năm 2021\n\nKẾ HOẠCH\n\nThực hiện cuộc vận động năm học 2021-2022\n\n"
            "Căn cứ Công văn 302/PGDĐT-GDTH ngày 07/10/2021 của Phòng Giáo dục và Đào tạo;\n\n"
            "Trường Tiểu học Bình Hòa 2 xây dựng Kế hoạch như sau:\n")
    frame = from_text(tmp_path, text).frame
    assert frame.issuer == "Trường Tiểu học Bình Hòa 2"
    assert frame.issue_date == "2021-10"
    assert frame.subject == "Thực hiện cuộc vận động năm học 2021-2022"


def test_news_headline(tmp_path):
    text = ("Thứ tư, 29/11/2023 - 15:30|\n\nChủ tịch UBND tỉnh Bạc Liêu ban hành Chỉ thị thực hiện nhiệm vụ năm học "
            "2022-2023\n\nChủ tịch UBND tỉnh vừa có Chỉ thị yêu cầu Thủ trưởng các Sở, Ban, Ngành; Chủ tịch UBND các "
            "huyện; các cơ sở giáo dục trên địa bàn tỉnh tập trung thực hiện các nhiệm vụ.\n")
    frame = from_text(tmp_path, text).frame
    assert (frame.doc_type, frame.issuer, frame.number) == ("Chỉ thị", "UBND tỉnh Bạc Liêu", None)
    assert frame.subject == "thực hiện nhiệm vụ năm học 2022-2023"
    assert frame.addressees == ["Thủ trưởng các Sở, Ban, Ngành", "Chủ tịch UBND các huyện",
                                "các cơ sở giáo dục trên địa bàn tỉnh"]


# --- issuer names -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, bodies", [
    ("BỘ TÀI CHÍNH TỔNG CỤC THUẾ", ["BỘ TÀI CHÍNH", "TỔNG CỤC THUẾ"]),
    ("UBND TỈNH HẬU GIANG SỞ GIÁO DỤC VÀ ĐÀO TẠO", ["UBND TỈNH HẬU GIANG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"]),
    ("THỦ TƯỚNG CHÍNH PHỦ", ["THỦ TƯỚNG CHÍNH PHỦ"]),
    ("VĂN PHÒNG CHÍNH PHỦ", ["VĂN PHÒNG CHÍNH PHỦ"]),
    ("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", ["SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG"]),
    ("ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH SỞ NỘI VỤ", ["ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH", "SỞ NỘI VỤ"]),
    ("BỘ QUỐC PHÒNG", ["BỘ QUỐC PHÒNG"]),
    ("ỦY BAN NHÂN DÂN TỈNH HẬU GIANG", ["ỦY BAN NHÂN DÂN TỈNH HẬU GIANG"]),
])
def test_split_bodies(text, bodies):
    assert split_bodies(text) == bodies


@pytest.mark.parametrize("text, shown", [
    ("UỶ BAN NHÂN DÂN TỈNH AN GIANG", "Ủy ban nhân dân tỉnh An Giang"),
    ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Sở Giáo dục và Đào tạo"),
    ("BỘ LAO ĐỘNG-THƯƠNG BINH VÀ XÃ HỘI", "Bộ Lao động - Thương binh và Xã hội"),
    ("BAN CHỈ ĐẠO QUỐC GIA VỀ TÌM KIẾM, QUY TẬP HÀI CỐT LIỆT SĨ",
     "Ban Chỉ đạo quốc gia về tìm kiếm, quy tập hài cốt liệt sĩ"),
    ("UBND TỈNH BÀ RỊA - VŨNG TÀU", "UBND tỉnh Bà Rịa - Vũng Tàu"),
    ("TRƯỜNG TIỂU HỌC BÌNH HÒA 2", "Trường Tiểu học Bình Hòa 2"),
    ("THỦ TƯỚNG CHÍNH PHỦ", "Thủ tướng Chính phủ"),
    ("Sở Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo"),  # mixed case stays as printed
])
def test_display_casing(text, shown):
    assert display(text) == shown


# --- split letters ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, repaired", [
    ("ỦY B AN NHÂN D Â N T HÀNH P HỐ HỒ C H Í M I NH", "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"),
    ("Qu ả ng Ngãi", "Quảng Ngãi"),
    ("T hành phố Hồ Chí M inh", "Thành phố Hồ Chí Minh"),
    ("B Ộ LAO ĐỘNG - THƯƠNG BINH V À X Ã HỘI", "BỘ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI"),
    ("Ngu y ễn Hữu Tín", "Nguyễn Hữu Tín"),
    ("Đặ ng Văn Minh", "Đặng Văn Minh"),
    ("T TU B : C T , c á c P C T", "TTUB: CT, các PCT"),
    ("Lưu: VT, TĐKT", "Lưu: VT, TĐKT"),  # nothing to repair
    ("Nguyễn Văn A nhà ở", "Nguyễn Văn A nhà ở"),  # real one-letter words stay
])
def test_repair(text, repaired):
    assert repair(text) == repaired


@pytest.mark.parametrize("word, ok", [("quảng", True), ("NGUYỄN", True), ("tịch", True), ("hồc", False),
                                      ("ng", False), ("UBND", False), ("ươ", True)])
def test_is_syllable(word, ok):
    assert is_syllable(word) is ok


# --- PDF paragraphs run together ----------------------------------------------------------------

@pytest.mark.parametrize("text, pieces", [
    ("KẾ HOẠCH TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH SỐ 1237/QĐ-TTG",
     ["KẾ HOẠCH", "TRIỂN KHAI THỰC HIỆN QUYẾT ĐỊNH SỐ 1237/QĐ-TTG"]),
    ("NĂM 2020 VÀ NHỮNG NĂM TIẾP THEO Căn cứ Chỉ thị số 24-CT/TW", ["NĂM 2020 VÀ NHỮNG NĂM TIẾP THEO",
                                                                   "Căn cứ Chỉ thị số 24-CT/TW"]),
    ("lần thứ hai Ngày 23/11/2017, Sở tổ chức", ["lần thứ hai", "Ngày 23/11/2017, Sở tổ chức"]),
    ("I. NHIỆM VỤ CHUNG Năm học 2021-2022, tiếp tục", ["I. NHIỆM VỤ CHUNG", "Năm học 2021-2022, tiếp tục"]),
    ("huyện Tam Đồng CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TAM ĐỒNG Căn cứ Luật",
     ["huyện Tam Đồng", "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TAM ĐỒNG", "Căn cứ Luật"]),
    ("Kính gửi: Ủy ban nhân dân các tỉnh Sau khi Bộ ban hành", ["Kính gửi: Ủy ban nhân dân các tỉnh",
                                                              "Sau khi Bộ ban hành"]),
    ("Các trường thực hiện tốt việc TUYÊN TRUYỀN PHÁP LUẬT cho học sinh.",
     ["Các trường thực hiện tốt việc TUYÊN TRUYỀN PHÁP LUẬT cho học sinh."]),
    ("Căn cứ Luật; căn cứ Nghị định. Căn cứ Thông tư", ["Căn cứ Luật; căn cứ Nghị định. Căn cứ Thông tư"]),
])
def test_split_flow(text, pieces):
    assert flow.split_flow(text, rulebook.header_rules(), rulebook.doc_types()) == pieces


def test_pdf_flow_blocks_give_title_subject_and_addressee():
    doc = from_blocks("BỘ XÂY DỰNG", "Số: 2428/BXD-QLN", "Hà Nội, ngày 15 tháng 11 năm 2013",
                      "KẾ HOẠCH TRIỂN KHAI THỰC HIỆN ĐỀ ÁN NĂM 2014 Căn cứ Quyết định số 22/2013/QĐ-TTg;",
                      page=1)
    assert (doc.frame.doc_type, doc.frame.subject) == ("Kế hoạch", "TRIỂN KHAI THỰC HIỆN ĐỀ ÁN NĂM 2014")
    assert [r.number for r in doc.frame.references] == ["22/2013/QĐ-TTg"]


# --- addressees ---------------------------------------------------------------------------------

@pytest.mark.parametrize("body, addressees", [
    ("Kính gửi: UBND huyện, thị, thành phố.", ["UBND huyện, thị, thành phố"]),
    ("Kính gửi:\n\n- Giám đốc Sở Kế hoạch và Đầu tư;\n\n- Giám đốc Sở Tài chính.",
     ["Giám đốc Sở Kế hoạch và Đầu tư", "Giám đốc Sở Tài chính"]),
    ("Kính gửi:\n- Công đoàn Giáo dục tỉnh và các phòng chuyên môn,\nnghiệp vụ thuộc Sở;\n- Các đơn vị.",
     ["Công đoàn Giáo dục tỉnh và các phòng chuyên môn, nghiệp vụ thuộc Sở", "Các đơn vị"]),
    ("| Kính gửi: | - Bộ Tài chính; - Bộ Kế hoạch và Đầu tư |\n|---|---|",
     ["Bộ Tài chính", "Bộ Kế hoạch và Đầu tư"]),
    ("| Kính gửi: | - A; - B. |\n|---|---|", ["A", "B"]),
    ("Kính gửi: Trưởng phòng Giáo dục các huyện. Thực hiện Kế hoạch số 3/KH-SGDĐT, Sở mời.",
     ["Trưởng phòng Giáo dục các huyện"]),
])
def test_addressees(tmp_path, body, addressees):
    text = f"BỘ XÂY DỰNG\n\nSố: 1/BXD-QLN\nV/v hỗ trợ\n\nHà Nội, ngày 23 tháng 10 năm 2013\n\n{body}\n\nNội dung.\n"
    assert from_text(tmp_path, text).frame.addressees == addressees


# --- signer and Nơi nhận ------------------------------------------------------------------------

HEAD = "SỞ GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 7/SGDĐT-VP\nV/v việc\n\nHà Nội, ngày 01 tháng 02 năm 2024\n\nNội dung./.\n\n"
COPIES = "Nơi nhận:\n- Như trên;\n- Ban Giám đốc (để b/c);\n- Lưu: VT, TĐKT.\n\n"


@pytest.mark.parametrize("tail, authority, title, name", [
    (COPIES + "GIÁM ĐỐC,\n\n\n\nNguyễn Hoài Thúy Hằng", None, "Giám đốc", "Nguyễn Hoài Thúy Hằng"),
    ("KT. CHỦ TỊCH\n\nPHÓ CHỦ TỊCH\n\n(Đã ký)\n\nĐồng Văn Thanh\n\n" + COPIES, "KT.", "Phó Chủ tịch",
     "Đồng Văn Thanh"),
    (COPIES + "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(đã ký)\nLâm Hải Giang", "KT.", "Phó Chủ tịch",
     "Lâm Hải Giang"),
    (COPIES + "TL. CHỦ TỊCH ỦY\nBAN NHÂN DÂN TỈNH\nCHÁNH VĂN PHÒNGThái Hữu Phép", "TL.", "Chánh Văn phòng",
     "Thái Hữu Phép"),
    ("| Nơi nhận: - Như trên; - Lưu: VT. | TL. BỘ TRƯỞNG VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH Phạm Quang Phụng |\n"
     "|---|---|", "TL.", "Vụ trưởng Vụ Kế hoạch - Tài chính", "Phạm Quang Phụng"),
    ("| Nơi nhận: - Như trên. | TM. ỦY BAN THƯỜNG VỤ QUỐC HỘI CHỦ TỊCH Nguyễn Sinh Hùng |\n|---|---|",
     "TM.", "Chủ tịch", "Nguyễn Sinh Hùng"),
    ("| Nơi nhận: - Như trên. | TRƯỞNG BAN PHÓ THỦ TƯỚNG Nguyễn Thiện Nhân |\n|---|---|", None, "Trưởng ban",
     "Nguyễn Thiện Nhân"),
    (COPIES + "TRƯỜNG PHÒNG\nGIÁO DỤC\nVÀ\nĐÀO TẠO\nNguyễn Thanh Hải", None, "Trưởng phòng Giáo dục và Đào tạo",
     "Nguyễn Thanh Hải"),  # the title's typo ("TRƯỜNG") is read through
])
def test_signer(tmp_path, tail, authority, title, name):
    frame = from_text(tmp_path, HEAD + tail).frame
    assert (frame.signer_authority, frame.signer_title, frame.signer_name) == (authority, title, name)


def test_no_signer_is_a_warning(tmp_path):
    doc = from_text(tmp_path, HEAD + COPIES)
    assert doc.frame.signer_name is None and any(w.startswith("W107") for w in doc.warnings)


def test_recipients_in_a_table_cell(tmp_path):
    tail = ("| Nơi nhận: - Như trên; - UB các vấn đề XH của QH; (để báo cáo) - Bộ Y tế; (để phối hợp) - Sở LĐTBXH "
            "các tỉnh, TP (để thực hiện); - Lưu: VT, Cục NCC. | KT. BỘ TRƯỞNG THỨ TRƯỞNG Bùi Hồng Lĩnh |\n|---|---|")
    frame = from_text(tmp_path, HEAD + tail).frame
    assert [r.text for r in frame.recipients] == ["Như trên", "UB các vấn đề XH của QH; (để báo cáo)",
                                                 "Bộ Y tế; (để phối hợp)", "Sở LĐTBXH các tỉnh, TP (để thực hiện)",
                                                 "Lưu: VT, Cục NCC"]
    assert [r.kind for r in frame.recipients] == ["as_above", "unit", "unit", "unit", "archive"]
    assert frame.body_end == max(frame.provenance["recipients"])


@pytest.mark.parametrize("text, expected", [
    ("Ban Giám đốc (để b/c)", "để báo cáo"),
    ("Bộ trưởng (để b/cáo)", "để báo cáo"),
    ("Phó TCTr Cao Anh Tuấn để b/c", "để báo cáo"),
    ("Các đ/c lãnh đạo Sở (để chỉ đạo)", "để chỉ đạo"),
    ("Báo An Giang (phối hợp TH)", "để phối hợp"),
    ("Cục NCC (p/hợp t/hiện)", "để phối hợp"),
    ("UBND huyện (thực hiện)", "để thực hiện"),
    ("Ban Chỉ đạo thực hiện Đề án", None),  # a name, not a purpose
    ("Lưu: VT, QLN (2b)", None),
])
def test_purpose(text, expected):
    assert purpose(text) == expected


@pytest.mark.parametrize("text, kind", [("Như trên", "as_above"), ("Như Điều 3", "as_above"),
                                        ("Lưu: VT, TĐKT", "archive"), ("Lưu VP, P.KT", "archive"),
                                        ("Sở Tài chính", "unit")])
def test_recipient_kind(text, kind):
    assert recipient(text).kind == kind


def test_addressees_on_plain_lines_without_dashes(tmp_path):
    text = ("BỘ XÂY DỰNG\n\nSố: 1/BXD-QLN\nV/v hỗ trợ\n\nHà Nội, ngày 23 tháng 10 năm 2013\n\n"
            "Kính gửi:\nSở Xây dựng các tỉnh;\nSở Tài chính các tỉnh.\n\nNội dung.\n")
    assert from_text(tmp_path, text).frame.addressees == ["Sở Xây dựng các tỉnh", "Sở Tài chính các tỉnh"]


@pytest.mark.parametrize("number, code", [("Số: 15/UBND-VP", "W111"), ("Số: 15/QĐ-UBND", "W105")])
def test_type_code_against_title(tmp_path, number, code):
    text = f"ỦY BAN NHÂN DÂN TỈNH AN GIANG\n\n{number}\n\nLong Xuyên, ngày 01 tháng 02 năm 2024\n\nKẾ HOẠCH\n\nVề việc A\n"
    assert any(w.startswith(code) for w in from_text(tmp_path, text).warnings)
