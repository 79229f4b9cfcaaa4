"""The Vietnamese syllable inventory (rules/syllables.yaml): is a word a well-formed syllable?

Shared by ingest (is a PDF text layer Vietnamese?) and structure (split letters, casing), so it
lives below both: "quảng", "ĐỒNG" are syllables; "ng", "UBND", "hồc" (a stop final with a
falling tone) are not.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import rules
from .text import TONE_MARKS, strip_diacritics

_TONE_NAMES = {"\u0300": "grave", "\u0301": "acute", "\u0309": "hook", "\u0303": "tilde", "\u0323": "dot"}


@dataclass(frozen=True)
class Syllables:
    shape: re.Pattern
    stop_finals: frozenset
    stop_tones: frozenset
    bare_shape: re.Pattern  # the shape with every diacritic stripped ("duc", "truong")
    letters: frozenset  # every letter beyond ASCII the syllables use (vowels with each tone, đ), both cases


def build_syllables(data: dict, filename: str) -> Syllables:
    for key in ("onsets", "vowels", "finals", "stop_finals", "stop_tones"):
        values = rules.require(data, key, list, filename)
        if not values or not all(isinstance(v, str) and v for v in values):
            raise rules.fail(filename, key, "must be a non-empty list of strings")
        if len(set(values)) != len(values):
            raise rules.fail(filename, key, "has duplicates")
    def alt(key: str, bare: bool = False) -> str:
        values = {strip_diacritics(v) if bare else v for v in data[key]}
        return "|".join(sorted(map(re.escape, values), key=len, reverse=True))
    shape = rules.compile_regex(f"^(?:{alt('onsets')})?(?P<v>{alt('vowels')})(?P<f>{alt('finals')})?$",
                                filename, "onsets/vowels/finals", 0)
    bare = rules.compile_regex(f"^(?:{alt('onsets', True)})?(?:{alt('vowels', True)})(?:{alt('finals', True)})?$",
                               filename, "onsets/vowels/finals", 0)
    vowels = {c for v in data["vowels"] for c in v}
    used = {c for key in ("onsets", "vowels", "finals") for v in data[key] for c in v}
    letters = {c for c in used if not c.isascii()} | {unicodedata.normalize("NFC", v + t) for v in vowels
                                                        for t in TONE_MARKS}
    return Syllables(shape, frozenset(data["stop_finals"]), frozenset(data["stop_tones"]), bare,
                     frozenset(letters | {c.upper() for c in letters}))


def letters() -> frozenset:
    """Every letter Vietnamese writes beyond ASCII, from rules/syllables.yaml: what OCR may output."""
    return _rules().letters


def _rules() -> Syllables:
    return rules.load("syllables", build_syllables)


@lru_cache(maxsize=20000)
def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable ("quảng", "ĐỒNG"); False for "ng", "UBND", "hồc"."""
    tones, base = [], []
    for ch in unicodedata.normalize("NFD", word.lower()):
        (tones if ch in _TONE_NAMES else base).append(ch)
    if len(tones) > 1 or not base:
        return False
    m = _rules().shape.match(unicodedata.normalize("NFC", "".join(base)))
    if not m:
        return False
    if m.group("f") in _rules().stop_finals:
        return bool(tones) and _TONE_NAMES[tones[0]] in _rules().stop_tones
    return True


@lru_cache(maxsize=20000)
def could_be_syllable(word: str) -> bool:
    """True when some diacritics would make the word a syllable: "DUC" (dục), "TRUONG" (trường);
    False for "UBND", "THCS". A cheap test before looking for the word's reading."""
    return bool(_rules().bare_shape.match(strip_diacritics(word).lower()))
