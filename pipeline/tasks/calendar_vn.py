"""The Vietnamese calendar the temporal stage counts in: holidays, working days, school years.

Deadlines such as "10 ngày làm việc kể từ ngày ký" skip weekends and public holidays, and the
lunar holidays (Tết, Giỗ Tổ Hùng Vương) move every year, so they are data in rules/holidays.yaml;
the lunar conversion here only checks (and regenerates) that data: `python -m
pipeline.tasks.calendar_vn` prints the per-year block. School-year ends come from
rules/school_calendar.yaml. Every function is pure and works on `datetime.date`.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from math import floor, pi, sin
from typing import Callable, Optional

from .. import rules

SCHOOL_TERMS = ("semester_1", "semester_2", "year")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_VN_TIMEZONE = 7  # hours east of UTC: the lunar month starts on the new moon's local day
_JD_OFFSET = 1721425  # Julian day number of date.fromordinal(0)


@dataclass(frozen=True)
class Holidays:
    fixed: tuple[tuple[int, int], ...]  # (month, day), every year
    by_year: dict[int, frozenset[date]]  # lunar holidays and the extra Quốc khánh day
    weekend: frozenset[int]  # date.weekday() values that are not working days
    compensate: bool  # a holiday on a weekend gives the next working day off
    years: tuple[int, int]  # first and last year with per-year data


def _iso(value: object, filename: str, key: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as e:
        raise rules.fail(filename, key, f"not an ISO date: {value!r}") from e


def _build_holidays(data: dict, filename: str) -> Holidays:
    fixed = []
    for i, entry in enumerate(rules.require(data, "fixed", list, filename)):
        month, _, day = str(entry.get("date", "") if isinstance(entry, dict) else entry).partition("-")
        if not (month.isdigit() and day.isdigit()):
            raise rules.fail(filename, f"fixed[{i}]", "date must be 'MM-DD'")
        _iso(f"2000-{month}-{day}", filename, f"fixed[{i}]")
        fixed.append((int(month), int(day)))
    by_year: dict[int, set[date]] = {}
    for year, entry in rules.require(data, "years", dict, filename).items():
        key = f"years.{year}"
        if not isinstance(year, int) or not isinstance(entry, dict):
            raise rules.fail(filename, key, "must map a year to its holidays")
        days = [_iso(v, filename, f"{key}.{k}") for k, vs in entry.items() for v in (vs if isinstance(vs, list) else [vs])]
        if any(d.year != year for d in days):
            raise rules.fail(filename, key, "a date falls outside its year")
        by_year[year] = set(days)
    weekend = frozenset(rules.require(data, "weekend", list, filename))
    return Holidays(tuple(fixed), {y: frozenset(d) for y, d in by_year.items()}, weekend,
                    bool(data.get("compensate_weekend", True)), (min(by_year), max(by_year)))


@dataclass(frozen=True)
class SchoolCalendar:
    phrase: re.Pattern  # how the end of a term is written
    terms: dict[str, str]  # written term ("I", "2") -> "semester_1" | "semester_2"
    years: dict[int, dict[str, date]]  # first year of the school year -> term -> end


def _build_school(data: dict, filename: str) -> SchoolCalendar:
    years = {}
    for year, entry in rules.require(data, "years", dict, filename).items():
        key = f"years.{year}"
        if not isinstance(year, int) or not isinstance(entry, dict) or set(entry) != set(SCHOOL_TERMS):
            raise rules.fail(filename, key, f"must map a school year's first year to {', '.join(SCHOOL_TERMS)}")
        ends = {term: _iso(entry[term], filename, f"{key}.{term}") for term in SCHOOL_TERMS}
        if not ends["semester_1"] < ends["semester_2"] <= ends["year"] or ends["semester_1"].year != year + 1:
            raise rules.fail(filename, key, "semester I must end in January of the next year, before semester II and the year")
        years[year] = ends
    terms = rules.require(data, "terms", dict, filename)
    if not set(terms.values()) <= set(SCHOOL_TERMS):
        raise rules.fail(filename, "terms", f"must map written terms to {', '.join(SCHOOL_TERMS)}")
    phrase = rules.compile_regex(data.get("phrase"), filename, "phrase")
    if not {"term", "y1"} <= set(phrase.groupindex):
        raise rules.fail(filename, "phrase", "needs the groups term and y1")
    return SchoolCalendar(phrase, {str(k).upper(): v for k, v in terms.items()}, years)


def load_rules() -> tuple[Holidays, SchoolCalendar]:
    """Both calendar rule files, validated (call at start to fail early on a bad file)."""
    return rules.load("holidays", _build_holidays), rules.load("school_calendar", _build_school)


@lru_cache(maxsize=64)
def holidays(year: int) -> frozenset[date]:
    """Days off in `year`: fixed and per-year holidays, plus compensation days for weekend ones."""
    data = rules.load("holidays", _build_holidays)
    days = {date(year, month, day) for month, day in data.fixed} | data.by_year.get(year, frozenset())
    if data.compensate:
        for day in sorted(days):
            if day.weekday() in data.weekend:
                extra = day + timedelta(1)
                while extra.weekday() in data.weekend or extra in days:
                    extra += timedelta(1)
                days.add(extra)
    return frozenset(days)


def is_working_day(day: date) -> bool:
    weekend = rules.load("holidays", _build_holidays).weekend
    return day.weekday() not in weekend and day not in holidays(day.year)


def add_working_days(start: date, count: int) -> date:
    """The `count`-th working day after `start` (the start day itself is not counted)."""
    day, done = start, 0
    while done < count:
        day += timedelta(1)
        done += is_working_day(day)
    return day


def next_working_day(day: date) -> date:
    """`day`, or the first working day after it: a period ending on a day off ends then (BLDS Đ.148)."""
    while not is_working_day(day):
        day += timedelta(1)
    return day


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(day: date, months: int) -> date:
    """The same day `months` later, clamped to the month's end (31/1 + 1 month = 28 or 29/2)."""
    year, month = divmod(day.month - 1 + months, 12)
    end = month_end(day.year + year, month + 1)
    return end.replace(day=min(day.day, end.day))


