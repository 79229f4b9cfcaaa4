"""The task stage: which paragraphs are directives, their action, assignees by precedence, dates."""
from __future__ import annotations

import pytest

from pipeline.model import Block, Document, Frame, OutlineNode, Source
from pipeline.tasks import directives, extract_tasks

# (paragraph, is it a task on its own)
DIRECTIVES = [
    ("Rà soát, sửa đổi, bổ sung theo thẩm quyền các văn bản quy định không còn phù hợp.", True),
    ("Không tổ chức các hoạt động giáo dục trái quy định, gây áp lực cho người học.", True),
    ("Ủy ban nhân dân tỉnh Nghệ An chủ động rà soát, lập danh sách các đối tượng.", True),
    ("Giao Giám đốc Sở Kế hoạch và Đầu tư phối hợp với Sở Tài chính xác định tổng mức đầu tư.", True),
    ("Năm học 2021-2022, tiếp tục thực hiện cuộc vận động “Hai không”.", True),
    ("Định kỳ hàng quý, kết thúc học kỳ, các đơn vị lựa chọn các tập thể, cá nhân có nhiều đổi mới.", True),
    ("Trong quá trình thực hiện nếu có khó khăn, vướng mắc đề nghị phản ánh về Bộ để được hướng dẫn.", True),
    ("Căn cứ Kế hoạch này để tổng hợp, bố trí vốn có mục tiêu cho Ủy ban nhân dân quận, huyện.", True),
    ("Kinh phí điều trị: căn cứ đối tượng đang được nuôi dưỡng để làm cơ sở tính toán kinh phí.", True),
    ("Phòng Giáo dục và Đào tạo là cơ quan thường trực, chủ trì lập dự toán kinh phí.", True),
    ("Cơ cấu thành phần Ban Chỉ đạo các cấp do Bộ Quốc phòng hướng dẫn thực hiện.", True),
    ("Phát huy những kết quả đã đạt được, khắc phục những thiếu sót.", True),
    # recitals, narratives, promises, definitions, closing formulas, effect clauses
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015; Luật sửa đổi, bổ sung một số điều;", False),
    ("Thực hiện Công văn số 6122/BGDĐT-TĐKT ngày 28 tháng 12 năm 2017 của Bộ Giáo dục và Đào tạo,", False),
    ("Xét đề nghị của Sở Xây dựng tại Công văn số 4236/SXD-QLN&CS ngày 22 tháng 5 năm 2014,", False),
    ("Trong những năm qua, công tác thi đua, khen thưởng đã có bước phát triển mới.", False),
    ("Các trường học đã chú trọng các giải pháp nâng cao chất lượng giáo dục.", False),
    ("Sau khi Nghị định được ban hành, Bộ sẽ có văn bản hướng dẫn cụ thể việc điều chỉnh trợ cấp.", False),
    ("Thời gian điều dưỡng phục hồi sức khỏe tối thiểu là 5 ngày, tối đa là 10 ngày.", False),
    ("Nhận được công văn, đề nghị các đơn vị triển khai thực hiện./.", False),
    ("Yêu cầu thủ trưởng các đơn vị nghiêm túc chấp hành tinh thần công văn này./.", False),
    ("Quyết định này có hiệu lực thi hành kể từ ngày ký./.", False),
    ("Giám đốc Sở Tài chính và các tổ chức, cá nhân liên quan chịu trách nhiệm thi hành Quyết định này./.", False),
    ("Trên đây là Kế hoạch triển khai thực hiện Thông tư số 09/2013/TT-BXD của Ủy ban nhân dân Thành phố.", False),
    ("Sửa đổi, bổ sung điểm c khoản 2 Điều 2 Quyết định số 118/TTg:", False),
    ("Sở Giáo dục và Đào tạo yêu cầu các đơn vị thực hiện các nội dung sau:", False),
    ("KẾ HOẠCH TRIỂN KHAI THỰC HIỆN THÔNG TƯ SỐ 09/2013/TT-BXD", False),
    ("Đơn đề nghị hỗ trợ về nhà ở của hộ gia đình;", False),
]


@pytest.mark.parametrize("text,is_task", DIRECTIVES)
def test_directive_or_not(text, is_task):
    assert (directives.classify(text).kind == "directive") is is_task


@pytest.mark.parametrize("text,kind", [
    ("Nhận được công văn, đề nghị các đơn vị triển khai thực hiện./.", "closing"),
    ("Sở Giáo dục và Đào tạo thông báo để các phòng ban, đơn vị thực hiện./.", "closing"),
    ("Bộ Xây dựng đề nghị Ủy ban nhân dân các tỉnh chỉ đạo các cơ quan có liên quan tổ chức thực hiện./.", "closing"),
    ("Căn cứ Quyết định số 1237/QĐ-TTg về việc phê duyệt Đề án tìm kiếm, quy tập hài cốt liệt sĩ;", "recital"),
    ("Phòng Giáo dục và Đào tạo đề nghị các đơn vị thực hiện tốt các nhiệm vụ sau:", "lead_in"),
])
def test_kinds_that_are_not_tasks(text, kind):
    assert directives.classify(text).kind == kind


