"""Whether a paragraph asks somebody to act, and with which verb: the directive test.

A paragraph is a directive when, once its openers ("Năm học 2021-2022,", "Trong quá trình thực
hiện, nếu ... thì") are set aside, its clause starts with an action verb ("Rà soát, sửa đổi ..."),
or a unit is its subject and acts ("Sở Xây dựng chủ trì ..."), or it requests action ("đề nghị
phản ánh về Bộ"). Recitals, narratives of past results, closing formulas and effect clauses are
recognised first by the patterns of rules/directives.yaml; the verbs come from rules/actions.yaml,
consulted before underthesea's POS tags because the tagger misses common ones ("rà soát" as N).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import nlp, units
from .vocabulary import lexicon, main_verb, patterns, phrase_at, sentences
from .nlp import canon

KINDS = ("directive", "recital", "narrative", "closing", "never", "lead_in", "other")
_K = {w: nlp.key(w) for w in ("được", "sẽ", "đã", "theo", "thì")}
_DETOURS = {nlp.key(w) for w in ("theo", "sau", "khi", "nếu", "trong")}
_K_DO = (nlp.key("do"),)
_MODALS = {(nlp.key("phải"),), (nlp.key("cần"),)}


@dataclass(frozen=True)
class Verdict:
    """What a paragraph is: `kind` is one of KINDS; `action` the main verb when it acts."""

    kind: str
    action: Optional[str] = None
    confidence: float = 0.0
    cues: tuple[str, ...] = ()

    @property
    def acts(self) -> bool:
        return self.action is not None


def classify(text: str) -> Verdict:
    """The kind of a paragraph and, when it asks for action, its main verb.

    >>> classify("Rà soát, sửa đổi, bổ sung theo thẩm quyền các văn bản.").action
    'rà soát'
    """
    pats, key = patterns(), canon(text).strip()
    parts = sentences(text) or [""]
    if any(p.search(key) for p in pats.never) or _title_like(text):
        return Verdict("never")
    if pats.single["lead_in_end"].search(key):
        return _verdict("lead_in", act(parts[0]))
    if any(p.search(key) for p in pats.recital) or \
            (pats.single["grounds_start"].search(key) and pats.single["recital_end"].search(key)):
        return Verdict("recital")
    found = act(parts[0]) or _later_request(parts[1:])
    if any(p.search(canon(parts[-1])) for p in pats.closing):
        found = found or act(parts[-1])
        if not found or nlp.keys(found[0]) in lexicon().generic:
            return _verdict("closing", found)
    if any(p.search(key) for p in pats.narrative) and not (found and found[2] == "imperative"):
        return Verdict("narrative")
    if not found and pats.single["feedback"].search(key):
        found = _feedback(parts[0])
    return _verdict("directive", found) if found else Verdict("other")


def is_closing(text: str) -> bool:
    """Whether the last sentence of a paragraph reads like a closing formula."""
    last = (sentences(text) or [""])[-1]
    return any(p.search(canon(last)) for p in patterns().closing)


def _title_like(text: str) -> bool:
    """Titles and page furniture: all capitals, or too short to name an action and its object."""
    words = 0
    for w in text.split():  # five words with letters are enough to know: a paragraph is not scanned whole
        if any(c.isalpha() for c in w):
            words += 1
            if words == 5:
                break
    head = [c for c in text[:80] if c.isalpha()]
    return words < 5 or sum(c.isupper() for c in head) > 0.7 * len(head)


def _verdict(kind: str, found) -> Verdict:
    if not found:
        return Verdict(kind)
    action, confidence, how = found
    return Verdict(kind, action, confidence, (how,))


def act(sentence: str) -> Optional[tuple[str, float, str]]:
    """(action, confidence, how) when the sentence asks for action, else None.

    Kept for the document being read: its kind, its assignees and its lead-ins ask of the same
    sentences again (half of the calls); `forget` starts the next document afresh."""
    try:
        return _ACTS[sentence]
    except KeyError:
        found = _ACTS[sentence] = _act(sentence)
        return found


_ACTS: dict[str, Optional[tuple[str, float, str]]] = {}


def forget() -> None:
    """Drop the answers kept for the last document."""
    _ACTS.clear()


def _act(sentence: str) -> Optional[tuple[str, float, str]]:
    grounds = patterns().single["grounds_start"]
    for start in _clause_starts(sentence):
        clause = sentence[start:]
        if grounds.match(canon(clause)):
            found = _after_grounds(clause)
            if not found and start and sentence[:start].rstrip().endswith(":"):
                found = ("căn cứ", 0.5, "grounds")  # "Kinh phí điều trị: căn cứ số đối tượng ..."
        else:
            found = imperative(clause) or _subject_acts(clause)
        if found:
            return None if found[2] == "promise" or _promised(sentence) else found
    return _requested(sentence)


def _promised(sentence: str) -> bool:
    """ "Sau khi ..., Bộ sẽ có văn bản hướng dẫn": the issuer's own future step, not a request."""
    syl = nlp.syllables(sentence)
    return any(m.last < len(syl) and syl[m.last].key == _K["sẽ"] and m.first and syl[m.first - 1].text == ","
               for m in units.find(sentence))