def period_bounds(kind: str, year: int, number: int = 0) -> tuple[date, date]:
    """First and last day of month `number`, quarter `number`, half `number` (1, 2) or the year."""
    if kind == "month":
        return date(year, number, 1), month_end(year, number)
    if kind == "quarter":
        return date(year, 3 * number - 2, 1), month_end(year, 3 * number)
    if kind == "half":
        return date(year, 6 * number - 5, 1), month_end(year, 6 * number)
    return date(year, 1, 1), date(year, 12, 31)


def count_from(start: date, count: int, unit: str) -> date:
    """`count` days, working_days, weeks or months after `start`, which is not counted (BLDS Đ.147).

    A period in calendar days, weeks or months that ends on a day off ends on the next working day.
    """
    if unit == "working_days":
        return add_working_days(start, count)
    end = add_months(start, count) if unit == "months" else start + timedelta(count * (7 if unit == "weeks" else 1))
    return next_working_day(end)


def school_term_end(term: str, school_year: int) -> date | None:
    """When a term of the school year starting in September `school_year` ends (framework default)."""
    years = rules.load("school_calendar", _build_school).years
    return years.get(school_year, {}).get(term)


def school_deadline(text: str, doc_date: Optional[date]) -> Optional[str]:
    """The framework end of the school term `text` names ("cuối học kỳ I", "kết thúc năm học 2021-2022").

    Not used by find_temporal: the gold leaves these null. The school year is the one written, else
    the one the document's date falls in.
    """
    school = rules.load("school_calendar", _build_school)
    m = school.phrase.search(text or "")
    term = m and (school.terms.get(m.group("term").upper()) if m.group("term") else "year")
    year = m and (int(m.group("y1")) if m.group("y1") else school_year_of(doc_date) if doc_date else None)
    end = school_term_end(term, year) if term and year else None
    return end.isoformat() if end else None


def this_or_next_year(make: Callable[[int], tuple[date, date]], year: Optional[int],
                      doc_date: Optional[date]) -> Optional[tuple[date, date]]:
    """`make(year)`; with no year written, the document's year, or the next when that is already past."""
    if year is not None:
        return make(year)
    if doc_date is None:
        return None
    span = make(doc_date.year)
    return span if span[1] >= doc_date else make(doc_date.year + 1)


def school_year_of(day: date) -> int:
    """The first year of the school year `day` falls in (September to August)."""
    return day.year if day.month >= 8 else day.year - 1


def first_occurrence(rrule: str, start: date) -> date | None:
    """The first date on or after `start` of an RRULE with BYMONTHDAY (and BYMONTH) or WEEKLY BYDAY."""
    parts = dict(part.split("=", 1) for part in rrule.split(";") if "=" in part)
    if parts.get("FREQ") == "WEEKLY" and parts.get("BYDAY") in WEEKDAY_CODES:
        return start + timedelta((WEEKDAY_CODES.index(parts["BYDAY"]) - start.weekday()) % 7)
    if "BYMONTHDAY" not in parts:
        return None
    wanted = int(parts["BYMONTHDAY"])
    months = {int(m) for m in parts.get("BYMONTH", "").split(",") if m} or set(range(1, 13))
    for offset in range(25):
        year, month = divmod(start.month - 1 + offset, 12)
        end = month_end(start.year + year, month + 1)
        if end.month in months and abs(wanted) <= end.day:
            day = end.replace(day=wanted if wanted > 0 else end.day + 1 + wanted)
            if day >= start:
                return day
    return None


# Lunar calendar (Hồ Ngọc Đức's algorithm, "Thuật toán tính âm lịch", with UTC+7), used to check and
# regenerate the lunar holidays in rules/holidays.yaml, never at run time.

