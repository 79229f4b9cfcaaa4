"""The cascade's parts on small, hand-made dispatches: names, similarity, graph, cascade, views, rules."""
from __future__ import annotations

import networkx as nx
import pytest

from pipeline.cascade import config
from pipeline.cascade.cascade import cascade, links, status, threshold_value
from pipeline.cascade.dispatches import Citation, Dispatch, DispatchTask, from_records, number_key
from pipeline.cascade.errors import CascadeError
from pipeline.cascade.graph import build_graph, graph_json, graphml_name, subgraph_for, write_graphml
from pipeline.cascade.names import alternatives, issuer_fits, unit_is_issuer
from pipeline.cascade.similarity import match_tasks, similarity
from pipeline.cascade.views import graph_text, html_tree
from pipeline.errors import RulesError
from pipeline.rules import read

HOSTILE = ["", " ", "<script>alert(1)</script>", "&amp; \" ' <b>", "\u202e\u200b", "Số: /", "1/2/3/4/5/6/7/8",
           "ngày 99 tháng 99", "a" * 5000, "Sở, , ,;;", "🙂 Sở GD&ĐT 🙂"]


@pytest.mark.parametrize("unit, issuer, parent, expected", [
    ("Các sở giáo dục và đào tạo", "Sở Giáo dục và Đào tạo", "UBND tỉnh Hà Tĩnh", True),
    ("Sở GD&ĐT các tỉnh, thành phố", "Sở Giáo dục và Đào tạo", "UBND tỉnh Hà Tĩnh", True),
    ("Các phòng giáo dục và đào tạo", "Sở Giáo dục và Đào tạo", "UBND tỉnh Hà Tĩnh", False),
    ("Phòng GD&ĐT các huyện, thị xã, thành phố", "Phòng Giáo dục và Đào tạo", "UBND thị xã Hồng Lĩnh", True),
    ("Hiệu trưởng các trường mầm non, tiểu học, trung học cơ sở trên địa bàn huyện", "Trường THCS Xuân Diệu",
     "Phòng GD&ĐT huyện Can Lộc", True),
    ("Hiệu trưởng các trường mầm non, tiểu học", "Trường THCS Xuân Diệu", "Phòng GD&ĐT huyện Can Lộc", False),
    ("Các đơn vị trực thuộc Sở", "Phòng Giáo dục và Đào tạo", "UBND huyện Can Lộc", False),
    ("các cơ sở giáo dục", "Sở Giáo dục và Đào tạo", "UBND tỉnh Hà Tĩnh", False),
    ("UBND các tỉnh, thành phố trực thuộc Trung ương", "Ủy ban nhân dân tỉnh Hà Tĩnh", None, True),
    ("UBND các tỉnh, thành phố trực thuộc Trung ương", "Ủy ban nhân dân huyện Can Lộc", None, False),
    ("Phòng GD&ĐT huyện Tam Đảo", "Phòng Giáo dục và Đào tạo", "UBND huyện Tam Đảo", True),
    ("Phòng GD&ĐT huyện Bình Xuyên", "Phòng Giáo dục và Đào tạo", "UBND huyện Tam Đảo", False),
    ("Vụ Giáo dục thường xuyên", "Sở Giáo dục và Đào tạo", "UBND tỉnh Hà Tĩnh", False),
    ("Sở GD&ĐT", None, None, False),
])
def test_a_unit_named_in_a_task_is_an_issuer(unit, issuer, parent, expected):
    assert unit_is_issuer(unit, issuer, parent) is expected


def test_a_list_of_units_stands_for_each():
    assert [" ".join(a) for a in alternatives("Các trường MN, TH, THCS")] == [
        "trương2 mâm2 non", "trương2 tiêu3 hoc5", "trương2 trung hoc5 cơ sơ3"]


@pytest.mark.parametrize("cited, issuer, parent, expected", [
    ("Sở Giáo dục và Đào tạo Hà Tĩnh", "Sở Giáo dục và Đào tạo", "UBND tỉnh Hà Tĩnh", True),
    ("Sở GD&ĐT Nghệ An", "Sở Giáo dục và Đào tạo", "UBND tỉnh Hà Tĩnh", False),
    ("Bộ trưởng Bộ Giáo dục và Đào tạo", "Bộ Giáo dục và Đào tạo", None, True),
    ("Bộ GDĐT", "Bộ Giáo dục và Đào tạo", None, True),
    ("Phòng Giáo dục và Đào tạo huyện Can Lộc", "Phòng Giáo dục và Đào tạo", "UBND huyện Can Lộc", True),
    ("Sở GDĐT", "Phòng GD&ĐT", "UBND huyện Can Lộc", False),
    (None, "Phòng GD&ĐT", None, True),
    ("Bộ Giáo dục và Đào tạo", None, None, True),
])
def test_a_citations_issuer_fits_a_document(cited, issuer, parent, expected):
    assert issuer_fits(cited, issuer, parent) is expected


