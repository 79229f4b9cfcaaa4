"""Case tables for the structure stage: references, the outline, the rule files, hostile input."""
from __future__ import annotations

import copy

import pytest

from pipeline import rules
from pipeline.errors import RulesError
from pipeline.model import Block, Document, Source
from pipeline.structure import structure
from pipeline.structure import rulebook
from pipeline.structure.references import find_references
from pipeline.syllables import build_syllables

HEAD = "SỞ GIÁO DỤC VÀ ĐÀO TẠO\n\nSố: 7/SGDĐT-VP\nV/v việc\n\nHà Nội, ngày 01 tháng 02 năm 2024\n\n"


def doc_of(*texts: str, page=None, kind="paragraph") -> Document:
    blocks = [Block(id=i, text=t, kind=kind, page=page) for i, t in enumerate(texts)]
    return structure(Document(source=Source(path="x", sha256="0" * 64, format="txt"), blocks=blocks))


# --- references ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, number, kind, date, issuer, relation", [
    ("Thực hiện công văn số 6122/BGDĐT-TĐKT ngày 28 tháng 12 năm 2017 của Bộ Giáo dục và Đào tạo về việc X,",
     "6122/BGDĐT-TĐKT", "Công văn", "2017-12-28", "Bộ Giáo dục và Đào tạo", "implements"),
    ("Căn cứ Công văn 302/PGDĐT-GDTH ngày 07/10/2021 của Phòng Giáo dục và Đào tạo thành phố Thuận An về việc",
     "302/PGDĐT-GDTH", "Công văn", "2021-10-07", "Phòng Giáo dục và Đào tạo thành phố Thuận An", "based_on"),
    ("Căn cứ Chỉ thị số 24-CT/TW ngày 15 tháng 5 năm 2013 của Bộ Chính trị về tiếp tục",
     "24-CT/TW", "Chỉ thị", "2013-05-15", "Bộ Chính trị", "based_on"),
    ("Ngày 16/7/2012, Ủy ban Thường vụ Quốc hội đã ban hành Pháp lệnh số 04/2012/UBTVQH13 sửa đổi",
     "04/2012/UBTVQH13", "Pháp lệnh", "2012-07-16", None, "cites"),
    ("Trả lời Công văn số 577/CT-THNVDT ngày 23/4/2013 của Cục Thuế tỉnh Hà Tĩnh về chính sách",
     "577/CT-THNVDT", "Công văn", "2013-04-23", "Cục Thuế tỉnh Hà Tĩnh", "answers"),
    ("Quyết định này thay thế các Quyết định: Số 2196/QĐ-UBND ngày 28/12/2021.",
     "2196/QĐ-UBND", "Quyết định", "2021-12-28", None, "replaces"),
    ("theo quy định tại Nghị định số 198/2004/NĐ-CP.", "198/2004/NĐ-CP", "Nghị định", None, None, "cites"),
    ("hướng dẫn thực hiện Quyết định số 62/QĐ- TTg của Thủ tướng", "62/QĐ-TTg", "Quyết định", None, "Thủ tướng",
     "implements"),  # a PDF line break after the hyphen
])
def test_reference(text, number, kind, date, issuer, relation):
    [ref] = find_references([(text, 0)], None)
    assert (ref.number, ref.type, ref.date, ref.issuer, ref.relation) == (number, kind, date, issuer, relation)


def test_references_merge_a_later_mention_and_skip_own_number():
    texts = [("Căn cứ Quyết định số 22/2013/QĐ-TTg ngày 26/4/2013 của Thủ tướng Chính phủ;", 0),
             ("theo Quyết định số 22/2013/QĐ-TTg và Công văn số 7/SGDĐT-VP.", 3),
             ("Ngày 20/11/1982 - 20/11/2022 và năm học 2022-2023, 2.220.000 đồng/người/lần", 4)]
    refs = find_references(texts, "7/SGDĐT-VP")
    assert [(r.number, r.date, r.blocks) for r in refs] == [("22/2013/QĐ-TTg", "2013-04-26", [0, 3])]


def test_two_documents_with_one_number_but_different_dates_stay_apart():
    texts = [("Chỉ thị số 02/CT-TTg ngày 01/02/2020 và Chỉ thị số 02/CT-TTg ngày 05/03/2022", 0)]
    assert [r.date for r in find_references(texts, None)] == ["2020-02-01", "2022-03-05"]


# --- outline ------------------------------------------------------------------------------------

def outline_of(*body: str, page=None, kind="paragraph"):
    return doc_of("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 7/SGDĐT-VP", "Hà Nội, ngày 01 tháng 02 năm 2024",
                  "Kính gửi: Các trường.", *body, "Nơi nhận:\n- Như trên;\n- Lưu: VT.", "GIÁM ĐỐC",
                  "Nguyễn Văn An", page=page, kind=kind).outline


def flat(nodes, out=None):
    out = [] if out is None else out
    for n in nodes:
        out.append((n.path, n.kind, n.heading, n.text))
        flat(n.children, out)
    return out


