"""Undo a PDF reader's paragraph merging: a flowed block may hold the centred title, the trích
yếu, the enacting authority and the first paragraph as one line ("KẾ HOẠCH TRIỂN KHAI … TIẾP THEO
Căn cứ Chỉ thị số …"). Split where the text shows a line boundary:

- before a paragraph opener that no sentence punctuation precedes ("… lần thứ hai Ngày 23/11/2017");
- after a title word that starts the block ("KẾ HOẠCH | TRIỂN KHAI …"; not "QUYẾT ĐỊNH SỐ …");
- around a run of capitalised words that stands as a line of its own: after it when a sentence in
  mixed case follows ("I. NHIỆM VỤ CHUNG | Năm học …"), before it when it is three words or more
  and follows mixed-case text ("… huyện Tam Đồng | CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN TAM ĐỒNG").
"""
from __future__ import annotations

import re

from ..text import fold
from ..syllables import is_syllable
from .rulebook import DocTypes, HeaderRules

_WORD = re.compile(r"\S+")
_LETTERS = re.compile(r"^\W*(\w+?)\W*$")


def _kind(token: str) -> str:
    """U: a capitalised syllable ("NHIỆM"), M: a capitalised word ("Năm"), L: lower case, O: other."""
    m = _LETTERS.match(token)
    word = m.group(1) if m else ""
    if not word.isalpha():
        return "O"
    if word.isupper() and len(word) > 1:
        return "U" if is_syllable(word) else "O"
    if word[0].isupper():
        return "M" if len(word) > 1 and word[1:].islower() else "O"
    return "L"


def _case_cuts(text: str, dt: DocTypes) -> list[int]:
    tokens = list(_WORD.finditer(text))
    kinds = [_kind(t.group(0)) for t in tokens]
    cuts: list[int] = []
    i = 0
    while i < len(tokens):
        if kinds[i] != "U":
            i += 1
            continue
        j = i
        while j < len(tokens) and kinds[j] in ("U", "O"):
            j += 1
        while j > i and kinds[j - 1] == "O" and not tokens[j - 1].group(0)[-1:].isdigit():
            j -= 1
        upper = sum(k == "U" for k in kinds[i:j])
        before = i > 0 and kinds[i - 1] in ("L", "M")
        after = j < len(tokens) and kinds[j] == "M"
        if before and upper >= 3 and (after or j == len(tokens)):
            cuts.append(tokens[i].start())
        if upper >= 2 and after and (before or i == 0 or all(k == "O" for k in kinds[:i])):
            cuts.append(tokens[j].start())
        if i == 0:
            cuts += _title_cut(text, tokens, j, dt)
        i = max(j, i + 1)
    return cuts


def _title_cut(text: str, tokens: list, end: int, dt: DocTypes) -> list[int]:
    """ "QUYẾT ĐỊNH VỀ BAN HÀNH …" -> cut after the title words."""
    for n in (4, 3, 2, 1):
        if n < end and fold(" ".join(t.group(0) for t in tokens[:n])) in dt.by_title:
            nxt = tokens[n].group(0)
            return [] if fold(nxt) == "sô1" else [tokens[n].start()]
    return []


def split_flow(text: str, hr: HeaderRules, dt: DocTypes) -> list[str]:
    """One flowed PDF line -> the lines it was made of (best effort)."""
    cuts = {m.start() + 1 for m in hr.paragraph_opener.finditer(text)}
    pieces, last = [], 0
    for cut in sorted(cuts) + [len(text)]:
        pieces.append(text[last:cut])
        last = cut
    out = []
    for piece in pieces:
        inner = sorted(set(_case_cuts(piece, dt)))
        bounds = [0, *inner, len(piece)]
        out += [piece[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    return [p for p in out if p]
