"""The temporal stage: when a task paragraph is due, at what time, how often, and in which words.

`find_temporal(text, doc_date)` reads one paragraph and the document's date (never today). A date or
period counts only when the words in front of it make it a deadline ("trước ngày", "chậm nhất",
"trong năm 2013", a "Thời gian thực hiện:" label, a window "từ ... đến ..."), so the dates of cited
documents, context periods and past events fall out by themselves; explicit negatives catch the rest.
Patterns and vocabulary are data in rules/temporal.yaml; holidays, working days and school years
are in calendar_vn. The gold (corpus/gold) is the reference for what counts and for the words kept.
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial, reduce
from typing import NamedTuple, Optional

from .. import rules
from ..model import RECURRENCES
from . import calendar_vn as cal
from .prefilter import Prefilter

KINDS = ("date", "month", "quarter", "half", "year", "relative", "school")
PERIODS = ("month", "quarter", "half", "year")
_GROUPS = {"date": {"d", "m"}, "month": {"m"}, "quarter": {"q"}, "half": {"half"}, "year": {"y"},
           "relative": {"n", "unit"}, "school": set()}
_SECTIONS = {"precheck", "past_grace_days", "parts", "expressions", "cues", "time_after", "negatives", "tail",
             "heading_marker", "quarters", "halves", "units", "weekdays", "recurrence"}
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_BOUNDARY = re.compile(r"[.;!?](?=\s|$)|\n")  # sentence ends; "5.3.2018" and "71.000" are not
_MARKUP = re.compile(r"\*\*|__")
_SINGLE = {"precheck": "precheck", "time_after": "time_after", "tail": "tail", "heading_marker": "heading_marker",
           "label": "parts.label", "after": "negatives.after.open_ended", "scope": "negatives.scope",
           "not_after": "recurrence.not_after"}
_MERGE_GAP = 40  # deadline words this close in one sentence form one deadline_text ("đợt 1 ..., đợt 2 ...")


@dataclass(frozen=True)
class Temporal:
    deadline: Optional[str]  # ISO date "YYYY-MM-DD"
    deadline_text: Optional[str]  # the exact words that give the deadline (a substring of the input)
    time: Optional[str]  # "HH:MM" when a time of day is given
    recurrence: Optional[str]  # one of model.RECURRENCES
    rrule: Optional[str]  # RFC 5545 RRULE when recurring
    milestones: tuple[str, ...]  # every ISO date found as a deadline, in text order
    spans: tuple[tuple[int, int], ...]  # character spans of the deadline words in the input


class _Cue(NamedTuple):
    regex: re.Pattern
    strong: bool  # weak cues fail for past dates, the document's own date, past or festive sentences
    applies: frozenset  # "date" and/or "period"
    before_start: bool  # "trước tháng 12" is due before December begins


class _Recurrence(NamedTuple):
    freq: str
    regex: re.Pattern
    rrule: str  # a template filled from the match's groups when anchored
    anchored: bool  # names its day ("trước ngày 25 hằng tháng"), so it has a first occurrence


class _Rules(NamedTuple):
    grace: timedelta
    regex: dict[str, re.Pattern]  # the single patterns of _SINGLE, by name
    expressions: tuple[tuple[str, re.Pattern], ...]  # (kind, regex)
    cues: tuple[_Cue, ...]
    before: tuple[re.Pattern, ...]  # negatives right before a date
    clause: tuple[re.Pattern, ...]  # negatives anywhere in its sentence (weak cues)
    numbers: dict  # kind -> {written form: number} for quarters and halves
    units: dict
    weekdays: dict
    default_rrule: dict
    recurrences: tuple[_Recurrence, ...]
    recurrence_filter: Prefilter  # the recurrences a clause holds the words of: most clauses none


class _Item(NamedTuple):
    start: int  # offsets in the markup-free view of the text
    end: int
    due: Optional[date] = None
    time: Optional[str] = None
    freq: Optional[str] = None
    rrule: Optional[str] = None
    anchored: bool = False


# ---- rules: validated and compiled once (rules.load caches the result) ----

def _regex(parts: dict, filename: str, pattern: object, key: str) -> re.Pattern:
    """Compile a rule pattern after inserting its {parts}, naming the file and key on any fault."""
    if not isinstance(pattern, str):
        raise rules.fail(filename, key, "pattern must be a string")
    unknown = [name for name in _PLACEHOLDER.findall(pattern) if name not in parts]
    if unknown:
        raise rules.fail(filename, key, f"unknown part {{{unknown[0]}}}")
    return rules.compile_regex(_PLACEHOLDER.sub(lambda m: parts[m.group(1)], pattern), filename, key)


def _entries(data: dict, key: str, filename: str) -> list[tuple[str, dict]]:
    """The named entries of a mapping section, each checked to be a mapping with a pattern."""
    entries = list(rules.require(data, key, dict, filename).items())
    for name, entry in entries:
        if not isinstance(entry, dict) or "pattern" not in entry:
            raise rules.fail(filename, f"{key}.{name}", "must be a mapping with a pattern")
    return entries


def _table(data: dict, key: str, filename: str, allowed: set) -> dict:
    table = rules.require(data, key, dict, filename)
    for name, value in table.items():
        if value not in allowed:
            raise rules.fail(filename, f"{key}.{name}", f"must be one of {sorted(allowed)}")
    return {" ".join(str(name).upper().split()): value for name, value in table.items()}


def _build(data: dict, filename: str) -> _Rules:
    unknown = sorted(set(data) - _SECTIONS)
    if unknown:
        raise rules.fail(filename, unknown[0], "unknown section")
    parts: dict[str, str] = {}
    for name, value in rules.require(data, "parts", dict, filename).items():
        parts[name] = _regex(parts, filename, value, f"parts.{name}").pattern
    rx = partial(_regex, parts, filename)
    neg = rules.require(data, "negatives", dict, filename)
    group = lambda key: tuple(rx(v, f"negatives.{key}.{k}") for k, v in rules.require(neg, key, dict, filename).items())
    return _Rules(
        timedelta(rules.require(data, "past_grace_days", int, filename)),
        {name: rx(reduce(lambda d, k: d.get(k) if isinstance(d, dict) else None, key.split("."), data), key)
         for name, key in _SINGLE.items()},
        _expressions(data, filename, rx), _cues(data, filename, rx), group("before"), group("clause"),
        {"quarter": _table(data, "quarters", filename, {1, 2, 3, 4}), "half": _table(data, "halves", filename, {1, 2})},
        _table(data, "units", filename, {"days", "working_days", "weeks", "months"}),
        _table(data, "weekdays", filename, set(cal.WEEKDAY_CODES)), *_with_filter(*_recurrence_rules(data, filename, rx)))


def _with_filter(defaults: dict, recurrences: tuple) -> tuple:
    """The recurrence rules and their prefilter, so a clause is scanned only with the rules whose
    required words it holds, not once a rule."""
    return defaults, recurrences, Prefilter([rec.regex for rec in recurrences])


def _expressions(data: dict, filename: str, rx) -> tuple:
    found = []
    for name, entry in _entries(data, "expressions", filename):
        regex = rx(entry["pattern"], f"expressions.{name}.pattern")
        if entry.get("kind") not in KINDS or _GROUPS[entry["kind"]] - set(regex.groupindex):
            raise rules.fail(filename, f"expressions.{name}", f"needs a kind of {', '.join(KINDS)} and its groups")
        found.append((entry["kind"], regex))
    return tuple(found)


def _cues(data: dict, filename: str, rx) -> tuple:
    found = []
    for name, entry in _entries(data, "cues", filename):
        applies = frozenset(entry.get("applies") or ())
        if entry.get("strength") not in ("strong", "weak") or not applies or applies - {"date", "period"}:
            raise rules.fail(filename, f"cues.{name}", "needs strength strong|weak and applies ⊆ [date, period]")
        regex = rx(entry["pattern"], f"cues.{name}.pattern")
        found.append(_Cue(regex, entry["strength"] == "strong", applies, bool(entry.get("before_start"))))
    return tuple(found)


def _recurrence_rules(data: dict, filename: str, rx) -> tuple:
    section = rules.require(data, "recurrence", dict, filename)
    defaults = rules.require(section, "rrule", dict, filename)
    if set(defaults) != set(RECURRENCES):
        raise rules.fail(filename, "recurrence.rrule", f"must give exactly {', '.join(RECURRENCES)}")
    found = []
    for freq, patterns in rules.require(section, "plain", dict, filename).items():
        if freq not in RECURRENCES or not isinstance(patterns, list):
            raise rules.fail(filename, f"recurrence.plain.{freq}", "must map a recurrence to a list of patterns")
        found += [_Recurrence(freq, rx(p, f"recurrence.plain.{freq}[{i}]"), defaults[freq], False)
                  for i, p in enumerate(patterns)]
    for name, entry in _entries(section, "anchored", filename):
        key, template = f"recurrence.anchored.{name}", str(entry.get("rrule", ""))
        regex = rx(entry["pattern"], f"{key}.pattern")
        fields = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        if entry.get("freq") not in RECURRENCES or not template.startswith("FREQ=") or fields - set(regex.groupindex):
            raise rules.fail(filename, key, "needs a freq, and an rrule whose {fields} are groups of the pattern")
        found.append(_Recurrence(entry["freq"], regex, template, True))
    return defaults, tuple(found)


def load_rules() -> _Rules:
    """rules/temporal.yaml, validated and compiled (call at start to fail early on a bad file)."""
    return rules.load("temporal", _build)


# ---- finding dates, periods and recurrences ----

class _Scan(NamedTuple):
    view: str  # the text without ** / __ emphasis markers
    ends: list[int]  # sentence boundaries in view
    doc_date: Optional[date]
    rules: _Rules

    def clause(self, pos: int) -> tuple[int, int]:
        start = max((e for e in self.ends if e <= pos), default=0)
        return start, min((e for e in self.ends if e > pos), default=len(self.view))


def _strip_markup(text: str) -> tuple[str, Optional[list[int]]]:
    """The text without emphasis markers, and where each of its characters sits in the input."""
    if "**" not in text and "__" not in text:
        return text, None
    pieces, index, pos = [], [], 0
    for m in [*_MARKUP.finditer(text), None]:
        stop = m.start() if m else len(text)
        pieces.append(text[pos:stop])
        index.extend(range(pos, stop))
        pos = m.end() if m else pos
    return "".join(pieces), index + [len(text)]


def _non_overlapping(found: list, blocked: list = ()) -> list:
    """Earliest first, longest at equal starts; a later match overlapping a kept one is dropped."""
    kept, reach = [], -1
    for item in sorted(found, key=lambda f: (f[0], -f[1])):
        start, end = item[0], item[1]
        if start >= reach and end > start and not any(b[0] < end and start < b[1] for b in blocked):
            kept.append(item)
            reach = end
    return kept


def _expressions_in(view: str, r: _Rules, kinds: tuple = KINDS, blocked: list = ()) -> list:
    return _non_overlapping([(m.start(), m.end(), kind, m) for kind, regex in r.expressions if kind in kinds
                             for m in regex.finditer(view)], blocked)


def _span(kind: str, groups: dict, doc_date: Optional[date], r: _Rules) -> Optional[tuple[date, date]]:
    """First and last day of a date or period; a missing year is the document's (next year if past)."""
    def make(year: int) -> tuple[date, date]:
        if kind == "date":
            return (date(year, int(groups["m"]), int(groups["d"])),) * 2
        written = groups.get("q") or groups.get("half") or groups.get("m") or "0"
        return cal.period_bounds(kind, year, r.numbers.get(kind, {}).get(written.upper()) or int(written))

    try:
        return cal.this_or_next_year(make, int(groups["y"]) if groups.get("y") else None, doc_date)
    except ValueError:
        return None


