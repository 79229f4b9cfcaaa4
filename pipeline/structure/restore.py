"""Restore a diacritic that OCR dropped, from the document's own spelling of the same word pair.

A scan's signature block reads "GIÁO DUC" for "GIÁO DỤC": "DUC" is no Vietnamese syllable (a stop
final needs a rising or dot tone), so casing keeps it as printed ("Giáo DUC"). Where the document
spells the word elsewhere, beside the same neighbour, with one reading ("Phòng Giáo dục và Đào tạo"),
that reading is taken. A word that is no syllable and has no such pair ("UBND", "COVID") stays as
it is; so does one with two readings in the document ("đức" and "dục" after the same word).
"""
from __future__ import annotations

import re
from typing import Iterable, Optional

from ..syllables import could_be_syllable, is_syllable
from ..text import fold, strip_diacritics

_WORD = re.compile(r"\w+")
_BEFORE = re.compile(r"(\w+)\W*$")
_AFTER = re.compile(r"\W*(\w+)")
REACH = 40  # characters looked through for a neighbouring word


def needs_restore(text: str) -> bool:
    """Whether some word is no syllable as printed but could be one (the only words `restore` changes)."""
    return any(_candidate(m.group(0)) for m in _WORD.finditer(text))


def _candidate(word: str) -> bool:
    return len(word) > 1 and word.isalpha() and not is_syllable(word) and could_be_syllable(word)


class Spellings:
    """The document's text, searchable by bare letters (no case, no diacritics)."""

    def __init__(self, texts: Iterable[str]) -> None:
        self.text = "\n".join(texts)
        bare = strip_diacritics(self.text).lower()
        self.bare = bare if len(bare) == len(self.text) else ""  # NFC text keeps one letter per letter

    def readings(self, word: str, before: Optional[str], after: Optional[str]) -> set[str]:
        """Syllables the document spells as `word` without diacritics, beside the same neighbour."""
        found = set()
        pattern = rf"(?<!\w){re.escape(strip_diacritics(word).lower())}(?!\w)"
        for m in re.finditer(pattern, self.bare):
            spelled = self.text[m.start():m.end()]
            if is_syllable(spelled) and self._beside(m.start(), m.end(), before, after):
                found.add(spelled.lower())
        return found

    def _beside(self, start: int, end: int, before: Optional[str], after: Optional[str]) -> bool:
        prev = _BEFORE.search(self.text[max(0, start - REACH):start])
        nxt = _AFTER.match(self.text[end:end + REACH])
        return bool(before and prev and fold(prev.group(1)) == fold(before)
                    or after and nxt and fold(nxt.group(1)) == fold(after))


def restore(text: str, spellings: Spellings) -> str:
    """The text with each no-syllable word spelled as the document spells it beside the same neighbour."""
    matches = list(_WORD.finditer(text))
    out, last = [], 0
    for k, m in enumerate(matches):
        word = m.group(0)
        before = matches[k - 1].group(0) if k else None
        after = matches[k + 1].group(0) if k + 1 < len(matches) else None
        reading = _reading(word, before, after, spellings)
        out += [text[last:m.start()], _cased(reading, word) if reading else word]
        last = m.end()
    return "".join(out) + text[last:]


def _reading(word: str, before: Optional[str], after: Optional[str], spellings: Spellings) -> Optional[str]:
    if not _candidate(word):
        return None
    before = before if before and is_syllable(before) else None
    after = after if after and is_syllable(after) else None
    found = spellings.readings(word, before, after) if before or after else set()
    return next(iter(found)) if len(found) == 1 else None


def _cased(reading: str, like: str) -> str:
    """`reading` in the case of the printed word: "dục" like "DUC" -> "DỤC"."""
    if like.isupper():
        return reading.upper()
    return reading[:1].upper() + reading[1:] if like[:1].isupper() else reading
