"""Documents without a header: a news article about a dispatch, a plan with no issuer lines.

Nothing is guessed: a value is taken only where the text states it, in a headline ("Chủ tịch UBND
tỉnh Bạc Liêu ban hành Chỉ thị thực hiện nhiệm vụ năm học 2022-2023") or in a sentence where the
issuer names itself as doing the document's act ("Trường Tiểu học Bình Hòa 2 xây dựng Kế hoạch …",
"Sở Giáo dục và Đào tạo thông báo để …").
"""
from __future__ import annotations

import re
from typing import Optional

from .casing import match_phrase, words_of
from .header import Header
from .lines import Line
from .rulebook import header_rules, issuer_rules

HEADLINE_LINES = 8
MAX_NAME_WORDS = 12
_CLAUSE = re.compile(r"[,;:.()“”\"]")


def headline(lines: list[Line], head: Header) -> None:
    """Type, issuer, subject and the signer's role from a news headline in the first lines."""
    hr = header_rules()
    for line in lines[:HEADLINE_LINES]:
        m = hr.headline.match(line.text)
        if not m:
            continue
        head.doc_type = head.doc_type or _title_case(m.group("type"))
        head.type_from = head.type_from or "headline"
        head.issuer = head.issuer or m.group("issuer").strip()
        head.subject = head.subject or m.group("subject").strip(" .")
        head.role = _title_case(m.group("role")) if m.group("role") else None
        head.where.setdefault("subject", [line.index])
        head.end = max(head.end, line.index + 1)
        return


def _title_case(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip())
    return text[:1].upper() + text[1:].lower()


def self_named_issuer(lines: list[Line]) -> Optional[tuple[str, int]]:
    """(issuer, line index) from the first sentence where a capitalised body does the act."""
    hr, ir = header_rules(), issuer_rules()
    for line in lines:
        for m in hr.self_naming.finditer(line.text):
            clause = _CLAUSE.split(line.text[:m.start()])[-1].strip()
            words = words_of(clause)
            keys = [w[2] for w in words]
            for i, (start, _, _) in enumerate(words[-MAX_NAME_WORDS:], max(0, len(words) - MAX_NAME_WORDS)):
                n, _ = match_phrase(keys, i, ir.heads, ir.longest)
                if n and clause[start].isupper() and i + n < len(words) and _named(clause, words[i + n][0]):
                    return clause[start:].strip(), line.index
    return None


def _named(clause: str, pos: int) -> bool:
    """The word after the head is capitalised or a place word ("Sở Giáo dục", "UBND tỉnh")."""
    word = clause[pos:].split()[0] if clause[pos:].split() else ""
    keys = [w[2] for w in words_of(clause[pos:])]
    return word[:1].isupper() or word[:1].isdigit() or bool(match_phrase(keys, 0, issuer_rules().places, 3)[0])
