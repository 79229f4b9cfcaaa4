"""Tasks laid out outside prose: task tables and appendix items with role sub-points.

`table_tasks(doc, doc_date, found)` reads `doc.blocks` (table cells), `doc.outline` and
`doc.frame.addressees`, and returns the extra tasks; `extract_tasks` adds them. A task table is
one whose header row names the content, the lead unit, and the partners or the time, in any of
the wordings of rules/task_tables.yaml; each later row with content is one task, and a row that a
page break split (the next table's first row, without its own number) is joined to the row
before. An appendix item whose sub-points are labelled "Đơn vị chủ trì: …", "Đơn vị phối hợp:
…", "Thời gian hoàn thành: …" is one task with those roles, unless it already yielded tasks.

    | TT | Nội dung công việc | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành |
    | 1  | Xây dựng cơ sở dữ liệu | Sở GD&ĐT | Sở TT&TT | Tháng 6/2024 |
    -> Task(text="Xây dựng cơ sở dữ liệu", assignees=[Sở GD&ĐT (chủ trì), Sở TT&TT (phối hợp)],
            deadline="2024-06-30")
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator, Optional

from .. import rules
from ..model import Document, OutlineNode, Task
from ..text import fold
from . import assign, directives, temporal, units
from .assign import Actor

__all__ = ["table_tasks"]

ROLES = ("seq", "content", "lead", "partners", "time", "product", "note")
_MARKER = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*|[a-zđ])\s*[.)]\s+", re.IGNORECASE)
_CONNECTOR = re.compile(r"(?:\bvà|\bcủa|\bthuộc|[-–&])\s*$")  # a wrapped line ends mid-name
_WRAPPED_NUMBER = re.compile(r"(?<=[\d/.])[ \t]*\n\s*(?=[\d/.])")
_CONFIDENCE = 0.8  # a table row or labelled item states its roles; the text is not parsed for them


@dataclass(frozen=True)
class _Rules:
    columns: dict[str, tuple[tuple[str, ...], ...]]  # role -> folded wordings, longest first
    labels: dict[str, frozenset[str]]  # role -> folded sub-point labels


@dataclass
class Row:
    """One task as laid out: its text, the roles' texts and where it came from."""

    seq: str
    text: str
    lead: str = ""
    partners: str = ""
    time: str = ""
    blocks: list[int] = field(default_factory=list)


def load_rules() -> _Rules:
    return rules.load("task_tables", _build)


def _build(data: dict, filename: str) -> _Rules:
    columns = rules.require(data, "columns", dict, filename)
    labels = rules.require(data, "labels", dict, filename)
    for key, table in (("columns", columns), ("labels", labels)):
        unknown = set(table) - set(ROLES)
        if unknown:
            raise rules.fail(filename, key, f"unknown roles {sorted(unknown)}; known: {list(ROLES)}")
        for role, words in table.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
                raise rules.fail(filename, f"{key}.{role}", "must be a list of non-empty strings")
    folded = {role: tuple(sorted({tuple(fold(w).split()) for w in words}, key=len, reverse=True))
              for role, words in columns.items()}
    return _Rules(folded, {role: frozenset(fold(w) for w in words) for role, words in labels.items()})


def table_tasks(doc: Document, doc_date: Optional[date], found: list[str]) -> list[Task]:
    """Tasks of task tables and labelled appendix items (see the module docstring)."""
    rows = list(_table_rows(doc)) + [r for r in _appendix_rows(doc.outline)
                                     if not any(s == r.seq or s.startswith(r.seq + ".") for s in found)]
    return [_task(doc, row, doc_date, n) for n, row in enumerate(rows)]


def column_roles(cells: list[str]) -> Optional[dict[str, int]]:
    """role -> column of a header row, when it makes a task table; else None."""
    r, out = load_rules(), {}
    for col, text in enumerate(cells):
        words = tuple(fold(text).split())
        compact = "".join(words)  # a narrow PDF column breaks "STT" into "S\nT\nT"
        hits = [(len(w), role) for role, wordings in r.columns.items() for w in wordings
                if words[:len(w)] == w or (len(words) > len(w) and compact == "".join(w))]
        if hits:
            out.setdefault(max(hits)[1], col)
    if "content" in out and "lead" in out and ("partners" in out or "time" in out):
        return out
    return None


def _tables(doc: Document) -> list[tuple[int, dict[int, dict[int, object]]]]:
    """Cell blocks grouped by table, then row, then column."""
    grouped: dict[int, dict[int, dict[int, object]]] = {}
    for b in doc.blocks:
        if b.kind == "cell" and b.table:
            grouped.setdefault(b.table[0], {}).setdefault(b.table[1], {})[b.table[2]] = b
    return sorted(grouped.items())


def _texts(cells: dict[int, object]) -> list[str]:
    return [cells[c].text if c in cells else "" for c in range(max(cells) + 1)]


def _table_rows(doc: Document) -> Iterator[Row]:
    roles, last, prev_end = None, None, -1
    for index, table in _tables(doc):
        rows = [(r, table[r]) for r in sorted(table)]
        carry = roles is not None and _adjacent(doc, prev_end, rows[0][1])
        header = next((i for i, (_, row) in enumerate(rows[:3]) if column_roles(_texts(row))), None)
        if header is not None:
            roles, rows = column_roles(_texts(rows[header][1])), rows[header + 1:]
        elif not carry:
            roles = None
            continue
        prev_end = max(b.id for row in table.values() for b in row.values())
        for k, (r, cells) in enumerate(rows):
            parts = {role: cells[col].text if col in cells else "" for role, col in roles.items()}
            for role in ("content", "time"):
                parts[role] = _unwrap(parts.get(role, ""))
            if carry and k == 0 and last and "seq" in roles and not parts["seq"]:
                _join(last, parts, cells)  # the row a page break split
                continue
            if parts["content"] and (parts.get("lead") or parts.get("partners") or parts.get("time")):
                if last:
                    yield last
                last = Row(f"table{index + 1}.{r}", parts["content"], parts.get("lead", ""),
                           parts.get("partners", ""), parts.get("time", ""), sorted(b.id for b in cells.values()))
    if last:
        yield last


