"""Tasks from task tables and appendix role items: the field plan in every rendering, built tables,
and case tables for the pieces (header wordings, unit lists)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from pipeline.evaluate import match_tasks, token_f1
from pipeline.run import process
from pipeline.serialize import document_record
from pipeline.tasks.tables import column_roles, unit_names

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
STEM = "field-01-hatinh-kh-hocbaso"
RENDERINGS = [CORPUS / "field" / "clean" / f"{STEM}.txt", CORPUS / "field" / f"{STEM}.docx",
              CORPUS / "field" / f"{STEM}.pdf"]


@lru_cache(maxsize=None)
def document(path: Path):
    return process(str(path)).document


def record(path: Path) -> dict:
    return json.loads(json.dumps(document_record(document(path)), default=str))


def gold() -> dict:
    return json.loads((CORPUS / "gold" / f"{STEM}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", RENDERINGS, ids=lambda p: p.suffix)
def test_plan_tasks_match_gold_with_roles_and_deadlines(path):
    pred, want = record(path)["tasks"], gold()["tasks"]
    pairs = match_tasks(pred, want)
    assert len(pairs) == len(want) == len(pred)
    for p, g in pairs:
        assert p["deadline"] == g["deadline"], g["anchor"]
        names = [a["name"] for a in p["assignees"]]
        assert len(names) == len(g["assignees"]) and all(token_f1(a, b) >= 0.8 for a, b in zip(names, g["assignees"]))


def test_pdf_table_runs_over_two_page_breaks_and_split_rows_are_joined():
    doc = document(RENDERINGS[2])
    rows = [t for t in doc.tasks if t.seq.startswith("table")]
    assert len(rows) == 9
    first = next(t for t in rows if t.text.startswith("Rà soát hạ tầng"))
    assert first.text.endswith("đề xuất phương án bổ sung thiết bị còn thiếu")
    assert {doc.blocks[b].page for b in first.blocks} == {1, 2}
    last = next(t for t in rows if t.text.startswith("Kiểm tra, đánh giá"))
    assert last.text.endswith("tổng hợp báo cáo Ủy ban nhân dân huyện")
    assert {doc.blocks[b].page for b in last.blocks} == {2, 3}
    assert last.deadline == "2024-12-15"


def test_roles_come_from_columns_and_labels():
    tasks = {t["text"][:25]: t for t in record(RENDERINGS[1])["tasks"]}
    roles = [(a["name"], a["role"]) for a in tasks["Tuyên truyền đến cha mẹ h"]["assignees"]]
    assert roles == [("Trung tâm Văn hóa - Truyền thông huyện", "chủ trì"), ("Phòng Giáo dục và Đào tạo", "phối hợp"),
                     ("Ủy ban nhân dân các xã, thị trấn", "phối hợp")]
    appendix = tasks["Xây dựng quy chế quản lý,"]
    assert [a["role"] for a in appendix["assignees"]] == ["chủ trì", "phối hợp", "phối hợp"]
    assert appendix["deadline_text"] == "Tháng 7/2024"


@pytest.mark.parametrize("header, roles", [
    (["TT", "Nội dung công việc", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"],
     {"seq": 0, "content": 1, "lead": 2, "partners": 3, "time": 4}),
    (["S\nT\nT", "Nội dung (công việc/nhiệm vụ)", "Cơ quan chủ trì", "Thời gian thực hiện", "Sản phẩm"],
     {"seq": 0, "content": 1, "lead": 2, "time": 3, "product": 4}),
    (["STT", "Nhiệm vụ", "Đơn vị thực hiện", "Cơ quan phối hợp", "Tiến độ"],
     {"seq": 0, "content": 1, "lead": 2, "partners": 3, "time": 4}),
    # a budget table names units but no content-and-time: not a task table
    (["STT", "Danh mục dự án/ Cơ quan, đơn vị, địa phương thực hiện", "Kế hoạch vốn năm 2023", "Ghi chú"], None),
    (["Nội dung", "Đơn vị chủ trì"], None),  # no partners, no time
    (["Kính gửi:", "Các trường"], None),
])
def test_column_roles(header, roles):
    assert column_roles(header) == roles


@pytest.mark.parametrize("cell, names", [
    ("UBND các huyện, thị xã, thành phố", ["UBND các huyện, thị xã, thành phố"]),
    ("Sở Thông tin và Truyền thông, Văn phòng UBND tỉnh", ["Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh"]),
    ("Phòng Giáo\ndục và Đào\ntạo", ["Phòng Giáo dục và Đào tạo"]),
    ("Văn phòng HĐND và\nUBND huyện", ["Văn phòng HĐND và UBND huyện"]),
    ("- Sở Tài chính;\n- Sở Kế hoạch và Đầu tư", ["Sở Tài chính", "Sở Kế hoạch và Đầu tư"]),
    ("Các sở, ban, ngành; UBND các huyện", ["Các sở, ban, ngành", "UBND các huyện"]),
])
def test_unit_names(cell, names):
    assert unit_names(cell) == names


def test_table_without_task_header_gives_no_tasks(tmp_path):
    path = tmp_path / "bang.txt"
    path.write_text("KẾ HOẠCH\n\nPhân bổ kinh phí năm 2024\n\n| STT | Đơn vị | Kinh phí | Ghi chú |\n|---|---|---|---|\n"
                    "| 1 | Trường Tiểu học số 1 | 300 | |\n| 2 | Trường THCS Kim Song | 500 | |\n", encoding="utf-8")
    assert not [t for t in record(path)["tasks"] if t["seq"].startswith("table")]


@pytest.mark.parametrize("text, key", [
    ("columns: {content: [nội dung], boss: [thủ trưởng]}\nlabels: {lead: [chủ trì]}\n", "columns"),
    ("columns: {content: [nội dung]}\nlabels: {lead: [1, '']}\n", "labels.lead"),
    ("columns: {content: [nội dung]}\n", "labels"),
])
def test_a_bad_task_table_rule_names_its_file_and_key(tmp_path, text, key):
    from pipeline import rules
    from pipeline.errors import RulesError

    bad = tmp_path / "task_tables.yaml"
    bad.write_text(text, encoding="utf-8")
    rules.use_file("task_tables", bad)
    try:
        with pytest.raises(RulesError, match=key):
            column_roles(["Nội dung", "Đơn vị chủ trì", "Thời gian"])
    finally:
        rules._overrides.pop("task_tables", None)
        rules.read.cache_clear()
        rules._cache.pop("task_tables", None)
