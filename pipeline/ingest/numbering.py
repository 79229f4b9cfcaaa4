"""Word automatic numbering rebuilt from numbering.xml, so "1.", "a)", "-" survive into the text.

Each w:num instance keeps its own counters (as LibreOffice counts them); a level's counter resets
when a shallower level advances; lvlOverride/startOverride restart a list.
"""
from __future__ import annotations

from .docxparts import qn

_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
          (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
_BULLETS = {"-": "-", "–": "-", "−": "-", "+": "+", "": "-", "•": "•", "·": "•", "o": "•", "": "•", "": "•"}


def roman(n: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def letter(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(97 + rem) + out
    return out


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "lowerLetter": letter,
    "upperLetter": lambda n: letter(n).upper(),
    "lowerRoman": lambda n: roman(n).lower(),
    "upperRoman": roman,
}


class Numbering:
    """Level definitions per numId and running counters."""

    def __init__(self, levels: dict[str, dict[int, dict]]) -> None:
        self.levels = levels
        self.counters: dict[str, dict[int, int]] = {}

    @classmethod
    def from_document(cls, document) -> "Numbering":
        try:
            root = document.part.numbering_part.element
        except (KeyError, AttributeError, NotImplementedError):
            return cls({})
        abstract = {a.get(qn("w:abstractNumId")): _levels(a) for a in root.findall(qn("w:abstractNum"))}
        levels = {}
        for num in root.findall(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            base = dict(abstract.get(ref.get(qn("w:val")) if ref is not None else None, {}))
            for override in num.findall(qn("w:lvlOverride")):
                ilvl = int(override.get(qn("w:ilvl"), "0"))
                start = override.find(qn("w:startOverride"))
                lvl = override.find(qn("w:lvl"))
                spec = dict(_level(lvl) if lvl is not None else base.get(ilvl, {}))
                if start is not None:
                    spec["start"] = int(start.get(qn("w:val"), "1"))
                base[ilvl] = spec
            levels[num.get(qn("w:numId"))] = base
        return cls(levels)

    def marker(self, num_pr) -> str:
        """The printed marker for a paragraph with this numPr, advancing the counters."""
        if num_pr is None:
            return ""
        num_id = _attr(num_pr, "w:numId")
        ilvl = int(_attr(num_pr, "w:ilvl") or 0)
        defs = self.levels.get(num_id)
        if not defs or num_id == "0" or ilvl not in defs:
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, defs[ilvl].get("start", 1) - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        return _render(defs, ilvl, counters)


def _render(defs: dict[int, dict], ilvl: int, counters: dict[int, int]) -> str:
    spec = defs[ilvl]
    if spec.get("fmt") == "bullet":
        return _BULLETS.get(_symbol_char(spec.get("text", "")), "•")
    if spec.get("fmt") == "none":
        return ""
    text = spec.get("text", f"%{ilvl + 1}.")
    for level in range(ilvl + 1):
        value = counters.get(level, defs.get(level, {}).get("start", 1))
        fmt = FORMATS.get(defs.get(level, {}).get("fmt", "decimal"), str)
        text = text.replace(f"%{level + 1}", fmt(value))
    return text.strip()


def _symbol_char(text: str) -> str:
    """A Symbol/Wingdings bullet is stored in the private-use area (U+F02D is the Symbol dash)."""
    if len(text) == 1 and 0xF020 <= ord(text) <= 0xF0FF:
        return chr(ord(text) - 0xF000)
    return text


def _levels(abstract) -> dict[int, dict]:
    return {int(lvl.get(qn("w:ilvl"), "0")): _level(lvl) for lvl in abstract.findall(qn("w:lvl"))}


def _level(lvl) -> dict:
    start, fmt, text = lvl.find(qn("w:start")), lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText"))
    return {
        "start": int(start.get(qn("w:val"), "1")) if start is not None else 1,
        "fmt": fmt.get(qn("w:val")) if fmt is not None else "decimal",
        "text": text.get(qn("w:val"), "") if text is not None else "",
    }


def _attr(num_pr, tag: str):
    el = num_pr.find(qn(tag))
    return el.get(qn("w:val")) if el is not None else None
