"""Repairs of what Tesseract's Vietnamese model reliably gets wrong in dispatch text.

Kept apart from ocr.py because it is about language, not pixels: the eth "Ð" the model writes for
"Đ", and word pairs it misreads by one tone mark ("để nghị" for "đề nghị"), listed as data in
rules/encodings/ocr_confusions.yaml with the symbol parts ("QĐ-TTE" for "QĐ-TTg") it misreads.
Only OCR text goes through here; a text layer is never touched.
"""
from __future__ import annotations

import re
import unicodedata

from .. import rules
from ..syllables import letters

_SYMBOL_SPLIT = re.compile(r"[^-/]+")
_DOUBLED_D = re.compile("ĐÐ|ÐĐ|đð|ðđ")
_ETH = str.maketrans("Ðð", "Đđ")


def fix_pairs(words: list[dict]) -> list[dict]:
    """Word pairs of one line that the model misreads by a tone mark, set right (rules/encodings/ocr_confusions.yaml)."""
    pairs, unless, symbols, _ = confusions()
    for w in words:
        if "-" in w["text"] or "/" in w["text"]:
            w["text"] = _SYMBOL_SPLIT.sub(lambda m: symbols.get(m.group(0), m.group(0)), w["text"])
    for i in range(len(words) - 1):
        pair = f"{words[i]['text'].lower()} {words[i + 1]['text'].lower()}"
        after = words[i + 2]["text"].lower() if i + 2 < len(words) else ""
        if pair in pairs and after not in unless.get(pair, ()):
            first, second = pairs[pair].split(" ", 1)
            words[i]["text"] = first[0].upper() + first[1:] if words[i]["text"][0].isupper() else first
            words[i + 1]["text"] = second
    return words


def confusions() -> tuple[dict[str, str], dict[str, set[str]], dict[str, str], dict[int, str]]:
    """(word pairs, words after a pair that cancel its fix, document-symbol parts, character fixes), loaded once."""
    return rules.load("encodings/ocr_confusions", _build_confusions)


def _build_confusions(data: dict, filename: str) -> tuple:
    pairs = rules.require(data, "pairs", dict, filename)
    for key, value in pairs.items():
        if not (isinstance(key, str) and isinstance(value, str) and len(key.split()) == 2 == len(value.split())):
            raise rules.fail(filename, f"pairs.{key}", "must map two words to two words")
    unless = data.get("unless_next") or {}
    for key, words in unless.items():
        if key not in pairs or not isinstance(words, list):
            raise rules.fail(filename, f"unless_next.{key}", "must name a pair above and list words")
    symbols = data.get("symbol_parts") or {}
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in symbols.items()):
        raise rules.fail(filename, "symbol_parts", "must map strings to strings")
    characters = data.get("characters") or {}
    if not all(isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in characters.items()):
        raise rules.fail(filename, "characters", "must map single characters to strings")
    return ({k.lower(): v for k, v in pairs.items()}, {k.lower(): {w.lower() for w in v} for k, v in unless.items()},
            dict(symbols), str.maketrans(characters))


def fix_word(text: str) -> str:
    """NFC, the Icelandic eth Tesseract's Vietnamese model gives for "Đ" made "Đ" again, characters
    Vietnamese never has mapped to the ones meant (rules), and marks Vietnamese never puts on a
    letter dropped ("Ñguyễn" -> "Nguyễn": no Vietnamese letter has a tilde on n).

    Vietnamese has no "Ð" (U+00D0); the model writes it for "Đ", and now and then reads one "Đ"
    as two ("LĐÐTBXH"), so an eth beside a "Đ" is folded into it (beside a plain D it is a "Đ": "GDÐT").
    """
    text = unicodedata.normalize("NFC", text.strip())
    text = _DOUBLED_D.sub(lambda m: "Đ" if m.group(0)[0].isupper() else "đ", text)
    text = text.translate(_ETH).translate(confusions()[3])
    vietnamese = letters()
    return "".join(c if c.isascii() or c in vietnamese or not c.isalpha() else _bare(c) for c in text)


def _bare(letter: str) -> str:
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", letter)
                                               if not unicodedata.combining(c))) or letter
