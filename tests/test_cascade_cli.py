"""The module entry points as a clerk runs them: `python -m pipeline.cascade.graph|cascade --out DIR`.

Output is validated against the documented shapes; errors are one line and exit code 2.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date

import networkx as nx
import pytest

from pipeline.batch import run_batch

from .conftest import CORPUS, ROOT

KINDS = {"implements", "based_on", "amends", "replaces", "answers", "cites"}
STATUSES = {"ok", "late", "no_deadline", "missing"}


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env=env)


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    folder = tmp_path_factory.mktemp("chain-cli")
    run_batch([str(p) for p in sorted(CORPUS.glob("chain-*.txt"))], folder, today=date(2024, 9, 10))
    return folder


def check_graph_shape(data: dict) -> None:
    assert list(data) == ["nodes", "edges"]
    ids = set()
    for node in data["nodes"]:
        assert list(node) == ["id", "number", "issuer", "issue_date", "in_register"]
        assert isinstance(node["id"], str) and isinstance(node["in_register"], bool)
        assert all(node[k] is None or isinstance(node[k], str) for k in ("number", "issuer", "issue_date"))
        ids.add(node["id"])
    assert len(ids) == len(data["nodes"])
    for edge in data["edges"]:
        assert list(edge) == ["source", "target", "kind"]
        assert edge["source"] in ids and edge["target"] in ids and edge["kind"] in KINDS


def check_side(side: dict) -> None:
    assert list(side) == ["number", "task_id", "text", "deadline"]
    assert isinstance(side["task_id"], str) and isinstance(side["text"], str) and side["text"]
    assert side["deadline"] is None or date.fromisoformat(side["deadline"])


def test_graph_json_has_the_documented_shape(out):
    result = run("pipeline.cascade.graph", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    check_graph_shape(data)
    assert len(data["nodes"]) == 6 and len(data["edges"]) == 6
    written = nx.read_graphml(out / "graph.graphml")
    assert sorted(written.edges) == sorted((e["source"], e["target"]) for e in data["edges"])


def test_graph_of_one_number_is_its_chain(out):
    result = run("pipeline.cascade.graph", "--out", str(out), "2315/SGDĐT-GDTX", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    check_graph_shape(data)
    # up to the top and down to the school; the Phòng's own "căn cứ" (85/KH-UBND) is off this line
    assert {n["id"] for n in data["nodes"]} == {"1373/QĐ-TTg", "4125/BGDĐT-GDTX", "2315/SGDĐT-GDTX", "587/PGDĐT-VP",
                                                "45/KH-THCSXD"}
    assert (out / "graph-2315_SGDĐT-GDTX.graphml").exists()


def test_graph_text_draws_the_chain(out):
    result = run("pipeline.cascade.graph", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Chuỗi 1:"
    assert lines[1].startswith("  1373/QĐ-TTg · Thủ tướng Chính phủ · 30/07/2021 — chưa có trong sổ, được dẫn 2 lần")
    assert lines[5].startswith("              └─ [căn cứ] 45/KH-THCSXD · Trường THCS Xuân Diệu · 04/09/2024")


def test_cascade_json_has_the_documented_shape(out):
    result = run("pipeline.cascade.cascade", "--out", str(out), "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == 25
    for record in data:
        assert list(record) == ["upstream", "downstream", "status"]
        assert record["status"] in STATUSES
        check_side(record["upstream"])
        assert (record["downstream"] is None) == (record["status"] == "missing")
        if record["downstream"] is not None:
            check_side(record["downstream"])
    assert [r["status"] for r in data].count("late") == 1


def test_cascade_text_ends_with_a_summary(out):
    result = run("pipeline.cascade.cascade", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == ("24 cặp nhiệm vụ được giao lại: 17 đúng hạn, 1 trễ hạn, 6 không có hạn; "
                                              "1 nhiệm vụ chưa được triển khai")


def test_a_stricter_threshold_pairs_less(out):
    result = run("pipeline.cascade.cascade", "--out", str(out), "--json", "--threshold", "0.99")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) < 25


def test_the_same_register_gives_the_same_cascade_in_every_process(tmp_path):
    """Python salts string hashes per process: nothing printed may follow a set's order. The whole
    .txt corpus: many cited documents outside the register (the case where networkx's subgraph views
    walked their node set in hash order, and the cascade's lines came out in a different order)."""
    folder = tmp_path / "all"
    run_batch([str(p) for p in sorted(CORPUS.glob("*.txt"))], folder, today=date(2024, 9, 10))
    seen = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs = [run(module, "--out", str(folder), *extra, env=env)
                   for module, extra in (("pipeline.cascade.cascade", ["--json"]), ("pipeline.cascade.cascade", []),
                                         ("pipeline.cascade.graph", []))]
        assert all(r.returncode == 0 for r in outputs), [r.stderr for r in outputs]
        seen.add(tuple(r.stdout for r in outputs))
    assert len(seen) == 1 and len(json.loads(next(iter(seen))[0])) > 20


@pytest.mark.parametrize("args, message", [
    (("pipeline.cascade.graph", "--out", "{missing}"),
     "congvan: {missing}: no run output here (neither register.sqlite nor documents.jsonl): "
     "run `congvan run --out {missing}` first"),
    (("pipeline.cascade.graph", "--out", "{out}", "999/XYZ"),
     "congvan: no document numbered 999/XYZ in the register or its citations"),
    (("pipeline.cascade.cascade", "--out", "{out}", "--threshold", "3"),
     "congvan: not a similarity threshold: 3.0 (expected a number between 0 and 1)"),
])
def test_errors_are_one_clean_line(out, tmp_path, args, message):
    values = {"missing": str(tmp_path / "nothing"), "out": str(out)}
    result = run(*(a.format(**values) for a in args))
    assert result.returncode == 2
    assert result.stderr.strip() == message.format(**values)
    assert result.stdout == ""
