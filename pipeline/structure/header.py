"""The header of a dispatch: issuer, số/ký hiệu, place and date, type, trích yếu, urgency.

Reads the lines before the body (Decree 30/2020 Art. 8 parts 1-5), in whatever order the format put
them: a .txt dump, a .docx header table (issuer, motto, number, date cells), or a PDF read column by
column. Returns a `Header` with the values as printed (number) or in display form (issuer), and the
indices of the lines it used, so the body starts after them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Optional

from ..text import fold
from . import fields
from .casing import display, is_compound, match_phrase, words_of
from .lines import Line, is_upper
from .rulebook import authorities, doc_types, header_rules, issuer_rules, recipient_rules
from .subject import typed_subject, vv_subject

WINDOW = 40


@dataclass
class Header:
    number: Optional[str] = None
    doc_type: Optional[str] = None
    type_from: Optional[str] = None  # "title" | "code" | "vv" | "headline"
    issuer_raw: Optional[str] = None
    issuer: Optional[str] = None
    issuer_parent: Optional[str] = None
    place: Optional[str] = None
    issue_date: Optional[str] = None
    bad_date: Optional[str] = None
    subject: Optional[str] = None
    urgency: Optional[str] = None
    role: Optional[str] = None  # the signer's title named by a news headline
    where: dict[str, list[int]] = field(default_factory=dict)  # field -> line indices
    end: int = 0  # index of the first line after the header


@lru_cache(maxsize=1)
def _title_table() -> dict[tuple[str, ...], str]:
    return {tuple(k.split()): v for k, v in authorities().titles.items()}


def is_authority_line(line: Line) -> bool:
    """A capitalised line naming the enacting authority ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH")."""
    if not is_upper(line.text) or len(line.text.split()) > 14:
        return False
    keys = [w[2] for w in words_of(line.text)]
    ir = issuer_rules()
    return bool(match_phrase(keys, 0, _title_table(), 4)[0] or match_phrase(keys, 0, ir.heads, ir.longest)[0])


_CONNECTORS = {fold(w) for w in ("của", "và", "về", "cho", "với", "tại", "theo", "đối", "thuộc", "giao")}


def authority_start(text: str) -> Optional[int]:
    """Offset where a capitalised line ends in the enacting authority, as a PDF runs them together:
    "… TRÊN ĐỊA BÀN THÀNH PHỐ HỒ CHÍ MINH CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH"."""
    if not is_upper(text):
        return None
    words = words_of(text)
    keys = [w[2] for w in words]
    ir = issuer_rules()
    for i in range(max(1, len(words) - 12), len(words)):
        n = match_phrase(keys, i, _title_table(), 4)[0]
        if n and keys[i - 1] not in _CONNECTORS and match_phrase(keys, i + n, ir.heads, ir.longest)[0]:
            return words[i][0]
    return None


def window(lines: list[Line]) -> int:
    """Index where the header window ends: Kính gửi, an outline marker or a long paragraph."""
    label = recipient_rules().addressee_label
    for line in lines[:WINDOW]:
        if label.match(line.text) or len(line.text) > 400:
            return line.index
    return min(len(lines), WINDOW)


def parse_header(lines: list[Line], fix: Callable[[str], str] = lambda text: text) -> Header:
    """The header fields; `fix` repairs split letters in displayed values."""
    hr, dt = header_rules(), doc_types()
    head = Header()
    limit = window(lines)
    _find_number(lines[:limit], head, hr)
    _find_date(lines[:limit], head, hr)
    title_at = next((ln.index for ln in lines[:limit] if fields.title_type(ln.text, dt)), None)
    if title_at is not None:
        head.doc_type, head.type_from = fields.title_type(lines[title_at].text, dt), "title"
        head.where["doc_type"] = [title_at]
        head.subject, used = typed_subject(lines, title_at + 1, is_authority_line, authority_start)
        head.where["subject"] = used
    else:
        head.subject, used = vv_subject(lines[:limit], hr)
        if used:
            head.where["subject"] = used
    _find_issuer(lines[:limit], head, fix)
    head.place, head.subject = fix(head.place), fix(head.subject)
    _find_urgency(lines[:limit], head, hr)
    _type_fallback(head, dt)
    used_all = [i for v in head.where.values() for i in v]
    head.end = max(used_all) + 1 if used_all else 0
    _extend_by_authority(lines, head)
    return head