def _new_moon_day(k: int) -> int:
    t = k / 1236.85
    dr = pi / 180
    jd = 2415020.75933 + 29.53058868 * k + 0.0001178 * t**2 - 0.000000155 * t**3
    jd += 0.00033 * sin((166.56 + 132.87 * t - 0.009173 * t**2) * dr)
    m = 359.2242 + 29.10535608 * k - 0.0000333 * t**2 - 0.00000347 * t**3
    mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t**2 + 0.00001236 * t**3
    f = 21.2964 + 390.67050646 * k - 0.0016528 * t**2 - 0.00000239 * t**3
    c1 = (0.1734 - 0.000393 * t) * sin(m * dr) + 0.0021 * sin(2 * dr * m) - 0.4068 * sin(mpr * dr)
    c1 += 0.0161 * sin(dr * 2 * mpr) - 0.0004 * sin(dr * 3 * mpr) + 0.0104 * sin(dr * 2 * f)
    c1 += -0.0051 * sin(dr * (m + mpr)) - 0.0074 * sin(dr * (m - mpr)) + 0.0004 * sin(dr * (2 * f + m))
    c1 += -0.0004 * sin(dr * (2 * f - m)) - 0.0006 * sin(dr * (2 * f + mpr)) + 0.0010 * sin(dr * (2 * f - mpr))
    c1 += 0.0005 * sin(dr * (2 * mpr + m))
    delta = 0.001 + 0.000839 * t + 0.0002261 * t**2 - 0.00000845 * t**3 - 0.000000081 * t**4 if t < -11 \
        else -0.000278 + 0.000265 * t + 0.000262 * t**2
    return int(floor(jd + c1 - delta + 0.5 + _VN_TIMEZONE / 24))


def _sun_sector(day_number: int) -> int:
    """Which of the 12 solar-longitude sectors the sun is in at the start of the local day."""
    t = (day_number - 0.5 - _VN_TIMEZONE / 24 - 2451545.0) / 36525
    dr = pi / 180
    m = 357.52910 + 35999.05030 * t - 0.0001559 * t**2 - 0.00000048 * t**3
    longitude = 280.46645 + 36000.76983 * t + 0.0003032 * t**2
    longitude += (1.914600 - 0.004817 * t - 0.000014 * t**2) * sin(dr * m)
    longitude += (0.019993 - 0.000101 * t) * sin(dr * 2 * m) + 0.000290 * sin(dr * 3 * m)
    radians = longitude * dr
    radians -= 2 * pi * floor(radians / (2 * pi))
    return int(floor(radians / pi * 6))


def _month_11(year: int) -> int:
    """Julian day of the start of lunar month 11 (the one holding the winter solstice) of `year`."""
    k = int(floor((date(year, 12, 31).toordinal() + _JD_OFFSET - 2415021) / 29.530588853))
    start = _new_moon_day(k)
    return _new_moon_day(k - 1) if _sun_sector(start) >= 9 else start


def _leap_offset(a11: int) -> int:
    k = int(floor((a11 - 2415021.076998695) / 29.530588853 + 0.5))
    i, arc = 1, _sun_sector(_new_moon_day(k + 1))
    while True:
        last, i = arc, i + 1
        arc = _sun_sector(_new_moon_day(k + i))
        if arc == last or i >= 14:
            return i - 1


def lunar_to_solar(day: int, month: int, year: int) -> date:
    """The solar date of lunar day/month (not a leap month) of lunar `year`, Vietnamese time."""
    a11, b11 = (_month_11(year - 1), _month_11(year)) if month < 11 else (_month_11(year), _month_11(year + 1))
    k = int(floor(0.5 + (a11 - 2415021.076998695) / 29.530588853))
    offset = (month - 11) % 12
    if b11 - a11 > 365 and offset >= _leap_offset(a11):
        offset += 1
    return date.fromordinal(_new_moon_day(k + offset) + day - 1 - _JD_OFFSET)


def lunar_holidays(year: int) -> dict[str, list[str]]:
    """Tết (the eve and days 1–3, five days from 2014: Bộ luật Lao động 2012) and Giỗ Tổ (10/3)."""
    new_year = lunar_to_solar(1, 1, year)
    days = 4 if year >= 2014 else 3
    tet = [new_year + timedelta(offset) for offset in range(-1, days)]
    return {"tet": [d.isoformat() for d in tet], "hung_kings": [lunar_to_solar(10, 3, year).isoformat()]}


def main() -> None:
    """Print the lunar part of rules/holidays.yaml's `years` block for 2010–2030."""
    for year in range(2010, 2031):
        entry = lunar_holidays(year)
        print(f"  {year}:\n    tet: [{', '.join(entry['tet'])}]\n    hung_kings: [{entry['hung_kings'][0]}]")


if __name__ == "__main__":
    main()