@pytest.mark.parametrize("text,action", [
    ("Đề nghị các trường rà soát, báo cáo Sở trước ngày 25/10/2021.", "rà soát"),
    ("Tiếp tục đẩy mạnh công tác thông tin, truyền thông.", "đẩy mạnh"),
    ("Tổ chức Hội nghị Cha mẹ học sinh.", "tổ chức"),
    ("Sở Xây dựng chủ trì, phối hợp với Sở Tài chính lập Đề án.", "chủ trì"),
    ("Chỉ đạo Phòng Giáo dục và Đào tạo báo cáo kết quả thực hiện.", "chỉ đạo"),
    ("Các cơ quan, đơn vị được giao nhiệm vụ phải trình hồ sơ trong tháng 3 năm 2023.", "trình"),
])
def test_main_verb(text, action):
    assert directives.classify(text).action == action


# -- the stage over small documents ------------------------------------------------------------

def _node(path, text, kind="item", heading=False, children=()):
    return OutlineNode(label=path.rsplit(".", 1)[-1], path=path, kind=kind, text=text, heading=heading,
                       children=list(children))


def _doc(outline, addressees=(), issuer="Sở Giáo dục và Đào tạo", issue_date="2021-10-04"):
    frame = Frame(issuer=issuer, issue_date=issue_date, addressees=list(addressees))
    doc = Document(source=Source(path="x.txt", sha256="ab" * 32, format="txt"), frame=frame,
                   blocks=[Block(id=0, text="", page=1)])
    doc.outline = list(outline)
    for n in _walk(doc.outline):
        n.blocks = [0]
    return doc


def _walk(nodes):
    for n in nodes:
        yield n
        yield from _walk(n.children)


def _assignees(doc):
    return [[a.name for a in t.assignees] for t in extract_tasks(doc).tasks]


ADDRESSEES = ["Phòng Giáo dục và Đào tạo các huyện", "Các trường trung học phổ thông"]
LEAD_IN = "Sở Giáo dục và Đào tạo yêu cầu Phòng Giáo dục và Đào tạo các huyện thực hiện các nội dung sau:"


def test_a_unit_the_directive_names_comes_first():
    doc = _doc([_node("1", "Trung tâm Giáo dục thường xuyên tỉnh tổng hợp danh sách học viên.")], ADDRESSEES)
    assert _assignees(doc) == [["Trung tâm Giáo dục thường xuyên tỉnh"]]


def test_then_the_section_heading_unit():
    section = _node("2", "Các trường trung học phổ thông:", heading=True,
                    children=[_node("2.a", "Rà soát số phòng thi, số cán bộ coi thi dự kiến.", "point")])
    assert _assignees(_doc([_node("p1", LEAD_IN, "paragraph"), section], ADDRESSEES)) == [
        ["Các trường trung học phổ thông"]]


def test_then_the_lead_in_then_the_addressees():
    item = _node("1", "Rà soát số lượng giáo viên hiện có, số giáo viên còn thiếu.")
    assert _assignees(_doc([_node("p1", LEAD_IN, "paragraph"), item], ADDRESSEES)) == [
        ["Phòng Giáo dục và Đào tạo các huyện"]]
    assert _assignees(_doc([item], ADDRESSEES)) == [ADDRESSEES]


def test_with_no_addressees_the_closing_formula_then_the_issuer():
    item = _node("1", "Tiếp tục kiểm tra công tác quản lý cấp phát văn bằng.", "dash")
    closing = _node("p1", "Sở Giáo dục và Đào tạo thông báo để các phòng ban, đơn vị thực hiện./.", "paragraph")
    assert _assignees(_doc([item, closing])) == [["các phòng ban, đơn vị"]]
    assert _assignees(_doc([item])) == [["Sở Giáo dục và Đào tạo"]]


def test_generic_units_stand_for_the_addressees_and_partners_follow_the_lead():
    item = _node("1", "Đề nghị các đơn vị phối hợp với Sở Y tế tổ chức khám sức khỏe cho học sinh.")
    assert _assignees(_doc([item], ADDRESSEES)) == [ADDRESSEES + ["Sở Y tế"]]