def _find_number(lines: list[Line], head: Header, hr) -> None:
    for k, line in enumerate(lines):
        found = fields.number_from(line.text, hr)
        after = lines[k + 1] if k + 1 < len(lines) and not lines[k + 1].first else None
        wrapped = fields.number_wrapped(line.text, after.text, hr) if after else None
        if wrapped:  # "Số:" / "/TB-UBND": the ký hiệu wrapped in its column
            head.number = wrapped
            head.where["number"] = [line.index, after.index]
            return
        if found:
            head.number = found[0]
            head.where["number"] = [line.index]
            return


def _find_date(lines: list[Line], head: Header, hr) -> None:
    for k, line in enumerate(lines):
        found = fields.number_from(line.text, hr)
        hit = fields.place_date(line.text, hr, found[1] if found else 0)
        if hit is None and k + 1 < len(lines) and not lines[k + 1].first:  # date wrapped in a column
            hit = fields.place_date(f"{line.text} {lines[k + 1].text}", hr, found[1] if found else 0)
        if hit is None:
            continue
        place, m = hit
        head.place = place
        head.issue_date, head.bad_date = fields.iso_date(m.group("day"), m.group("month"), m.group("year"), hr)
        head.where["issue_date"] = [line.index]
        return


def _stop_index(head: Header) -> int:
    marks = [v[0] for k, v in head.where.items() if k in ("number", "issue_date", "doc_type", "subject")]
    return min(marks) if marks else 0


def _find_issuer(lines: list[Line], head: Header, fix: Callable[[str], str]) -> None:
    """Capitalised lines above the number (or date, or title): parent body over issuing body."""
    hr, dt = header_rules(), doc_types()
    picked: list[Line] = []
    for line in lines[:_stop_index(head)]:
        if line.motto or fields.urgency_of(line.text, hr) or fields.is_secrecy(line.text, hr):
            continue
        if is_upper(line.text) and not fields.title_type(line.text, dt):
            picked.append(line)
        elif picked:
            break
    if not picked:
        return
    head.where["issuer"] = [ln.index for ln in picked]
    bodies = split_bodies(fix(" ".join(ln.text for ln in picked)))
    head.issuer_raw = bodies[-1]
    head.issuer = display(bodies[-1])
    head.issuer_parent = display(" ".join(bodies[:-1])) if len(bodies) > 1 else None


def split_bodies(text: str) -> list[str]:
    """ "BỘ TÀI CHÍNH TỔNG CỤC THUẾ" -> ["BỘ TÀI CHÍNH", "TỔNG CỤC THUẾ"]: a head starts a body
    when the text before it is a head plus at least one word ("THỦ TƯỚNG CHÍNH PHỦ" stays whole)."""
    ir = issuer_rules()
    words = words_of(text)
    keys = [w[2] for w in words]
    cuts, start, i = [], 0, 0
    while i < len(words):
        n = 0 if is_compound(keys, i, ir) else match_phrase(keys, i, ir.heads, ir.longest)[0]
        if n and i > start and i + n < len(words):  # a head with a name after it ("SỞ NỘI VỤ" stays)
            first = match_phrase(keys, start, ir.heads, ir.longest)[0]
            if first and i - start > first:
                cuts.append(words[i][0])
                start = i
        i += max(n, 1)
    bounds = [0, *cuts, len(text)]
    return [text[a:b].strip(" ,-") for a, b in zip(bounds, bounds[1:]) if text[a:b].strip(" ,-")]


def _find_urgency(lines: list[Line], head: Header, hr) -> None:
    for line in lines:
        found = fields.urgency_of(line.text, hr)
        if found:
            head.urgency = found
            head.where["urgency"] = [line.index]
            return


def _type_fallback(head: Header, dt) -> None:
    if head.doc_type:
        return
    by_code = fields.code_type(head.number, dt)
    if by_code:
        head.doc_type, head.type_from = by_code, "code"
    elif head.where.get("subject") or head.number:
        head.doc_type, head.type_from = dt.no_code, "vv"


def _extend_by_authority(lines: list[Line], head: Header) -> None:
    """ "ỦY BAN THƯỜNG VỤ" in the header, "ỦY BAN THƯỜNG VỤ QUỐC HỘI" as the enacting authority."""
    if not head.issuer_raw or head.end >= len(lines) or not is_authority_line(lines[head.end]):
        return
    line = lines[head.end]
    short, full = fold(head.issuer_raw), fold(line.text)
    if full.startswith(short + " "):
        head.issuer = display(line.text)
    head.where.setdefault("authority", []).append(line.index)
    head.end += 1
