"""Word segmentation and POS for candidate directives: underthesea loaded once, used sparingly.

underthesea costs about 35 ms per 2.6 KB once loaded (0.5 s to load), so it runs only on outline
paragraphs whose word edges some rule actually asks about, each once (the clauses and sentences
later cut from a paragraph reuse its words), never on the whole document, and results are cached.
Edges are found on first use: the matchers look a phrase up in their dictionaries first and ask
whether it sits on word edges only when it is there, so a paragraph with no verb, unit or member
phrase at the places they look is never segmented. POS tags are
asked only when the verb lexicon finds no action after a subject. Its words decide where a unit name may start ("Ban" in "Ban hành" is not
the unit "Ban"); its syllables, with their character offsets, are what the unit matcher runs on.
"""
from __future__ import annotations

import re
import unicodedata
from collections import OrderedDict
from functools import lru_cache
from typing import Optional

from ..text import fold

_SYLLABLE = re.compile(r"\w+(?:[&'’]\w+)*|[^\w\s]", re.UNICODE)
_UNDERTHESEA = None
# Old-style tone placement on a syllable-final "oa/oe/uy" ("hoà") moved to the modern place ("hòa").
_OLD_TONE = re.compile(r"(?<![qQ])([oOuU])([àáảãạÀÁẢÃẠèéẻẽẹÈÉẺẼẸỳýỷỹỵỲÝỶỸỴ])(?!\w)")
_TONE_ONLY = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_RECENT: "OrderedDict[str, _Edges]" = OrderedDict()  # paragraphs seen, segmented or not yet
_RECENT_SIZE = 32


class _Edges:
    """Character offsets where underthesea words start and end in one text, segmented on first use.

    A text cut from a paragraph seen before (a clause, a label) takes the paragraph's edges inside
    its span, plus its own two ends, rather than running the tagger again.
    """

    __slots__ = ("text", "source", "at", "value")

    def __init__(self, text: str, source: Optional["_Edges"] = None, at: int = 0) -> None:
        self.text, self.source, self.at = text, source, at
        self.value: Optional[tuple[set[int], set[int]]] = None

    def get(self) -> tuple[set[int], set[int]]:
        if self.value is None:
            if self.source is None:
                self.value = _segment(self.text)
            else:
                starts, ends = self.source.get()
                at, end = self.at, self.at + len(self.text)
                self.value = ({e - at for e in starts if at <= e < end} | {0},
                              {e - at for e in ends if at < e <= end} | {len(self.text)})
        return self.value


class Syllable:
    """One syllable (or punctuation mark) of a text, with where it sits in its word.

    A plain slotted class: texts are cut into tens of thousands of these, and a frozen dataclass
    costs several times more to build. Treat it as immutable.
    """

    __slots__ = ("text", "start", "end", "key", "edges")

    def __init__(self, text: str, start: int, end: int, key: str, edges: _Edges) -> None:
        self.text = text
        self.start = start  # character offset in the segmented text
        self.end = end
        self.key = key  # text.fold() of the syllable; punctuation kept as is
        self.edges = edges  # the text's word edges, segmented on first use

    def __repr__(self) -> str:
        return f"Syllable({self.text!r}, {self.start}, {self.end}, {self.key!r})"

    @property
    def word_start(self) -> bool:
        """First syllable of an underthesea word (every syllable when the words did not align)."""
        if self.start == 0 and self.edges.source is not None:
            return True  # a text cut from a paragraph starts a word by construction: no need to segment
        starts = self.edges.get()[0]
        return self.start in starts or not starts

    @property
    def word_end(self) -> bool:
        """Last syllable of an underthesea word (every syllable when the words did not align)."""
        if self.end == len(self.edges.text) and self.edges.source is not None:
            return True  # likewise its end
        ends = self.edges.get()[1]
        return self.end in ends or not ends

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


@lru_cache(maxsize=16384)
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


_SIZES: dict[int, tuple[set, dict[str, tuple[int, ...]]]] = {}  # id(phrase set) -> (the set, its index)


def phrase_sizes(phrases: set[tuple[str, ...]]) -> Optional[dict[str, tuple[int, ...]]]:
    """First syllable key -> lengths of the phrases of `phrases` that start with it, longest first,
    so a matcher tries only the lengths that can match at a syllable. Built once per phrase set of
    the rules (kept with the set, so its id stays its own); None for small throw-away sets."""
    entry = _SIZES.get(id(phrases))
    if entry is not None and entry[0] is phrases:
        return entry[1]
    if len(phrases) < 8:
        return None
    index: dict[str, set[int]] = {}
    for phrase in phrases:
        if phrase:
            index.setdefault(phrase[0], set()).add(len(phrase))
    sizes = {k: tuple(sorted(v, reverse=True)) for k, v in index.items()}
    _SIZES[id(phrases)] = (phrases, sizes)
    return sizes


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
    edges = _word_edges(text)
    return tuple(Syllable(m.group(), m.start(), m.end(), key(m.group()), edges) for m in _SYLLABLE.finditer(text))


def _word_edges(text: str) -> _Edges:
    """The word edges of `text` (empty sets if unaligned), to be segmented when first asked.

    Clauses, labels and sentences are cut from paragraphs seen before; their edges are taken from
    the paragraph instead of running the tagger again.
    """
    for big, source in reversed(_RECENT.items()):
        at = big.find(text)
        if at >= 0 and len(text) > 0:
            return _Edges(text, source, at)
    edges = _Edges(text)
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
    """Make a whole paragraph the source of the edges of the clauses later cut from it (it is
    segmented, whole, only if one of them is asked about its words)."""
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
