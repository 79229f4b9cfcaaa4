"""The document as a flat list of lines, each knowing its block: what every parser here reads.

Blocks differ by format (a .txt paragraph, a .docx cell, a PDF column of lines), but a header field
sits on a line in all three. National-motto phrases are cut out of the lines they share with the
issuer (PDF dumps run the two header columns together) and become lines of their own, flagged.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from ..model import Document
from .flow import split_flow
from .rulebook import HeaderRules, doc_types


@dataclass
class Line:
    index: int
    text: str
    block: int
    kind: str = "paragraph"
    first: bool = True  # first line of its block
    page: Optional[int] = None
    motto: bool = False


def split_motto(text: str, hr: HeaderRules) -> list[tuple[str, bool]]:
    """[(piece, is_motto)] for one line: "TỈNH HẬU GIANG Độc lập - Tự do - Hạnh phúc" -> 2 pieces."""
    pieces = [(text, False)]
    for pattern in hr.motto:
        out = []
        for piece, is_motto in pieces:
            if is_motto:
                out.append((piece, True))
                continue
            last = 0
            for m in pattern.finditer(piece):
                out += [(piece[last:m.start()], False), (m.group(0), True)]
                last = m.end()
            out.append((piece[last:], False))
        pieces = out
    cleaned = [(hr.separator.sub(" ", p).strip(" |"), m) for p, m in pieces]
    return [(p, m) for p, m in cleaned if p]


def flatten(doc: Document, hr: HeaderRules) -> list[Line]:
    lines: list[Line] = []
    dt = doc_types()
    for block in doc.blocks:
        first = True
        flowed = block.kind == "paragraph" and block.page is not None  # a PDF reader's paragraph
        for raw in block.text.split("\n"):
            for part in split_flow(raw, hr, dt) if flowed else [raw]:
                for piece, is_motto in split_motto(part, hr):
                    lines.append(Line(len(lines), piece, block.id, block.kind, first, block.page, is_motto))
                    first = False
                first = first or flowed  # each piece of a split flowed line starts a paragraph
    return lines


def is_upper(text: str, ratio: float = 0.85) -> bool:
    """Mostly capitals ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "UBND TỈNH HẬU GIANG")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= ratio * len(letters)
