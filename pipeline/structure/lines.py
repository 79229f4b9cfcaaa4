"""The document as a flat list of lines, each knowing its block: what every parser here reads.

Blocks differ by format (a .txt paragraph, a .docx cell, a PDF column of lines), but a header field
sits on a line in all three. National-motto phrases are cut out of the lines they share with the
issuer (PDF dumps run the two header columns together) and become lines of their own, flagged; so
are the pieces of a motto that wraps ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT" / "NAM"), which would
otherwise read as more of the issuer's capitalised name.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Optional

from ..model import Document
from ..text import bare_letters
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


MOTTO_WINDOW = 40  # lines searched for a wrapped motto: the header (as header.WINDOW)
MAX_WRAP = 4  # lines a wrapped motto may run over


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
        if block.kind == "overlay":  # a note laid over the page (routing note, signature box): not the text
            continue
        first = True
        flowed = block.kind == "paragraph" and block.page is not None  # a PDF reader's paragraph
        for raw in block.text.split("\n"):
            for part in split_flow(raw, hr, dt) if flowed else [raw]:
                for piece, is_motto in split_motto(part, hr):
                    lines.append(Line(len(lines), piece, block.id, block.kind, first, block.page, is_motto))
                    first = False
                first = first or flowed  # each piece of a split flowed line starts a paragraph
    return mark_wrapped_motto(lines, hr)


def mark_wrapped_motto(lines: list[Line], hr: HeaderRules) -> list[Line]:
    """The lines with a motto that wraps over lines cut out and flagged, wherever the break falls."""
    out: list[Line] = []
    i = 0
    while i < len(lines):
        cuts = _wrapped_at(lines, i, hr) if i < MOTTO_WINDOW else None
        if cuts is None:
            out.append(lines[i])
            i += 1
            continue
        for k, (start, end) in enumerate(cuts):
            line = lines[i + k]
            for a, b, is_motto in ((0, start, False), (start, end, True), (end, len(line.text), False)):
                piece = hr.separator.sub(" ", line.text[a:b]).strip(" |")
                if piece:
                    out.append(replace(line, text=piece, motto=is_motto, first=line.first and a == 0))
        i += len(cuts)
    return [replace(line, index=k) for k, line in enumerate(out)]


def _wrapped_at(lines: list[Line], i: int, hr: HeaderRules) -> Optional[list[tuple[int, int]]]:
    """(start, end) of the motto on each line from line i, when a motto phrase starts on line i and
    ends on a later line: at the start of each next line, or (two columns run together, the motto
    on the right) at the end of it."""
    if lines[i].motto:
        return None
    text = lines[i].text
    letters, at, cut = _tail_letters(text, hr.motto_longest)
    # Only a tail of the line shorter than a motto can be a motto's beginning.
    for p in range(max(0, len(letters) - hr.motto_longest + 1), len(letters)):
        if not _word_start(text, at[p]):
            continue  # a motto starts a word
        for motto in hr.motto_letters:
            if len(letters) - p < len(motto) and motto.startswith(letters[p:]):
                right = p > 0 or any(c.isalpha() for c in text[:cut])  # letters before it on the line
                rest = _continued(lines, i + 1, motto[len(letters) - p:], right=right)
                if rest is not None:
                    return [(at[p], len(text)), *rest]
    return None


def _tail_letters(text: str, count: int) -> tuple[str, list[int], int]:
    """bare_letters of the shortest tail of `text` holding `count` letters (or of all of it), with
    offsets in `text`, and where the tail starts: a long paragraph is not keyed whole for its end."""
    size = 2 * count
    while True:
        cut = max(0, len(text) - size)
        letters, at = bare_letters(text[cut:])
        if len(letters) >= count or cut == 0:
            return letters, [a + cut for a in at], cut
        size *= 2  # doubling: a line of few letters costs a few passes, not one per step


def _continued(lines: list[Line], j: int, need: str, right: bool) -> Optional[list[tuple[int, int]]]:
    """Cuts on lines j… that spell the rest `need` of a motto, else None."""
    cuts: list[tuple[int, int]] = []
    for line in lines[j:j + MAX_WRAP]:
        text = line.text
        letters, at = bare_letters(text)
        if line.motto or not letters:
            return None
        if need.startswith(letters):  # the whole line is a middle piece
            cuts.append((0, len(text)))
            need = need[len(letters):]
            if need:
                continue
            return cuts
        if letters.startswith(need) and _word_end(text, at[len(need) - 1]):
            return [*cuts, (0, at[len(need) - 1] + 1)]
        k = len(letters) - len(need)
        if right and letters.endswith(need) and _word_start(text, at[k]):
            return [*cuts, (at[k], len(text))]
        return None
    return None


def _word_start(text: str, k: int) -> bool:
    return k == 0 or not text[k - 1].isalpha()


def _word_end(text: str, k: int) -> bool:
    return k + 1 == len(text) or not text[k + 1].isalpha()


def is_upper(text: str, ratio: float = 0.85) -> bool:
    """Mostly capitals ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "UBND TỈNH HẬU GIANG")."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) >= ratio * len(letters)
