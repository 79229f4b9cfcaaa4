"""Legacy Vietnamese encodings (TCVN3/ABC, VNI) to Unicode.

Before Unicode, Vietnamese was typed in 8-bit fonts: the bytes of "Cộng hòa" are "Céng hßa" in
TCVN3 and "Coäng hoøa" in VNI, and once the font is lost (a .txt, a copied paragraph, a PDF text
layer, a .docx run whose font is not installed) that is what a reader sees. The mapping tables
are data (rules/encodings/*.yaml). Text is taken as legacy only when converting it turns many
more of its words into well-formed Vietnamese syllables than it had (a word-shape test, so
ordinary Unicode and Windows-1258 text are left alone), or when a font name says so (docfonts).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .. import rules

ENCODINGS = ("tcvn3", "vni")
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_INITIAL = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|b|c|d|đ|g|h|k|l|m|n|p|r|s|t|v|x"
_NUCLEUS = ("uyê|uya|uyu|iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|"
            "oi|ôi|ơi|oo|ôô|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|ya|yê|a|ă|â|e|ê|i|o|ô|ơ|u|ư|y")
_SYLLABLE = re.compile(f"^(?:{_INITIAL})?(?:{_NUCLEUS})(?:ng|nh|ch|c|m|n|p|t)?$")
_EDGE = "\"'()[]{}<>.,;:!?…“”‘’«»-–—/\\|*_"
_VIETNAMESE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
_MIN_WORDS = 3  # fewer accented words than this say too little to re-decode a text without a font hint


@dataclass(frozen=True)
class Table:
    """One legacy encoding: byte sequences to Unicode (decode) and back (encode)."""

    name: str
    decode_map: dict[bytes, str]
    encode_map: dict[str, bytes]
    font_prefixes: tuple[str, ...]
    capitals_suffix: str | None
    windows_punctuation: bool  # bytes 0x80-0x9F are Windows-1252 quotes and dashes, not letters


def table(encoding: str) -> Table:
    """The table of 'tcvn3' or 'vni', loaded and checked once (RulesError names a bad entry)."""
    return rules.load(f"encodings/{encoding}", _build)


def _build(data: dict, filename: str) -> Table:
    letters = rules.require(data, "letters", dict, filename)
    fonts = rules.require(data, "fonts", dict, filename)
    encode_map: dict[str, bytes] = {}
    for key, value in {**letters, **(data.get("marks") or {})}.items():
        seq = bytes([value] if isinstance(value, int) else value) if _bytes_ok(value) else None
        if not isinstance(key, str) or len(key) != 1 or seq is None:
            raise rules.fail(filename, f"letters.{key}", "must map one character to a byte or a list of bytes")
        encode_map[key] = seq
    decode_map = {seq: ch for ch, seq in encode_map.items()}
    if len(decode_map) != len(encode_map):
        raise rules.fail(filename, "letters", "two letters share one byte sequence")
    _add_capital_aliases(decode_map, encode_map)
    return Table(name=str(data.get("name", filename)), decode_map=decode_map, encode_map=encode_map,
                 font_prefixes=tuple(fonts.get("prefixes") or ()), capitals_suffix=fonts.get("capitals_suffix"),
                 windows_punctuation=bool(data.get("windows_punctuation")))


def _bytes_ok(value) -> bool:
    values = [value] if isinstance(value, int) else value
    return isinstance(values, list) and 0 < len(values) <= 2 and all(isinstance(v, int) and 0 < v < 256 for v in values)


def _add_capital_aliases(decode_map: dict[bytes, str], encode_map: dict[str, bytes]) -> None:
    """Accept a capital base with a small-letter mark byte ("Aù" for "Á"), as hand-typed VNI has."""
    for ch, seq in encode_map.items():
        if len(seq) == 2 and ch.islower() and ch.upper() in encode_map:
            capital = encode_map[ch.upper()]
            decode_map.setdefault(bytes([capital[0], seq[1]]), ch.upper())


# --- bytes as characters ----------------------------------------------------------------------
# Text reaches `decode` with one character per byte: Latin-1 for bytes read from a file, or, in a
# .docx, what Word stored for a non-Unicode font (the byte as Latin-1, or U+F0xx for a symbol
# font). Word stores the 0x80-0x9F quotes and dashes as real Unicode quotes (U+201C ...), and
# those are left alone: they are punctuation in every document, whatever the font.
_CP1252 = {b: bytes([b]).decode("cp1252") for b in range(0x80, 0xA0) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
_CP1252_BYTES = {ch: b for b, ch in _CP1252.items()}


def _byte(ch: str) -> int | None:
    code = ord(ch)
    if code < 0x100:
        return code
    if 0xF020 <= code <= 0xF0FF:
        return code - 0xF000
    return None


def decode(text: str, encoding: str) -> str:
    """Unicode of text whose characters stand for the bytes of a legacy encoding.

    >>> decode("Céng hoµ x· héi", "tcvn3")
    'Cộng hoà xã hội'
    """
    t = table(encoding)
    out, i = [], 0
    while i < len(text):
        pair = _pair(text, i)
        if pair is not None and pair in t.decode_map:
            out.append(t.decode_map[pair])
            i += 2
            continue
        out.append(_single(text[i], t))
        i += 1
    return "".join(out)


def _single(ch: str, t: Table) -> str:
    b = _byte(ch)
    if b is None:
        return ch
    if bytes([b]) in t.decode_map:
        return t.decode_map[bytes([b])]
    return _CP1252.get(b, ch) if t.windows_punctuation else ch


def _pair(text: str, i: int) -> bytes | None:
    if i + 1 >= len(text):
        return None
    a, b = _byte(text[i]), _byte(text[i + 1])
    return bytes([a, b]) if a is not None and b is not None else None


def encode(text: str, encoding: str) -> bytes:
    """Bytes of Unicode text in a legacy encoding (for fixtures); NFC first, ASCII as is."""
    t = table(encoding)
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ch in t.encode_map:
            out += t.encode_map[ch]
        elif ord(ch) < 0x80:
            out.append(ord(ch))
        elif t.windows_punctuation and ch in _CP1252_BYTES:
            out.append(_CP1252_BYTES[ch])
        else:
            raise ValueError(f"{ch!r} has no {encoding} code")
    return bytes(out)


# --- detection ----------------------------------------------------------------------------------

def syllable_share(text: str) -> tuple[int, int]:
    """(well-formed, all) words among those with a non-ASCII letter: "Việt" is one, "Viöt" is not."""
    good = total = 0
    for token in text.split():
        word = token.strip(_EDGE)
        if not word or word.isascii() or any(c.isdigit() for c in word):
            continue
        total += 1
        good += is_syllable(word)
    return good, total


def is_syllable(word: str) -> bool:
    """A Vietnamese syllable: initial, nucleus, final, and at most one tone mark."""
    parts = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in parts) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in parts if ch not in _TONES))
    return bool(_SYLLABLE.match(bare))


def detect(text: str, baseline: str | None = None) -> str | None:
    """'tcvn3' or 'vni' when decoding the text makes it clearly more Vietnamese, else None.

    `baseline` is the reading to beat (for bytes, their Windows-1258 decoding); by default the
    text as it is.
    """
    reference = text if baseline is None else baseline
    good, total = syllable_share(reference)
    current = good / total if total else 0.0
    if current >= 0.8 and _VIETNAMESE_ONLY.search(reference):
        return None  # Unicode Vietnamese already: no need to try
    best = None
    for encoding in ENCODINGS:
        good, total = syllable_share(decode(text, encoding))
        share = good / total if total else 0.0
        if good >= _MIN_WORDS and share >= 0.8 and share > current + 0.2:
            best, current = encoding, share
    return best


def decode_bytes(data: bytes) -> tuple[str, str] | None:
    """(Unicode text, encoding) of TCVN3 or VNI bytes; None when the bytes are something else."""
    as_chars = data.decode("latin-1")
    try:
        baseline = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        baseline = as_chars
    encoding = detect(as_chars, baseline=baseline)
    return (decode_unhinted(as_chars, encoding), encoding) if encoding else None


def decode_unhinted(text: str, encoding: str) -> str:
    """`decode` for text that lost its fonts: TCVN3 capitals set in an "H" font come back as capitals.

    ".VnTimeH" draws small-letter codes as capitals, so "CỘNG" typed in it decodes to "CộNG"
    once the font is gone. A word whose ASCII letters are all capitals (two at least) is taken to
    be in capitals throughout ("CộNG" -> "CỘNG"); a word with one ASCII capital ("Xã", "Bộ") is
    in capitals when the words on both sides of it on the line are, and otherwise stays. Text that
    holds VN1's own accented capitals (a .txt written with the full table) is left as decoded.
    """
    decoded = decode(text, encoding)
    if encoding != "tcvn3" or any(ch in _VN1_CAPITALS for ch in decoded):
        return decoded  # text with VN1's own accented capitals never needed the "H" fonts
    return "\n".join(_capital_line(line) for line in decoded.split("\n"))


_VN1_CAPITALS = frozenset("ÀẢÃÁẠẰẲẴẮẶẦẨẪẤẬÈẺẼÉẸỀỂỄẾỆÌỈĨÍỊÒỎÕÓỌỒỔỖỐỘỜỞỠỚỢÙỦŨÚỤỪỬỮỨỰỲỶỸÝỴ")


_WORD = re.compile(r"[^\W\d_]+")


def _capital_line(line: str) -> str:
    words = list(_WORD.finditer(line))
    kinds = [_case_kind(m.group(0)) for m in words]
    out, last = [], 0
    for i, m in enumerate(words):
        between_caps = 0 < i < len(words) - 1 and kinds[i - 1] == kinds[i + 1] == "caps"
        upper = kinds[i] == "caps" or (kinds[i] == "title" and between_caps)
        out += [line[last:m.start()], m.group(0).upper() if upper else m.group(0)]
        last = m.end()
    return "".join(out) + line[last:]


def _case_kind(word: str) -> str:
    """'caps' (two ASCII capitals, no ASCII small letter), 'title' ("Xã": one ASCII capital first), or ''."""
    ascii_letters = [c for c in word if c.isascii()]
    if any(c.islower() for c in ascii_letters):
        return ""
    capitals = sum(c.isupper() for c in ascii_letters)
    if capitals >= 2:
        return "caps"
    return "title" if capitals == 1 and word[0].isupper() else ""


def repair(text: str) -> tuple[str, str | None]:
    """(text, encoding): legacy text converted to Unicode, or the text unchanged and None."""
    encoding = detect(text)
    return (decode(text, encoding), encoding) if encoding else (text, None)


def repair_blocks(blocks: list) -> list[str]:
    """Decode, in place, the blocks of a document written in a legacy encoding with no font to say so.

    The decision is made once for the whole document (a paragraph is too short to judge), over
    the blocks that hold no Unicode Vietnamese letter; those that do are left as they are.
    Returns a note for the document's warnings.
    """
    legacy = [b for b in blocks if b.raw and not _VIETNAMESE_ONLY.search(b.raw)]
    encoding = detect("\n".join(b.raw for b in legacy)) if legacy else None
    if encoding is None:
        return []
    for b in legacy:
        b.raw = decode_unhinted(b.raw, encoding)
    return [f"text of {len(legacy)} block(s) decoded from {table(encoding).name} (recognised by its words)"]


def font_encoding(font: str | None) -> tuple[str, bool] | None:
    """(encoding, capitals) named by a font: ".VnTime" -> ('tcvn3', False), ".VnTimeH" -> ('tcvn3', True)."""
    if not font:
        return None
    for encoding in ENCODINGS:
        t = table(encoding)
        if any(font.startswith(p) for p in t.font_prefixes):
            return encoding, bool(t.capitals_suffix and font.rstrip().endswith(t.capitals_suffix))
    return None
