"""The citation graph and the cascade for people: text for the terminal, HTML for report.html.

Each chain (a weakly connected part of the graph) is drawn as a tree: a document sits under the
document it cites that is deepest in the chain (so the Phòng's công văn sits under the Sở's, not
beside it under the Prime Minister's decision both cite); its other citations are noted beside it.
The HTML is a fragment with its own scoped <style>, every value escaped, no script and no external
asset, so it can go into the self-contained report as it is.
"""
from __future__ import annotations

import html
from collections import Counter
from typing import Iterable, Optional

import networkx as nx

from .cascade import Link
from .graph import induced

KIND_LABELS = {"implements": "thực hiện", "based_on": "căn cứ", "amends": "sửa đổi, bổ sung",
               "replaces": "thay thế", "answers": "trả lời", "cites": "dẫn chiếu"}
STATUS_LABELS = {"ok": "Đúng hạn", "late": "Trễ hạn", "no_deadline": "Không có hạn", "missing": "Chưa triển khai"}
_PREFERENCE = ("implements", "based_on", "answers", "amends", "replaces", "cites")


def chain_trees(graph: nx.DiGraph) -> list[tuple[nx.DiGraph, list[str]]]:
    """(tree, roots) per chain, oldest chain first; tree edges go from a cited document to its citer."""
    position = {n: i for i, n in enumerate(graph)}
    out = []
    for part in sorted(nx.weakly_connected_components(graph), key=lambda p: min(position[n] for n in p)):
        dag = _acyclic(induced(graph, sorted(part, key=position.__getitem__)))
        depth: dict[str, int] = {}
        parent: dict[str, str] = {}
        for node in reversed(list(nx.topological_sort(dag))):  # cited documents before their citers
            cited = list(dag.successors(node))
            if cited:
                parent[node] = max(cited, key=lambda c: (depth[c], graph.nodes[c]["in_register"],
                                                         -_PREFERENCE.index(graph.edges[node, c]["kind"]), -position[c]))
            depth[node] = depth[parent[node]] + 1 if node in parent else 0
        tree = nx.DiGraph()
        tree.add_nodes_from(sorted(part, key=position.get))
        tree.add_edges_from(sorted(((p, c) for c, p in parent.items()), key=lambda e: position[e[1]]))
        roots = [n for n in tree if tree.in_degree(n) == 0 and (tree.out_degree(n) or graph.nodes[n]["in_register"])]
        out.append((tree, roots))
    return out