def _best_cue(prefix: str, family: str, r: _Rules) -> Optional[tuple[_Cue, re.Match]]:
    """The cue that reaches furthest back before the expression; strong ones win ties."""
    found = [(m.start(), not cue.strong, cue, m) for cue in r.cues if family in cue.applies
             for m in [cue.regex.search(prefix)] if m]
    return min(found, key=lambda f: f[:2])[2:] if found else None


def _words_start(cue_match: re.Match) -> int:
    """Where the deadline words start in a cue: its "words" group when the rule marks one."""
    has_words = "words" in cue_match.re.groupindex and cue_match.group("words") is not None
    return cue_match.start("words") if has_words else cue_match.start()


def _plausible(due: date, cue: _Cue, kind: str, prefix: str, scan: _Scan, clause: tuple[int, int]) -> bool:
    """Reject past dates, report scopes; weak cues need a later date than the document's, in a plain sentence."""
    r, doc_date = scan.rules, scan.doc_date
    if (kind in PERIODS and r.regex["scope"].search(prefix)) or (doc_date and due < doc_date - r.grace):
        return False
    if cue.strong:
        return True
    return bool(doc_date) and due > doc_date and not any(n.search(scan.view, *clause) for n in r.clause)


def _time(match: Optional[re.Match]) -> Optional[str]:
    groups = match.groupdict() if match else {}
    return f"{int(groups['hh']):02d}:{groups.get('mm') or '00'}" if groups.get("hh") else None


