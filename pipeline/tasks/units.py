"""Units and role holders named in a text, found with the gazetteer of rules/units.yaml.

The gazetteer is compiled once into a phrase table over folded syllable keys (case and tone
placement folded with `text.fold`), so "UỶ BAN NHÂN DÂN" and "Ủy ban nhân dân" match alike. A
match is then extended to the unit's natural end, as written: "Phòng GD&ĐT" becomes "Phòng GD&ĐT
các huyện, thị xã, thành phố", and "các cơ quan, đơn vị có liên quan" stays one item.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Optional

from . import nlp
from .gazetteer import Entry, Gazetteer, gazetteer, matches_at

_MAX_SPAN = 40  # syllables: a unit phrase never runs longer
_MAX_LOWER_NAME = 8  # lower-case syllables a head may take as its name ("Hội nạn nhân ...")
_JOINERS = {"-", "–", "&", "/"}
_SEPARATORS = {",", ";"}
_DANGLING = {nlp.key(w) for w in ("các", "những", "và")}  # never the last word of a unit phrase
_AND = nlp.key("và")
_QUY = (nlp.key("quý"),)
_CUA = nlp.key("của")
_TIME_WORDS = {nlp.key(w) for w in ("hàng", "hằng", "mỗi", "từng", "các", "cuối", "đầu", "trong", "theo")}
_LIST = {nlp.key(w) for w in (",", ";", ":", "và", "cùng", "hoặc", "...", "…")}



@dataclass(frozen=True)
class Mention:
    """A unit or role holder as written in the analysed text, with its syllable span."""

    text: str
    start: int  # character offsets in the analysed text
    end: int
    first: int  # syllable indices, end exclusive
    last: int
    kind: str
    unit_id: Optional[str]
    generic: bool = False  # only a determiner and generic heads ("các đơn vị", "quý Bộ")
    weak: bool = False  # a lower-case generic word with nothing to make it a unit
    unit_first: int = -1  # syllable where the unit starts after a role holder ("Giám đốc | Sở ...")


def find(text: str, keep_weak: bool = False) -> list[Mention]:
    """Units and role holders in `text` (see `_find`); a fresh list each call."""
    return list(_find(text, keep_weak))


@lru_cache(maxsize=8192)
def _find(text: str, keep_weak: bool) -> tuple[Mention, ...]:
    """Units and role holders in `text`, in order, each extended to its natural end.

    >>> [m.text for m in find("Giao Sở Tài chính chủ trì, phối hợp với các cơ quan có liên quan")]
    ['Sở Tài chính', 'các cơ quan có liên quan']
    """
    syl = nlp.syllables(text)
    if not syl:
        return ()
    g = gazetteer()
    caps = not text.isupper()
    starts = _matches(syl, g, caps)
    mentions: list[Mention] = []
    for first in sorted(starts):
        if mentions and first < mentions[-1].last:
            continue
        last, entry = starts[first]
        mentions.append(_mention(text, syl, first, last, entry, starts, g, caps))
    return tuple(m for m in _merge_roles(text, mentions) if keep_weak or not m.weak)


def _matches(syl, g: Gazetteer, caps: bool) -> dict[int, tuple[int, Entry]]:
    """Longest gazetteer match at each syllable where a unit name may start (word-aligned)."""
    best: dict[int, tuple[int, Entry]] = {}
    keys = [s.key for s in syl]
    for first in range(len(syl)):
        if keys[first] not in g.sizes or _in_code(syl, first):
            continue
        for last, entry in matches_at(g, keys, first):  # longest first: the first aligned one wins
            if _aligned(syl, first, last, caps, g):
                best[first] = (last, entry)
                break
    return best


def _in_code(syl, first: int) -> bool:
    """Part of a document number ("QĐ-TTg", "TT-BXD"), not a unit."""
    prev = syl[first - 1] if first else None
    return prev is not None and prev.text in _JOINERS and prev.end == syl[first].start


def _aligned(syl, first: int, last: int, caps: bool, g: Gazetteer) -> bool:
    """A name starts and ends on word edges ("Ban" in "Ban hành" is no unit) unless capitals or
    a known qualifier join ("cơ quan chức năng" is one underthesea word)."""
    if not (caps and syl[first].capitalized) and not syl[first].word_start:
        return False
    if last >= len(syl) or last - first > 1 or syl[last - 1].word_end:
        return True  # only one-syllable heads are ordinary words' prefixes ("Ban hành", "Hội nghị")
    nxt = syl[last]
    return caps and nxt.capitalized and nxt.is_word or bool(_continuation(syl, last, g))


def _mention(text, syl, first, last, entry, starts, g, caps) -> Mention:
    begin = _left(syl, first, g)
    end = _right(syl, first, last, entry, starts, g, caps, grouped=begin < first)
    generic = begin < first and entry.kind == "head" and _only_members(syl, last, end, g)
    written_low = not any(s.capitalized for s in syl[first:last]) or not caps
    specific = entry.bare and last - first > 1  # "tổ chức công đoàn"
    weak = (entry.kind != "unit" and written_low and not specific and begin == first and end == last) \
        or (entry.det_only and begin == first)
    span = text[syl[begin].start:syl[end - 1].end]
    unit_first = last if entry.kind == "role" and end > last else -1
    return Mention(span, syl[begin].start, syl[end - 1].end, begin, end, entry.kind,
                   entry.id if entry.kind == "unit" else None, generic, weak, unit_first)


def _only_members(syl, i: int, end: int, g: Gazetteer) -> bool:
    """Whether syllables i..end add only separators and group members ("các đơn vị | , địa phương"),
    so the phrase names no particular unit and stands for the addressees."""
    while i < end:
        size = 1 if syl[i].text in _SEPARATORS or syl[i].key == _AND else _member(syl, i, g)
        if not size:
            return False
        i += size
    return True


def _left(syl, first: int, g: Gazetteer) -> int:
    """Take a determiner just before the name ("các", "toàn thể", "quý Bộ"; not "hàng quý")."""
    for size in (2, 1):
        k = tuple(s.key for s in syl[first - size:first]) if first - size >= 0 else ()
        if k in g.determiners and not (k == _QUY and (not syl[first].capitalized or first - size > 0
                                                       and syl[first - size - 1].key in _TIME_WORDS)):
            return first - size
    return first


def _continuation(syl, i: int, g: Gazetteer) -> int:
    """Length of the longest continuation phrase starting at syllable i (0 if none)."""
    if i >= len(syl):
        return 0
    for size in nlp.phrase_sizes(g.continuations).get(syl[i].key, ()):
        if size <= 6 and i + size <= len(syl) and tuple(s.key for s in syl[i:i + size]) in g.continuations:
            return size
    return 0


def _verb_at(syl, i: int, g: Gazetteer) -> bool:
    return _phrase_in(syl, i, g.verbs) and syl[i].word_start  # the dictionary first: edges cost a segmentation


def _phrase_in(syl, i: int, phrases: set[tuple[str, ...]]) -> bool:
    """Whether some phrase of `phrases` (up to five syllables) starts at syllable i."""
    index = nlp.phrase_sizes(phrases) if i < len(syl) else None
    sizes = range(1, min(6, len(syl) - i + 1)) if index is None else \
        [n for n in index.get(syl[i].key, ()) if n <= min(5, len(syl) - i)]
    return any(tuple(s.key for s in syl[i:i + size]) in phrases for size in sizes)


def _word_len(syl, j: int) -> int:
    """Syllables from j to the end of its underthesea word ("Đài Phát thanh" stays whole)."""
    k = j
    while k + 1 < len(syl) and syl[k + 1].is_word and not syl[k].word_end:
        k += 1
    return k - j + 1


def _right(syl, first, i, entry, starts, g, caps, grouped) -> int:
    """Extend a name over capitals, continuations and list members to its natural end."""
    end, limit, lower = i, min(len(syl), i + _MAX_SPAN), 0
    named_head = entry.kind == "head" and caps and syl[first].capitalized
    while end < limit:
        step, capital = _step(syl, end, entry, starts, g, caps, grouped)
        if not step and named_head and lower < _MAX_LOWER_NAME and _lower_name(syl, end, starts, g):
            step, lower = 1, lower + 1
        if not step and (grouped or entry.kind == "role" or caps and syl[first].capitalized) \
                and entry.kind != "unit":
            step = _tail(syl, end, starts, g)
        if not step:
            break
        named_head = named_head and not capital
        end += step
    while end > i and (syl[end - 1].key in _DANGLING or syl[end - 1].text in _SEPARATORS | _JOINERS):
        end -= 1
    return end


def _step(syl, j, entry, starts, g, caps, grouped) -> tuple[int, bool]:
    """How many syllables at j continue the name, and whether they were capitalized."""
    s = syl[j]
    if s.text == "," or s.key == _AND:
        return _member_after(syl, j, starts, g, caps, grouped), False
    if s.text in _JOINERS and j + 1 < len(syl) and syl[j + 1].is_word \
            and (syl[j + 1].capitalized or syl[j + 1].text[0].isdigit() or s.text == "/"):
        return 1 + _word_len(syl, j + 1), True
    if s.is_word and (caps and s.capitalized or s.text[0].isdigit()):
        return max(_word_len(syl, j), _continuation(syl, j, g)), True
    if s.key == _CUA and entry.kind != "unit" and j + 1 in starts and syl[j + 1].capitalized and caps:
        return 1 + starts[j + 1][0] - j - 1, True  # "Bộ phận Tiểu học của Phòng"
    if s.key in _DANGLING:
        if j + 1 >= len(syl) or (entry.kind == "role" and j + 1 in starts):
            return 0, False  # "Thủ trưởng | các Sở": the unit after a role is merged later
        nxt = _continuation(syl, j + 1, g) or (starts[j + 1][0] - j - 1 if j + 1 in starts
                                               and not starts[j + 1][1].bare else 0)
        return (1 + nxt if nxt else 0), False
    step = max(_continuation(syl, j, g), _member(syl, j, g) if grouped else 0)  # "các Sở ngành khác"
    return step or _bridge(syl, j, g, caps), False


def _bridge(syl, j: int, g: Gazetteer, caps: bool) -> int:
    """A short lower-case run between capitals ("Ban Công tác | đặc biệt | Chính phủ Lào")."""
    k = j
    while k < len(syl) and k - j < 3 and not syl[k].capitalized and _lower_name(syl, k, {}, g):
        k += 1
    if k > j and k < len(syl) and caps and syl[k].capitalized and syl[k].is_word:
        return k - j
    return 0


def _tail(syl, j: int, starts, g: Gazetteer) -> int:
    """A short lower-case tail before the verb: "Phòng Khảo thí và Kiểm định | chất lượng giáo
    dục | chủ trì", "Giáo viên chủ nhiệm | lớp 9 | thông báo"."""
    k, heads = j, {i: v for i, v in starts.items() if v[1].kind != "role"}
    while k < len(syl) and k - j < 4 and not syl[k].capitalized \
            and (_lower_name(syl, k, heads, g) or syl[k].text[:1].isdigit()):
        k += 1
    if k == j or k >= len(syl):
        return 0
    ahead = _verb_at(syl, k, g) or _continuation(syl, k, g) or _phrase_in(syl, k, g.enders)
    return k - j if ahead else 0