def _unwrap(text: str) -> str:
    """Lines of a cell wrap, they do not break; a narrow column splits a date ("30/4/2\\n024")."""
    return " ".join(_WRAPPED_NUMBER.sub("", text).split())


def _join(row: Row, parts: dict[str, str], cells: dict[int, object]) -> None:
    row.text = f"{row.text} {parts['content']}".strip()
    row.lead = f"{row.lead} {parts.get('lead', '')}".strip()
    row.partners = f"{row.partners} {parts.get('partners', '')}".strip()
    row.time = f"{row.time} {parts.get('time', '')}".strip()
    row.blocks += sorted(b.id for b in cells.values())


def _adjacent(doc: Document, prev_end: int, first_row: dict[int, object]) -> bool:
    """Only page furniture (a page number, a running head of a few words) between two tables."""
    start = min(b.id for b in first_row.values())
    between = doc.blocks[prev_end + 1:start] if prev_end >= 0 else [None]
    return all(b is not None and b.kind != "cell" and len(b.text.split()) <= 4 for b in between)


def _appendix_rows(nodes: list[OutlineNode]) -> Iterator[Row]:
    for node in nodes:
        row = _labelled(node)
        if row:
            yield row
        else:
            yield from _appendix_rows(node.children)


def _labelled(node: OutlineNode) -> Optional[Row]:
    """An item whose sub-points label its lead unit (and partners, time)."""
    if not node.children or _label(node.text)[0] or _starts_with_label(node.text):
        return None
    parts: dict[str, str] = {}
    for child in node.children:
        role, body = _label(child.text)
        if role and role not in parts:
            parts[role] = body or "; ".join(c.text for c in child.children)
    if not parts.get("lead"):
        return None
    return Row(node.path, _MARKER.sub("", node.text, count=1), parts["lead"], parts.get("partners", ""),
               parts.get("time", ""), list(node.blocks))


def _label(text: str) -> tuple[Optional[str], str]:
    """("lead", "Sở Nội vụ.") for "Đơn vị chủ trì: Sở Nội vụ."; (None, "") for other text."""
    head, sep, body = text.partition(":")
    key = fold(_MARKER.sub("", head, count=1))
    role = next((role for role, labels in load_rules().labels.items() if key in labels), None)
    return (role, body.strip()) if role and (sep or len(key.split()) <= 5) else (None, "")


def _starts_with_label(text: str) -> bool:
    """ "Cơ quan chủ trì, phối hợp": a role-list heading, not a task."""
    key = fold(text)
    return any(key == label or key.startswith(label + " ") for labels in load_rules().labels.values()
               for label in labels)


def unit_names(text: str) -> list[str]:
    """The units of a role cell, one per item, as written: split at ";" and at dashed lines, and at
    "," or a line break only where a unit name starts ("UBND các huyện, thị xã, thành phố" and a
    name a narrow PDF column wrapped stay one). "và" never splits ("Văn phòng HĐND và UBND huyện")."""
    out: list[str] = []
    for piece in re.split(r";|\n(?=\s*[-–+•])", text):
        piece = re.sub(r"^\s*[-–+•]\s*", "", piece)
        start = 0
        for sep in re.finditer(r",\s*|\s*\n\s*", piece):
            if _unit_starts(piece[sep.end():]) and not _CONNECTOR.search(piece[:sep.start()]):
                out.append(piece[start:sep.start()])
                start = sep.end()
        out.append(piece[start:])
    return [" ".join(name.split()).strip(" .;:-–") for name in out if name.strip(" .;:-–")]


def _unit_starts(text: str) -> bool:
    return any(m.start == 0 and len(m.text.split()) > 1 and "," not in m.text for m in units.find(text))


def _task(doc: Document, row: Row, doc_date: Optional[date], ordinal: int) -> Task:
    digest = hashlib.sha256(f"{doc.source.sha256}|{row.seq}|row|{ordinal}".encode()).hexdigest()[:16]
    leads = [Actor(name, None, "chủ trì", "lead") for name in unit_names(row.lead)]
    partners = [Actor(name, None, "phối hợp", "partner") for name in unit_names(row.partners)]
    actors = assign.resolve(leads + partners, list(doc.frame.addressees))
    page = doc.blocks[row.blocks[0]].page if row.blocks and row.blocks[0] < len(doc.blocks) else None
    task = Task(task_id=digest, seq=row.seq, text=row.text, action=directives.classify(row.text).action,
                assignees=assign.to_assignees(actors), blocks=list(row.blocks), page=page,
                confidence=_CONFIDENCE)
    _dates(task, row, doc_date)
    return task


def _dates(task: Task, row: Row, doc_date: Optional[date]) -> None:
    """The time cell is a label ("Tháng 6/2024", "Quý III/2024"); a date in the text refines it."""
    label = temporal.heading_deadline(row.time, doc_date) if row.time else None
    found = temporal.find_temporal(row.time or row.text, doc_date, label[0] if label else None)
    task.deadline, task.deadline_text = found.deadline, found.deadline_text or (label[1] if label else None)
    task.deadline_time, task.rrule, task.milestones = found.time, found.rrule, list(found.milestones)
    task.recurrence = found.recurrence
