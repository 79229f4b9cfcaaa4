"""A task's status and next due date relative to a reference date (`--today`), computed, never stored.

- withdrawn: its file was removed, or the task left its document;
- done: a clerk marked it (`congvan done`);
- overdue / due_soon (within `soon_days`) / open: by its next due date;
- no_deadline: no date at all.

A recurring task's next due date is its next occurrence on or after the reference date (from its
RRULE, or from its recurrence when the stage gave no rule, starting at its first deadline). A task
with several milestones is next due at its first milestone on or after the reference date.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional

from dateutil.rrule import rrulestr

from .errors import RegisterError

DUE_SOON_DAYS = 7

# The rule we write for a recurrence when the stage gave no RRULE (day taken from the first deadline).
RECURRENCE_RRULES = {
    "daily": "FREQ=DAILY",
    "weekly": "FREQ=WEEKLY",
    "monthly": "FREQ=MONTHLY",
    "quarterly": "FREQ=MONTHLY;INTERVAL=3",
    "semester": "FREQ=MONTHLY;INTERVAL=6",
    "yearly": "FREQ=YEARLY",
}
# Finer frequencies would make a deadline every minute: ignored as a bad rule.
_ALLOWED_FREQS = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")


def rrule_for(rrule: Optional[str], recurrence: Optional[str], first: Optional[date] = None) -> Optional[str]:
    """The RRULE value (without "RRULE:") for a task, or None when it does not recur or the rule is unusable.

    A rule made from a recurrence whose first deadline is a month's last day keeps to last days
    ("cuối mỗi quý": 31/3, 30/6, 30/9, 31/12), where a plain monthly rule would skip the short months.
    """
    if rrule:
        value = rrule.strip()
        value = value.split(":", 1)[1] if value.upper().startswith("RRULE:") else value
        if _usable(value):
            return value
    value = RECURRENCE_RRULES.get(recurrence or "")
    if value and "MONTHLY" in value and first is not None and (first + timedelta(days=1)).day == 1:
        value += ";BYMONTHDAY=-1"
    return value


def _usable(value: str) -> bool:
    parts = dict(p.split("=", 1) for p in value.upper().split(";") if "=" in p)
    if parts.get("FREQ") not in _ALLOWED_FREQS or "\n" in value:
        return False
    try:
        rrulestr(value, dtstart=datetime(2000, 1, 1))
    except (ValueError, TypeError, KeyError):
        return False
    return True


def next_due(deadline: Optional[date], rrule: Optional[str], milestones: list[date], today: date) -> Optional[date]:
    """The next date the task is due on or after `today`; the last past date when none is left."""
    if deadline is not None and rrule:
        return _next_occurrence(deadline, rrule, today)
    dates = sorted({d for d in [deadline, *milestones] if d is not None})
    if not dates:
        return None
    upcoming = [d for d in dates if d >= today]
    return upcoming[0] if upcoming else dates[-1]


def _next_occurrence(start: date, rule: str, today: date) -> date:
    if start >= today:
        return start
    series = rrulestr(rule, dtstart=datetime.combine(start, datetime.min.time()))
    found = series.after(datetime.combine(today, datetime.min.time()), inc=True)
    if found is not None:
        return found.date()
    last = series.before(datetime.combine(today, datetime.min.time()), inc=True)
    return last.date() if last is not None else start


def task_status(due: Optional[date], today: date, done: bool = False, withdrawn: bool = False,
                soon_days: int = DUE_SOON_DAYS) -> str:
    """One of STATUSES for a task due on `due` (None: no deadline)."""
    if withdrawn:
        return "withdrawn"
    if done:
        return "done"
    if due is None:
        return "no_deadline"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=soon_days):
        return "due_soon"
    return "open"


def days_left(due: Optional[date], today: date) -> Optional[int]:
    return None if due is None else (due - today).days


def parse_day(value: Optional[str]) -> date:
    """A reference or done date from the command line (default today)."""
    if not value:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError as e:
        raise RegisterError("R006", value=value) from e
