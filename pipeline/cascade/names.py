"""Unit and issuer names compared across documents.

A name becomes folded words with abbreviations spelled out and determiners, role holders and
linking words left out: "Hiệu trưởng các trường THCS" -> trường trung học cơ sở. Two names then
fit when they share the head ("Sở", "Phòng", "Trường", "Ủy ban nhân dân") and enough words.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Optional

from .config import Words, cascade_rules, words

_LIST = re.compile(r"[,;]")


def rewrite(tokens: Words, table: dict[Words, Words]) -> Words:
    """Phrases of `table` replaced left to right, the longest phrase first at each position."""
    longest = max((len(k) for k in table), default=0)
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for n in range(min(longest, len(tokens) - i), 0, -1):
            hit = table.get(tokens[i:i + n])
            if hit is not None:
                out.extend(hit)
                i += n
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=1)
def _cleanup() -> dict[Words, Words]:
    """Stopwords -> nothing; a level of several words ("thành phố") -> one word."""
    r = cascade_rules()
    table: dict[Words, Words] = {w: () for w in r.unit_stopwords}
    table.update({w: ("_".join(w),) for w in r.unit_levels})
    return table


@lru_cache(maxsize=1)
def _levels() -> frozenset[str]:
    return frozenset("_".join(w) for w in cascade_rules().unit_levels)


@lru_cache(maxsize=4096)
def name_words(text: Optional[str]) -> Words:
    """ "Phòng GD&ĐT các huyện" -> the folded words of "phòng giáo dục đào tạo huyện"."""
    if not text:
        return ()
    return rewrite(rewrite(words(text), cascade_rules().abbreviations), _cleanup())


def head(name: Words) -> Words:
    """The head of a name: the longest issuer head it starts with, else its first word."""
    heads = cascade_rules().unit_heads
    for n in range(min(len(name), 6), 0, -1):
        if name[:n] in heads:
            return name[:n]
    return name[:1]


def _has_head(name: Words) -> bool:
    return len(head(name)) > 0 and head(name) in cascade_rules().unit_heads


def alternatives(unit: str) -> list[Words]:
    """The units a listed name stands for: "trường mầm non, tiểu học" -> trường mầm non, trường tiểu học;
    "Phòng GD&ĐT các huyện, thị xã" -> the Phòng GD&ĐT of a huyện, of a thị xã."""
    out: list[Words] = []
    for segment in (name_words(s) for s in _LIST.split(unit)):
        if not segment:
            continue
        if not out or _has_head(segment):
            out.append(segment)
        elif all(w in _levels() for w in segment):
            out.append(tuple(w for w in out[-1] if w not in _levels()) + segment)
        else:
            out.append(head(out[-1]) + segment)
    return out


def share(name: Words, context: set[str]) -> float:
    """The share of a name's distinct words found in `context`."""
    distinct = set(name)
    return len(distinct & context) / len(distinct) if distinct else 0.0


def unit_is_issuer(unit: str, issuer: Optional[str], parent: Optional[str]) -> bool:
    """Whether a unit a task names ("Các sở giáo dục và đào tạo") is this document's issuer."""
    own = name_words(issuer)
    if not own:
        return False
    context = set(own) | set(name_words(parent))
    for alt in alternatives(unit):
        if head(alt) != head(own) or any(w in _levels() and w not in context for w in alt):
            continue
        if share(alt, context) >= cascade_rules().unit_overlap:
            return True
    return False


def issuer_fits(cited: Optional[str], issuer: Optional[str], parent: Optional[str]) -> bool:
    """Whether a citation's issuer ("Sở Giáo dục và Đào tạo Hà Tĩnh") can be this document's issuer.

    A citation that names no issuer, or a document with none, always fits.
    """
    said, own = name_words(cited), name_words(issuer)
    if not said or not own:
        return True
    if head(said) != head(own):
        return False
    return share(said, set(own) | set(name_words(parent))) >= cascade_rules().issuer_overlap
