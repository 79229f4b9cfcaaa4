"""The cascade check: each upstream task against its restatements down the chain of implementing documents.

A document implements another when it cites it as "Thực hiện / Triển khai / Căn cứ …" (the edge
kinds of rules/cascade.yaml `implementing`). Between a document and one that implements it
directly, tasks are paired one to one by text similarity (similarity.py); further down, a task's
restatements are the restatements of its restatements (a path in the graph of restated tasks).
Each pair gets a status: `ok` (the downstream deadline is on or before the upstream one), `late`
(after it) or `no_deadline` (one of them has none). An upstream task that names as acting a unit
which issued an implementing document, but which that unit restated nowhere, is `missing`.

    python -m pipeline.cascade.cascade --out DIR [--json] [--threshold 0.55]
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import Optional

import networkx as nx

from ..errors import PipelineError
from ..text import fold
from .config import cascade_rules, share
from .dispatches import Dispatch, DispatchTask, load
from .errors import CascadeError
from .graph import build_graph, induced
from .names import unit_is_issuer
from .similarity import match_tasks

STATUSES = ("ok", "late", "no_deadline", "missing")
TaskNode = tuple[str, str]  # (dispatch key, task id)


@dataclass(frozen=True)
class Link:
    """One line of the cascade: an upstream task and a restatement of it, or the units that left it out."""

    upstream: Dispatch
    task: DispatchTask
    status: str  # one of STATUSES
    downstream: Optional[Dispatch] = None
    restated: Optional[DispatchTask] = None
    missing_in: tuple[Dispatch, ...] = ()  # for "missing": the implementing documents that left it out

    def record(self) -> dict:
        """The documented JSON shape: {upstream: {...}, downstream: {...} | null, status}."""
        down = _side(self.downstream, self.restated) if self.downstream and self.restated else None
        return {"upstream": _side(self.upstream, self.task), "downstream": down, "status": self.status}


def _side(doc: Dispatch, task: DispatchTask) -> dict:
    return {"number": doc.number, "task_id": task.task_id, "text": task.text, "deadline": task.deadline}


def status(upstream: Optional[str], downstream: Optional[str]) -> str:
    """ok / late / no_deadline, from two ISO deadlines."""
    if not upstream or not downstream:
        return "no_deadline"
    return "ok" if downstream <= upstream else "late"


def threshold_value(value: Optional[float]) -> float:
    """The similarity threshold: the given one (checked), else rules/cascade.yaml's."""
    if value is None:
        return cascade_rules().similarity_threshold
    try:
        return share(value, "--threshold", "threshold")
    except PipelineError as e:
        raise CascadeError("C003", value=value) from e


def implementing_graph(graph: nx.DiGraph) -> nx.DiGraph:
    """The register's documents with only the edges through which tasks come down.

    A graph of its own, not a view: a view's len() counts its nodes again on each call, and the
    traversals below call it once per document (quadratic in a register of thousands); and a view's
    order is not the graph's (see graph.induced).
    """
    kinds = cascade_rules().implementing
    inside = [n for n, a in graph.nodes(data=True) if a["in_register"]]
    return induced(graph, inside, lambda edge: edge["kind"] in kinds)


def restatements(docs: dict[str, Dispatch], chain: nx.DiGraph, threshold: float) -> nx.DiGraph:
    """Edges upstream task -> the task restating it, in each document that directly implements another."""
    tasks = nx.DiGraph()
    for source, target in chain.edges:
        down, up = docs[chain.nodes[source]["key"]], docs[chain.nodes[target]["key"]]
        pairs = match_tasks([t.text for t in up.tasks], [t.text for t in down.tasks], threshold)
        for i, j, score in pairs:
            tasks.add_edge((up.key, up.tasks[i].task_id), (down.key, down.tasks[j].task_id), score=score)
    return tasks


def links(dispatches: list[Dispatch], graph: nx.DiGraph, threshold: Optional[float] = None) -> list[Link]:
    """Every upstream task's restatements down the chain, and its `missing` line if a unit left it out."""
    docs = {d.key: d for d in dispatches}
    chain = implementing_graph(graph)
    restated = restatements(docs, chain, threshold_value(threshold))
    out: list[Link] = []
    order = {n: i for i, n in enumerate(chain)}  # graph order: by issue date
    for node in chain:
        if not chain.in_degree(node):
            continue  # no document implements it
        above = nx.ancestors(chain, node)  # the documents implementing it, directly or down the chain
        below = [docs[chain.nodes[n]["key"]] for n in sorted(above, key=order.__getitem__)]
        up = docs[chain.nodes[node]["key"]]
        for task in up.tasks if below else ():
            out += _task_links(up, task, below, _reached(restated, (up.key, task.task_id), docs))
    return out


def _reached(restated: nx.DiGraph, start: TaskNode, docs: dict[str, Dispatch]) -> dict[str, DispatchTask]:
    """Dispatch key -> the task restating `start` there, the nearest along the restatements first."""
    if start not in restated:
        return {}
    found: dict[str, DispatchTask] = {}
    for (key, task_id), _ in sorted(nx.single_source_shortest_path_length(restated, start).items(),
                                    key=lambda item: item[1]):
        if key != start[0] and key not in found:
            found[key] = next(t for t in docs[key].tasks if t.task_id == task_id)
    return found


def _task_links(up: Dispatch, task: DispatchTask, below: list[Dispatch], reached: dict[str, DispatchTask]) -> list[Link]:
    out = [Link(up, task, status(task.deadline, reached[d.key].deadline), d, reached[d.key])
           for d in below if d.key in reached]
    restating_units = {_unit(d) for d in below if d.key in reached}
    left_out = tuple(d for d in below if d.key not in reached and _unit(d) not in restating_units
                     and any(unit_is_issuer(a, d.issuer, d.issuer_parent) for a in task.assignees))
    if left_out:
        out.append(Link(up, task, "missing", missing_in=left_out))
    return out


def _unit(doc: Dispatch) -> str:
    """The issuing unit: its name under its parent body, folded."""
    return f"{fold(doc.issuer or '')}|{fold(doc.issuer_parent or '')}"


def cascade(dispatches: list[Dispatch], graph: Optional[nx.DiGraph] = None,
            threshold: Optional[float] = None) -> list[dict]:
    """[{"upstream": {number, task_id, text, deadline}, "downstream": {...} | null, "status"}]."""
    graph = graph if graph is not None else build_graph(dispatches)
    return [link.record() for link in links(dispatches, graph, threshold)]


def cascade_command(out_dir: str, as_json: bool = False, db: Optional[str] = None,
                    threshold: Optional[float] = None) -> str:
    """What `congvan cascade` prints."""
    from .views import cascade_text

    dispatches = load(out_dir, db)
    found = links(dispatches, build_graph(dispatches), threshold)
    if as_json:
        return json.dumps([link.record() for link in found], ensure_ascii=False, indent=1)
    return cascade_text(found)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.cascade.cascade", description=__doc__.splitlines()[0])
    parser.add_argument("--out", "-o", default="outputs", help="the run's output directory")
    parser.add_argument("--db", default=None, help="register database (default OUT/register.sqlite)")
    parser.add_argument("--json", action="store_true", help="print the pairs as JSON")
    parser.add_argument("--threshold", type=float, default=None, help="similarity threshold (default: rules/cascade.yaml)")
    args = parser.parse_args(argv)
    try:
        print(cascade_command(args.out, args.json, args.db, args.threshold))
    except PipelineError as e:
        print(f"congvan: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