def _lower_name(syl, j: int, starts, g: Gazetteer) -> bool:
    """Whether a lower-case syllable may belong to a head's name ("Hội nạn nhân chất độc ...")."""
    s = syl[j]
    return (s.is_word or s.text == "/") and s.key not in g.stops and j not in starts \
        and not _verb_at(syl, j, g) and not _phrase_in(syl, j, g.enders)


def _member_after(syl, sep: int, starts, g, caps, grouped) -> int:
    """Syllables a list separator and the member after it add to the phrase (0 to stop)."""
    j = sep + 1
    if j >= len(syl) or not syl[j].is_word or syl[j].key in _DANGLING:
        return 0
    cont = _continuation(syl, j, g) or _member(syl, j, g)
    if cont and not (caps and syl[j].capitalized and j in starts):
        return 1 + cont
    if j in starts:
        last, entry = starts[j]
        alone = last >= len(syl) or not syl[last].is_word or _verb_at(syl, last, g)
        return 1 + (last - j) if grouped and entry.kind == "head" and alone else 0
    return 1 + _word_len(syl, j) if caps and syl[j].capitalized else 0


def _member(syl, j: int, g: Gazetteer) -> int:
    """A group member after a separator, unless it is the verb of the clause ("..., tổ chức phổ biến")."""
    for size in (3, 2, 1):
        k = tuple(s.key for s in syl[j:j + size])
        if len(k) == size and k in g.members and syl[j + size - 1].word_end:
            verb_like = k in g.verbs and j + size < len(syl) and syl[j + size].is_word \
                and not _continuation(syl, j + size, g)
            return 0 if verb_like else size
    return 0


def group_end(syl, mentions: list[Mention], i: int) -> int:
    """Index of the last mention chained to mention i by list separators ("A, B và C")."""
    while i + 1 < len(mentions):
        gap = syl[mentions[i].last:mentions[i + 1].first]
        if not gap or not all(s.key in _LIST for s in gap):
            break
        i += 1
    return i


def _merge_roles(text: str, mentions: list[Mention]) -> list[Mention]:
    """A role holder followed by a unit is one item: "Giám đốc" + "Sở Tài chính"."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev and prev.kind == "role" and prev.last == m.first and not m.weak:
            out[-1] = replace(prev, text=text[prev.start:m.end], end=m.end, last=m.last,
                              unit_id=m.unit_id, generic=False, weak=False, unit_first=m.first)
        else:
            out.append(m)
    return out