@pytest.mark.parametrize("a, b", [
    ("Báo cáo kết quả tổ chức Tuần lễ về Bộ GDĐT trước ngày 31/10/2024.",
     "Báo cáo kết quả tổ chức Tuần lễ về Sở GD&ĐT trước ngày 25/10/2024."),
    ("Tổ chức các hoạt động hưởng ứng Tuần lễ từ ngày 01/10/2024 đến ngày 07/10/2024.",
     "Chỉ đạo các trường tổ chức các hoạt động hưởng ứng Tuần lễ từ ngày 01 tháng 10 đến ngày 07 tháng 10 năm 2024."),
    ("Rà soát, cập nhật phiếu điều tra phổ cập giáo dục trên phần mềm.",
     "Các trường rà soát, cập nhật phiếu điều tra phổ cập giáo dục trên phần mềm trước ngày 20/01."),
])
def test_restatements_reach_the_threshold(a, b):
    assert similarity(a, b) >= config.cascade_rules().similarity_threshold


@pytest.mark.parametrize("a, b", [
    ("Báo cáo kết quả tổ chức Tuần lễ về Bộ GDĐT trước ngày 31/10/2024.",
     "Rà soát, củng cố hoạt động của các trung tâm học tập cộng đồng trên địa bàn."),
    ("Xây dựng kế hoạch ôn tập cho học sinh lớp 9.", "Kiểm tra công tác phòng cháy, chữa cháy tại các trường học."),
    ("Gửi danh sách cán bộ phụ trách về Phòng trước ngày 12/01/2024.",
     "Tuyên truyền về ý nghĩa của Tuần lễ trên trang thông tin điện tử."),
])
def test_unrelated_tasks_stay_below_it(a, b):
    assert similarity(a, b) < config.cascade_rules().similarity_threshold


def test_tasks_are_paired_one_to_one_best_first():
    upstream = ["Báo cáo kết quả tổ chức Tuần lễ trước ngày 31/10/2024.", "Xây dựng kế hoạch tổ chức Tuần lễ."]
    downstream = ["Xây dựng kế hoạch tổ chức Tuần lễ của nhà trường.", "Báo cáo kết quả tổ chức Tuần lễ về Phòng.",
                  "Báo cáo kết quả tổ chức Tuần lễ."]
    pairs = match_tasks(upstream, downstream, 0.55)
    assert [(i, j) for i, j, _ in pairs] == [(0, 2), (1, 0)]
    assert match_tasks(upstream, downstream, 1.01) == []


@pytest.mark.parametrize("upstream, downstream, expected", [
    ("2024-10-31", "2024-10-25", "ok"), ("2024-10-31", "2024-10-31", "ok"), ("2024-10-31", "2024-11-05", "late"),
    ("2024-10-31", None, "no_deadline"), (None, "2024-10-25", "no_deadline"), (None, None, "no_deadline"),
])
def test_status_of_a_pair(upstream, downstream, expected):
    assert status(upstream, downstream) == expected


def doc(key, number, issuer, day, cites=(), tasks=(), parent=None):
    return Dispatch(key=key, number=number, issuer=issuer, issuer_parent=parent, issue_date=day,
                    citations=tuple(cites), tasks=tuple(tasks))


BO = doc("bo", "100/BGDĐT-GDTX", "Bộ Giáo dục và Đào tạo", "2024-08-01", [Citation("9/QĐ-TTg", "2021-07-30", None, "implements")],
         [DispatchTask("b1", "Báo cáo kết quả tổ chức Tuần lễ về Bộ trước ngày 31/10/2024.", "2024-10-31", ("Các sở GDĐT",)),
          DispatchTask("b2", "Rà soát các trung tâm học tập cộng đồng, báo cáo trước ngày 15/11.", "2024-11-15", ("Các sở GDĐT",)),
          DispatchTask("b3", "Giao Vụ GDTX tổng hợp số liệu thống kê.", None, ("Vụ Giáo dục thường xuyên",))])
SO = doc("so", "200/SGDĐT-GDTX", "Sở Giáo dục và Đào tạo", "2024-08-10",
         [Citation("100 / bgdđt-gdtx", "2024-08-01", "Bộ Giáo dục và Đào tạo", "implements"),
          Citation("9/QĐ-TTg", None, None, "based_on")],
         [DispatchTask("s1", "Báo cáo kết quả tổ chức Tuần lễ về Sở trước ngày 05/11/2024.", "2024-11-05", ("Các phòng GDĐT",))],
         parent="UBND tỉnh Hà Tĩnh")
