"""Units and role holders: gazetteer matching, extension to the natural end, roles in a directive."""
from __future__ import annotations

import pytest

from pipeline import rules
from pipeline.errors import RulesError
from pipeline.tasks import assign, gazetteer, units

# (text, the unit phrases found in it, as written)
MENTIONS = [
    ("Phòng Giáo dục và Đào tạo các huyện, thị xã, thành phố báo cáo.",
     ["Phòng Giáo dục và Đào tạo các huyện, thị xã, thành phố"]),
    ("Giao Sở Tài chính chủ trì, phối hợp với các cơ quan, đơn vị có liên quan.",
     ["Sở Tài chính", "các cơ quan, đơn vị có liên quan"]),
    ("Thủ trưởng các Sở, Ban, Ngành; Chủ tịch UBND các huyện, thị xã, thành phố tập trung thực hiện.",
     ["Thủ trưởng các Sở, Ban, Ngành", "Chủ tịch UBND các huyện, thị xã, thành phố"]),
    ("Bộ Quốc phòng chủ trì, phối hợp với Bộ Lao động - Thương binh và Xã hội, Bộ Tài chính hướng dẫn.",
     ["Bộ Quốc phòng", "Bộ Lao động - Thương binh và Xã hội", "Bộ Tài chính"]),
    ("Hiệu trưởng các trường Mầm non, Tiểu học, THCS.", ["Hiệu trưởng các trường Mầm non, Tiểu học, THCS"]),
    ("Sở Văn hóa, Thể thao và Du lịch, Đài Phát thanh - Truyền hình Hậu Giang phối hợp.",
     ["Sở Văn hóa, Thể thao và Du lịch", "Đài Phát thanh - Truyền hình Hậu Giang"]),
    ("Các tổ chức chính trị - xã hội và tổ chức, đoàn thể có liên quan.",
     ["Các tổ chức chính trị - xã hội và tổ chức, đoàn thể có liên quan"]),
    ("Phòng Khảo thí và Kiểm định chất lượng giáo dục chủ trì, phối hợp với Phòng Giáo dục Trung học.",
     ["Phòng Khảo thí và Kiểm định chất lượng giáo dục", "Phòng Giáo dục Trung học"]),
    ("Bộ phận Tiểu học của Phòng có trách nhiệm theo dõi.", ["Bộ phận Tiểu học của Phòng"]),
    ("Văn phòng Chính phủ đề nghị quý Bộ khẩn trương có báo cáo.", ["Văn phòng Chính phủ", "quý Bộ"]),
    # ordinary words that start like a unit are not units
    ("Ban hành Thông tư hướng dẫn; tổ chức Hội nghị tổng kết; trường hợp đặc biệt.", []),
    # a unit abbreviation inside a document number is not a unit
    ("Căn cứ Quyết định số 22/2013/QĐ-TTg và Thông tư số 09/2013/TT-BXD tổ chức lập Đề án.", []),
    # "hàng quý" is a period, not "quý (cơ quan)"
    ("Định kỳ hàng quý tổ chức tập huấn trực tuyến.", []),
]


@pytest.mark.parametrize("text,expected", MENTIONS)
def test_mentions_extend_to_their_natural_end(text, expected):
    assert [m.text for m in units.find(text)] == expected


@pytest.mark.parametrize("spelling", ["Ủy ban nhân dân tỉnh Nghệ An", "Uỷ ban nhân dân tỉnh Nghệ An",
                                      "UỶ BAN NHÂN DÂN tỉnh Nghệ An", "UBND tỉnh Nghệ An"])
def test_tone_placement_case_and_abbreviation_fold_to_one_unit(spelling):
    found = units.find(f"{spelling} chủ động rà soát danh sách.")
    assert [m.unit_id for m in found] == ["ubnd"]


@pytest.mark.parametrize("text,generic", [("các đơn vị", True), ("quý Bộ", True), ("các địa phương", True),
                                          ("các cơ quan, đơn vị có liên quan", False),
                                          ("Các đơn vị thuộc Sở GD&ĐT", False)])
def test_generic_mentions_stand_for_the_addressees(text, generic):
    assert units.find(f"Đề nghị {text} thực hiện.")[0].generic is generic