def test_outline_tree():
    nodes = outline_of("Thực hiện Công văn số 1/BGDĐT-VP, Sở đề nghị:", "I. NHIỆM VỤ CHUNG",
                       "1. Chính trị tư tưởng", "a) Tổ chức học tập;", "- Giáo viên;\n- Học sinh;",
                       "+ Lớp 1;", "b) Tuyên truyền.", "Các trường báo cáo kết quả.", "2. Chuyên môn",
                       "2.1. Dạy học", "II. TỔ CHỨC THỰC HIỆN", "Nhận được công văn, đề nghị thực hiện./.")
    assert flat(nodes) == [
        ("p1", "paragraph", False, "Thực hiện Công văn số 1/BGDĐT-VP, Sở đề nghị:"),
        ("I", "part", True, "NHIỆM VỤ CHUNG"),
        ("I.1", "item", True, "Chính trị tư tưởng"),
        ("I.1.a", "point", True, "Tổ chức học tập;"),
        ("I.1.a.-1", "dash", False, "Giáo viên;"),
        ("I.1.a.-2", "dash", True, "Học sinh;"),
        ("I.1.a.-2.+1", "plus", False, "Lớp 1;"),
        ("I.1.b", "point", True, "Tuyên truyền."),
        ("I.1.b.p1", "paragraph", False, "Các trường báo cáo kết quả."),
        ("I.2", "item", True, "Chuyên môn"),
        ("I.2.1", "item", False, "Dạy học"),
        ("II", "part", False, "TỔ CHỨC THỰC HIỆN"),
        ("p2", "paragraph", False, "Nhận được công văn, đề nghị thực hiện./."),
    ]


def test_outline_articles_and_schedules():
    nodes = outline_of("Điều 1. Thành lập Đoàn kiểm tra:", "1. Ông A, trưởng đoàn;", "Điều 2. Hiệu lực.",
                       "3. Tháng 10/2021", "- Khảo sát chất lượng.")
    assert [(p, k) for p, k, _, _ in flat(nodes)] == [("Điều 1", "part"), ("Điều 1.1", "item"),
                                                      ("Điều 2", "part"), ("Điều 2.3", "schedule"),
                                                      ("Điều 2.3.-1", "dash")]


def test_outline_joins_a_paragraph_cut_by_a_page_break():
    doc = doc_of("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 7/SGDĐT-VP", "Hà Nội, ngày 01 tháng 02 năm 2024",
                 "1. Rà soát, sửa đổi các văn bản quy định, ứng dụng công nghệ trong quản", "lý, dạy học.",
                 "2. Xây dựng kế hoạch.")
    assert [n.text for n in doc.outline] == ["Rà soát, sửa đổi các văn bản quy định, ứng dụng công nghệ trong quản "
                                             "lý, dạy học.", "Xây dựng kế hoạch."]
    assert doc.outline[0].blocks == [3, 4]


def test_body_bounds_and_attachment():
    doc = doc_of("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 7/SGDĐT-VP", "Hà Nội, ngày 01 tháng 02 năm 2024",
                 "Kính gửi: Các trường.", "1. Báo cáo.", "Nơi nhận:\n- Như trên;\n- Lưu: VT.", "GIÁM ĐỐC",
                 "Nguyễn Văn An", "KẾ HOẠCH", "I. MỤC ĐÍCH", "1. Nâng cao chất lượng.")
    assert (doc.frame.body_start, doc.frame.body_end) == (4, 5)
    assert [n.path for n in doc.outline] == ["1", "p1"]
    attached = doc.outline[1]
    assert (attached.text, attached.heading) == ("KẾ HOẠCH", True)
    assert [n.path for n in attached.children] == ["p1.I"]


# --- rule files ---------------------------------------------------------------------------------

def test_rule_files_load():
    assert rulebook.doc_types().by_code["KH"] == "Kế hoạch"
    assert rulebook.authorities().prefixes["KT."] == 1
    assert rulebook.recipient_rules().purposes
    assert rulebook.reference_rules().relations
    assert rulebook.outline_rules().markers
    assert rulebook.issuer_rules().heads


@pytest.mark.parametrize("name, build, change, message", [
    ("doc_types", rulebook.build_doc_types, lambda d: d["types"].append({"name": "Kế Hoạch", "code": "KHX"}),
     "duplicate alias"),
    ("doc_types", rulebook.build_doc_types, lambda d: d["types"].append({"name": "X", "code": "KH"}), "duplicate"),
    ("recipients", rulebook.build_recipients, lambda d: d["purposes"]["để biết"].append("b/c"), "duplicate alias"),
    ("recipients", rulebook.build_recipients, lambda d: d.update(item_start="(["), "does not compile"),
    ("structure", rulebook.build_structure, lambda d: d.update(colour="red"), "unknown key"),
    ("outline", rulebook.build_outline, lambda d: d["markers"].append({"kind": "x", "rank": 1, "pattern": "a"}),
     "unknown kind"),
    ("authorities", rulebook.build_authorities, lambda d: d["titles"].append("GIÁM ĐỐC"), "duplicate alias"),
    ("references", rulebook.build_references, lambda d: d.pop("number"), "missing"),
    ("syllables", build_syllables, lambda d: d["onsets"].append("ng"), "duplicates"),
])
def test_bad_rule_files_fail_with_file_and_key(name, build, change, message):
    data = copy.deepcopy(rules.read(name))
    change(data)
    with pytest.raises(RulesError, match=message):
        build(data, f"rules/{name}.yaml")


# --- hostile input ------------------------------------------------------------------------------

HOSTILE = ["", " ", "\n\n", "Số:", "Số: /", "Kính gửi:", "Nơi nhận:", "KT.", "- - -", "|||", "ngày tháng năm",
           "Số: 1/A-B Hà Nội, ngày 99 tháng 99 năm 9999", "V/v", "I.", "a)", "+", "Điều", "x" * 5000,
           "Ủ" * 300, "1/2/3/4/5/6/7/8/9/0/a" * 50, "\u0301\u0300\u0323", "T H À N H P H Ố " * 40]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_does_not_break_the_stage(text):
    doc = doc_of(text, text + "\n" + text, page=1)
    assert doc.frame is not None and isinstance(doc.warnings, list)


def test_empty_document():
    doc = structure(Document(source=Source(path="x", sha256="0" * 64, format="txt")))
    assert (doc.frame.number, doc.frame.body_start, doc.outline) == (None, None, [])
