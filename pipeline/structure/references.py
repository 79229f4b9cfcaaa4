"""Cited documents: every số/ký hiệu in the text other than the document's own.

"Thực hiện công văn số 6122/BGDĐT-TĐKT ngày 28 tháng 12 năm 2017 của Bộ Giáo dục và Đào tạo" gives
number, type (the word before it), date (after it, or "Ngày 23/5/2011, Bộ … ban hành Công văn số …"
before it), issuer ("của …") and relation (the nearest cue word before it: "căn cứ" -> based_on).
A later mention of the same number without a date is the same document.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable, Optional

from ..model import Reference
from ..text import fold
from . import fields
from .rulebook import ReferenceRules, doc_types, header_rules, reference_rules

_GAP = re.compile(r"^[\s:]*(?:số\s*)?[:.]?\s*$", re.IGNORECASE)
_SENTENCE = re.compile(r"[.;]\s|^")


def number_key(number: str) -> str:
    return re.sub(r"[\s/]+", "", number).upper()


def clean_number(raw: str) -> Optional[str]:
    number = re.sub(r"\s+", "", raw).rstrip(".-–,;:)")
    if "/" not in number or not any(c.isalpha() for c in number):
        return None
    return number


def _sentence_start(text: str, pos: int) -> int:
    line_start = text.rfind("\n", 0, pos) + 1
    starts = [m.end() for m in _SENTENCE.finditer(text, line_start, pos)]
    return starts[-1] if starts else line_start


def _type_before(text: str, pos: int, number: str, rr: ReferenceRules) -> Optional[str]:
    window = text[max(0, pos - rr.type_window):pos]
    hits = [m for m in rr.type_re.finditer(window) if _GAP.match(window[m.end():])]
    if hits:
        return rr.types.get(fold(hits[-1].group(0)) or hits[-1].group(0).lower())
    return fields.code_type(number, doc_types())


def _date(m: Optional[re.Match]) -> Optional[str]:
    if not m:
        return None
    return fields.iso_date(m.group("day"), m.group("month"), m.group("year"), header_rules())[0]


def _date_before(text: str, start: int, pos: int, rr: ReferenceRules) -> Optional[str]:
    """ "Ngày 16/7/2012, Ủy ban … đã ban hành Pháp lệnh số …": the date opening the clause."""
    hits = list(rr.date_before.finditer(text, start, pos))
    if not hits or rr.number.search(text, hits[-1].end(), pos):
        return None
    return _date(hits[-1])


def _relation(text: str, start: int, pos: int, rr: ReferenceRules) -> str:
    """The cue nearest before the number on its line; "căn cứ" reaches over a list ("Căn cứ A; B")."""
    cues = list(rr.relation_re.finditer(text, text.rfind("\n", 0, pos) + 1, pos))
    if not cues:
        return rr.default_relation
    relation = rr.relations.get(fold(cues[-1].group(0)), rr.default_relation)
    if relation in ("amends", "replaces"):
        own = rr.self_re.search(text, start, cues[-1].start()) or not text[start:cues[-1].start()].strip()
        return relation if own else rr.default_relation
    return relation


def cite(text: str, m: re.Match, rr: ReferenceRules, fix: Callable[[str], str]) -> Optional[Reference]:
    number = clean_number(m.group(0))
    if number is None:
        return None
    after = text[m.end():]
    dm = rr.date_after.match(after)
    start = _sentence_start(text, m.start())
    date = _date(dm) or _date_before(text, start, m.start(), rr)
    im = rr.issuer_after.match(after[dm.end():] if dm else after)
    return Reference(number=number, type=_type_before(text, m.start(), number, rr), date=date,
                     issuer=fix(im.group("issuer").strip()) if im else None,
                     relation=_relation(text, start, m.start(), rr))


def _merge(refs: list[Reference], ref: Reference, block: int) -> None:
    key = number_key(ref.number)
    same = [r for r in refs if number_key(r.number) == key]
    target = next((r for r in same if r.date == ref.date or ref.date is None or r.date is None), None)
    if target is None:
        ref.blocks = [block]
        refs.append(ref)
        return
    target.date = target.date or ref.date
    target.type = target.type or ref.type
    target.issuer = target.issuer or ref.issuer
    if block not in target.blocks:
        target.blocks.append(block)


def find_references(texts: Iterable[tuple[str, int]], own: Optional[str],
                    fix: Callable[[str], str] = lambda t: t) -> list[Reference]:
    """References in (text, block id) pairs, in order; the document's own number left out."""
    rr = reference_rules()
    own_key = number_key(own) if own else None
    refs: list[Reference] = []
    for text, block in texts:
        for m in rr.number.finditer(text):
            ref = cite(text, m, rr, fix)
            if ref and number_key(ref.number) != own_key:
                _merge(refs, ref, block)
    return refs