PHONG = doc("phong", "300/PGDĐT", "Phòng Giáo dục và Đào tạo", "2024-08-20",
            [Citation("200/SGDĐT-GDTX", "2024-08-10", "Sở GD&ĐT Hà Tĩnh", "implements")],
            [DispatchTask("p1", "Báo cáo kết quả tổ chức Tuần lễ về Phòng trước ngày 25/10/2024.", "2024-10-25", ())],
            parent="UBND huyện Can Lộc")
REPLY = doc("reply", "400/SGDĐT-VP", "Sở Giáo dục và Đào tạo", "2024-09-01",
            [Citation("100/BGDĐT-GDTX", None, None, "answers"), Citation("100/BGDĐT-GDTX", "2023-01-05", None, "cites")],
            [DispatchTask("r1", "Báo cáo kết quả tổ chức Tuần lễ về Bộ.", None, ())], parent="UBND tỉnh Hà Tĩnh")


def test_citations_resolve_by_number_date_and_issuer():
    graph = build_graph([BO, SO, PHONG, REPLY])
    edges = {(s, t): k for s, t, k in graph.edges(data="kind")}
    assert edges == {("100/BGDĐT-GDTX", "9/QĐ-TTg"): "implements", ("200/SGDĐT-GDTX", "100/BGDĐT-GDTX"): "implements",
                     ("200/SGDĐT-GDTX", "9/QĐ-TTg"): "based_on", ("300/PGDĐT", "200/SGDĐT-GDTX"): "implements",
                     ("400/SGDĐT-VP", "100/BGDĐT-GDTX"): "answers", ("400/SGDĐT-VP", "100/BGDĐT-GDTX (2023-01-05)"): "cites"}
    assert graph.nodes["9/QĐ-TTg"]["in_register"] is False and graph.in_degree("9/QĐ-TTg") == 2
    assert graph.nodes["9/QĐ-TTg"]["issue_date"] == "2021-07-30"  # the undated second citation is the same document
    assert graph.nodes["100/BGDĐT-GDTX (2023-01-05)"]["in_register"] is False  # same number, another year's dispatch


def test_a_citation_whose_issuer_differs_stays_outside():
    other = doc("x", "200/SGDĐT-GDTX", "Sở Giáo dục và Đào tạo", "2024-08-10", parent="UBND tỉnh Nghệ An")
    graph = build_graph([other, PHONG])
    assert [(s, t) for s, t in graph.edges] == [("300/PGDĐT", "200/SGDĐT-GDTX (2024-08-10)")]
    assert graph.nodes["200/SGDĐT-GDTX (2024-08-10)"]["in_register"] is False


def test_of_two_with_one_number_the_latest_before_the_citing_one_is_cited():
    old = doc("old", "5/UBND-VX", "Ủy ban nhân dân tỉnh Hà Tĩnh", "2023-01-03")
    new = doc("new", "5/UBND-VX", "Ủy ban nhân dân tỉnh Hà Tĩnh", "2024-01-04")
    later = doc("later", "5/UBND-VX", "Ủy ban nhân dân tỉnh Hà Tĩnh", "2025-01-02")
    citing = doc("c", "7/SGDĐT", "Sở Giáo dục và Đào tạo", "2024-06-01", [Citation("5/UBND-VX", None, "UBND tỉnh", "implements")])
    graph = build_graph([old, new, later, citing])
    [(source, target)] = list(graph.edges)
    assert graph.nodes[target]["key"] == "new"


def test_subgraph_goes_up_and_down_and_unknown_numbers_fail():
    graph = build_graph([BO, SO, PHONG, REPLY])
    assert set(subgraph_for(graph, "200/sgdđt-gdtx")) == {"9/QĐ-TTg", "100/BGDĐT-GDTX", "200/SGDĐT-GDTX", "300/PGDĐT"}
    with pytest.raises(CascadeError, match="no document numbered 999/XYZ"):
        subgraph_for(graph, "999/XYZ")


def test_graph_json_shape_and_graphml_round_trip(tmp_path):
    graph = build_graph([BO, SO, PHONG])
    data = graph_json(graph)
    assert all(list(n) == ["id", "number", "issuer", "issue_date", "in_register"] for n in data["nodes"])
    assert all(list(e) == ["source", "target", "kind"] for e in data["edges"])
    back = nx.read_graphml(write_graphml(graph, tmp_path / graphml_name("200/SGDĐT-GDTX")))
    assert (tmp_path / "graph-200_SGDĐT-GDTX.graphml").exists()
    assert {(s, t, k) for s, t, k in back.edges(data="kind")} == {(e["source"], e["target"], e["kind"]) for e in data["edges"]}
    assert back.nodes["9/QĐ-TTg"]["in_register"] is False and back.nodes["9/QĐ-TTg"]["issuer"] == ""


