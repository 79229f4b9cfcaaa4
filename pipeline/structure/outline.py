"""The body as a tree of OutlineNodes: parts (A., I., Điều 1.), items (1., 1.1.), points (a)),
dash and plus lines, and plain paragraphs.

Units first: a marker starts a unit; a line without one continues the previous unit when that one
was cut mid-sentence (a PDF line wrap, a page break, a .txt paragraph split by the dump), else it is
a paragraph of its own. Table rows become one unit each. Then a stack by marker rank builds the tree;
a plain paragraph belongs to the nearest numbered node above it, closing formulas to the top.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import OutlineNode
from .lines import Line, is_upper
from .rulebook import OutlineRules, outline_rules

ORDINAL_PREFIX = {"dash": "-", "plus": "+", "paragraph": "p", "schedule": "p"}


@dataclass
class Unit:
    text: str
    blocks: list[int]
    kind: str = "paragraph"
    rank: int = 99
    label: str = ""
    page: Optional[int] = None
    row: Optional[tuple[int, int]] = None  # (table, row) for a table row


def _marker(text: str, orl: OutlineRules) -> Optional[tuple[str, int, str, str]]:
    for marker in orl.markers:
        m = marker.pattern.match(text)
        if m:
            return marker.kind, marker.rank, m.group("label"), text[m.end():].strip()
    return None


def _continues(prev: Unit, line: Line, orl: OutlineRules) -> bool:
    if prev.row is not None or orl.sentence_end.search(prev.text):
        return False
    starts_lower = line.text[:1].islower() or line.text[:1].isdigit()
    if prev.blocks[-1] == line.block and not line.first:
        return line.kind == "line" or starts_lower
    return starts_lower or (line.page is not None and prev.page is not None and line.page != prev.page)


def units(lines: list[Line], cells: dict[int, tuple[int, int]], orl: OutlineRules) -> list[Unit]:
    """Body lines -> units; `cells` maps a table cell's block id to its (table, row)."""
    out: list[Unit] = []
    for line in lines:
        row = cells.get(line.block)
        if row is not None and out and out[-1].row == row:
            if line.block not in out[-1].blocks:
                out[-1].text += " | " + line.text
                out[-1].blocks.append(line.block)
            else:
                out[-1].text += " " + line.text
            continue
        found = _marker(line.text, orl) if row is None else None
        if found:
            kind, rank, label, text = found
            out.append(Unit(text, [line.block], kind, rank, label, line.page))
        elif out and row is None and _continues(out[-1], line, orl):
            out[-1].text += " " + line.text
            if line.block not in out[-1].blocks:
                out[-1].blocks.append(line.block)
            out[-1].page = line.page
        else:
            out.append(Unit(line.text, [line.block], page=line.page, row=row))
    return out


def _segment(unit: Unit, parent: Optional[OutlineNode], counts: dict) -> str:
    if unit.kind in ORDINAL_PREFIX or not unit.label:
        key = (id(parent), ORDINAL_PREFIX.get(unit.kind, "p"))
        counts[key] = counts.get(key, 0) + 1
        return f"{key[1]}{counts[key]}"
    if parent is not None and unit.label.startswith(parent.label + ".") and parent.label:
        return unit.label[len(parent.label) + 1:]
    return unit.label


def _node(unit: Unit, parent: Optional[OutlineNode], counts: dict, orl: OutlineRules, seen: set) -> OutlineNode:
    segment = _segment(unit, parent, counts)
    path = f"{parent.path}.{segment}" if parent is not None else segment
    while path in seen:
        path += "'"
    seen.add(path)
    kind = "schedule" if unit.kind in ("item", "part", "paragraph") and orl.schedule.match(unit.text) else unit.kind
    return OutlineNode(label=unit.label, path=path, kind=kind, text=unit.text, blocks=list(unit.blocks))


def build(units_: list[Unit], orl: Optional[OutlineRules] = None, start: int = 0) -> list[OutlineNode]:
    """The tree; top-level plain paragraphs are numbered from `start` + 1."""
    orl = orl or outline_rules()
    roots: list[OutlineNode] = []
    stack: list[tuple[int, OutlineNode]] = []
    counts: dict = {(id(None), "p"): start}
    seen: set = set()
    for unit in units_:
        if unit.kind == "paragraph":
            if any(p.search(unit.text) for p in orl.closing):
                stack = []
            holders = [n for _, n in stack if n.kind not in ("dash", "plus")]
            parent = holders[-1] if holders else None
        else:
            while stack and stack[-1][0] >= unit.rank:
                stack.pop()
            parent = stack[-1][1] if stack else None
        node = _node(unit, parent, counts, orl, seen)
        (parent.children if parent is not None else roots).append(node)
        if unit.kind != "paragraph" or node.kind == "schedule":
            stack.append((unit.rank if unit.kind != "paragraph" else 50, node))
    _mark_headings(roots, orl)
    return roots


def _mark_headings(nodes: list[OutlineNode], orl: OutlineRules) -> None:
    for node in nodes:
        _mark_headings(node.children, orl)
        short = len(node.text) <= orl.heading_max_chars or is_upper(node.text) or node.text.endswith(":")
        node.heading = bool(node.children) and short


def attachment(units_: list[Unit], orl: OutlineRules, start: int) -> list[OutlineNode]:
    """An attachment after the signature ("KẾ HOẠCH …", "PHỤ LỤC"): its title paragraphs become one
    heading node holding the attachment's own outline."""
    k = 0
    while k < len(units_) and units_[k].kind == "paragraph" and units_[k].row is None and k < 4 \
            and (is_upper(units_[k].text) or k == 0 or units_[k].text.startswith("(")):
        k += 1
    if k == 0:
        return build(units_, orl, start)
    title = Unit(" ".join(u.text for u in units_[:k]), [b for u in units_[:k] for b in u.blocks])
    head = _node(title, None, {(id(None), "p"): start}, orl, set())
    head.children = build(units_[k:], orl)
    _prefix(head.children, head.path)
    head.heading = bool(head.children)
    return [head]


def _prefix(nodes: list[OutlineNode], prefix: str) -> None:
    for node in nodes:
        node.path = f"{prefix}.{node.path}"
        _prefix(node.children, prefix)