def test_a_plan_section_takes_its_units_from_its_role_lists():
    content = _node("I.1", "Nội dung, biện pháp", heading=True, children=[
        _node("I.1.a", "Tổ chức Hội nghị quán triệt và triển khai thực hiện Chỉ thị.", "point")])
    lead = _node("I.2.a.-1", "Ban Chỉ đạo quốc gia; Bộ Quốc phòng.", "dash")
    partner = _node("I.2.b.-1", "Các cơ quan, đơn vị, địa phương.", "dash")
    roles = _node("I.2", "Cơ quan chủ trì, phối hợp", heading=True, children=[
        _node("I.2.a", "Cơ quan chủ trì", "point", True, [lead]),
        _node("I.2.b", "Cơ quan phối hợp", "point", True, [partner])])
    when = _node("I.3", "Thời gian thực hiện: Tháng 12/2021 và thường xuyên.")
    doc = _doc([_node("I", "CÔNG TÁC QUÁN TRIỆT", "part", True, [content, roles, when])], issue_date="2021-11-11")
    task = extract_tasks(doc).tasks
    assert [(a.name, a.role) for a in task[0].assignees] == [
        ("Ban Chỉ đạo quốc gia", "chủ trì"), ("Bộ Quốc phòng", "chủ trì"),
        ("Các cơ quan, đơn vị, địa phương", "phối hợp")]
    assert len(task) == 1 and task[0].deadline == "2021-12-31"


def test_items_of_a_schedule_heading_are_due_at_its_end():
    month = _node("IV.1", "Tháng 11/2021", "schedule", True, [
        _node("IV.1.p1", "Tổ chức thao giảng xoay vòng giáo viên trong tổ.", "paragraph")])
    task = extract_tasks(_doc([_node("IV", "KẾ HOẠCH CỤ THỂ", "part", True, [month])])).tasks[0]
    assert (task.deadline, task.deadline_text) == ("2021-11-30", "Tháng 11/2021")


def test_a_heading_that_only_groups_is_no_task_but_its_paragraphs_are():
    doc = _doc([_node("1", "Hoàn thiện thể chế, nâng cao hiệu lực quản lý nhà nước", heading=True, children=[
        _node("1.p1", "Tiếp tục đổi mới quản lý nhà nước về giáo dục.", "paragraph"),
        _node("1.p2", "Tích cực tham mưu Hội đồng nhân dân ban hành các cơ chế đặc thù.", "paragraph")])])
    assert [t.seq for t in extract_tasks(doc).tasks] == ["1.p1", "1.p2"]


def test_goals_and_past_results_sections_hold_no_tasks():
    doc = _doc([_node("I", "MỤC ĐÍCH, YÊU CẦU", "part", True, [
        _node("I.-1", "Bảo đảm thông tin, số liệu báo cáo đầy đủ, chính xác, kịp thời.", "dash")])])
    assert extract_tasks(doc).tasks == []


def test_the_closing_formula_counts_when_it_is_the_only_directive():
    doc = _doc([_node("p1", "Tổng cục Thuế thông báo để Cục Thuế được biết, báo cáo UBND tỉnh chỉ đạo giải quyết./.",
                      "paragraph")], ["Cục Thuế tỉnh Hà Tĩnh"])
    assert _assignees(doc) == [["Cục Thuế tỉnh Hà Tĩnh"]]


def test_task_fields_are_stable_and_point_back_at_the_source():
    def build():
        return _doc([_node("1", "Rà soát, báo cáo Sở trước ngày 25/10/2021.", children=[]),
                     _node("2", "Xây dựng kế hoạch nâng cao chất lượng giáo dục.")], ADDRESSEES)
    first, again = extract_tasks(build()).tasks, extract_tasks(build()).tasks
    assert [t.task_id for t in first] == [t.task_id for t in again]
    assert len({t.task_id for t in first}) == 2 and all(len(t.task_id) == 16 for t in first)
    t = first[0]
    assert (t.seq, t.text, t.action, t.deadline, t.blocks, t.page) == (
        "1", "Rà soát, báo cáo Sở trước ngày 25/10/2021.", "rà soát", "2021-10-25", [0], 1)
    assert 0 < t.confidence <= 1


def test_the_stage_fills_tasks_only():
    doc = _doc([_node("1", "Rà soát, báo cáo Sở trước ngày 25/10/2021.")], ADDRESSEES)
    frame, outline = doc.frame, list(doc.outline)
    extract_tasks(doc)
    assert doc.frame is frame and doc.outline == outline


@pytest.mark.parametrize("text", ["", " ", "-", "....", "1.", "Kính gửi:", "\u200b", "Sở " * 300, "a" * 4000])
def test_hostile_paragraphs_are_no_tasks_and_no_errors(text):
    assert extract_tasks(_doc([_node("1", text)], ADDRESSEES)).tasks == []
