"""`congvan explain FILE`: the document with every extracted value marked at its source.

Each value already carries the blocks it came from; here it is located inside those blocks' text, so a
clerk sees exactly which words gave the number, the date, an assignee or a deadline. The terminal view
uses colours (plain ⟦LABEL …⟧ markers when not a terminal); `--html` renders the same spans with
spaCy's displaCy, which escapes the document's text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Document

COLORS = {
    "SỐ": "#f4a261", "NGÀY": "#e9c46a", "CƠ QUAN": "#8ecae6", "TRÍCH YẾU": "#bde0fe", "KÍNH GỬI": "#caffbf",
    "NƠI NHẬN": "#d8f3dc", "NGƯỜI KÝ": "#ffc8dd", "VĂN BẢN DẪN": "#cdb4db", "VIỆC": "#ffafcc",
    "ĐƠN VỊ": "#a0c4ff", "HẠN": "#ff8fa3", "ĐỊNH KỲ": "#ffd6a5",
}
_STYLES = {"SỐ": "bold yellow", "NGÀY": "yellow", "CƠ QUAN": "cyan", "TRÍCH YẾU": "bright_cyan",
           "KÍNH GỬI": "green", "NƠI NHẬN": "bright_green", "NGƯỜI KÝ": "magenta", "VĂN BẢN DẪN": "blue",
           "VIỆC": "bold magenta", "ĐƠN VỊ": "bold blue", "HẠN": "bold red", "ĐỊNH KỲ": "red"}


@dataclass(frozen=True)
class Span:
    block: int
    start: int
    end: int
    label: str


def locate(text: str, value: str, spaced: bool = False) -> tuple[int, int] | None:
    """Where `value` stands in `text`, ignoring case and how whitespace and line breaks fall.

    `spaced` also allows spaces inside words, as numbers are printed ("24 /SGDĐT-VP").
    """
    if spaced:
        pattern = r"\s*".join(re.escape(c) for c in value if not c.isspace())
    else:
        pattern = r"\s+".join(re.escape(w) for w in value.split())
    if not pattern:
        return None
    match = re.search(pattern, text, re.IGNORECASE)
    return (match.start(), match.end()) if match else None


_DATE_LINE = re.compile(r"ngày\b.*?năm\s*\d{4}", re.IGNORECASE | re.DOTALL)


def _frame_values(doc: Document) -> list[tuple[str, str, list[int]]]:
    f, prov = doc.frame, doc.frame.provenance
    values = [("SỐ", f.number or "", prov.get("number", [])),
              ("NGÀY", "", prov.get("issue_date", [])),
              ("CƠ QUAN", f.issuer or "", prov.get("issuer", [])),
              ("TRÍCH YẾU", f.subject or "", prov.get("subject", [])),
              ("NGƯỜI KÝ", f.signer_name or "", prov.get("signer", []))]
    values += [("KÍNH GỬI", a, prov.get("addressees", [])) for a in f.addressees]
    values += [("NƠI NHẬN", r.text, prov.get("recipients", [])) for r in f.recipients]
    values += [("VĂN BẢN DẪN", r.number, r.blocks) for r in f.references]
    return values


def _task_values(doc: Document) -> list[tuple[str, str, list[int]]]:
    values = []
    for task in doc.tasks:
        values.append(("VIỆC", task.action or "", task.blocks))
        values += [("ĐƠN VỊ", a.name, task.blocks) for a in task.assignees]
        values.append(("HẠN", task.deadline_text or "", task.blocks))
    return values


def spans(doc: Document) -> list[Span]:
    """Non-overlapping spans of every extracted value, in reading order."""
    found = []
    for label, value, blocks in _frame_values(doc) + _task_values(doc):
        for block_id in blocks:
            if not 0 <= block_id < len(doc.blocks):
                continue
            hit = _find(doc.blocks[block_id].text, label, value)
            if hit:
                found.append(Span(block_id, hit[0], hit[1], label))
                break
    return _without_overlaps(found)


def _find(text: str, label: str, value: str) -> tuple[int, int] | None:
    if label == "NGÀY":
        match = _DATE_LINE.search(text)
        return (match.start(), match.end()) if match else None
    return locate(text, value, spaced=label in ("SỐ", "VĂN BẢN DẪN")) if value else None


def _without_overlaps(found: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(found, key=lambda s: (s.end - s.start)):
        if not any(k.block == span.block and k.start < span.end and span.start < k.end for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: (s.block, s.start))


def html(doc: Document) -> str:
    """A standalone HTML page with the document's text and its spans highlighted (displaCy)."""
    from spacy import displacy

    text, ents, offsets = [], [], {}
    position = 0
    for block in doc.blocks:
        offsets[block.id] = position
        text.append(block.text)
        position += len(block.text) + 2
    for s in spans(doc):
        ents.append({"start": offsets[s.block] + s.start, "end": offsets[s.block] + s.end, "label": s.label})
    page = {"text": "\n\n".join(text), "ents": ents, "title": doc.source.path}
    return displacy.render([page], style="ent", manual=True, page=True, jupyter=False,
                           options={"colors": COLORS, "ents": list(COLORS)})


def terminal(doc: Document, color: bool) -> str | None:
    """Plain text with ⟦LABEL …⟧ markers; with `color`, print through rich and return None."""
    by_block: dict[int, list[Span]] = {}
    for s in spans(doc):
        by_block.setdefault(s.block, []).append(s)
    if color:
        _print_rich(doc, by_block)
        return None
    lines = []
    for block in doc.blocks:
        text = block.text
        for s in sorted(by_block.get(block.id, []), key=lambda s: -s.start):
            text = f"{text[:s.start]}⟦{s.label}: {text[s.start:s.end]}⟧{text[s.end:]}"
        lines.append(f"[{block.id}] {text}")
    return "\n".join(lines)


def _print_rich(doc: Document, by_block: dict[int, list[Span]]) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console()
    console.print(Text("  ".join(f"{k}" for k in _STYLES), style="dim"))
    for block in doc.blocks:
        line = Text(f"[{block.id}] ", style="dim")
        body = Text(block.text)
        for s in by_block.get(block.id, []):
            body.stylize(_STYLES[s.label], s.start, s.end)
        console.print(line + body)
