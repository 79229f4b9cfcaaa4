"""Typed rows of the register, built from one processed `Document`: what the store keeps per dispatch.

The register only reads fields the earlier stages filled (`frame`, `tasks`, `blocks`); it never parses
text itself. Keys for recognizing the same dispatch twice are made here:
- `natural_key`: (issuer, year, số, ký hiệu), folded, when all four are known;
- `content_key`: a hash of the folded text, so another rendering of the same text (docx, pdf) matches.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from ..model import Document, Task
from ..serialize import as_dict
from ..text import fold, strip_diacritics

_SAFE_SEQ = re.compile(r"[^0-9A-Za-z.\-]+")


@dataclass
class ObligationRow:
    """One (unit, task) pair: the unit is the gazetteer id when known, else the name as written."""

    unit: str
    unit_name: str
    unit_id: Optional[str]
    role: str
    ordinal: int


@dataclass
class TaskRow:
    seq: str
    text: str
    section: Optional[str] = None
    action: Optional[str] = None
    deadline: Optional[date] = None
    deadline_text: Optional[str] = None
    deadline_time: Optional[str] = None
    recurrence: Optional[str] = None
    rrule: Optional[str] = None
    milestones: list[str] = field(default_factory=list)
    blocks: list[int] = field(default_factory=list)
    page: Optional[int] = None
    confidence: float = 0.0
    stage_task_id: Optional[str] = None
    position: int = 0
    obligations: list[ObligationRow] = field(default_factory=list)

    @property
    def text_key(self) -> str:
        return fold(self.text)

    @property
    def id_stem(self) -> str:
        """The readable part of a new task id: the outline path, else the position."""
        stem = _SAFE_SEQ.sub("", strip_diacritics(self.seq or "")).strip(".-")
        return stem or f"t{self.position + 1}"


@dataclass
class RefRow:
    ordinal: int
    number: str
    type: Optional[str] = None
    date: Optional[str] = None
    issuer: Optional[str] = None
    relation: Optional[str] = None


@dataclass
class DocRow:
    source: str  # the path as the user gave it
    sha256: str
    format: str
    pages: Optional[int] = None
    number: Optional[str] = None
    code_number: Optional[str] = None
    code_notation: Optional[str] = None
    doc_type: Optional[str] = None
    issuer: Optional[str] = None
    issuer_parent: Optional[str] = None
    place: Optional[str] = None
    issue_date: Optional[str] = None
    subject: Optional[str] = None
    urgency: Optional[str] = None
    addressees: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_title: Optional[str] = None
    signer_authority: Optional[str] = None
    signer_name: Optional[str] = None
    warnings: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)  # block texts, by block id
    natural_key: Optional[str] = None
    content_key: str = ""


@dataclass
class Incoming:
    """One processed file, ready for the store: its rows and its keys."""

    path: str  # resolved absolute path: the file's key in the store
    file_doc_id: str  # Document.doc_id of this file (sha256 prefix)
    doc: DocRow
    tasks: list[TaskRow]
    references: list[RefRow]
    fingerprint: str  # hash of everything extracted: equal means nothing to update


def incoming(doc: Document) -> Incoming:
    """The rows of one processed document."""
    row = doc_row(doc)
    tasks = [task_row(t, i) for i, t in enumerate(doc.tasks)]
    refs = [RefRow(i, r.number, r.type, r.date, r.issuer, r.relation) for i, r in enumerate(doc.frame.references)]
    return Incoming(path=file_key(doc.source.path), file_doc_id=doc.doc_id, doc=row, tasks=tasks,
                    references=refs, fingerprint=fingerprint(row, tasks, refs))


def file_key(path: str) -> str:
    return str(Path(path).resolve())


def doc_row(doc: Document) -> DocRow:
    frame = doc.frame
    code_number, code_notation = split_number(frame.number)
    body = [b.text for b in doc.blocks]
    return DocRow(
        source=doc.source.path, sha256=doc.source.sha256, format=doc.source.format, pages=doc.source.pages,
        number=frame.number, code_number=code_number, code_notation=code_notation, doc_type=frame.doc_type,
        issuer=frame.issuer, issuer_parent=frame.issuer_parent, place=frame.place, issue_date=frame.issue_date,
        subject=frame.subject, urgency=frame.urgency, addressees=list(frame.addressees),
        recipients=[_recipient_text(r.text, r.purpose) for r in frame.recipients],
        signer_title=frame.signer_title, signer_authority=frame.signer_authority, signer_name=frame.signer_name,
        warnings=list(doc.warnings), body=body,
        natural_key=natural_key(frame.issuer, frame.issue_date, code_number, code_notation),
        content_key=content_key(body),
    )


def _recipient_text(text: str, purpose: Optional[str]) -> str:
    return f"{text} ({purpose})" if purpose else text


def task_row(task: Task, position: int) -> TaskRow:
    obligations = []
    for i, a in enumerate(task.assignees):
        unit = (a.unit_id or a.name or "").strip()
        if unit:
            obligations.append(ObligationRow(unit=unit, unit_name=a.name, unit_id=a.unit_id, role=a.role, ordinal=i))
    return TaskRow(
        seq=task.seq or "", text=task.text or "", section=task.section, action=task.action,
        deadline=parse_date(task.deadline), deadline_text=task.deadline_text, deadline_time=task.deadline_time,
        recurrence=task.recurrence, rrule=task.rrule, milestones=[m for m in task.milestones if parse_date(m)],
        blocks=list(task.blocks), page=task.page, confidence=float(task.confidence or 0.0),
        stage_task_id=task.task_id, position=position, obligations=obligations,
    )


def split_number(number: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    """Số and ký hiệu of a number as printed: "24/SGDĐT-VP" -> ("24", "SGDĐT-VP")."""
    if not number:
        return None, None
    compact = "".join(number.split())
    head, _, tail = compact.partition("/")
    return (head or None), (tail or None)


def natural_key(issuer: Optional[str], issue_date: Optional[str], code_number: Optional[str],
                code_notation: Optional[str]) -> Optional[str]:
    year = (issue_date or "")[:4]
    if not (issuer and year.isdigit() and code_number and code_notation):
        return None
    return "|".join([fold(issuer), year, code_number.lstrip("0") or "0", fold(code_notation).replace(" ", "")])


def content_key(body: list[str]) -> str:
    return hashlib.sha256(fold(" ".join(body)).encode("utf-8")).hexdigest()


def fingerprint(row: DocRow, tasks: list[TaskRow], refs: list[RefRow]) -> str:
    payload = {k: v for k, v in as_dict(row).items() if k not in ("source", "sha256")}
    payload["tasks"] = [as_dict(t) for t in tasks]
    payload["references"] = [as_dict(r) for r in refs]
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_date(value: Optional[str]) -> Optional[date]:
    """An ISO date, or None for anything else (a month alone, a malformed value)."""
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None
