"""Word segmentation and POS for candidate directives: underthesea loaded once, used sparingly.

underthesea costs about 35 ms per 2.6 KB once loaded (0.5 s to load), so it runs only on outline
paragraphs that may hold a directive, each once (the clauses and sentences later cut from a
paragraph reuse its words), never on the whole document, and results are cached. POS tags are
asked only when the verb lexicon finds no action after a subject. Its words decide where a unit name may start ("Ban" in "Ban hành" is not
the unit "Ban"); its syllables, with their character offsets, are what the unit matcher runs on.
"""
from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Optional

from ..text import fold

_SYLLABLE = re.compile(r"\w+(?:[&'’]\w+)*|[^\w\s]", re.UNICODE)
_UNDERTHESEA = None
# Old-style tone placement on a syllable-final "oa/oe/uy" ("hoà") moved to the modern place ("hòa").
_OLD_TONE = re.compile(r"(?<![qQ])([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?!\w)")
_TONE_ONLY = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_RECENT: "OrderedDict[str, tuple[set[int], set[int]]]" = OrderedDict()  # segmented paragraphs
_RECENT_SIZE = 32


@dataclass(frozen=True)
class Syllable:
    """One syllable (or punctuation mark) of a text, with where it sits in its word."""

    text: str
    start: int  # character offset in the segmented text
    end: int
    key: str  # text.fold() of the syllable; punctuation kept as is
    word_start: bool  # first syllable of an underthesea word
    word_end: bool  # last syllable of an underthesea word

    @property
    def capitalized(self) -> bool:
        return self.text[:1].isupper()

    @property
    def is_word(self) -> bool:
        return self.text[:1].isalnum()


def _underthesea():
    """The underthesea module, imported on first use (its import alone takes about 0.45 s)."""
    global _UNDERTHESEA
    if _UNDERTHESEA is None:
        import underthesea

        _UNDERTHESEA = underthesea
    return _UNDERTHESEA


def canon(text: str) -> str:
    """Lower-case NFC text with tone marks on the modern vowel, for the regexes of rules/.

    >>> canon("Hoà bình") == canon("hòa bình")
    True
    """
    text = unicodedata.normalize("NFC", text).lower()
    return _OLD_TONE.sub(_move_tone, text)


def _move_tone(m: re.Match) -> str:
    first, second = m.group(1), m.group(2)
    marks = [c for c in unicodedata.normalize("NFD", second) if c in _TONE_ONLY]
    base = "".join(c for c in unicodedata.normalize("NFD", second) if c not in _TONE_ONLY)
    return unicodedata.normalize("NFC", first + "".join(marks)) + unicodedata.normalize("NFC", base)


@lru_cache(maxsize=65536)
def key(token: str) -> str:
    """Comparison key of one syllable or punctuation mark."""
    return fold(token) or token


def keys(phrase: str) -> tuple[str, ...]:
    """The folded syllable keys of a phrase, as rules and the unit matcher compare them."""
    return tuple(key(m.group()) for m in _SYLLABLE.finditer(phrase))


_NOT_ACTIONS = {tuple(key(s) for s in w.split()) for w in
                ("là", "có", "được", "bị", "đang", "đã", "sẽ", "đồng ý", "thống nhất", "cho", "xin")}


@lru_cache(maxsize=8192)
def words(text: str) -> tuple[str, ...]:
    """underthesea words of `text`, its original spelling kept (no token normalization)."""
    if not text.strip():
        return ()
    return tuple(_underthesea().word_tokenize(text, use_token_normalize=False))


@lru_cache(maxsize=8192)
def syllables(text: str) -> tuple[Syllable, ...]:
    """Syllables of `text` with offsets, marked with the underthesea word each belongs to."""
    spans = [(m.group(), m.start(), m.end()) for m in _SYLLABLE.finditer(text)]
    starts, ends = _word_edges(text)
    return tuple(Syllable(t, s, e, key(t), s in starts or not starts, e in ends or not ends)
                 for t, s, e in spans)


def _word_edges(text: str) -> tuple[set[int], set[int]]:
    """Character offsets where underthesea words start and end (empty sets if unaligned).

    Clauses, labels and sentences are cut from paragraphs already segmented; their edges are
    taken from the paragraph instead of running the tagger again.
    """
    for big, (b_starts, b_ends) in reversed(_RECENT.items()):
        at = big.find(text)
        if at >= 0 and len(text) > 0:
            end = at + len(text)
            return ({e - at for e in b_starts if at <= e < end} | {0},
                    {e - at for e in b_ends if at < e <= end} | {len(text)})
    edges = _segment(text)
    _RECENT[text] = edges
    while len(_RECENT) > _RECENT_SIZE:
        _RECENT.pop(next(iter(_RECENT)))
    return edges


def _segment(text: str) -> tuple[set[int], set[int]]:
    starts, ends, pos = set(), set(), 0
    for word in words(text):
        at = text.find(word, pos)
        if at < 0:
            return set(), set()
        starts.add(at)
        ends.add(at + len(word))
        pos = at + len(word)
    return starts, ends


def prime(text: str) -> None:
    """Segment a whole paragraph first, so the clauses later cut from it reuse its words."""
    if text.strip():
        _word_edges(text)


@lru_cache(maxsize=4096)
def pos_tags(text: str) -> tuple[tuple[str, str], ...]:
    """underthesea (word, tag) pairs; used only when the verb lexicon finds no action."""
    if not text.strip():
        return ()
    return tuple(_underthesea().pos_tag(text))


def verb_at(text: str, offset: int) -> Optional[str]:
    """The word at `offset` when underthesea tags it V (a fallback when the lexicon knows no verb
    there: typos, rare verbs). Copulas and auxiliaries never count."""
    pos = 0
    for word, tag in pos_tags(text):
        at = text.find(word, pos)
        if at < 0 or at > offset:
            return None
        if at == offset:
            plain = word.islower() and all(c.isalpha() or c == " " for c in word)
            return word if tag == "V" and plain and keys(word) not in _NOT_ACTIONS else None
        pos = at + len(word)
    return None
