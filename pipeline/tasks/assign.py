"""Who acts in a directive, and in which role: leads and partners named in its own text.

Within a sentence each unit gets a status from the words before it: a request ("đề nghị X",
"giao X") or the subject position ("X chủ trì ...") makes it a lead, "phối hợp với Y" a partner,
and a preposition or another verb ("báo cáo X", "của X", "gửi về X") leaves it out. Units of one
list ("A, B và C") share a status. The speaker handing out the work ("Sở GD&ĐT yêu cầu ...") is
never an assignee. Generic mentions ("các đơn vị", "quý Bộ") stand for the Kính gửi addressees.
The fallbacks when a directive names nobody (heading, lead-in, addressees) are `extract_tasks`'s.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Optional

from ..model import Assignee
from ..text import fold
from . import directives, nlp, units
from . import vocabulary
from .units import Mention

_LIST = {nlp.key(w) for w in (",", ";", ":", "và", "cùng", "hoặc", "...", "…")}
_BOUNDARY = {",", ";", ":", nlp.key("thì")}
_THEO = nlp.key("theo")
_CUA = (nlp.key("của"),)
_DO = (nlp.key("do"),)
_LOOKAHEAD = 14  # syllables between a subject list and its verb ("theo chức năng, nhiệm vụ, ...")


@dataclass(frozen=True)
class Actor:
    """A unit acting in a text: `how` is "lead" or "partner"; `role` one of model.ROLES."""

    name: str
    unit_id: Optional[str]
    role: str
    how: str
    subject: bool = False  # a lead by subject position, not by a request


@dataclass(frozen=True)
class Parties:
    """Who a directive names: leads and partners of its first sentence, subjects of later ones."""

    leads: tuple[Actor, ...] = ()
    partners: tuple[Actor, ...] = ()
    later: tuple[Actor, ...] = ()


def parties(text: str, lead_in: bool = False) -> Parties:
    """The units a text names as acting, by sentence (see the module docstring)."""
    leads, partners, later = [], [], []
    for n, sentence in enumerate(vocabulary.sentences(text)):
        found = _label_owner(sentence) if n == 0 else []
        for actor in found or _sentence_actors(sentence, lead_in):
            if actor.how == "partner":
                partners.append(actor)
            elif n == 0:
                leads.append(actor)
            elif actor.subject:
                later.append(actor)
    return Parties(tuple(dedupe(leads)), tuple(dedupe(partners)), tuple(dedupe(later)))


def actors(text: str, lead_in: bool = False) -> list[Actor]:
    """Leads and partners of the first sentence of a text (a heading or lead-in). The subject of
    a lead-in is its speaker ("Phòng GD&ĐT thông báo lịch ... như sau:") unless it states a duty
    ("Đoàn kiểm tra có nhiệm vụ:")."""
    found = parties(vocabulary.sentences(text)[0] if text.strip() else "", lead_in)
    return dedupe([a for a in found.leads if not (lead_in and a.subject)] + list(found.partners))


def _label_owner(sentence: str) -> list[Actor]:
    """ "Tổ trưởng chuyên môn: Đi vào chiều sâu ...": a unit label before a colon owns the task."""
    label, sep, body = sentence.partition(":")
    if not sep or len(label.split()) > 6 or not body.strip() or directives.act(label):
        return []
    lex, syl = vocabulary.lexicon(), nlp.syllables(label)
    if vocabulary.phrase_at(syl, 0, lex.cues["lead"]) or vocabulary.main_verb(syl, 0):
        return []
    mentions = units.find(label, keep_weak=True)
    if mentions and not label[mentions[-1].end:].strip() and directives.act(body.strip()):
        return [Actor(label.strip(), mentions[-1].unit_id, "thực hiện", "lead", True)]
    return []


def _sentence_actors(sentence: str, lead_in: bool) -> list[Actor]:
    syl, mentions = nlp.syllables(sentence), units.find(sentence)
    found = directives.act(sentence)
    imperative = bool(found) and found[2] == "imperative"
    main = directives.main_clause(sentence)  # mentions in openers ("Sau khi X ...,") never act
    statuses: list[tuple[str, str]] = []
    for i in range(len(mentions)):
        statuses.append(_status(syl, mentions, i, statuses, lead_in, imperative))
    out = []
    for i, (m, (status, _)) in enumerate(zip(mentions, statuses)):
        if status in ("lead", "subject", "partner") and m.start >= main \
                and not _introduces_list(syl, mentions, i) and not _in_brackets(sentence, m):
            role = "phối hợp" if status == "partner" else _role_after(syl, m.last)
            out.append(Actor(m.text, m.unit_id, role, "partner" if status == "partner" else "lead",
                             status == "subject"))
    return out


def _in_brackets(sentence: str, m: Mention) -> bool:
    before = sentence[:m.start]
    return before.count("(") > before.count(")")


def _status(syl, mentions, i: int, statuses, lead_in: bool, imperative: bool) -> tuple[str, tuple]:
    """(status, cue) of mention i: lead | subject | partner | speaker | other, from the words before it."""
    m, lex = mentions[i], vocabulary.lexicon()
    begin = mentions[i - 1].last if i else 0
    gap = syl[begin:m.first]
    if i and all(s.key in _LIST for s in gap):
        status, cue = statuses[-1]
        if status == "other" and cue == _CUA and gap and gap[-1].text == "," and _verb_follows(syl, m.last):
            return "subject", ()  # "Trên cơ sở đề nghị của A, B chủ trì ...": B opens the clause
        return status, cue
    clause = _clause(syl, begin, m.first)
    status, cue, at = _last_cue(syl, clause, m.first, lex.cues["lead_in" if lead_in else "lead"], lex)
    if not status:
        return _positional(syl, mentions, i, clause)
    if status in ("lead", "partner") and not _adjacent(syl, at + len(cue), m.first, lex):
        return "other", cue
    led = any(st in ("lead", "subject") for st, _ in statuses)
    if status == "lead" and (_starts(syl, m.last, lex.cues["serving"]) or (cue == _DO and (imperative or led))
                             or (cue not in lex.cues["needs_unit"]
                                 and not directives.at_clause_head(syl, mentions, at))):
        return "other", cue  # "do X làm Trưởng ban", "... hoặc đề nghị cơ quan có thẩm quyền"
    if status == "other" and _starts(syl, m.last, lex.cues["acting_after"]):
        return "lead", cue  # "X chỉ đạo Y phối hợp với Z": Y acts
    return status, cue


def _positional(syl, mentions, i: int, clause: int) -> tuple[str, tuple]:
    """A unit no cue introduces: the subject of its clause when nothing acts before it and its
    verb follows it (or the list it heads); the speaker when that verb hands out work."""
    group_last = mentions[units.group_end(syl, mentions, i)].last
    acted = any(vocabulary.main_verb(syl, j) for j in range(clause, mentions[i].first))
    if acted or not _verb_follows(syl, group_last):
        return "other", ()
    if _verb_follows(syl, group_last, speakers=True):
        return "speaker", ()
    return ("lead" if directives.duty(syl, _skip_brackets(syl, group_last)) else "subject"), ()


def _adjacent(syl, j: int, end: int, lex) -> bool:
    """Only modifiers between a lead or partner cue and its unit ("giao cho", "đề nghị khẩn trương")."""
    while j < end:
        mod = vocabulary.phrase_at(syl, j, lex.modifiers)
        if not mod and syl[j].key not in _LIST:
            return False
        j += len(mod) if mod else 1
    return True


def _clause(syl, begin: int, end: int) -> int:
    """Where the clause holding syllable `end` starts (after the last comma, semicolon or "thì")."""
    for j in range(end - 1, begin - 1, -1):
        if syl[j].text in _BOUNDARY or syl[j].key in _BOUNDARY:
            return j + 1
    return begin


def _last_cue(syl, start: int, end: int, lead_cues, lex) -> tuple[Optional[str], tuple, int]:
    """(status, cue, position) of the right-most cue between start and end."""
    found, j = (None, (), start), start
    while j < end:
        for status, cues in (("lead", lead_cues), ("partner", lex.cues["partner"]), ("other", lex.cues["other"])):
            cue = vocabulary.phrase_at(syl, j, cues)
            if cue and j + len(cue) <= end:
                found = (_partner_with(syl, start, j, status, cue), cue, j)
                j += len(cue) - 1
                break
        j += 1
    return found


def _partner_with(syl, start: int, j: int, status: str, cue) -> str:
    """A bare "với" after "phối hợp ... đặc biệt với" still names a partner."""
    if status == "other" and cue == (nlp.key("với"),):
        keys = [s.key for s in syl[max(0, start - 12):j]]
        return "partner" if nlp.key("phối") in keys else status
    return status


def _starts(syl, i: int, phrases) -> bool:
    return vocabulary.phrase_at(syl, i, phrases) is not None


def _verb_follows(syl, i: int, speakers: bool = False) -> bool:
    """Whether the unit (list) ending at i is followed by its verb (or by a speaker verb)."""
    lex = vocabulary.lexicon()
    j = _skip_brackets(syl, i)
    if _starts(syl, _skip(syl, j, lex.modifiers), lex.speakers):
        return speakers
    return directives.verb_after_subject(syl, j) is not None and not speakers


def _skip_brackets(syl, i: int) -> int:
    if i < len(syl) and syl[i].text == "(":
        close = next((k for k in range(i, min(len(syl), i + 20)) if syl[k].text == ")"), None)
        return close + 1 if close is not None else i
    return i


def _skip(syl, j: int, phrases) -> int:
    while True:
        found = vocabulary.phrase_at(syl, j, phrases)
        if not found:
            return j
        j += len(found)


def _role_after(syl, i: int) -> str:
    """chủ trì / theo dõi when the unit's verb says so, else thực hiện."""
    verb = vocabulary.main_verb(syl, i) or ""
    return verb if verb in ("chủ trì", "theo dõi") else "thực hiện"


