"""Decomposed Unicode and stray combining marks, put right before the text is cleaned.

Text typed on some keyboards, or extracted from some PDFs, carries its tone marks as separate
combining characters; NFC composes most of them, but not a tone typed before the hat ("a" +
acute + circumflex), a tone typed twice, or a mark left with no letter under it.
"""
from __future__ import annotations

import re
import unicodedata

_TONES = "\u0300\u0301\u0303\u0309\u0323"
_SHAPES = "\u0302\u0306\u031b"  # circumflex, breve, horn
_MARK_RUN = re.compile(r"([^\W\d_]?)([\u0300-\u036f]+)")
_MARK = re.compile(r"[\u0300-\u036f]")  # the only marks _MARK_RUN rebuilds: texts without any are left as NFC


def fix_marks(text: str) -> str:
    """NFC, with marks a composition cannot place put right.

    Tone before hat ("a" + acute + circumflex) is reordered to "ấ", a repeated tone kept once, and
    a Vietnamese mark that follows no letter (after a space, at the start) dropped.
    """
    text = unicodedata.normalize("NFC", text)
    if not _MARK.search(text):
        return text
    return unicodedata.normalize("NFC", _MARK_RUN.sub(_rebuild, unicodedata.normalize("NFD", text)))


def _rebuild(match: re.Match) -> str:
    letter, marks = match.group(1), match.group(2)
    others = "".join(m for m in marks if m not in _TONES and m not in _SHAPES)
    if not letter:
        return others
    shapes = "".join(dict.fromkeys(m for m in marks if m in _SHAPES))
    tones = [m for m in marks if m in _TONES]
    return letter + shapes + "".join(tones[:1]) + others