def _later_request(rest: list[str]) -> Optional[tuple[str, float, str]]:
    """A request in a later sentence: "Theo công văn số ..., thì ... . Vì vậy, đề nghị X ..."."""
    for sentence in rest:
        found = _requested(sentence)
        if found:
            return (found[0], 0.6, "request")
    return None


def _feedback(sentence: str) -> Optional[tuple[str, float, str]]:
    """ "Trong quá trình thực hiện, nếu có vướng mắc, X báo cáo về Y": the verb after the condition."""
    m = patterns().single["feedback"].search(canon(sentence))
    syl = nlp.syllables(sentence)
    for i, s in enumerate(syl):
        if m and s.start >= m.end():
            verb = phrase_at(syl, i, lexicon().verbs)
            if verb:
                return (" ".join(x.text.lower() for x in syl[i:i + len(verb)]), 0.7, "feedback")
    return None


def _clause_starts(sentence: str, labels: bool = True) -> list[int]:
    """Offsets where the main clause may start: 0, then after each opener (and, with `labels`,
    after a label and its colon), up to three deep."""
    pats = patterns()
    chain = pats.openers + ((pats.single["label"],) if labels else ())
    starts, rest, offset = [0], canon(sentence), 0
    for _ in range(4):
        cut = next((m.end() for p in chain if (m := p.match(rest)) and m.end() > 0), 0)
        if not cut:
            break
        offset += cut
        rest = rest[cut:]
        starts.append(offset)
    return starts


def main_clause(sentence: str) -> int:
    """Where the main clause starts after subordinate openers ("Sau khi X phê duyệt ..., ")."""
    return _clause_starts(sentence, labels=False)[-1]


def imperative(clause: str) -> Optional[tuple[str, float, str]]:
    """A clause that opens with its action ("Rà soát ...", "Tiếp tục đẩy mạnh ...")."""
    syl = nlp.syllables(clause)
    verb = main_verb(syl, 0) or duty(syl, 0)
    return (verb, 0.8, "imperative") if verb else None


def _subject_acts(clause: str) -> Optional[tuple[str, float, str]]:
    """A unit (list) that opens the clause and is followed by an action verb: "UBND xã thành lập ..."."""
    mentions = units.find(clause)
    if not mentions or clause[:mentions[0].start].strip(" ,:-–"):
        return None
    syl = nlp.syllables(clause)
    end = mentions[units.group_end(syl, mentions, 0)].last
    if end < len(syl) and syl[end].key in (_K["sẽ"], _K["đã"]):
        return ("", 0.0, "promise")  # "Bộ sẽ có văn bản ...", "Các trường đã chú trọng ...": not requests
    lex, verb = lexicon(), verb_after_subject(syl, end)
    if verb:
        return (verb, 0.9, "speaker" if phrase_at(syl, end, lex.speakers) else "subject")
    cue = any(phrase_at(syl, end, c) for c in (lex.speakers, *lex.cues.values()))
    verb = nlp.verb_at(clause, syl[end].start) if end < len(syl) and not cue else None
    return (verb, 0.6, "subject") if verb else None  # a verb the lexicon lacks, found by POS


def verb_after_subject(syl, i: int) -> Optional[str]:
    """The verb of a subject ending at syllable i. Between them may stand modifiers ("chủ động rà
    soát"), a passive relative ("được giao ... phải trình"), a duty ("là cơ quan thường trực"), an
    adverbial of manner ("theo chức năng, nhiệm vụ của mình giám sát") or a condition ("sau khi
    nhận được tạm ứng ... thì tự tổ chức")."""
    if i < len(syl) and syl[i].text == "(":  # "Hiệu trưởng (Trưởng ban) xây dựng"
        i = next((k + 1 for k in range(i, min(len(syl), i + 20)) if syl[k].text == ")"), i)
    verb = main_verb(syl, i) or passive_subject(syl, i) or duty(syl, i)
    if verb or i >= len(syl):
        return verb
    if syl[i].key in _DETOURS:
        for j in range(i + 1, min(len(syl), i + 30)):
            if syl[j].text in {".", ";", ":"}:
                return None
            if (syl[i].key == _K["theo"] or syl[j - 1].key == _K["thì"]) and main_verb(syl, j):
                return main_verb(syl, j)
    return None


