"""Cell values made safe and plain for spreadsheets: formula injection and characters XLSX cannot hold.

A text cell that begins with = + - @ (or a tab or carriage return) is read as a formula by Excel and
LibreOffice when the file is opened; a dispatch's text is untrusted, so such cells are neutralized:
in CSV with a leading apostrophe (what OWASP recommends), in XLSX by writing them as strings.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry (openpyxl refuses them).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_MAX_CELL = 32767


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_safe(value: Any) -> Any:
    """A value for a CSV cell: text that could start a formula gets a leading apostrophe."""
    value = plain(value)
    if is_formula_like(value):
        return "'" + value
    return value


def xlsx_text(value: str) -> str:
    """Text an XLSX cell can hold: no XML-illegal characters, within Excel's length limit."""
    text = _ILLEGAL_XML.sub("", value)
    return text if len(text) <= XLSX_MAX_CELL else text[: XLSX_MAX_CELL - 1] + "…"


def plain(value: Any) -> Any:
    """Lists joined with "; ", dates as ISO text, missing values as None."""
    if type(value) is str:  # most cells: asked first
        return value
    if value is None or (not isinstance(value, (str, list, tuple)) and value != value):  # NaN, NaT
        return None
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return plain(value.item())
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value
