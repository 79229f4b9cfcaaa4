"""The "Cascade" view for the register's exports: a DataFrame for the Excel sheet, a fragment for report.html.

    frame = cascade_sheet(tables)      # register.xlsx "Cascade": columns CASCADE_COLUMNS (register.columns.Column)
    html = report_section(tables)      # report.html <section id="cascade">: chain trees, missing sources, pairs

Both come from `links()` (cascade.py); the register's writers only place them (import this module
inside the writer function: it imports register.columns, so a module-level import would be circular).
"""
from __future__ import annotations

import html
import threading
from datetime import date
from typing import Optional

import networkx as nx
import pandas as pd

from ..register.columns import Column
from .cascade import Link, links
from .dispatches import Dispatch
from .graph import build_graph
from .views import STATUS_LABELS, day, html_tree, outside_documents, summary

SHEET_TITLE = "Cascade"
CASCADE_COLUMNS = (
    Column("check", "Kết quả"),
    Column("upstream_number", "Văn bản cấp trên"),
    Column("upstream_issuer", "Cơ quan cấp trên"),
    Column("upstream_task_id", "Mã nhiệm vụ cấp trên"),
    Column("upstream_text", "Nhiệm vụ cấp trên", "long"),
    Column("upstream_deadline", "Hạn cấp trên", "date"),
    Column("downstream_number", "Văn bản triển khai"),
    Column("downstream_issuer", "Đơn vị triển khai"),
    Column("downstream_task_id", "Mã nhiệm vụ triển khai"),
    Column("downstream_text", "Nhiệm vụ triển khai", "long"),
    Column("downstream_deadline", "Hạn triển khai", "date"),
    Column("days_late", "Số ngày trễ", "int"),
    Column("code", "Mã kết quả"),  # ok, late, no_deadline, missing (not "status": the register labels that key)
)
STYLE = """<style>
#cascade .cv-tree, #cascade .cv-tree ul { list-style: none; margin: 0; padding-left: 18px; }
#cascade .cv-tree { padding: 8px 12px; background: #fff; border: 1px solid #c9d3df; border-radius: 6px; margin: 6px 0; }
#cascade .cv-tree li { margin: 3px 0; border-left: 1px dashed #99a; padding-left: 8px; }
#cascade .cv-kind { font-size: .8rem; color: #556; background: #eef3f8; border-radius: 8px; padding: 0 6px; }
#cascade .cv-outside { color: #8a1c1c; font-style: italic; }
#cascade .cv-note { font-size: .8rem; color: #556; }
#cascade tr.c-late td { background: #f8cbad; } #cascade tr.c-missing td { background: #ffe699; }
</style>"""


def _iso_date(value: Optional[str]) -> Optional[date]:
    return date.fromisoformat(value) if value else None


def cascade_row(link: Link) -> dict:
    up, down = link.task, link.restated
    late = None
    if link.status == "late" and up.deadline and down is not None and down.deadline:
        late = (date.fromisoformat(down.deadline) - date.fromisoformat(up.deadline)).days
    issuers = [d.issuer for d in link.missing_in] if link.status == "missing" else [link.downstream.issuer]
    return {"check": STATUS_LABELS[link.status], "code": link.status,
            "upstream_number": link.upstream.number, "upstream_issuer": link.upstream.issuer,
            "upstream_task_id": up.task_id, "upstream_text": up.text, "upstream_deadline": _iso_date(up.deadline),
            "downstream_number": link.downstream.number if link.downstream else
            "; ".join(d.number or "" for d in link.missing_in),
            "downstream_issuer": "; ".join(i or "" for i in issuers),
            "downstream_task_id": down.task_id if down else None, "downstream_text": down.text if down else None,
            "downstream_deadline": _iso_date(down.deadline) if down else None, "days_late": late}


def cascade_frame(found: list[Link]) -> pd.DataFrame:
    """One row per pair or missing task, columns in CASCADE_COLUMNS order (deadlines as dates)."""
    return pd.DataFrame([cascade_row(link) for link in found], columns=[c.key for c in CASCADE_COLUMNS], dtype=object)


def cascade_table_html(found: list[Link]) -> str:
    e = html.escape
    shown = ("check", "upstream_number", "upstream_text", "upstream_deadline", "downstream_number",
             "downstream_issuer", "downstream_text", "downstream_deadline")
    headers = {c.key: c.header for c in CASCADE_COLUMNS}
    rows = []
    for row in (cascade_row(link) for link in found):
        cells = "".join(f"<td>{e(_cell(row[k]))}</td>" for k in shown)
        rows.append(f'<tr class="c-{e(row["code"])}">{cells}</tr>')
    head = "".join(f"<th>{e(headers[k])}</th>" for k in shown)
    return f'<div class="scroll"><table class="cv-cascade"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>'


def _cell(value: object) -> str:
    if isinstance(value, date):
        return day(value.isoformat())
    return "" if value is None else str(value)


def outside_html(graph: nx.DiGraph) -> str:
    e = html.escape
    rows = "".join(f"<tr><td>{e(n)}</td><td>{e(graph.nodes[n]['issuer'] or '')}</td><td>{e(day(graph.nodes[n]['issue_date']))}</td>"
                   f"<td>{count}</td><td>{e(', '.join(by))}</td></tr>" for n, count, by in outside_documents(graph))
    if not rows:
        return "<p>Mọi văn bản được dẫn đều có trong sổ.</p>"
    return ('<div class="scroll"><table><thead><tr><th>Số, ký hiệu</th><th>Cơ quan ban hành</th><th>Ngày</th>'
            f"<th>Số lần được dẫn</th><th>Được dẫn bởi</th></tr></thead><tbody>{rows}</tbody></table></div>")


def report_fragment(dispatches: list[Dispatch], threshold: Optional[float] = None) -> str:
    """<section id="cascade"> for report.html: chain trees, cited documents the office lacks, the cascade."""
    graph = build_graph(dispatches)
    return _fragment(graph, links(dispatches, graph, threshold))


def _fragment(graph: nx.DiGraph, found: list[Link]) -> str:
    return "\n".join([
        '<section id="cascade">', STYLE, "<h2>Chuỗi văn bản chỉ đạo</h2>",
        '<p class="hint">Mỗi văn bản nằm dưới văn bản mà nó thực hiện hoặc căn cứ; in nghiêng là văn bản chưa có trong sổ.</p>',
        html_tree(graph), "<h3>Văn bản được dẫn nhưng chưa có trong sổ</h3>", outside_html(graph),
        "<h2>Triển khai nhiệm vụ theo chuỗi (Cascade)</h2>", f'<p class="hint">{html.escape(summary(found))}</p>',
        cascade_table_html(found), "</section>"])


def cascade_sheet(tables) -> pd.DataFrame:
    """The Excel "Cascade" sheet from the register's tables (`register.tables.Tables`); columns CASCADE_COLUMNS."""
    return cascade_frame(_cascade_of(tables)[1])


def report_section(tables) -> str:
    """The report.html "Cascade" section from the register's tables."""
    return _fragment(*_cascade_of(tables))


def _cascade_of(tables) -> tuple[nx.DiGraph, list[Link]]:
    """The citation graph and the cascade of the register's tables, computed once for them: a process
    writing both the workbook and the report builds them once, also when the workbook's rows are
    read by another thread (see register.piped)."""
    with _DERIVING:
        if "cascade" not in tables.derived:
            from .dispatches import from_tables

            dispatches = from_tables(tables)
            graph = build_graph(dispatches)
            tables.derived["cascade"] = (graph, links(dispatches, graph))
        return tables.derived["cascade"]


_DERIVING = threading.Lock()
