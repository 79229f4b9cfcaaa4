"""The trích yếu: after "V/v" for a công văn, the line(s) under the title for a typed document.

It may span several lines ("V/v khắc phục bệnh thành tích" / "trong giáo dục"); it ends at the
date, Kính gửi, a body opener ("Căn cứ …"), an outline marker or the enacting authority line.
"""
from __future__ import annotations

import re
from typing import Callable, Optional

from . import fields
from .lines import Line, is_upper
from .rulebook import HeaderRules, doc_types, header_rules, outline_rules, recipient_rules

MAX_LINES = 6
_CONNECTOR_END = re.compile(r"(?:,|-|\b(?:của|và|về|cho|với|tại|trong|theo|đối với))\s*$", re.IGNORECASE)


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(" .;:|")


def _is_marker(text: str) -> bool:
    return any(m.pattern.match(text) for m in outline_rules().markers if m.kind != "dash")


def _hard_stop(line: Line, hr: HeaderRules) -> bool:
    """Lines that never belong to a trích yếu."""
    return (line.motto or bool(recipient_rules().addressee_label.match(line.text))
            or fields.number_from(line.text, hr) is not None or fields.place_date(line.text, hr) is not None
            or _is_marker(line.text) or bool(recipient_rules().recipients_label.match(line.text)))


def vv_subject(lines: list[Line], hr: HeaderRules) -> tuple[Optional[str], list[int]]:
    """ "V/v …" and the lines under it in the same block."""
    for k, line in enumerate(lines):
        m = hr.subject_label.search(line.text)
        if not m:
            continue
        parts, used = [line.text[m.end():]], [line.index]
        for nxt in lines[k + 1:k + MAX_LINES]:
            if nxt.first or _hard_stop(nxt, hr) or fields.title_type(nxt.text, doc_types()):
                break
            parts.append(nxt.text)
            used.append(nxt.index)
        text = _tidy(" ".join(parts))
        return (text or None), used
    return None, []


def typed_subject(lines: list[Line], start: int, is_authority: Callable[[Line], bool],
                  authority_start: Callable[[str], Optional[int]] = lambda text: None
                  ) -> tuple[Optional[str], list[int]]:
    """The line(s) after a title line ("KẾ HOẠCH"), up to the body or the enacting authority."""
    hr = header_rules()
    parts: list[str] = []
    used: list[int] = []
    for line in lines[start:start + MAX_LINES]:
        if _hard_stop(line, hr) or (is_authority(line) and not (parts and _CONNECTOR_END.search(parts[-1]))):
            break
        if parts and not _continues(parts, line, hr):
            break
        cut = authority_start(line.text)
        parts.append(line.text[:cut] if cut else line.text)
        used.append(line.index)
        if cut or line.text.rstrip().endswith((".", ";")) or len(line.text) > 400:
            break
    text = _tidy(" ".join(parts))
    return (text or None), used


def _continues(parts: list[str], line: Line, hr: HeaderRules) -> bool:
    if any(p.match(line.text) for p in hr.body_openers) or len(line.text) > 300:
        return False
    return is_upper(parts[0]) == is_upper(line.text)