def _acyclic(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy without the edges that close a cycle (two documents citing each other)."""
    dag = nx.DiGraph(graph)
    while not nx.is_directed_acyclic_graph(dag):
        dag.remove_edge(*nx.find_cycle(dag)[-1][:2])
    return dag


def outside_documents(graph: nx.DiGraph) -> list[tuple[str, int, list[str]]]:
    """(node, times cited, citing nodes) for each cited document the register lacks, most cited first."""
    rows = [(n, graph.in_degree(n), list(graph.predecessors(n))) for n, a in graph.nodes(data=True) if not a["in_register"]]
    return sorted(rows, key=lambda r: -r[1])


def day(iso: Optional[str]) -> str:
    """ "2024-09-20" -> "20/09/2024"; "2021-10" -> "10/2021"; None -> ""."""
    parts = (iso or "").split("-")
    return "/".join(reversed(parts)) if iso else ""


def node_label(graph: nx.DiGraph, node: str) -> str:
    a = graph.nodes[node]
    bits = [node, a["issuer"] or "", day(a["issue_date"])]
    text = " · ".join(b for b in bits if b)
    if not a["in_register"]:
        text += f" — chưa có trong sổ, được dẫn {graph.in_degree(node)} lần"
    return text


def _via(graph: nx.DiGraph, tree: nx.DiGraph, node: str) -> tuple[str, str]:
    """The relation to the tree parent, and the other citations ("cũng căn cứ 1373/QĐ-TTg")."""
    parent = next(iter(tree.predecessors(node)), None)
    kind = KIND_LABELS[graph.edges[node, parent]["kind"]] if parent else ""
    others = [f"{KIND_LABELS[graph.edges[node, c]['kind']]} {c}" for c in graph.successors(node) if c != parent]
    return kind, ("cũng " + "; ".join(others)) if others else ""


def graph_text(graph: nx.DiGraph) -> str:
    """Each chain as an indented tree, then the cited documents the register lacks, with counts."""
    lines = []
    for number, (tree, roots) in enumerate(chain_trees(graph), start=1):
        lines.append(f"Chuỗi {number}:")
        for root in roots:
            depths = nx.shortest_path_length(tree, root)
            for node in nx.dfs_preorder_nodes(tree, root):
                kind, others = _via(graph, tree, node)
                lead = "  " + "   " * depths[node] + ("└─ " if depths[node] else "")
                lines.append(lead + (f"[{kind}] " if kind else "") + node_label(graph, node) + (f"  ({others})" if others else ""))
    missing = outside_documents(graph)
    if missing:
        lines.append("Văn bản được dẫn nhưng chưa có trong sổ:")
        lines += [f"  {n} · {graph.nodes[n]['issuer'] or '?'} · được dẫn {count} lần (bởi {', '.join(by)})"
                  for n, count, by in missing]
    return "\n".join(lines) if lines else "Sổ chưa có văn bản nào."


def html_tree(graph: nx.DiGraph) -> str:
    """Each chain as a nested list (<ul class="cv-tree">), escaped, no script."""
    e = html.escape
    parts = []
    for tree, roots in chain_trees(graph):
        for root in roots:
            parts.append(f'<ul class="cv-tree"><li>{_html_node(graph, tree, root)}')
            for parent, child, event in nx.dfs_labeled_edges(tree, root):
                if parent == child or event not in ("forward", "reverse"):
                    continue
                siblings = list(tree.successors(parent))
                if event == "forward":
                    parts.append(("<ul>" if child == siblings[0] else "") + f"<li>{_html_node(graph, tree, child)}")
                else:
                    parts.append("</li>" + ("</ul>" if child == siblings[-1] else ""))
            parts.append("</li></ul>")
    return "\n".join(parts) if parts else f"<p>{e('Sổ chưa có văn bản nào.')}</p>"


def _html_node(graph: nx.DiGraph, tree: nx.DiGraph, node: str) -> str:
    e = html.escape
    kind, others = _via(graph, tree, node)
    css = "cv-doc" if graph.nodes[node]["in_register"] else "cv-doc cv-outside"
    text = (f'<span class="cv-kind">{e(kind)}</span> ' if kind else "") + f'<span class="{css}">{e(node_label(graph, node))}</span>'
    return text + (f' <span class="cv-note">({e(others)})</span>' if others else "")


def summary(links: Iterable[Link]) -> str:
    counts = Counter(link.status for link in links)
    pairs = sum(counts[s] for s in ("ok", "late", "no_deadline"))
    return (f"{pairs} cặp nhiệm vụ được giao lại: {counts['ok']} đúng hạn, {counts['late']} trễ hạn, "
            f"{counts['no_deadline']} không có hạn; {counts['missing']} nhiệm vụ chưa được triển khai")


def cascade_text(links: list[Link]) -> str:
    """The cascade grouped by upstream task, for the terminal."""
    lines, current = [], None
    for link in links:
        if (link.upstream.key, link.task.task_id) != current:
            current = (link.upstream.key, link.task.task_id)
            lines.append(f"{link.upstream.number} [{link.task.task_id}] hạn {day(link.task.deadline) or '—'}: "
                         f"{_short(link.task.text)}")
        if link.status == "missing":
            units = ", ".join(f"{d.issuer} ({d.number})" for d in link.missing_in)
            lines.append(f"  {STATUS_LABELS['missing']:<15} {units} không giao lại nhiệm vụ này")
        else:
            lines.append(f"  {STATUS_LABELS[link.status]:<15} {link.downstream.number} [{link.restated.task_id}] "
                         f"hạn {day(link.restated.deadline) or '—'}: {_short(link.restated.text)}")
    return "\n".join(lines + [summary(links)])


def _short(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
