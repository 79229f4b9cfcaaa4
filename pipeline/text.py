"""Text normalization: NFC and cleaning for display, and folded keys for comparison.

Two forms, made once and early: the display text (NFC, invisible characters and markdown emphasis
removed, spaces tidied, line structure kept) and a comparison key. The key moves each syllable's tone
mark to the end of the syllable as a digit ("hòa" and "hoà" both become "hoa2"), so the two tone
placements that both occur in real documents (even in Decree 30 itself) compare equal, without
choosing one spelling as the "right" one for display.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

# Combining tone marks: grave, acute, hook above, tilde, dot below.
_TONES = {"\u0300": "2", "\u0301": "1", "\u0309": "3", "\u0303": "4", "\u0323": "5"}
TONE_MARKS = tuple(_TONES)  # the five tone marks, as combining characters
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u180e"), None)
_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]")
_MULTISPACE = re.compile(r" {2,}")
_EMPHASIS = re.compile(r"\*\*|__")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"\w+", re.UNICODE)


def clean(text: str) -> str:
    """Display text: NFC, no invisible/control characters or ** markers, one space between words.

    >>> clean("Số:\\u00a024 **/SGDĐT-VP**")
    'Số: 24 /SGDĐT-VP'
    """
    text = unicodedata.normalize("NFC", text)
    text = text.translate(_INVISIBLE)
    text = _CONTROL.sub("", text)
    text = _EMPHASIS.sub("", text)
    text = _SPACES.sub(" ", text)
    lines = (_MULTISPACE.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return "\n".join(lines).strip("\n")


@lru_cache(maxsize=65536)  # a language has a few thousand syllables: most words are folded many times
def _fold_word(word: str) -> str:
    tone = ""
    out = []
    for ch in unicodedata.normalize("NFD", word):
        if ch in _TONES:
            tone = _TONES[ch]
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)) + tone


def fold(text: str) -> str:
    """Comparison key: lower case, tone moved to a digit after each syllable, spaces collapsed.

    >>> fold("CỘNG HOÀ") == fold("Cộng hòa")
    True
    """
    text = clean(text).lower().replace("đ", "đ")
    return " ".join(_fold_word(w) for w in _WORD.findall(text))


def strip_diacritics(text: str) -> str:
    """ASCII-ish key: no diacritics at all, đ -> d (for loose lookups such as type codes)."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces (for similarity measures)."""
    return " ".join(text.split())


def bare_letters(text: str) -> tuple[str, list[int]]:
    """The letters alone, lower case, without diacritics, and each one's offset in `text`: a key that
    survives tone placement, a lost diacritic and letters split apart ("VI ỆT" -> "viet").

    >>> bare_letters("Cộng HOÀ")
    ('conghoa', [0, 1, 2, 3, 5, 6, 7])
    """
    keys, offsets = [], []
    for i, ch in enumerate(text):
        if ch.isalpha():
            keys.append(_letter_key(ch))
            offsets.append(i)
    return "".join(keys), offsets


@cache
def _letter_key(ch: str) -> str:
    return strip_diacritics(ch).lower()[:1]  # one key per letter ("İ" lowers to two)