def _dated(kind: str, m: re.Match, scan: _Scan) -> Optional[_Item]:
    """A date, period or relative period as a deadline item, or None when it is not a deadline."""
    r, view, doc_date = scan.rules, scan.view, scan.doc_date
    clause = scan.clause(m.start())
    prefix = view[clause[0]:m.start()]
    if kind == "relative":
        unit = r.units.get(" ".join(m.group("unit").upper().split()))
        return _Item(m.start(), m.end(), cal.count_from(doc_date, int(m.group("n")), unit) if doc_date else None)
    found = _best_cue(prefix, "date" if kind == "date" else "period", r)
    if kind == "school":  # kept for its words; the gold leaves school terms without a date
        return _Item(clause[0] + _words_start(found[1]) if found else m.start(), m.end())
    if found is None or any(n.search(prefix) for n in r.before) or r.regex["after"].match(view, m.end()):
        return None
    cue, cue_match = found
    span = _span(kind, m.groupdict(), doc_date, r)
    due = span and (span[0] - timedelta(1) if cue.before_start and kind in PERIODS else span[1])
    if not due or not _plausible(due, cue, kind, prefix, scan, clause):
        return None
    after = None if _time(cue_match) else r.regex["time_after"].match(view, m.end())
    return _Item(clause[0] + _words_start(cue_match), after.end() if after else m.end(), due,
                 _time(cue_match) or _time(after))