def test_cascade_follows_restatements_down_and_finds_the_missing():
    records = cascade([BO, SO, PHONG, REPLY])
    assert [(r["upstream"]["task_id"], (r["downstream"] or {}).get("task_id"), r["status"]) for r in records] == [
        ("b1", "s1", "late"), ("b1", "p1", "ok"), ("b2", None, "missing"), ("s1", "p1", "ok")]
    assert records[0]["upstream"] == {"number": "100/BGDĐT-GDTX", "task_id": "b1", "text": BO.tasks[0].text,
                                      "deadline": "2024-10-31"}


def test_no_missing_when_the_unit_named_issued_nothing_or_restated_elsewhere():
    second = doc("so2", "201/SGDĐT-GDTX", "Sở Giáo dục và Đào tạo", "2024-08-12",
                 [Citation("100/BGDĐT-GDTX", "2024-08-01", None, "based_on")],
                 [DispatchTask("s2", "Rà soát các trung tâm học tập cộng đồng, báo cáo Sở trước ngày 10/11.", "2024-11-10", ())],
                 parent="UBND tỉnh Hà Tĩnh")
    found = links([BO, SO, second], build_graph([BO, SO, second]))
    assert [(link.task.task_id, link.status) for link in found] == [("b1", "late"), ("b2", "ok")]


def test_threshold_is_checked():
    assert threshold_value(None) == config.cascade_rules().similarity_threshold
    assert threshold_value(0.7) == 0.7
    with pytest.raises(CascadeError, match=r"not a similarity threshold: 1.5"):
        threshold_value(1.5)


def test_views_escape_and_fetch_nothing():
    evil = doc("evil", "1/<b>X", "<script>alert('x')</script> & Co", "2024-01-01",
               [Citation("2/\"><img src=x>", None, "http://evil.example/", "cites")])
    fragment = html_tree(build_graph([evil]))
    assert "<script" not in fragment and "<img" not in fragment and "<b>" not in fragment
    assert "&lt;script&gt;" in fragment
    assert "Chuỗi 1:" in graph_text(build_graph([evil]))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_survived(text):
    assert unit_is_issuer(text, text, text) in (True, False)
    assert 0.0 <= similarity(text, text) <= 1.0
    assert number_key(text) == number_key(text.upper())
    graph = build_graph([doc("h", text or None, text, None, [Citation(text or "1/X", text, text, text)],
                             [DispatchTask("t", text, None, (text,))])])
    html_tree(graph)
    cascade([doc("h", text or None, text, None)], graph)


def test_renderings_collapse_by_issuer_year_and_number():
    record = {"doc_id": "a", "number": "200/SGDĐT-GDTX", "issuer": "Sở Giáo dục và Đào tạo", "issue_date": "2024-08-10",
              "references": [], "tasks": [{"task_id": "t1", "text": "x", "deadline": "2024-13-45", "assignees": []}]}
    copies = [record, dict(record, doc_id="b", number="200 / SGDĐT-GDTX"), dict(record, doc_id="c", issue_date="2025-01-01"),
              dict(record, doc_id="d", status="failed")]
    dispatches = from_records(copies)
    assert len(dispatches) == 2 and dispatches[0].tasks[0].deadline is None


@pytest.mark.parametrize("change, message", [
    ({"colour": 1}, "unknown key"),
    ({"similarity_threshold": 2}, "must be a number between 0 and 1"),
    ({"similarity_threshold": True}, "must be a number between 0 and 1"),
    ({"implementing": ["obeys"]}, "unknown relation 'obeys'"),
    ({"abbreviations": {"Giáo dục và Đào tạo": ["GD&ĐT", "GD-ĐT"]}}, "duplicate abbreviation 'GD-ĐT'"),
    ({"unit_stopwords": ["các", ""]}, r"unit_stopwords\[1\]: must be a non-empty string"),
])
def test_bad_rules_fail_naming_the_key(change, message):
    data = dict(read("cascade"), **change)
    with pytest.raises(RulesError, match=message):
        config.build(data)


def test_the_committed_rules_are_valid():
    rules = config.build(read("cascade"))
    assert rules.implementing == {"implements", "based_on"}
    assert ("gd", "đt") in rules.abbreviations
