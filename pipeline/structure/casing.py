"""Display form of names printed in capitals: "SỞ GIÁO DỤC VÀ ĐÀO TẠO" -> "Sở Giáo dục và Đào tạo".

The rules in rules/issuers.yaml drive it: heads ("Ủy ban nhân dân"), place words after which a
proper name follows ("tỉnh Hậu Giang"), fixed words ("Chính phủ"), joiners after which a new part is
capitalised ("Lao động - Thương binh và Xã hội"). Abbreviations (no Vietnamese syllable) stay as
printed. Text already in mixed case is returned as it is.
"""
from __future__ import annotations

import re

from ..text import fold
from .lines import is_upper
from ..syllables import is_syllable
from .rulebook import IssuerRules, issuer_rules

_WORD = re.compile(r"\w+")


def words_of(text: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) for each word."""
    return [(m.start(), m.end(), fold(m.group(0)) or m.group(0).lower()) for m in _WORD.finditer(text)]


def match_phrase(keys: list[str], i: int, table: dict, longest: int):
    """(length, value) of the longest phrase of `table` starting at word i, or (0, None)."""
    for n in range(min(longest, len(keys) - i), 0, -1):
        value = table.get(tuple(keys[i:i + n]))
        if value is not None:
            return n, value
    return 0, None


def _word_case(word: str, mode: str) -> str:
    if not is_syllable(word):
        return word
    if mode == "proper" or mode in ("start", "joined"):
        return word[:1].upper() + word[1:].lower()
    return word.lower()


def display(text: str, ir: IssuerRules | None = None) -> str:
    """Mixed-case display form of a capitalised name; hyphens spaced as " - "."""
    ir = ir or issuer_rules()
    if not is_upper(text):
        return text
    words = words_of(text)
    keys = [w[2] for w in words]
    out, mode, last, i = [], "start", 0, 0
    while i < len(words):
        gap = text[last:words[i][0]]
        if "-" in gap.replace("–", "-"):
            gap, mode = " - ", mode if mode == "proper" else "joined"
        out.append(gap)
        n, value, mode = _phrase(keys, i, mode, ir)
        if n:
            out.append(value)
        else:
            n = 1
            raw = text[words[i][0]:words[i][1]]
            out.append(raw.lower() if keys[i] in ir.joiners else _word_case(raw, mode))
            mode = "joined" if keys[i] in ir.joiners else ("proper" if mode == "proper" else "normal")
        last = words[i + n - 1][1]
        i += n
    out.append(text[last:])
    return re.sub(r"\s+", " ", "".join(out)).strip()


def is_compound(keys: list[str], i: int, ir: IssuerRules) -> bool:
    """True when word i ends a pair like "môi trường" rather than starting a head."""
    return i > 0 and (keys[i - 1], keys[i]) in ir.compounds


def _phrase(keys: list[str], i: int, mode: str, ir: IssuerRules):
    n, value = (0, None) if is_compound(keys, i, ir) else match_phrase(keys, i, ir.heads, ir.longest)
    if n and i > 0 and i + n == len(keys):
        n, value = 0, None  # a head word ending the name is part of it ("SỞ NỘI VỤ")
    if n:  # "Ban Chỉ đạo" already holds the name's first part: what follows is lower case
        named = any(w[:1].isupper() for w in value.split()[1:])
        return n, value, "normal" if named else "start"
    if mode != "joined":
        n, value = match_phrase(keys, i, ir.places, ir.longest)
        if n:
            return n, value, "proper"
    n, value = match_phrase(keys, i, ir.words, ir.longest)
    if n:
        return n, value, mode if mode == "proper" else "normal"
    return 0, None, mode
