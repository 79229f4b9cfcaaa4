"""Who a dispatch is for: the "Kính gửi" addressees and the "Nơi nhận" copy list.

Items come one per line as a dash list, or run together in a table cell or PDF line
("- Như trên; - Bộ Y tế (để b/c); - Lưu: VT."). Each Nơi nhận item keeps its text as printed (with
its purpose in brackets, as the gold does) and gets a purpose and a kind: "as_above" (Như trên,
Như Điều 3), "archive" (Lưu: VT, …) or "unit".
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from ..model import Recipient
from ..text import fold
from .lines import Line
from .rulebook import RecipientRules, header_rules, recipient_rules

_BRACKETS = re.compile(r"\(([^()]*)\)")
_TRAILING_PURPOSE = re.compile(r"(?<!\w)để\s+(.+)$", re.IGNORECASE)
MAX_ITEM_CHARS = 300


def tidy(item: str) -> str:
    item = re.sub(r"\s+", " ", item).strip()
    item = re.sub(r"\s*\./\.\s*$", "", item)
    return item.strip(" ;,.")


def split_items(text: str, rr: RecipientRules) -> list[str]:
    """ "- A; - B (để b/c) - C." -> ["A", "B (để b/c)", "C"]; text without dashes is one item."""
    return [t for t in (tidy(p) for p in rr.item_start.split(text)) if t]


def _starts_item(text: str, rr: RecipientRules) -> bool:
    m = rr.item_start.match(text)
    return bool(m) and m.start() == 0


def _collect(lines: list[Line], k: int, rest: str, rr: RecipientRules, single_ok: bool,
             skip=lambda line: False) -> tuple[list[str], list[int]]:
    """Items after a label at line k: the rest of its line, then dash lines and their wraps.
    Lines for which `skip` is true (the signature column a PDF interleaves) are passed over."""
    raw, used, last = rr.item_start.split(rest), [lines[k].index], rest
    raw = [r for r in raw if r.strip()]
    for line in lines[k + 1:]:
        text = line.text
        if _starts_item(text, rr):
            raw += [r for r in rr.item_start.split(text) if r.strip()]
        elif skip(line):
            continue
        elif raw and _wraps(tidy(raw[-1]), last, line, rr):
            raw[-1] = f"{raw[-1]} {text}"
        elif single_ok and _plain_addressee(text) and (not raw or raw[-1].rstrip().endswith(";")):
            raw.append(text)  # "Kính gửi:" with addressees on the next lines, without dashes
            if not text.rstrip().endswith(";"):
                used.append(line.index)
                break
        else:
            break
        used.append(line.index)
        last = text
    return [t for t in map(tidy, raw) if t], used


def _wraps(item: str, last: str, line: Line, rr: RecipientRules) -> bool:
    """Does `line` go on with `item` (whose last printed line was `last`)? Within a block, unless
    it ends with ":"; across blocks only a lower-case start after an unfinished line. The archive
    item ("Lưu: VT, …") is the last one: only a short PDF line wrap may follow it."""
    text = line.text.rstrip()
    if text.endswith(":") or last.rstrip().endswith(";"):
        return False
    if any(p.search(item) for p in rr.archive):
        return line.kind == "line" and not line.first and len(text) <= 30 and "\\" not in text
    if line.first:
        return text[:1].islower() and not last.rstrip().endswith((";", "."))
    return True


def _plain_addressee(text: str) -> bool:
    return len(text) <= 200 and not any(p.match(text) for p in header_rules().body_openers)


def addressees(lines: list[Line], start: int, stop: int, fix: Callable[[str], str]) -> tuple[list[str], list[int]]:
    """The Kính gửi items, searched in lines[start:stop]."""
    rr = recipient_rules()
    for k in range(start, min(stop, len(lines))):
        m = rr.addressee_label.match(lines[k].text)
        if m:
            rest = header_rules().sentence_opener.split(lines[k].text[m.end():])[0]
            items, used = _collect(lines, k, rest, rr, single_ok=True)
            return [fix(i) for i in items if len(i) <= MAX_ITEM_CHARS], used
    return [], []


def article_addressees(lines: list[Line], stop: int) -> tuple[list[str], list[int]]:
    """A news article's "Chỉ thị yêu cầu A; B; C tập trung …" (no Kính gửi, no header)."""
    rr = recipient_rules()
    for line in lines[:stop]:
        m = rr.article_addressees.search(line.text)
        if m:
            return [tidy(p) for p in m.group("list").split(";") if tidy(p)], [line.index]
    return [], []


def copy_list(lines: list[Line], start: int, fix: Callable[[str], str],
              skip=lambda line: False) -> tuple[list[Recipient], list[int]]:
    """The Nơi nhận items after line `start`; `skip` passes over signature lines in between."""
    rr = recipient_rules()
    for k in range(start, len(lines)):
        m = rr.recipients_label.match(lines[k].text)
        if m:
            items, used = _collect(lines, k, lines[k].text[m.end():], rr, False, skip)
            return [recipient(fix(i), rr) for i in items], used
    return [], []


def recipient(text: str, rr: Optional[RecipientRules] = None) -> Recipient:
    rr = rr or recipient_rules()
    if any(p.search(text) for p in rr.as_above):
        kind = "as_above"
    elif any(p.search(text) for p in rr.archive):
        kind = "archive"
    else:
        kind = "unit"
    return Recipient(text=text, purpose=purpose(text, rr), kind=kind)


def purpose(text: str, rr: Optional[RecipientRules] = None) -> Optional[str]:
    """ "Bộ Y tế (để b/c)" -> "để báo cáo"; looks only inside brackets or after a final "để"."""
    rr = rr or recipient_rules()
    places = _BRACKETS.findall(text) + [m.group(1) for m in _TRAILING_PURPOSE.finditer(text)]
    for place in places:
        m = rr.purpose_re.search(place)
        if m:
            return rr.purposes.get(fold(m.group(0)) or m.group(0).lower())
    return None