def _recurrences(scan: _Scan) -> list[_Item]:
    """Recurrences in text order; a plain one inside an anchored one ("hằng tháng") is dropped."""
    r, found = scan.rules, []
    for rec in (r.recurrences[i] for i in r.recurrence_filter.candidates(scan.view)):
        for m in rec.regex.finditer(scan.view):
            if not rec.anchored and r.regex["not_after"].search(scan.view[max(0, m.start() - 40):m.start()]):
                continue
            groups = {k: v for k, v in m.groupdict().items() if v}
            weekday = r.weekdays.get(re.sub(r"^thứ\s+", "", groups.get("wd", "").lower()).upper())
            try:
                rrule = rec.rrule.format(d=int(groups.get("d", 0)), m=int(groups.get("m", 0)), wd=weekday)
            except (KeyError, ValueError):
                continue
            due = cal.first_occurrence(rrule, scan.doc_date) if rec.anchored and scan.doc_date else None
            found.append(_Item(m.start(), m.end(), due, None, rec.freq, rrule, rec.anchored))
    anchored = _non_overlapping([i for i in found if i.anchored])
    return sorted(anchored + _non_overlapping([i for i in found if not i.anchored], anchored), key=lambda i: i.start)


# ---- assembling the answer ----

def _label_value(item: _Item, scan: _Scan) -> Optional[tuple[int, int]]:
    """The value of a "Thời gian thực hiện: ..." label that opens with the item: the gold keeps it whole."""
    start, end = scan.clause(item.start)
    labels = [m for m in scan.rules.regex["label"].finditer(scan.view, start, item.end) if m.start() <= item.start]
    if not labels:
        return None
    value = scan.view[labels[-1].end():end]
    value_start = labels[-1].end() + len(value) - len(value.lstrip())
    if item.start > value_start:  # the label heads a longer sentence: keep the deadline words only
        return None
    return value_start, labels[-1].end() + len(value.rstrip(" .;:,"))


def _extent(item: _Item, scan: _Scan) -> tuple[int, int]:
    tail = scan.rules.regex["tail"].match(scan.view, item.end)
    return item.start, tail.end() if tail else item.end


