"""calendar/<unit>.ics: each unit's deadlines as an RFC 5545 calendar (Outlook, Google Calendar).

One event per task date (its deadline and each milestone); a recurring task is one event with its
RRULE. A deadline with a time is a timed event in the office's time zone (written in UTC), else an
all-day event. Event UIDs come from task ids, so importing again updates rather than duplicates.
Withdrawn tasks are left out; done tasks stay, marked as done, without a reminder.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Optional
from zoneinfo import ZoneInfo

import pandas as pd

from .. import atomic
from ..text import strip_diacritics
from .cells import plain
from .columns import RECURRENCE_LABELS, STATUS_LABELS
from .status import rrule_for
from .tables import Tables

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PRODID = "-//congvan//so dang ky nhiem vu//VI"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def write_calendars(tables: Tables, out_dir: str | Path) -> list[Path]:
    """One .ics per unit with a live task, under `out_dir`/calendar; other units' old calendars are removed."""
    folder = Path(out_dir) / "calendar"
    folder.mkdir(parents=True, exist_ok=True)
    tasks = {t["task_id"]: t for t in tables.tasks.to_dict("records")}
    stamp = _stamp(tables)
    written, names = [], set()
    live = tables.obligations[tables.obligations["status"] != "withdrawn"]
    by_unit: dict[str, list[dict]] = {}  # grouped here: a DataFrame per unit costs more than its rows
    for r in live[["unit", "unit_name", "task_id", "role"]].to_dict("records"):
        if isinstance(r["unit"], str):
            by_unit.setdefault(r["unit"], []).append(r)
    for unit in sorted(by_unit):
        group = by_unit[unit]
        name = unit_filename(unit, names)
        names.add(name)
        events = [e for r in group for e in task_events(tasks[r["task_id"]], r["role"], stamp)]
        title = str(group[0]["unit_name"] or unit)
        atomic.write_bytes(folder / name, calendar_text(title, events).encode("utf-8"))
        written.append(folder / name)
    for stale in folder.glob("*.ics"):
        if stale.name not in names:
            stale.unlink()
    return written


def unit_filename(unit: str, taken: set[str]) -> str:
    """A plain file name for a unit: "Phòng GD&ĐT" -> "phong-gd-dt.ics" (a hash suffix if taken)."""
    slug = re.sub(r"[^a-z0-9]+", "-", strip_diacritics(unit).lower()).strip("-")[:60].strip("-") or "don-vi"
    name = f"{slug}.ics"
    if name in taken:
        name = f"{slug}-{hashlib.sha1(unit.encode()).hexdigest()[:6]}.ics"
    return name


def task_events(task: dict[str, Any], role: str, stamp: str) -> Iterator[list[str]]:
    deadline = task["deadline"]
    rule = rrule_for(task["rrule"], task["recurrence"], deadline) if deadline else None
    dates = [deadline] if rule else sorted({d for d in [deadline, *map(date.fromisoformat, task["milestones"] or [])] if d})
    for day in dates:
        uid = task["task_id"] if day == deadline else f"{task['task_id']}.{day:%Y%m%d}"
        yield _event(task, role, stamp, uid, day, rule)


def _event(task: dict[str, Any], role: str, stamp: str, uid: str, day: date, rule: Optional[str]) -> list[str]:
    done = task["status"] == "done"
    title = f"{task['doc_number'] or task['doc_id']}: {_short(task['text'])}"
    lines = ["BEGIN:VEVENT", f"UID:{uid}@congvan", f"DTSTAMP:{stamp}", *_when(day, task["deadline_time"])]
    if rule:
        lines.append(f"RRULE:{rule}")
    lines += [
        "SUMMARY:" + escape(("[Đã hoàn thành] " if done else "") + title),
        "DESCRIPTION:" + escape(_description(task, role)),
        "CATEGORIES:" + escape(role or ""),
        "STATUS:CONFIRMED",
    ]
    if not done:
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-P1D", "DESCRIPTION:" + escape(title), "END:VALARM"]
    return lines + ["END:VEVENT"]


def _when(day: date, hhmm: Optional[str]) -> list[str]:
    at = _time(hhmm)
    if at is None:
        return [f"DTSTART;VALUE=DATE:{day:%Y%m%d}", f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}"]
    start = datetime.combine(day, at, TIMEZONE).astimezone(timezone.utc)
    return [f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{start + timedelta(minutes=30):%Y%m%dT%H%M%SZ}"]


def _time(hhmm: Optional[str]) -> Optional[time]:
    try:
        return time.fromisoformat(hhmm) if hhmm else None
    except ValueError:
        return None


def _description(task: dict[str, Any], role: str) -> str:
    parts = [task["text"] or "", "", f"Vai trò: {role}", f"Mã nhiệm vụ: {task['task_id']}",
             f"Văn bản: {task['doc_number'] or ''} {task['doc_subject'] or ''}".strip()]
    if task["deadline_text"]:
        parts.append(f"Thời hạn: {task['deadline_text']}")
    if task["recurrence"]:
        parts.append(f"Định kỳ: {RECURRENCE_LABELS.get(task['recurrence'], task['recurrence'])}")
    parts.append(f"Trạng thái: {STATUS_LABELS.get(task['status'], task['status'])}")
    return "\n".join(parts)


def _short(text: Optional[str], limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _stamp(tables: Tables) -> str:
    started = (tables.last_run or {}).get("started_at")
    moment = pd.Timestamp(started).to_pydatetime() if started is not None else datetime.now(timezone.utc)
    return f"{moment:%Y%m%dT%H%M%SZ}"


def calendar_text(name: str, events: list[list[str]]) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             "X-WR-CALNAME:" + escape(name), f"X-WR-TIMEZONE:{TIMEZONE.key}"]
    lines += [line for event in events for line in event]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def escape(text: str) -> str:
    """RFC 5545 TEXT: backslash, semicolon, comma and newline escaped; control characters dropped."""
    text = str(plain(text) or "").replace("\r\n", "\n")
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
    return _CONTROL.sub("", text)


def fold(line: str, limit: int = 75) -> str:
    """Lines longer than 75 octets folded (CRLF + space), never inside a UTF-8 character."""
    if len(line) * 4 <= limit:
        return line
    data = line.encode("utf-8")
    if len(data) <= limit:
        return line
    out, start, room = [], 0, limit
    while len(data) - start > room:
        end = start + room
        while data[end] & 0xC0 == 0x80:  # a continuation byte: cut before the character it belongs to
            end -= 1
        out.append(data[start:end])
        start, room = end, limit - 1  # continuation lines begin with a space
    out.append(data[start:])
    return "\r\n ".join(part.decode("utf-8") for part in out)