# (directive, [(unit, role)] of its first sentence)
ROLES = [
    ("Sở Xây dựng chủ trì, phối hợp với Sở Lao động - Thương binh và Xã hội, Sở Tài chính lập Đề án.",
     [("Sở Xây dựng", "chủ trì"), ("Sở Lao động - Thương binh và Xã hội", "phối hợp"), ("Sở Tài chính", "phối hợp")]),
    ("Giao Giám đốc Sở Kế hoạch và Đầu tư chủ động phối hợp với Sở Tài chính cùng các ngành có liên quan xác định.",
     [("Giám đốc Sở Kế hoạch và Đầu tư", "thực hiện"), ("Sở Tài chính", "phối hợp"),
      ("các ngành có liên quan", "phối hợp")]),
    ("Ủy ban nhân dân quận, huyện chỉ đạo Phòng Lao động - Thương binh và Xã hội phối hợp với các phòng, "
     "ban có liên quan rà soát.",
     [("Ủy ban nhân dân quận, huyện", "thực hiện"), ("Phòng Lao động - Thương binh và Xã hội", "thực hiện"),
      ("các phòng, ban có liên quan", "phối hợp")]),
    # the speaker is no assignee; the unit it asks is
    ("Bộ Xây dựng đề nghị Bộ Tài chính, Bộ Kế hoạch và Đầu tư bố trí vốn.",
     [("Bộ Tài chính", "thực hiện"), ("Bộ Kế hoạch và Đầu tư", "thực hiện")]),
    # recipients, owners and objects of other verbs are no assignees
    ("Tổng hợp, báo cáo Ủy ban nhân dân quận, huyện về kết quả thực hiện.", []),
    ("Chỉ đạo các bộ, ngành, Ủy ban nhân dân các cấp tiếp tục đẩy mạnh công tác tuyên truyền.", []),
    ("Trên cơ sở đề nghị của Sở Xây dựng và Sở Lao động - Thương binh và Xã hội, Sở Tài chính thẩm định.",
     [("Sở Tài chính", "thực hiện")]),
    ("Ban Chỉ đạo theo dõi, kiểm tra việc thực hiện cuộc vận động.", [("Ban Chỉ đạo", "theo dõi")]),
    ("Tổ trưởng chuyên môn: Đi vào chiều sâu nội dung sinh hoạt.", [("Tổ trưởng chuyên môn", "thực hiện")]),
]


@pytest.mark.parametrize("text,expected", ROLES)
def test_roles_of_units_in_a_directive(text, expected):
    found = assign.parties(text)
    assert [(a.name, a.role) for a in found.leads + found.partners] == expected


def test_lead_in_names_the_units_it_asks_not_its_speaker():
    text = ("Sở Giáo dục và Đào tạo yêu cầu Chủ tịch Công đoàn Giáo dục tỉnh, Trưởng phòng Giáo dục và "
            "Đào tạo các huyện thực hiện các công việc sau:")
    assert [a.name for a in assign.actors(text, lead_in=True)] == [
        "Chủ tịch Công đoàn Giáo dục tỉnh", "Trưởng phòng Giáo dục và Đào tạo các huyện"]


def test_mentions_resolve_to_the_addressee_they_stand_for():
    addressees = ["Cục Thuế tỉnh Hà Tĩnh", "Sở Tài chính"]
    actors = [assign.Actor("Cục Thuế", None, "thực hiện", "lead"),
              assign.Actor("các đơn vị", None, "thực hiện", "lead")]
    assert [a.name for a in assign.resolve(actors, addressees)] == ["Cục Thuế tỉnh Hà Tĩnh", "Sở Tài chính"]


@pytest.mark.parametrize("text", ["", "   ", "\n\n", "-", ":", "((((", "Sở", "các", "x" * 5000,
                                  "Ủy ban " * 400, "\u200b\ufeff", "1.1.1.", "!!! ???"])
def test_hostile_text_never_breaks_the_matcher(text):
    found = units.find(text)
    assert all(0 <= m.start < m.end <= len(text) for m in found)


def test_a_duplicate_alias_fails_at_load_naming_the_entry():
    data = rules.read("units")
    bad = dict(data, units=list(data["units"]) + [{"id": "dup", "name": "Sở GD&ĐT"}])
    with pytest.raises(RulesError, match=r"rules/units\.yaml: units\[\d+\]: 'Sở GD&ĐT' duplicates"):
        gazetteer._build(bad, "rules/units.yaml")


def test_a_unit_without_names_fails_at_load():
    data = rules.read("units")
    bad = dict(data, heads=[{"id": "x", "words": []}])
    with pytest.raises(RulesError, match=r"heads\[0\]: needs non-empty names"):
        gazetteer._build(bad, "rules/units.yaml")