def _merge(pieces: list[tuple[int, int]], view: str) -> list[tuple[int, int]]:
    """Join deadline words close together in one sentence; take in a ")" closing a "(" inside."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(pieces):
        gap = view[merged[-1][1]:start] if merged else ""
        near = len(gap) <= _MERGE_GAP and not _BOUNDARY.search(gap) and ";" not in gap
        if merged and (start <= merged[-1][1] or near):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    closed = lambda s, e: e + 1 if view.count("(", s, e) > view.count(")", s, e) and view.startswith(")", e) else e
    return [(s, closed(s, e)) for s, e in merged]


def _to_text(span: tuple[int, int], text: str, index: Optional[list[int]]) -> tuple[int, int]:
    """A view span as a span of the input, emphasis markers inside it kept balanced."""
    if index is None:
        return span
    start, end = index[span[0]], index[span[1] - 1] + 1
    for marker in ("**", "__"):
        if text.count(marker, start, end) % 2 and text.startswith(marker, end):
            end += len(marker)
    return start, end


def _context_only(context: Optional[str], freq: Optional[str] = None, rrule: Optional[str] = None) -> Temporal:
    return Temporal(context, None, None, freq, rrule, (context,) if context else (), ())


def _assemble(text: str, index, scan: _Scan, dated: list[_Item], recs: list[_Item],
              schools: list[_Item], context: Optional[str]) -> Temporal:
    freq = recs[0].freq if recs else None
    rrule = next((i.rrule for i in recs if i.freq == freq and i.anchored), recs[0].rrule if recs else None)
    primary = (dated or recs or schools or [None])[0]
    if primary is None or (primary in schools and context):  # a school term under a dated heading
        return _context_only(context, freq, rrule)
    first = _label_value(primary, scan) or _extent(primary, scan)
    pieces = [first] + [_extent(i, scan) for i in dated[1:]]
    pieces += [(i.start, i.end) for i in recs if i.freq == primary.freq and i is not primary
               and scan.clause(i.start) == scan.clause(primary.start)]
    merged = _merge(pieces, scan.view)
    spans = tuple(_to_text(s, text, index) for s in merged)
    own = spans[next(k for k, s in enumerate(merged) if s[0] <= first[0] < s[1])]
    milestones = tuple(dict.fromkeys(i.due.isoformat() for i in dated)) or ((context,) if context else ())
    return Temporal(milestones[0] if milestones else None, text[own[0]:own[1]], primary.time if dated else None,
                    freq, rrule, milestones, spans)


def find_temporal(text: str, doc_date: Optional[date], context_deadline: Optional[str] = None) -> Temporal:
    """The deadline, time, recurrence and milestones of one paragraph, relative to `doc_date`.

    `context_deadline` (an enclosing schedule heading's deadline) applies when the text has none.
    >>> find_temporal("gửi về Bộ trước ngày 12/7/2019.", date(2019, 7, 3)).deadline
    '2019-07-12'
    """
    r = load_rules()
    if not text or not r.regex["precheck"].search(text):
        return _context_only(context_deadline)
    view, index = _strip_markup(text)
    scan = _Scan(view, [m.end() for m in _BOUNDARY.finditer(view)], doc_date, r)
    recs = _recurrences(scan)
    candidates = _expressions_in(view, r, blocked=[(i.start, i.end) for i in recs if i.anchored])
    items = [(kind, _dated(kind, m, scan)) for _, _, kind, m in candidates]
    dated = sorted([i for k, i in items if i and i.due] + [i for i in recs if i.due], key=lambda i: i.start)
    schools = [i for k, i in items if i and k == "school"]
    return _assemble(text, index, scan, dated, recs, schools, context_deadline)


def parse_date(text: str, doc_date: Optional[date] = None) -> Optional[str]:
    """The first date or period written in `text`, as the ISO date of its last day (no cue needed).

    >>> parse_date("ngày 4/ tháng 01 năm 2018")
    '2018-01-04'
    """
    r = load_rules()
    found = _expressions_in(_strip_markup(text or "")[0], r, PERIODS + ("date",))
    span = _span(found[0][2], found[0][3].groupdict(), doc_date, r) if found else None
    return span[1].isoformat() if span else None


def heading_deadline(heading: str, doc_date: Optional[date]) -> Optional[tuple[str, str]]:
    """The deadline a schedule heading gives its items: "1. Tháng 11/2021" -> ("2021-11-30", "Tháng 11/2021").

    A heading that is only a period ("Tháng 9": the document's year) resolves to its last day;
    otherwise the heading's own deadline words count ("... TỪ NAY ĐẾN NĂM 2015").
    """
    r = load_rules()
    view, index = _strip_markup(heading or "")
    start = r.regex["heading_marker"].match(view).end()
    body = view[start:].rstrip(" .:;")
    found = _expressions_in(body, r, PERIODS + ("date",))
    whole = len(found) == 1 and found[0][:2] == (0, len(body))
    span = _span(found[0][2], found[0][3].groupdict(), doc_date, r) if whole else None
    if span:
        begin, end = _to_text((start, start + len(body)), heading, index)
        return span[1].isoformat(), heading[begin:end]
    own = find_temporal(heading, doc_date)
    return (own.deadline, own.deadline_text) if own.deadline and own.deadline_text else None
