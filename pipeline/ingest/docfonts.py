"""Runs of a .docx typed in a legacy 8-bit font (TCVN3 ".VnTime", VNI "VNI-Times"), converted per run.

Documents mix fonts: a ".VnTimeH" heading, ".VnTime" body text, a Unicode paragraph pasted in
later; so the conversion goes run by run, and the run's font decides it (the bytes of a two-letter
run cannot). The font is the run's own, else its character style's, else its paragraph style's
(through basedOn), else the default paragraph style's, else the document default, as Word
resolves it. Converters such as Unikey change the text and often leave the old font name on it,
so the font is a strong hint, not proof: a font whose text in this document already reads as
Unicode Vietnamese is left alone (decided once per font over all its runs, since one short run,
"các", cannot tell), and so is any run holding letters only Unicode has (ư, ơ, đ, ệ ...).
"""
from __future__ import annotations

import re
from collections import Counter

from . import docstyles, encodings
from .docxparts import qn

_UNICODE_VIETNAMESE = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
_FONT_ATTRS = (qn("w:hAnsi"), qn("w:ascii"))  # bytes 0x80-0xFF are drawn with hAnsi; ascii otherwise


class RunFonts:
    """Converts the text of each w:t by its run's font; counts what it converted, for a warning."""

    def __init__(self, document) -> None:
        try:
            sheet = docstyles.derived(document, "fonts", _Sheet)
        except (KeyError, AttributeError, NotImplementedError):
            sheet = _Sheet(None)
        self.styles = sheet.styles  # shared by the documents with this sheet: read only
        self.default_style, self.default_font = sheet.default_style, sheet.default_font
        self.converted: Counter[str] = Counter()
        self._cache: dict[tuple, str | None] = {}
        self._body = document.element
        self._verdicts: dict[str, bool] | None = None
        self.active = sheet.legacy or _any_legacy_font(document.element)

    def text(self, t) -> str:
        """The text of one w:t element, converted when its run is set in a legacy font."""
        text = t.text or ""
        if not self.active or not text or _UNICODE_VIETNAMESE.search(text):
            return text
        font = self.font(t.getparent())
        hint = encodings.font_encoding(font)
        if hint is None or not self.verdicts().get(font, True):
            return text
        encoding, capitals = hint
        self.converted[f"{encoding} ({font})"] += 1
        converted = encodings.decode(text, encoding)
        return converted.upper() if capitals else converted

    def verdicts(self) -> dict[str, bool]:
        """Per legacy font: does its text in this document read as legacy bytes (True) or Unicode?"""
        if self._verdicts is None:
            texts: dict[str, list[str]] = {}
            for t in self._body.iter(qn("w:t")):
                font = self.font(t.getparent())
                if t.text and encodings.font_encoding(font):
                    texts.setdefault(font, []).append(t.text)
            self._verdicts = {font: _reads_as_legacy(" ".join(parts), encodings.font_encoding(font)[0])
                              for font, parts in texts.items()}
        return self._verdicts

    def soft_hyphen(self, element) -> str:
        """A w:softHyphen: invisible, except in a TCVN3 run, where byte 0xAD is the letter "ư"."""
        hint = encodings.font_encoding(self.font(element.getparent())) if self.active else None
        if hint is None:
            return ""
        letter = encodings.decode("\u00ad", hint[0])
        return letter.upper() if hint[1] else letter

    def font(self, run) -> str | None:
        """The font name Word would draw this run's text with."""
        own = _font_name(_child(run, "w:rPr", "w:rFonts"))
        if own:
            return own
        key = (_val(_child(run, "w:rPr", "w:rStyle")), _val(_child(_paragraph(run), "w:pPr", "w:pStyle")))
        if key not in self._cache:
            self._cache[key] = (self._style_font(key[0]) or self._style_font(key[1] or self.default_style)
                                or self.default_font)
        return self._cache[key]

    def _style_font(self, style_id: str | None) -> str | None:
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            name = _font_name(_child(style, "w:rPr", "w:rFonts"))
            if name:
                return name
            style_id = _val(style.find(qn("w:basedOn")))
        return None

    def warnings(self) -> list[str]:
        return [f"text of {n} run(s) converted from {what} to Unicode" for what, n in sorted(self.converted.items())]


class _Sheet:
    """What the runs' fonts need from a style sheet: styles by id, the defaults, any legacy font."""

    def __init__(self, root) -> None:
        self.styles: dict[str, object] = {}
        self.default_style = self.default_font = None
        self.legacy = False
        if root is None:
            return
        for style in root.iterchildren(qn("w:style")):  # styles sit directly under w:styles
            self.styles[style.get(qn("w:styleId"))] = style
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true", "on"):
                self.default_style = style.get(qn("w:styleId"))
        fonts = root.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
        self.default_font = _font_name(fonts)
        self.legacy = _any_legacy_font(root)


def _any_legacy_font(tree) -> bool:
    names = {_font_name(f) for f in tree.iter(qn("w:rFonts"))}
    return any(encodings.font_encoding(name) for name in names if name)


def _reads_as_legacy(text: str, encoding: str) -> bool:
    """No Unicode-only letter, or more well-formed syllables once decoded than as it is."""
    if not _UNICODE_VIETNAMESE.search(text):
        return True
    good, total = encodings.syllable_share(text)
    decoded_good, decoded_total = encodings.syllable_share(encodings.decode(text, encoding))
    return decoded_good / max(decoded_total, 1) > good / max(total, 1)


def _child(element, *tags: str):
    for tag in tags:
        if element is None:
            return None
        element = element.find(qn(tag))
    return element


def _paragraph(run):
    element = run.getparent() if run is not None else None
    while element is not None and element.tag != qn("w:p"):
        element = element.getparent()
    return element


def _val(element) -> str | None:
    return element.get(qn("w:val")) if element is not None else None


def _font_name(fonts) -> str | None:
    if fonts is None:
        return None
    for attr in _FONT_ATTRS:
        if fonts.get(attr):
            return fonts.get(attr)
    return None
