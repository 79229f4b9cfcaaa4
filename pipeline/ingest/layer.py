"""Text-layer quality of a PDF page: is what the layer says Vietnamese, or should the page be OCRed?

A scan often carries an invisible text layer (render mode 3) from the scanner's own OCR, and it
is often bad: "C0NG H0A XA H0l CHU NGHlA", diacritics lost, letters swapped. Such a layer has
words, so a test for "any text at all" keeps it. Two shares judge it instead: of its letter
tokens, how many are well-formed Vietnamese syllables (the inventory in rules/syllables.yaml),
and how many carry a Vietnamese diacritic. Real dispatch text scores about 85% and 55%;
abbreviations (UBND, GD&ĐT) and numbers are why the first is not higher. A layer in a legacy
8-bit encoding (TCVN3, VNI) is judged after decoding, since ingest decodes it anyway.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ..syllables import is_syllable  # the syllable inventory (rules/syllables.yaml)
from . import encodings

MIN_TOKENS = 12  # fewer letter tokens than this say too little to judge a page
MIN_VALID = 0.5  # share of tokens that are syllables (a Nơi nhận page of abbreviations: 65%)
MIN_DIACRITICS = 0.2  # share of tokens with a Vietnamese diacritic
_EDGE = re.compile(r"^[\W_]+|[\W_]+$")
_MARKED = re.compile("[đĐ\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323]")  # in NFD form


@dataclass(frozen=True)
class Quality:
    """How Vietnamese one page's text layer reads."""

    tokens: int
    valid: float  # share of letter tokens that are well-formed syllables
    diacritics: float  # share of letter tokens with a Vietnamese diacritic

    @property
    def poor(self) -> bool:
        return self.tokens >= MIN_TOKENS and (self.valid < MIN_VALID or self.diacritics < MIN_DIACRITICS)

    def describe(self) -> str:
        return (f"{self.valid:.0%} of {self.tokens} words are Vietnamese syllables, "
                f"{self.diacritics:.0%} carry diacritics")


def quality(words: list[dict]) -> Quality:
    """The quality of a page's text layer, from its words (pdfplumber dicts with "text")."""
    text = " ".join(w["text"] for w in words)
    text = encodings.repair(text)[0]
    tokens = [t for t in (_EDGE.sub("", w) for w in text.split()) if t and _lettered(t)]
    if not tokens:
        return Quality(0, 0.0, 0.0)
    valid = sum(is_syllable(t) for t in tokens) / len(tokens)
    marked = sum(bool(_MARKED.search(unicodedata.normalize("NFD", t))) for t in tokens) / len(tokens)
    return Quality(len(tokens), valid, marked)


def _lettered(token: str) -> bool:
    """A word made of letters, or letters with digits mixed in ("H0A", "l0p"): an OCR slip, not a
    number ("2024", "15/3")."""
    return any(ch.isalpha() for ch in token) and not token[0].isdigit()
