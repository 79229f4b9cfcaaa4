"""Single header fields read off one line: số/ký hiệu, place and date, title line, urgency.

Each function is pure and works on one line's text, so the same rule reads a .txt paragraph line, a
.docx header cell and a PDF column line alike.
"""
from __future__ import annotations

import calendar
import datetime
import re
from typing import Optional

from ..text import fold
from .lines import is_upper
from .rulebook import DocTypes, HeaderRules

_TOKEN = re.compile(r"\S+")
_DASHES = ("-", "–")


def _continues(prev: str, token: str) -> bool:
    """Does `token` go on with the number ("24 /SGDĐT-VP", "3210/QĐ - U B ND")?"""
    if token.startswith(("/", *_DASHES)) or prev.endswith(("/", *_DASHES)) or token in _DASHES:
        return True
    fragment = len(token) <= 2 and token.isupper()
    return fragment and len(prev) <= 2 and prev.isupper()


def number_from(text: str, hr: HeaderRules) -> Optional[tuple[str, int]]:
    """("24/SGDDĐT-VP", end offset) when the line starts with "Số:" and a number; inner spaces dropped."""
    m = hr.number_label.match(text)
    if not m:
        return None
    parts, end = [], m.end()
    for t in _TOKEN.finditer(text, m.end()):
        token = t.group(0)
        if token.lower().startswith("v/v"):
            break
        if not parts:
            if not (token[0].isdigit() or token.startswith("/")):
                return None
        elif not _continues(parts[-1], token):
            break
        parts.append(token)
        end = t.end()
    number = "".join(parts).rstrip(".,;:|")
    return (number, end) if number else None


def number_wrapped(text: str, following: str, hr: HeaderRules) -> Optional[str]:
    """The number of a "Số:" line whose ký hiệu went on to the next line of its block: a PDF reader
    splits "Số:        /TB-UBND" at the blank left for the number (e-office files, where the number
    is stamped at signing), or after a number stamped with a gap ("Số: 46" / "/TB-UBND")."""
    m = hr.number_label.match(text)
    rest = text[m.end():].strip() if m else None
    if rest is None or (rest and not rest.isdigit()):
        return None
    head = following.lstrip()[:1]
    if not (head == "/" or (not rest and head.isdigit())):
        return None
    found = number_from(f"{text} {following}", hr)
    return found[0] if found else None


def iso_date(day: Optional[str], month: str, year: str, hr: HeaderRules) -> tuple[Optional[str], Optional[str]]:
    """(ISO date or "YYYY-MM", None) or (None, why) when the date cannot be a real one."""
    y, m = int(year), int(month)
    if not 1 <= m <= 12 or not hr.earliest_year <= y <= datetime.date.today().year + 1:
        return None, f"{day or '__'}/{month}/{year}"
    if day is None:
        return f"{y:04d}-{m:02d}", None
    d = int(day)
    if not 1 <= d <= calendar.monthrange(y, m)[1]:
        return None, f"{day}/{month}/{year}"
    return f"{y:04d}-{m:02d}-{d:02d}", None


def place_date(text: str, hr: HeaderRules, start: int = 0):
    """(place or None, date match) for "Hậu Giang, ngày 04 tháng 01 năm 2018" at or after `start`."""
    m = hr.date.search(text, start)
    if not m or len(text) > 160 or len(text[m.end():].strip(" .|")) > 3:
        return None
    before = text[start:m.start()].strip()
    if not before:
        return None, m
    if not before.endswith(","):
        return None
    place = before.rstrip(",").strip()
    words = place.split()
    if not words or len(words) > 7 or not place[0].isupper():
        return None
    return place, m


def title_type(text: str, dt: DocTypes) -> Optional[str]:
    """The type named by a title line ("KẾ HOẠCH" -> "Kế hoạch"); not the enacting "QUYẾT ĐỊNH:"."""
    stripped = text.strip(" .")
    if stripped.endswith(":") or not is_upper(stripped):
        return None
    return dt.by_title.get(fold(stripped))


def code_type(number: Optional[str], dt: DocTypes) -> Optional[str]:
    """The type from the ký hiệu's code: "252/KH-BCĐQG1237" -> "Kế hoạch"; None for a công văn."""
    if not number or "/" not in number:
        return None
    for group in re.split(r"[/\-–]", number.split("/", 1)[1]):
        if group.isdigit():
            continue
        return dt.by_code.get(group) or next((n for c, n in dt.by_code.items() if c.upper() == group.upper()), None)
    return None


def urgency_of(text: str, hr: HeaderRules) -> Optional[str]:
    key = fold(text)
    return next((u for u in hr.urgency if fold(u) == key), None)


def is_secrecy(text: str, hr: HeaderRules) -> bool:
    return fold(text) in {fold(s) for s in hr.secrecy}