def _introduces_list(syl, mentions: list[Mention], i: int) -> bool:
    """ "các cơ quan chức năng: Sở Y tế, ..." or "Giao Giám đốc: Sở ...": the list, not the label."""
    m = mentions[i]
    nxt = mentions[i + 1] if i + 1 < len(mentions) else None
    return bool(nxt) and m.last < len(syl) and syl[m.last].text == ":" and nxt.first == m.last + 1


def to_assignees(actors_: Iterable[Actor]) -> list[Assignee]:
    return [Assignee(name=a.name, unit_id=a.unit_id, role=a.role) for a in dedupe(actors_)]


def dedupe(items: Iterable[Actor]) -> list[Actor]:
    seen, out = set(), []
    for a in items:
        key = fold(a.name)
        if key and key not in seen:
            seen.add(key)
            out.append(a)
    return out


def resolve(actors_: list[Actor], addressees: list[str]) -> list[Actor]:
    """Generic leads become the addressees ("đề nghị các đơn vị" asks the Kính gửi list; a generic
    partner is just other units); a mention inside one addressee becomes that addressee."""
    if not addressees:
        return actors_
    out: list[Actor] = []
    for a in actors_:
        out.extend(_addressed(a, addressees))
    return dedupe(out)


def _addressed(a: Actor, addressees: list[str]) -> list[Actor]:
    mention = next(iter(units.find(a.name)), None)
    if a.how == "lead" and mention and mention.generic and mention.end >= len(a.name.rstrip(" .;:")):
        return [Actor(x, None, a.role, a.how) for x in addressees]
    words = _content_keys(a.name, mention)
    if not words:
        return [a]
    hits = [x for x in addressees if words <= set(fold(x).split())]
    return [Actor(hits[0], a.unit_id, a.role, a.how)] if len(hits) == 1 else [a]


def _content_keys(name: str, mention: Optional[Mention]) -> set[str]:
    """Folded words of a unit name without its role holder and determiner."""
    syl = nlp.syllables(name)
    start = mention.unit_first if mention and mention.unit_first >= 0 else 0
    skip = {nlp.key(w) for w in ("các", "những", "quý", "toàn", "thể", "mỗi")}
    return {s.key for s in syl[start:] if s.is_word and s.key not in skip}


def items(text: str) -> list[str]:
    """The units of a role-list item, one per ";"-separated piece, as written."""
    return [p.strip(" .;:-–") for p in text.split(";") if p.strip(" .;:-–")]
