"""Golden test: the citation graph and the cascade of the corpus chain (corpus/chain-*.txt).

The chain is Bộ GD&ĐT → Sở GD&ĐT Hà Tĩnh → Phòng GD&ĐT Can Lộc → Trường THCS Xuân Diệu, each citing the
one above in the usual wordings, with one restatement late (the Sở's report, 05/11 after the Bộ's 31/10)
and one task not restated (the Bộ's review of community learning centres). Expectations are in
tests/golden/cascade/; after a reviewed change, regenerate them with
`CONGVAN_REGENERATE=1 .venv/bin/python -m pytest tests/test_cascade_golden.py` and review the diff.
Tasks are named by the first words of their text (task ids depend on the files' hashes).
"""
from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest

from pipeline.batch import run_batch
from pipeline.cascade.cascade import links
from pipeline.cascade.dispatches import load
from pipeline.cascade.exports import CASCADE_COLUMNS, cascade_frame, report_fragment
from pipeline.cascade.graph import build_graph, graph_json, subgraph_for
from pipeline.cascade.views import outside_documents

from .conftest import CORPUS

GOLDEN = Path(__file__).resolve().parent / "golden" / "cascade"
CHAIN = sorted(CORPUS.glob("chain-*.txt"))
TODAY = date(2024, 9, 10)
ANCHOR_WORDS = 8
REGENERATE = bool(os.environ.get("CONGVAN_REGENERATE"))


def run_chain(out: Path, files: list[Path], register: bool = True):
    run_batch([str(f) for f in files], out, today=TODAY, register=register)
    dispatches = load(out)
    return dispatches, build_graph(dispatches)


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    return run_chain(tmp_path_factory.mktemp("chain"), CHAIN)


def anchor(text: str) -> str:
    return " ".join(text.split()[:ANCHOR_WORDS])


def cascade_view(dispatches, graph) -> list[dict]:
    """The cascade with each task as (number, first words, deadline)."""
    out = []
    for link in links(dispatches, graph):
        record = link.record()
        for side in ("upstream", "downstream"):
            if record[side] is not None:
                record[side] = {"number": record[side]["number"], "anchor": anchor(record[side]["text"]),
                                "deadline": record[side]["deadline"]}
        out.append(record)
    return out


def graph_view(graph) -> dict:
    data = graph_json(graph)
    data["outside"] = [{"id": n, "cited": count, "cited_by": by} for n, count, by in outside_documents(graph)]
    return data


def expect(name: str, actual):
    path = GOLDEN / f"{name}.json"
    if REGENERATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_chain_has_four_dispatches_from_bo_to_school(chain):
    dispatches, _ = chain
    assert len(CHAIN) == 4
    assert [d.issuer for d in sorted(dispatches, key=lambda d: d.issue_date)] == [
        "Bộ Giáo dục và Đào tạo", "Sở Giáo dục và Đào tạo", "Phòng Giáo dục và Đào tạo", "Trường THCS Xuân Diệu"]


def test_graph_edges_and_kinds(chain):
    _, graph = chain
    wanted = expect("graph", graph_view(graph))
    assert graph_json(graph)["nodes"] == wanted["nodes"]
    assert graph_json(graph)["edges"] == wanted["edges"]


def test_unresolved_citations_with_counts(chain):
    _, graph = chain
    wanted = expect("graph", graph_view(graph))["outside"]
    assert graph_view(graph)["outside"] == wanted
    assert [(o["id"], o["cited"]) for o in wanted] == [("1373/QĐ-TTg", 2), ("85/KH-UBND", 1)]


def test_cascade_pairs_and_statuses(chain):
    actual = cascade_view(*chain)
    assert actual == expect("cascade", actual)
    statuses = [r["status"] for r in actual]
    assert statuses.count("late") == 1 and statuses.count("missing") == 1
    late = next(r for r in actual if r["status"] == "late")
    assert (late["upstream"]["deadline"], late["downstream"]["deadline"]) == ("2024-10-31", "2024-11-05")
    missing = next(r for r in actual if r["status"] == "missing")
    assert missing["upstream"]["anchor"].startswith("Rà soát, củng cố") and missing["downstream"] is None


def test_one_documents_chain_up_and_down(chain):
    _, graph = chain
    sub = graph_json(subgraph_for(graph, "587 / pgdđt-vp"))
    assert sub == expect("chain-587-PGDDT-VP", sub)
    assert {n["id"] for n in sub["nodes"]} == {"1373/QĐ-TTg", "4125/BGDĐT-GDTX", "2315/SGDĐT-GDTX", "587/PGDĐT-VP",
                                               "85/KH-UBND", "45/KH-THCSXD"}
    top = graph_json(subgraph_for(graph, "45/KH-THCSXD"))
    assert {e["source"] for e in top["edges"]} == {"45/KH-THCSXD", "587/PGDĐT-VP", "2315/SGDĐT-GDTX", "4125/BGDĐT-GDTX"}


def test_documents_jsonl_gives_the_same_as_the_register(tmp_path, chain):
    dispatches, graph = run_chain(tmp_path, CHAIN, register=False)
    assert not (tmp_path / "register.sqlite").exists()
    assert graph_json(graph) == graph_json(chain[1])
    assert cascade_view(dispatches, graph) == cascade_view(*chain)


@pytest.mark.parametrize("register", [True, False])
def test_renderings_of_one_dispatch_are_one_node(tmp_path, chain, register):
    files = [p for stem in CHAIN for p in sorted(CORPUS.glob(f"{stem.stem}.*"))]
    assert len(files) == 12
    dispatches, graph = run_chain(tmp_path, files, register=register)
    assert graph_json(graph) == graph_json(chain[1])
    assert cascade_view(dispatches, graph) == cascade_view(*chain)


def test_excel_sheet_and_report_fragment(chain):
    dispatches, graph = chain
    frame = cascade_frame(links(dispatches, graph))
    assert list(frame.columns) == [c.key for c in CASCADE_COLUMNS]
    late = frame[frame["code"] == "late"]
    assert late["days_late"].tolist() == [5] and late["check"].tolist() == ["Trễ hạn"]
    assert late["upstream_deadline"].tolist() == [date(2024, 10, 31)]
    missing = frame[frame["code"] == "missing"]
    assert missing["downstream_issuer"].tolist() == ["Sở Giáo dục và Đào tạo"]
    fragment = report_fragment(dispatches)
    assert fragment.count('<tr class="c-late">') == 1 and fragment.count('<tr class="c-missing">') == 1
    assert "chưa có trong sổ, được dẫn 2 lần" in fragment
    assert "<script" not in fragment and "http" not in fragment
