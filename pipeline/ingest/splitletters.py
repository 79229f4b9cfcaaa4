"""Split-letter repair of a PDF's text layer: "CỘ NG" -> "CỘNG", "Ngu y ễn" -> "Nguyễn".

Some PDF producers place letters (or a letter with its tone mark, or a letter-spaced title) as
separate text objects, and the text layer reads "PH ÒNG GI ÁO D ỤC", "Hi ệu trư ởng". Adjacent
letter-only fragments of one line are joined when the join is a syllable that real words use
(rules/syllables.known.yaml) and one of the parts is not; two such syllables are never joined on
their shapes alone ("và o" stays). One narrow exception, with evidence: a part that begins with a
vowel ("ạch", "ệt") joins its left neighbour when the document, or the rule files, spell the
joined syllable ("kế ho ạch" beside "Kế hoạch"; "VI ỆT" of the motto). Capitals that are no syllable join as one
abbreviation when the rule files use it ("UB ND" -> "UBND"). The display text is repaired for extraction; the
block's raw text keeps what the layer said, for provenance.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Optional

from .. import rules
from ..model import Block
from ..text import fold

MAX_PARTS = 6  # "T h ươ n g" is five
SPELLED_BONUS = 0.1  # a join the document spells elsewhere wins a tie
GROUP_COST = 0.01  # then fewer, longer words
_ABBREVIATION = re.compile(r"^[A-ZĐ]{1,3}$")
_VOWEL_START = re.compile(r"^[aăâeêioôơuưy]", re.IGNORECASE)


@lru_cache(maxsize=1)
def known() -> frozenset[str]:
    """Folded keys (tone placement ignored) of the syllables in rules/syllables.known.yaml."""
    return rules.load("syllables.known", _build)


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Abbreviations the rule files use ("UBND", "HĐND"), from rules/syllables.known.yaml."""
    data = rules.read("syllables.known")
    return frozenset(rules.require(data, "abbreviations", str, "rules/syllables.known.yaml").split())


@lru_cache(maxsize=1)
def common() -> frozenset[str]:
    """Folded syllables the rule files spell (motto, units, document types)."""
    data = rules.read("syllables.known")
    return frozenset(fold(s) for s in rules.require(data, "common", str, "rules/syllables.known.yaml").split())


def _build(data: dict, filename: str) -> frozenset[str]:
    text = rules.require(data, "known", str, filename)
    keys = frozenset(fold(s) for s in text.split())
    if len(keys) < 1000:
        raise rules.fail(filename, "known", f"holds {len(keys)} syllables; a Vietnamese inventory has thousands")
    return keys


def repair_blocks(blocks: list[Block]) -> list[str]:
    """Repair, in place, the display text of blocks whose words a PDF split; returns a note."""
    spelled = frozenset(fold(w) for b in blocks for w in b.text.split() if w.isalpha())
    changed = 0
    for b in blocks:
        lines = b.text.split("\n")
        fixed = [repair_line(line, spelled) for line in lines]
        if fixed != lines:
            b.text = "\n".join(fixed)
            changed += 1
    return [f"split letters joined in {changed} block(s) of the text layer"] if changed else []


def repair_line(line: str, spelled: frozenset[str] = frozenset()) -> str:
    """The line with split syllables joined (see the module docstring): the grouping that leaves
    the fewest fragments, then the most joins the document spells elsewhere, then fewest words."""
    tokens = line.split(" ")
    n = len(tokens)
    best: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        options = [(_cost(tokens[i]) + GROUP_COST + best[i + 1][0], i + 1)]
        for j in range(i + 2, min(n, i + MAX_PARTS) + 1):
            if _joins(tokens[i:j], spelled):
                bonus = SPELLED_BONUS if fold("".join(tokens[i:j])) in spelled else 0.0
                options.append((GROUP_COST + best[j][0] - bonus, j))
        best[i] = min(options)
    out, i = [], 0
    while i < n:
        out.append("".join(tokens[i:best[i][1]]))
        i = best[i][1]
    return " ".join(out)


def _cost(token: str) -> float:
    """A lone letter-only token that no word uses is a fragment left over."""
    return 1.0 if token.isalpha() and fold(token) not in known() else 0.0


def _joins(parts: list[str], spelled: frozenset[str]) -> bool:
    word = "".join(parts)
    if word in abbreviations() and all(_ABBREVIATION.match(p) and fold(p) not in known() for p in parts):
        return True  # "UB ND" -> "UBND": an abbreviation whose capitals were placed apart
    if not all(p.isalpha() for p in parts) or _case_breaks(word) or fold(word) not in known():
        return False
    if any(fold(p) not in known() for p in parts):
        return True
    evidence = fold(word) in spelled or fold(word) in common()
    return len(parts) == 2 and bool(_VOWEL_START.match(_bare(parts[1]) or "")) and evidence


def _case_breaks(word: str) -> bool:
    """ "hU", "CÔng": a lower-case letter before a capital is two words, not one."""
    return any(a.islower() and b.isupper() for a, b in zip(word, word[1:]))


def _bare(text: str) -> Optional[str]:
    """The first letter without its tone or hat, for the vowel test."""
    return unicodedata.normalize("NFD", text)[:1] if text else None
