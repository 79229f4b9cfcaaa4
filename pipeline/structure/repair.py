"""Repair words that a PDF-to-text dump split into letters, and tell syllables from abbreviations.

"ỦY B AN NHÂN D Â N T HÀNH P HỐ" -> "ỦY BAN NHÂN DÂN THÀNH PHỐ", "Qu ả ng Ngãi" -> "Quảng Ngãi",
"Ngu y ễn Hữu Tín" -> "Nguyễn Hữu Tín". A fragment is a single letter or a piece that is no
Vietnamese syllable ("B", "ng"); fragments are joined with their neighbours when the join is a
valid syllable. Ties go to joins the document spells elsewhere ("Minh" over "Chím Inh").
Abbreviations ("UBND", "VT") are no syllables either, but no join makes them one, so they stay.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Optional

from ..syllables import is_syllable
from . import restore

_PLAIN_CAPITALS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZĐ")
_SPACED_PUNCT = re.compile(r"\s+([,;:.)])")
_SPACED_OPEN = re.compile(r"\(\s+")
_TOKEN = re.compile(r"^(?P<lead>[^\w]*)(?P<core>.*?)(?P<trail>[^\w]*)$", re.S)
MAX_PARTS = 6
GROUP_COST = 0.01  # fewer, longer words win a tie
KNOWN_JOIN, NEW_JOIN = 0.002, 0.004  # a join the document spells elsewhere wins a tie


@dataclass
class _Token:
    lead: str
    core: str
    trail: str

    @property
    def letters(self) -> bool:
        return self.core.isalpha()

    @property
    def weak(self) -> bool:
        return self.letters and (len(self.core) == 1 or not is_syllable(self.core))


def _tokens(text: str) -> list[_Token]:
    out = []
    for piece in text.split():
        m = _TOKEN.match(piece)
        out.append(_Token(m.group("lead"), m.group("core"), m.group("trail")))
    return out


def _group_cost(group: list[_Token], vocab: frozenset) -> Optional[float]:
    """Cost of writing `group` as one word; None when it cannot be one."""
    if len(group) == 1:
        return 1.0 if group[0].weak else 0.0
    if not all(t.letters for t in group) or not any(t.weak for t in group):
        return None
    if any(t.trail for t in group[:-1]) or any(t.lead for t in group[1:]):
        return None
    word = "".join(t.core for t in group)
    if all(_initial(t.core) for t in group) and any(len(t.core) == 1 for t in group):
        return NEW_JOIN  # "V T" -> "VT", "P C T" -> "PCT": an abbreviation spelled out
    if not is_syllable(word) or any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
        return None
    return KNOWN_JOIN if word.lower() in vocab else NEW_JOIN


def _initial(core: str) -> bool:
    """A piece of a spelled-out abbreviation: one or two capitals without diacritics (Đ allowed)."""
    return len(core) <= 2 and core.isupper() and all(c in _PLAIN_CAPITALS for c in core)


def _best_split(tokens: list[_Token], vocab: frozenset) -> list[list[_Token]]:
    n = len(tokens)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = []
        for j in range(i + 1, min(n, i + MAX_PARTS) + 1):
            cost = _group_cost(tokens[i:j], vocab)
            if cost is not None:
                options.append((cost + GROUP_COST + best[j][0], j))
        best[i] = min(options)
    groups, i = [], 0
    while i < n:
        j = best[i][1]
        groups.append(tokens[i:j])
        i = j
    return groups


def needs_repair(text: str) -> bool:
    return any(t.weak and len(t.core) <= 2 for t in _tokens(text))


def repair(text: str, vocab: Iterable[str] = ()) -> str:
    """The line with split words joined; spacing is collapsed to single spaces."""
    if not text or not needs_repair(text):
        return text
    vocab = vocab if isinstance(vocab, frozenset) else frozenset(vocab)
    out = []
    for group in _best_split(_tokens(text), vocab):
        out.append(group[0].lead + "".join(t.core for t in group) + group[-1].trail)
    return _SPACED_PUNCT.sub(r"\1", _SPACED_OPEN.sub("(", " ".join(out)))


def vocabulary(texts: Iterable[str]) -> frozenset:
    """Lower-cased words of two letters or more that are syllables: the document's own spellings."""
    words = set()
    for text in texts:
        for word in re.findall(r"\w{2,}", text.lower()):
            if is_syllable(word):
                words.add(word)
    return frozenset(words)


class Fixer:
    """`repair`, then `restore` (a diacritic OCR dropped), with the document's own spellings, built
    on first need (most lines need neither)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self._texts = list(texts)  # read twice: for the vocabulary and for the spellings
        self._vocab: Optional[frozenset] = None
        self._spellings: Optional[restore.Spellings] = None

    def __call__(self, text: Optional[str]) -> Optional[str]:
        if not text:
            return text
        if needs_repair(text):
            if self._vocab is None:
                self._vocab = vocabulary(self._texts)
            text = repair(text, self._vocab)
        if restore.needs_restore(text):
            if self._spellings is None:
                self._spellings = restore.Spellings(self._texts)
            text = restore.restore(text, self._spellings)
        return text
