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
from bisect import bisect_right
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
_PIECE_END = re.compile(r"(?<=[.;:!?,])\s+|\n")  # where a paragraph is cut for segmentation


class _Edges:
    """Where underthesea words start and end in one text, segmented piece by piece on first use.

    A paragraph is segmented one piece at a time (pieces end at . ; : ! ? , or a line break), and only
    the pieces some rule asks about: rules ask about a few places in a paragraph (a unit name's ends,
    the verb after a subject), so most pieces are never segmented. A comma or full stop is a word of
    its own, so a word never crosses a piece's edge. A text cut from a paragraph seen before (a clause,
    a label) asks the paragraph, plus its own two ends, rather than running the tagger again.
    """

    __slots__ = ("text", "source", "at", "pieces", "done", "starts", "ends", "loose")

    def __init__(self, text: str, source: Optional["_Edges"] = None, at: int = 0) -> None:
        self.text, self.source, self.at = text, source, at
        self.pieces: Optional[list[int]] = None  # start offsets of the pieces
        self.done: set[int] = set()  # pieces segmented (by index)
        self.starts: set[int] = set()
        self.ends: set[int] = set()
        self.loose: list[tuple[int, int]] = []  # pieces whose words did not align: every syllable counts

    def is_start(self, offset: int) -> bool:
        if self.source is not None:
            return offset == 0 or self.source.is_start(self.at + offset)
        if self._piece_start(offset):
            return True  # a piece's first word starts with it: no segmentation needed to know
        self._segment_around(offset)
        return offset in self.starts or self._loose(offset)

    def is_end(self, offset: int) -> bool:
        if self.source is not None:
            return offset == len(self.text) or self.source.is_end(self.at + offset)
        self._segment_around(offset - 1)
        return offset in self.ends or self._loose(offset - 1)

    def _loose(self, offset: int) -> bool:
        return any(a <= offset < b for a, b in self.loose)

    def _piece_start(self, offset: int) -> bool:
        """Whether a piece begins at `offset` (asked of syllables only, never of the spaces after a cut)."""
        i = bisect_right(self._pieces(), offset) - 1
        return i >= 0 and self.pieces[i] == offset

    def _pieces(self) -> list[int]:
        if self.pieces is None:
            self.pieces = [0] + [m.end() for m in _PIECE_END.finditer(self.text)]
        return self.pieces

    def _segment_around(self, offset: int) -> None:
        self._pieces()
        bounds = self._piece(offset)
        if bounds is None:
            return
        a, b = bounds
        piece = self.text[a:b]
        found = _segment(piece)
        if found is None:
            self.loose.append((a, b))
        else:
            self.starts.update(a + s for s in found[0])
            self.ends.update(a + e for e in found[1])

    def _piece(self, offset: int) -> Optional[tuple[int, int]]:
        """The span of the piece holding `offset`, the first time it is asked for; then None."""
        pieces = self.pieces
        i = bisect_right(pieces, offset) - 1
        if i < 0 or i in self.done:
            return None
        self.done.add(i)
        return pieces[i], pieces[i + 1] if i + 1 < len(pieces) else len(self.text)


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
        return self.edges.is_start(self.start)

    @property
    def word_end(self) -> bool:
        """Last syllable of an underthesea word (every syllable when the words did not align)."""
        return self.edges.is_end(self.end)

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


def _segment(text: str) -> Optional[tuple[set[int], set[int]]]:
    """Word start and end offsets of `text`; None when the words do not align with the text."""
    starts, ends, pos = set(), set(), 0
    for word in words(text):
        at = text.find(word, pos)
        if at < 0:
            return None
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
