"""The signature block: authority prefix, the signer's title and name.

"KT. BỘ TRƯỞNG / THỨ TRƯỞNG / (đã ký) / Bùi Hồng Lĩnh" over several lines, or run together in a
table cell ("TL. BỘ TRƯỞNG VỤ TRƯỞNG VỤ KẾ HOẠCH - TÀI CHÍNH Phạm Quang Phụng"). After the last
prefix come the principal's title (skipped, per rules/authorities.yaml) and then the signer's own
title, up to the next title; the name is the trailing run of capitalised words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Optional

from .casing import display, match_phrase, words_of
from .lines import Line, is_upper
from .rulebook import authorities, recipient_rules

MAX_SCAN = 30  # lines looked through for the name (a PDF may put Nơi nhận in between)


@dataclass
class Signer:
    title: Optional[str] = None
    authority: Optional[str] = None
    name: Optional[str] = None
    lines: list[int] = field(default_factory=list)


@lru_cache(maxsize=1)
def _titles() -> dict[tuple[str, ...], str]:
    return {tuple(k.split()): v for k, v in authorities().titles.items()}


@lru_cache(maxsize=1)
def _toneless_titles() -> dict[tuple[str, ...], str]:
    return {tuple(_toneless(k).split()): v for k, v in authorities().titles.items()}


def _toneless(key: str) -> str:
    return re.sub(r"\d", "", key)


def title_at(keys: list[str], i: int) -> tuple[int, Optional[str]]:
    """The title starting at word i; tone marks are ignored on a second try ("TRƯỜNG PHÒNG" typo)."""
    n, title = match_phrase(keys, i, _titles(), 5)
    if n:
        return n, title
    return match_phrase([_toneless(k) for k in keys], i, _toneless_titles(), 5)


def _starts_block(text: str) -> bool:
    if authorities().prefix_re.match(text):
        return True
    head = " ".join(text.split()[:2])
    return is_upper(head) and bool(title_at([w[2] for w in words_of(text)], 0)[0])


def _name_word(word: str) -> bool:
    """ "Hằng", "Thúy": a capital, then lower-case letters."""
    return word.isalpha() and word[0].isupper() and (len(word) == 1 or word[1:].islower())


def _is_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(_name_word(w) for w in words)


def unglue(text: str) -> str:
    """ "CHÁNH VĂN PHÒNGThái Hữu Phép" -> "CHÁNH VĂN PHÒNG Thái Hữu Phép"."""
    out = []
    for word in text.split():
        k = next((k for k in range(3, len(word) - 1) if word[:k].isupper() and _name_word(word[k:])), None)
        out += [word[:k], word[k:]] if k else [word]
    return " ".join(out)


def split_name(text: str) -> tuple[str, Optional[str]]:
    """ "THỨ TRƯỞNG Bùi Hồng Lĩnh" -> ("THỨ TRƯỞNG", "Bùi Hồng Lĩnh")."""
    words = text.split()
    k = len(words)
    while k > 0 and _name_word(words[k - 1]) and len(words) - k < 6:
        k -= 1
    if len(words) - k >= 2:
        return " ".join(words[:k]), " ".join(words[k:])
    return text, None


def _strip_unsigned(text: str) -> str:
    for pattern in authorities().unsigned:
        text = pattern.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def signature_line(line: Line) -> bool:
    """A line of the signature column (for passing over it inside the Nơi nhận list)."""
    text = _strip_unsigned(line.text)
    return not text or _starts_block(line.text) or _is_name(text) or (is_upper(text) and len(text.split()) <= 8)


def _other_column(line: Line) -> bool:
    """Nơi nhận lines a PDF interleaves with the signature: the label, items, their wraps."""
    rr = recipient_rules()
    return bool(rr.recipients_label.match(line.text) or rr.item_start.match(line.text)) or line.text[:1].islower()


def _gather(lines: list[Line], k: int) -> tuple[list[str], list[int]]:
    """The signature block's texts from line k down to the signer's name."""
    parts, used = [lines[k].text], [lines[k].index]
    j = k
    while split_name(unglue(_strip_unsigned(parts[-1])))[1] is None and j + 1 < min(len(lines), k + MAX_SCAN):
        j += 1
        text = _strip_unsigned(lines[j].text)
        if not text or _other_column(lines[j]):
            used += [lines[j].index] if not text else []
            continue
        if not (is_upper(text) or _is_name(text) or split_name(unglue(text))[1]):
            break
        parts.append(text)
        used.append(lines[j].index)
    if j + 1 < len(lines) and not lines[j + 1].first and _is_name_tail(lines[j + 1].text):
        parts.append(lines[j + 1].text)  # "CHÁNH VĂN PHÒNG Thái Hữu" / "Phép"
        used.append(lines[j + 1].index)
    return parts, used


def _is_name_tail(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 3 and all(_name_word(w) for w in words)


def read_block(lines: list[Line], k: int, fix: Callable[[str], str]) -> Signer:
    parts, used = _gather(lines, k)
    text = _strip_unsigned(unglue(fix(" ".join(parts))))
    upper, name = split_name(text)
    signer = Signer(name=name, lines=used)
    if name is None and len(parts) > 1 and is_upper(parts[-1]) and not _has_title(parts[-1]):
        upper, signer.name = " ".join(parts[:-1]), display_name(parts[-1])
    signer.authority, signer.title = title_of(upper)
    return signer


def display_name(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split())


def _has_title(text: str) -> bool:
    keys = [w[2] for w in words_of(text)]
    return any(title_at(keys, i)[0] for i in range(len(keys)))


def title_of(text: str) -> tuple[Optional[str], Optional[str]]:
    """(authority prefix, signer title) from the capitalised part of a signature block."""
    ar = authorities()
    prefixes = list(ar.prefix_re.finditer(text))
    authority = prefixes[-1].group(1) + "." if prefixes else None
    rest = text[prefixes[-1].end():] if prefixes else text
    groups = _title_groups(rest)
    if not groups:
        rest = rest.strip(" ,.")
        return authority, (display(rest) if rest else None)
    skip = ar.prefixes.get(authority, 0) if authority else 0
    start, end, title = groups[min(skip, len(groups) - 1)]
    nxt = [g[0] for g in groups if g[0] > start]
    tail = rest[end:nxt[0] if nxt else len(rest)].strip(" ,.")
    return authority, (f"{title} {display(tail)}" if tail else title)


def _title_groups(text: str) -> list[tuple[int, int, str]]:
    """(start, end, display) of each title; titles joined by a comma form one group."""
    words = words_of(text)
    keys = [w[2] for w in words]
    groups: list[tuple[int, int, str]] = []
    i = 0
    while i < len(words):
        n, title = title_at(keys, i)
        if not n:
            i += 1
            continue
        start, end = words[i][0], words[i + n - 1][1]
        if groups and text[groups[-1][1]:start].strip() == ",":
            groups[-1] = (groups[-1][0], end, groups[-1][2])
        else:
            groups.append((start, end, title))
        i += n
    return groups


def find_signer(lines: list[Line], start: int, fix: Callable[[str], str]) -> Signer:
    """The first signature block after line `start` that has a name (else the first one found)."""
    fallback = Signer()
    for k in range(start, len(lines)):
        if _starts_block(lines[k].text):
            signer = read_block(lines, k, fix)
            if signer.name:
                return signer
            if fallback.title is None:
                fallback = signer
    return fallback
