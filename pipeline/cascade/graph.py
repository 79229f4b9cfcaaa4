"""The citation graph over the register: an edge `source -> target` says source cites target.

Every cited number is resolved against the register's documents by number (spaces and case
ignored), date (when both sides have one) and issuer (when the citation names one); the edge's
`kind` is the relation the structure stage read from the cue words before the number
(rules/references.yaml: implements, based_on, amends, replaces, answers, cites). A citation not in
the register stays a node of its own (`in_register` false), cited as often as the graph's edges say.

    python -m pipeline.cascade.graph --out DIR [NUMBER] [--json]
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Callable, Iterable, Optional

import networkx as nx

from .. import atomic
from ..errors import PipelineError
from .dispatches import Citation, Dispatch, load, number_key
from .errors import CascadeError
from .names import issuer_fits

KIND_RANK = ("implements", "based_on", "amends", "replaces", "answers", "cites")  # a stronger kind wins
NODE_FIELDS = ("id", "number", "issuer", "issue_date", "in_register")
EDGE_FIELDS = ("source", "target", "kind")
GRAPHML_FILE = "graph.graphml"


def build_graph(dispatches: Iterable[Dispatch]) -> nx.DiGraph:
    """The citation graph; nodes carry number, issuer, issue_date, doc_type, in_register, cited, key."""
    docs = sorted(dispatches, key=lambda d: (d.issue_date or "", number_key(d.number), d.key))
    graph = nx.DiGraph()
    for doc in docs:
        graph.add_node(doc.key, key=doc.key, number=doc.number, issuer=doc.issuer, issue_date=doc.issue_date,
                       doc_type=doc.doc_type, subject=doc.subject, in_register=True)
    by_number: dict[str, list[Dispatch]] = {}
    for doc in docs:
        by_number.setdefault(number_key(doc.number), []).append(doc)
    outside: dict[str, list[str]] = {}
    for doc in docs:
        for citation in doc.citations:
            found = resolve(citation, doc, by_number.get(number_key(citation.number), []))
            target = found.key if found else _outside_node(graph, citation, outside)
            if target != doc.key:
                _add_edge(graph, doc.key, target, citation.relation)
    for node in graph:
        graph.nodes[node]["cited"] = graph.in_degree(node)
    return nx.relabel_nodes(graph, _readable_ids(graph))


def resolve(citation: Citation, citing: Dispatch, candidates: list[Dispatch]) -> Optional[Dispatch]:
    """The register document a citation names, or None; of several, the latest not after the citing one."""
    fits = [d for d in candidates if d.key != citing.key and _same_date(citation.date, d.issue_date)
            and issuer_fits(citation.issuer, d.issuer, d.issuer_parent)]
    if len(fits) > 1 and citing.issue_date:
        fits = [d for d in fits if (d.issue_date or "") <= citing.issue_date] or fits
    return max(fits, key=lambda d: (d.issue_date or "", d.key), default=None)


def _same_date(cited: Optional[str], issued: Optional[str]) -> bool:
    """Equal dates when both are known; an issue date of month precision fits any day of that month."""
    if not cited or not issued:
        return True
    return cited == issued or (len(issued) == 7 and cited.startswith(issued))


def _outside_node(graph: nx.DiGraph, citation: Citation, outside: dict[str, list[str]]) -> str:
    """The node of a document not in the register: one per number, or per number and date if they differ."""
    nodes = outside.setdefault(number_key(citation.number), [])
    for node in nodes:
        attrs = graph.nodes[node]
        if _same_date(citation.date, attrs["issue_date"]):
            for name, value in (("issue_date", citation.date), ("issuer", citation.issuer), ("doc_type", citation.type)):
                attrs[name] = attrs[name] or value
            return node
    node = f"cite:{number_key(citation.number)}|{citation.date or ''}"
    graph.add_node(node, key=node, number=citation.number, issuer=citation.issuer, issue_date=citation.date,
                   doc_type=citation.type, subject=None, in_register=False)
    nodes.append(node)
    return node


def _add_edge(graph: nx.DiGraph, source: str, target: str, kind: Optional[str]) -> None:
    kind = kind if kind in KIND_RANK else "cites"
    if graph.has_edge(source, target) and KIND_RANK.index(graph.edges[source, target]["kind"]) <= KIND_RANK.index(kind):
        return
    graph.add_edge(source, target, kind=kind)


def _readable_ids(graph: nx.DiGraph) -> dict[str, str]:
    """Node key -> the id people see: the number as printed; the date, then a counter, when two share it."""
    order = sorted(graph, key=lambda n: (not graph.nodes[n]["in_register"], graph.nodes[n]["issue_date"] or "",
                                         number_key(graph.nodes[n]["number"]), n))
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for node in order:
        a = graph.nodes[node]
        base = re.sub(r"\s+", "", a["number"] or "") or f"{a['doc_type'] or 'Văn bản'} {a['issuer'] or '?'}"
        for candidate in (base, f"{base} ({a['issue_date'] or '?'})"):
            if candidate not in taken:
                break
        n = 2
        while candidate in taken:
            candidate, n = f"{base} ({a['issue_date'] or '?'}) #{n}", n + 1
        ids[node] = candidate
        taken.add(candidate)
    return ids


def find_nodes(graph: nx.DiGraph, number: str) -> list[str]:
    """Nodes whose number (or id) is `number`, spaces and case ignored."""
    wanted = number_key(number)
    return [n for n, a in graph.nodes(data=True) if number_key(a["number"]) == wanted or number_key(n) == wanted]


def induced(graph: nx.DiGraph, nodes: Iterable[str], edge_ok: Optional[Callable[[dict], bool]] = None) -> nx.DiGraph:
    """The subgraph on `nodes` (given in `graph`'s order) and the edges between them that `edge_ok`
    accepts, a graph of its own, nodes and edges in `graph`'s order. networkx's `subgraph` views
    walk a node set smaller than half the graph in the set's order, which changes from one process
    to the next (string hashes are salted): every output built from such a view (the cascade, the
    chain trees) would change from run to run. Costs the kept nodes' edges, not the graph's."""
    order = list(nodes)
    keep = set(order)
    sub = nx.DiGraph(**graph.graph)
    sub.add_nodes_from((n, dict(graph.nodes[n])) for n in order)
    sub.add_edges_from((s, t, dict(a)) for s in order for t, a in graph.adj[s].items()
                       if t in keep and (edge_ok is None or edge_ok(a)))
    return sub


def subgraph_for(graph: nx.DiGraph, number: str) -> nx.DiGraph:
    """A document's chain up to the top (what it cites, transitively) and down (what cites it)."""
    found = find_nodes(graph, number)
    if not found:
        raise CascadeError("C002", number=number)
    keep = set(found)
    for node in found:
        keep |= nx.descendants(graph, node) | nx.ancestors(graph, node)
    return induced(graph, [n for n in graph if n in keep])


def graph_json(graph: nx.DiGraph) -> dict[str, list[dict]]:
    """{"nodes": [{id, number, issuer, issue_date, in_register}], "edges": [{source, target, kind}]}."""
    nodes = [{"id": n, "number": a["number"], "issuer": a["issuer"], "issue_date": a["issue_date"],
              "in_register": bool(a["in_register"])} for n, a in graph.nodes(data=True)]
    position = {n: i for i, n in enumerate(graph)}
    edges = sorted(graph.edges(data="kind"), key=lambda e: (position[e[0]], position[e[1]]))
    return {"nodes": nodes, "edges": [{"source": s, "target": t, "kind": k} for s, t, k in edges]}


def write_graphml(graph: nx.DiGraph, path: str | Path) -> Path:
    """GraphML for analysts' tools (yEd, Gephi, networkx); missing values become empty strings."""
    plain = nx.DiGraph()
    for node, attrs in graph.nodes(data=True):
        plain.add_node(node, **{k: ("" if v is None else v) for k, v in attrs.items()})
    plain.add_edges_from(graph.edges(data=True))
    try:
        atomic.write_text(path, "\n".join(nx.generate_graphml(plain)) + "\n")
    except OSError as e:
        raise CascadeError("C004", path=path, detail=e.strerror or e) from e
    return Path(path)


def graphml_name(number: Optional[str]) -> str:
    """graph.graphml for the whole graph, graph-<number>.graphml for one document's chain."""
    if not number:
        return GRAPHML_FILE
    return f"graph-{re.sub(r'[^0-9A-Za-zÀ-ỹĐđ.-]+', '_', number).strip('_')}.graphml"


def graph_command(out_dir: str, number: Optional[str] = None, as_json: bool = False,
                  db: Optional[str] = None) -> str:
    """What `congvan graph` prints; writes the graph's GraphML into `out_dir`."""
    from .views import graph_text

    graph = build_graph(load(out_dir, db))
    if number:
        graph = subgraph_for(graph, number)
    write_graphml(graph, Path(out_dir) / graphml_name(number))
    if as_json:
        return json.dumps(graph_json(graph), ensure_ascii=False, indent=1)
    return graph_text(graph)


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.cascade.graph", description=__doc__.splitlines()[0])
    parser.add_argument("number", nargs="?", help="a document's number: only its chain up and down")
    parser.add_argument("--out", "-o", default="outputs", help="the run's output directory")
    parser.add_argument("--db", default=None, help="register database (default OUT/register.sqlite)")
    parser.add_argument("--json", action="store_true", help="print the graph as JSON")
    args = parser.parse_args(argv)
    try:
        print(graph_command(args.out, args.number, args.json, args.db))
    except PipelineError as e:
        print(f"congvan: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