def duty(syl, i: int) -> Optional[str]:
    """ "Phòng GD&ĐT là cơ quan thường trực ..., chủ trì ...": the duty, or the verb after it."""
    phrase = phrase_at(syl, i, lexicon().duties)
    if not phrase:
        return None
    later = next((v for j in range(i + len(phrase), min(len(syl), i + 25)) if (v := main_verb(syl, j))), None)
    return later or " ".join(s.text.lower() for s in syl[i:i + len(phrase)])


def passive_subject(syl, i: int) -> Optional[str]:
    """ "Các cơ quan ... được giao nhiệm vụ ... phải trình": the verb after the modal."""
    if i >= len(syl) or syl[i].key != _K["được"]:
        return None
    modals = {m for m in lexicon().modifiers if len(m) > 1 or m in _MODALS}
    for j in range(i + 1, min(len(syl), i + 30)):
        modal = phrase_at(syl, j, modals)
        if modal:
            return main_verb(syl, j + len(modal))
        if syl[j].text in {".", ";"}:
            return None
    return None


def _requested(sentence: str) -> Optional[tuple[str, float, str]]:
    """A request at a clause start or after its speaker: "Bộ đề nghị Sở X bố trí ...",
    "Vì vậy, đề nghị các địa phương ưu tiên ...", "... do Bộ Quốc phòng hướng dẫn thực hiện."."""
    syl, lex = nlp.syllables(sentence), lexicon()
    mentions = units.find(sentence)
    for i in range(len(syl)):
        cue = phrase_at(syl, i, lex.cues["lead"])
        if not cue or not _cue_position(syl, mentions, i, cue):
            continue
        j = i + len(cue)
        at = next((k for k, m in enumerate(mentions) if m.first == j), None)
        if at is None and cue in lex.cues["needs_unit"]:
            continue
        verb = _verb_near(syl, mentions[units.group_end(syl, mentions, at)].last if at is not None else j,
                          window=6 if at is not None else 0)
        if verb and (cue != _K_DO or len(syl) - i < 12):
            return (verb, 0.95 if at is not None else 0.7, "request")
    return None


def _cue_position(syl, mentions, i: int, cue) -> bool:
    """A request cue is a verb here, not part of a noun ("Đơn đề nghị", "theo đề nghị của")."""
    if cue == _K_DO or i == 0:
        return True
    return not phrase_at(syl, i - 1, lexicon().cues["request_nouns"]) and \
        not (i > 1 and phrase_at(syl, i - 2, lexicon().cues["request_nouns"]))


def at_clause_head(syl, mentions, i: int) -> bool:
    """Whether position i opens a clause: its start, after punctuation, its speaker or modifiers."""
    if i == 0 or syl[i - 1].text in {",", ";", ":"}:
        return True
    return any(m.last == i for m in mentions) or any(
        phrase_at(syl, i - len(mod), {mod}) for mod in lexicon().modifiers if i - len(mod) >= 0)


def _verb_near(syl, i: int, window: int) -> Optional[str]:
    """The action verb at i, or within `window` name-like words after it (no punctuation between)."""
    for j in range(i, min(len(syl), i + window + 1)):
        verb = main_verb(syl, j)
        if verb:
            return verb
        if not syl[j].is_word and syl[j].text not in {".", "…"}:
            return None
    return None


def _after_grounds(sentence: str) -> Optional[tuple[str, float, str]]:
    """A directive after its grounds: "Căn cứ X để tổng hợp ...", "Căn cứ X, tổ chức ..."."""
    for m in patterns().single["grounds"].finditer(canon(sentence)):
        found = act(sentence[m.end():])
        if found:
            return (found[0], 0.7, "grounds")
    syl = nlp.syllables(sentence)
    for i in range(2, len(syl)):
        if _code_end(syl, i - 1) and not syl[i].capitalized:
            verb = main_verb(syl, i)
            if verb:
                return (verb, 0.6, "grounds")
    return None


def _code_end(syl, i: int) -> bool:
    """Whether syllable i ends a document reference ("09/2013/TT-BXD", "Kế hoạch này")."""
    text = syl[i].text
    return text[-1:].isdigit() or syl[i].key == nlp.key("này") \
        or (len(text) > 1 and text.isupper() and syl[i - 1].text in "-/")
