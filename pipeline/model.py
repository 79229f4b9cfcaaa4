"""The typed document model that flows through every stage: data only, no logic.

A file becomes a `Document` (its `Source` and an ordered list of `Block`s); the structure stage
fills `frame` and `outline`, the task stage fills `tasks`. Every extracted value points back at
block ids, and a block knows its page and paragraph, so a clerk can check any value at its source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

BLOCK_KINDS = ("paragraph", "cell", "line", "overlay")  # overlay: an annotation's note, never read as text
ROLES = ("chủ trì", "thực hiện", "phối hợp", "theo dõi")
RECURRENCES = ("daily", "weekly", "monthly", "quarterly", "semester", "yearly")


@dataclass(frozen=True)
class Style:
    """Typographic hints, when the format carries them (None = unknown)."""

    bold: Optional[bool] = None
    italic: Optional[bool] = None
    centered: Optional[bool] = None
    size: Optional[float] = None  # points
    font: Optional[str] = None


@dataclass
class Block:
    """One unit of text in reading order: a paragraph, a table cell, or a visual line.

    `text` is the normalized display text (NFC, cleaned, may hold "\\n" for line breaks inside
    the block); `raw` is what the reader saw, kept for provenance.
    """

    id: int  # position in Document.blocks, 0-based
    text: str
    kind: str = "paragraph"  # one of BLOCK_KINDS
    page: Optional[int] = None  # 1-based; None when the format has no pages
    para: int = 0  # paragraph index in source order, 1-based
    bbox: Optional[tuple[float, float, float, float]] = None  # x0, top, x1, bottom in points
    style: Optional[Style] = None
    table: Optional[tuple[int, int, int]] = None  # (table index, row, column) for cells
    raw: Optional[str] = None


@dataclass
class Source:
    path: str  # as given by the user
    sha256: str
    format: str  # "txt" | "docx" | "pdf" | ...
    pages: Optional[int] = None
    size: int = 0


@dataclass
class Recipient:
    """One "Nơi nhận" item: kind is "unit", "as_above" (Như trên) or "archive" (Lưu: …)."""

    text: str
    purpose: Optional[str] = None  # "để chỉ đạo", "để phối hợp", "để b/c", ...
    kind: str = "unit"


@dataclass
class Reference:
    """A cited document that carries a number."""

    number: str
    type: Optional[str] = None  # "Công văn", "Quyết định", ...
    date: Optional[str] = None  # ISO
    issuer: Optional[str] = None
    relation: Optional[str] = None  # "implements", "based_on", "amends", "replaces", "answers", "cites"
    blocks: list[int] = field(default_factory=list)


@dataclass
class Frame:
    """The header, addressees, signer and Nơi nhận of a dispatch (null when absent, never guessed)."""

    number: Optional[str] = None
    doc_type: Optional[str] = None
    issuer: Optional[str] = None
    issuer_parent: Optional[str] = None
    place: Optional[str] = None
    issue_date: Optional[str] = None  # "YYYY-MM-DD" or "YYYY-MM"
    subject: Optional[str] = None
    urgency: Optional[str] = None
    addressees: list[str] = field(default_factory=list)
    recipients: list[Recipient] = field(default_factory=list)
    signer_title: Optional[str] = None
    signer_authority: Optional[str] = None  # "KT.", "TM.", "TL.", "TUQ.", "Q."
    signer_name: Optional[str] = None
    references: list[Reference] = field(default_factory=list)
    provenance: dict[str, list[int]] = field(default_factory=dict)  # field name -> block ids
    body_start: Optional[int] = None  # first block id of the body (after Kính gửi / title)
    body_end: Optional[int] = None  # first block id after the body (Nơi nhận / signature), exclusive


@dataclass
class OutlineNode:
    """A numbered (or dash/plus/plain) node of the body, with its block ids.

    `label` is the marker as printed ("II", "3", "1.2", "a", "-", "+", "" for a plain paragraph);
    `path` is the dotted outline path ("II.3.a"); dash/plus/plain nodes get ordinals ("II.3.-2").
    """

    label: str
    path: str
    kind: str  # "part" | "item" | "point" | "dash" | "plus" | "paragraph" | "schedule"
    text: str  # text without the marker
    heading: bool = False  # groups other nodes rather than saying something itself
    blocks: list[int] = field(default_factory=list)
    children: list["OutlineNode"] = field(default_factory=list)


@dataclass
class Assignee:
    name: str  # as written
    unit_id: Optional[str] = None  # gazetteer id
    role: str = "thực hiện"  # one of ROLES


@dataclass
class Task:
    task_id: str
    seq: str  # outline path
    text: str  # numbering stripped
    section: Optional[str] = None
    action: Optional[str] = None
    assignees: list[Assignee] = field(default_factory=list)
    deadline: Optional[str] = None  # ISO date
    deadline_text: Optional[str] = None
    deadline_time: Optional[str] = None  # "HH:MM" when given
    recurrence: Optional[str] = None  # one of RECURRENCES
    rrule: Optional[str] = None
    milestones: list[str] = field(default_factory=list)  # ISO dates, in text order
    blocks: list[int] = field(default_factory=list)
    page: Optional[int] = None
    confidence: float = 0.0


@dataclass
class Signature:
    """A digital signature embedded in the file (e-office signing), as its certificate names the signer."""

    signed_at: Optional[str] = None  # ISO datetime with offset, the time the signer's software reported
    name: Optional[str] = None  # certificate subject's common name
    organization: Optional[str] = None  # subject's O (else OU)
    field_name: Optional[str] = None  # the PDF signature field's name


@dataclass
class Document:
    source: Source
    blocks: list[Block] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    frame: Frame = field(default_factory=Frame)
    outline: list[OutlineNode] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)  # in signing order (read at ingestion)

    @property
    def doc_id(self) -> str:
        return self.source.sha256[:16]
