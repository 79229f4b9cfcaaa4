"""Task status and next due date for a reference date: a table of cases."""
from __future__ import annotations

from datetime import date

import pytest

from pipeline.register.status import days_left, next_due, rrule_for, task_status

D = date.fromisoformat
TODAY = D("2024-11-20")


@pytest.mark.parametrize("due, done, withdrawn, expected", [
    (D("2024-11-19"), False, False, "overdue"),
    (D("2024-11-20"), False, False, "due_soon"),  # due today is not yet late
    (D("2024-11-27"), False, False, "due_soon"),  # the 7th day is still "within 7 days"
    (D("2024-11-28"), False, False, "open"),
    (None, False, False, "no_deadline"),
    (D("2024-11-01"), True, False, "done"),  # a clerk's done wins over the date
    (D("2024-11-01"), True, True, "withdrawn"),  # and a withdrawn task is withdrawn whatever else
])
def test_status(due, done, withdrawn, expected):
    assert task_status(due, TODAY, done=done, withdrawn=withdrawn) == expected


def test_due_soon_window_is_configurable():
    assert task_status(D("2024-12-01"), TODAY, soon_days=14) == "due_soon"
    assert task_status(D("2024-12-01"), TODAY, soon_days=3) == "open"


@pytest.mark.parametrize("deadline, rrule, recurrence, milestones, expected", [
    # one deadline: itself, past or not
    ("2024-11-10", None, None, [], "2024-11-10"),
    ("2025-01-15", None, None, [], "2025-01-15"),
    # "trước ngày 25 hằng tháng": the next 25th on or after today
    ("2024-01-25", "FREQ=MONTHLY;BYMONTHDAY=25", "monthly", [], "2024-11-25"),
    ("2024-01-25", "RRULE:FREQ=MONTHLY;BYMONTHDAY=25", "monthly", [], "2024-11-25"),
    # "cuối mỗi quý" with no rule from the stage: quarter ends, short months included
    ("2024-03-31", None, "quarterly", [], "2024-12-31"),
    ("2024-06-30", None, "semester", [], "2024-12-31"),
    ("2023-12-31", None, "yearly", [], "2024-12-31"),
    ("2024-11-04", None, "weekly", [], "2024-11-25"),
    # a recurrence that ended: its last occurrence, so the task shows as overdue
    ("2024-01-25", "FREQ=MONTHLY;COUNT=3", "monthly", [], "2024-03-25"),
    # a bad or too fine rule falls back to the recurrence, or to the plain deadline
    ("2024-01-25", "FREQ=MINUTELY", "monthly", [], "2024-11-25"),
    ("2024-01-25", "not a rule", None, [], "2024-01-25"),
    # milestones ("đợt 1 … đợt 2 …"): the first one still ahead, else the last
    ("2024-11-05", None, None, ["2024-11-05", "2024-12-15"], "2024-12-15"),
    ("2024-11-05", None, None, ["2024-11-05", "2024-11-15"], "2024-11-15"),
    (None, None, None, [], None),
    (None, None, "monthly", [], None),  # "hằng tháng" without a day has no date
])
def test_next_due(deadline, rrule, recurrence, milestones, expected):
    first = D(deadline) if deadline else None
    rule = rrule_for(rrule, recurrence, first)
    got = next_due(first, rule, [D(m) for m in milestones], TODAY)
    assert got == (D(expected) if expected else None)


def test_rrule_for_keeps_month_ends_only_for_month_end_deadlines():
    assert rrule_for(None, "quarterly", D("2024-03-31")) == "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1"
    assert rrule_for(None, "quarterly", D("2024-03-15")) == "FREQ=MONTHLY;INTERVAL=3"
    assert rrule_for(None, None, D("2024-03-15")) is None


def test_days_left():
    assert days_left(D("2024-11-25"), TODAY) == 5
    assert days_left(D("2024-11-10"), TODAY) == -10
    assert days_left(None, TODAY) is None
