"""Synthetic dispatches for `make bench`: seeded, built from templates, with their expected reading.

`dispatch(index, seed)` writes one dispatch as the corpus writes its .txt files (Decree 30/2020
header, type and title or "V/v", Kính gửi, body, Nơi nhận, signature), and the gold a clerk would
annotate for it (corpus/gold format). Issuer level, document type, length (1 to 10 pages), numbered,
lettered, dash and plus lists, schedules, tables and the corpus's quirks ("Số: 15 /HD-…", "ngày 4/
tháng 01", a blank day, a pipe-table header, "CỘNG HOÀ", bold markers, signature above Nơi nhận) are
drawn from a generator seeded with (seed, index) alone, so a document never depends on how many
are made. The templates are data: pipeline/synth.yaml.

    >>> dispatch(7).gold["doc_type"] == dispatch(7).gold["doc_type"]
    True

`build_sets(root, seed, counts)` writes sets once, in shards of SHARD files: .txt as is, .docx with
corpus/make_renderings.py (the corpus's own renderer), .pdf from such .docx by LibreOffice, one
soffice call per shard with a private profile; each format draws its own documents (indices from
FORMAT_BASE) and every document's gold goes to root/gold/. `python -m pipeline.synth DIR -n 20`
writes a small set to look at.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import random
import shutil
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Optional

import yaml

VERSION = 1  # part of the cache key: bump whenever the templates or this module change the output
DATA_FILE = Path(__file__).with_name("synth.yaml")
RENDERER = Path(__file__).resolve().parent.parent / "corpus" / "make_renderings.py"
SHARD = 100  # documents per folder: a set of N documents is the first N/SHARD folders
FORMAT_BASE = {"txt": 0, "docx": 100_000, "pdf": 200_000}  # each format its own documents
DONE = ".done"  # a finished shard's marker (a dotfile: `congvan run` ignores it): {"files", "pages"}
PAGE_CHARS = 1800  # characters on an A4 page at 14 pt, Decree 30 margins, as LibreOffice lays them out
FRAME_CHARS = 1000  # header, title, Nơi nhận and signature: what the pages lose to the frame
PAGE_WEIGHTS = (22, 26, 18, 10, 7, 5, 4, 3, 3, 2)  # 1..10 pages; most dispatches are short
MAX_PAGES = {"Giấy mời": 2, "Quyết định": 6, "Chỉ thị": 6}
FIRST_DAY, LAST_DAY = date(2019, 1, 1), date(2025, 12, 31)
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_TITLES = {"Quyết định": "về việc {}", "Giấy mời": "dự hội nghị {}"}  # the title line after the type
TOPICS = ("Về công tác chuyên môn", "Về công tác kiểm tra", "Về công tác thông tin, báo cáo",
          "Về cơ sở vật chất", "Về công tác tuyên truyền", "Về công tác phối hợp")


@lru_cache(maxsize=1)
def templates() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


@dataclass
class Dispatch:
    """One synthetic dispatch: its .txt text, its gold (corpus/gold format) and its intended length."""

    stem: str
    text: str
    gold: dict
    pages: int


def dispatch(index: int, seed: int = 0) -> Dispatch:
    """The dispatch number `index` of the set `seed` (the same arguments give the same dispatch)."""
    draft = _Draft(random.Random(f"congvan-synth:{seed}:{index}"), f"synth-{seed}-{index:06d}")
    return draft.write()


@dataclass
class _Draft:
    rng: random.Random
    stem: str
    paras: list[str] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    refs: list[dict] = field(default_factory=list)
    names: dict = field(default_factory=dict)

    def write(self) -> Dispatch:
        rng, t = self.rng, templates()
        self.issuer = _weighted(rng, t["issuers"], [i["weight"] for i in t["issuers"]])
        self.kind = self._kind()
        self.day = FIRST_DAY + timedelta(days=rng.randrange((LAST_DAY - FIRST_DAY).days))
        self.pages = min(_weighted(rng, range(1, 11), PAGE_WEIGHTS), MAX_PAGES.get(self.kind[0], 10))
        self._fill_names()
        self.addressees = self._addressees()
        gold = self._frame()
        _BODIES[self.kind[0]](self)
        gold.update(self._closing())
        gold.update(references=self.refs, tasks=self.tasks, pages=self.pages)  # pages: intended, for the bench
        return Dispatch(self.stem, "\n\n".join(self.paras) + "\n", gold, self.pages)

    # --- the frame -------------------------------------------------------------------------
    def _kind(self) -> tuple:
        level, addressed = self.issuer["level"], bool(self.issuer["addressees"])
        types = [k for k in templates()["types"] if (k[0] != "Chỉ thị" or level in ("province", "district", "commune"))
                 and (addressed or k[0] not in ("Công văn", "Giấy mời"))]
        return _weighted(self.rng, types, [k[3] for k in types])

    def _fill_names(self) -> None:
        rng, t = self.rng, templates()
        school, initials = rng.choice(t["schools"])
        kind = rng.choice(["huyện", "huyện", "huyện", "thị xã"])
        values = {"P": rng.choice(t["provinces"]), "D": rng.choice(t["districts"]), "DK": kind,
                  "C": rng.choice(t["communes"]), "S": school, "SC": initials, "Y": self.day.year,
                  "Y0": self.day.year - 1, "Y1": self.day.year + 1, "Y2": self.day.year + 2}
        values.update({f"{k}_UP": str(v).upper() for k, v in values.items()})
        self.names = values
        self.self_name = self.fill(self.issuer["self"])

    def fill(self, text: Optional[str]) -> Optional[str]:
        """Names ({P}, {D}, ...), the issuer's own name ({SELF}) and figures ({K}, {KK}, {PCT})."""
        if text is None:
            return None
        text = text.replace("{SELF}", getattr(self, "self_name", ""))
        if "{K" in text or "{PCT}" in text:
            rng = self.rng
            return text.format(K=rng.randint(2, 30), KK=rng.randint(100, 5000), PCT=rng.randint(60, 99), **self.names)
        return text.format(**self.names)

    def _addressees(self) -> list[str]:
        own = [self.fill(a) for a in self.issuer["addressees"]]
        if not own or self.kind[0] not in ("Công văn", "Giấy mời", "Thông báo"):
            return []
        if self.kind[0] == "Thông báo" and self.rng.random() < 0.5:
            return []
        return self.rng.sample(own, self.rng.randint(1, len(own)))

    def _frame(self) -> dict:
        rng, issuer = self.rng, self.issuer
        code = self.fill(issuer["code"])
        suffix = f"{code}-{rng.choice(issuer['depts'])}" if self.kind[2] is None and issuer["depts"] else code
        number = f"{rng.randint(1, 2999)}/{self.kind[2] + '-' if self.kind[2] else ''}{suffix}"
        blank_day = rng.random() < 0.06
        self.subject_text = self.fill(rng.choice(templates()["subjects"][issuer["domain"]]))
        subject = _cap(_TITLES.get(self.kind[0], "{}").format(self.subject_text)) if self.kind[1] \
            else self.subject_text
        self._header(number, subject, blank_day)
        if self.addressees:
            self._kinh_gui()
        return {"id": self.stem, "source": f"pipeline/synth.py v{VERSION}", "number": number,
                "doc_type": self.kind[0], "issuer": self.fill(issuer["issuer"]),
                "issuer_parent": self.fill(issuer["parent"]), "place": self.fill(issuer["place"]),
                "issue_date": self.day.strftime("%Y-%m") if blank_day else self.day.isoformat(),
                "subject": subject,
                "addressees": list(self.addressees), "urgency": None}

    def _header(self, number: str, subject: str, blank_day: bool) -> None:
        rng = self.rng
        motto = ("CỘNG HOÀ" if rng.random() < 0.2 else "CỘNG HÒA") + " XÃ HỘI CHỦ NGHĨA VIỆT NAM"
        dash = "–" if rng.random() < 0.3 else "-"
        shown = number.replace("/", " /", 1) if rng.random() < 0.25 else number
        place = self.fill(self.issuer["place"])
        day = "   " if blank_day else (f"{self.day.day}/" if rng.random() < 0.1 else f"{self.day.day:02d}")
        when = f"{place}, ngày {day} tháng {self.day.month:02d} năm {self.day.year}"
        lines = [self.fill(x) for x in self.issuer["lines"]]
        vv = f"V/v {subject}" if not self.kind[1] else ""
        if rng.random() < 0.3:  # the web-dump quirk: the header as a two-column pipe table
            right = f"{motto} Độc lập {dash} Tự do {dash} Hạnh phúc ---------------"
            self.paras.append(f"| {' '.join(lines)} ------- | {right} |\n|---|---|\n"
                              f"| Số: {shown}{' ' + vv if vv else ''} | {when} |")
        else:
            self.paras += ["\n".join(lines), f"{motto}\nĐộc lập {dash} Tự do {dash} Hạnh phúc", f"Số: {shown}",
                           when] + ([_wrap(vv, rng)] if vv else [])
        if self.kind[1]:
            self.paras += [self.kind[1], subject]

    def _kinh_gui(self) -> None:
        if len(self.addressees) == 1:
            self.paras.append(f"Kính gửi: {self.addressees[0]}.")
        else:
            items = [f"- {a};" for a in self.addressees[:-1]] + [f"- {self.addressees[-1]}."]
            self.paras.append("Kính gửi:\n" + "\n".join(items))

    def _closing(self) -> dict:
        rng, t = self.rng, templates()
        lines, title, authority = rng.choice(self.issuer["signers"])
        name = f"{rng.choice(t['family'])} {rng.choice(t['middle'])} {rng.choice(t['given'])}"
        dept = rng.choice(self.issuer["depts"] or ["VP"])
        recipients = (["Như trên"] if self.addressees else []) + \
            [f"{self.fill(self.issuer['parent'])} (để b/c)"] * bool(self.issuer["parent"]) + \
            [f"Lãnh đạo {self.self_name}", f"Lưu: VT, {dept}"]
        noi_nhan = "Nơi nhận:\n" + "\n".join(f"- {r};" for r in recipients[:-1]) + f"\n- {recipients[-1]}."
        sign = ["\n".join(lines)] + (["(Đã ký)"] if rng.random() < 0.1 else []) + ["", name]
        self.paras += ([noi_nhan] + sign) if rng.random() < 0.7 else (sign + [noi_nhan])
        return {"recipients": recipients, "signer_title": title, "signer_name": name,
                "signer_authority": authority}

    # --- body pieces -----------------------------------------------------------------------
    @property
    def size(self) -> int:
        return sum(len(p) + 2 for p in self.paras)

    def room(self) -> bool:
        return self.size + FRAME_CHARS < self.pages * PAGE_CHARS

    def recitals(self, count: int, lead: str = "Căn cứ") -> None:
        for _ in range(count):
            kind, pattern, issuer, about = self.rng.choice(templates()["citations"])
            when = self.day - timedelta(days=self.rng.randint(20, 900))
            number = pattern.format(N=self.rng.randint(1, 999), Y=when.year)
            self.paras.append(f"{lead} {kind} số {number} ngày {when:%d/%m/%Y} của {issuer} {about};")
            self.refs.append({"number": number, "date": when.isoformat()})

    def background(self) -> None:
        """A paragraph of findings: stock sentences and composed ones with figures."""
        rng, t = self.rng, templates()
        stock = rng.sample(t["narrative"], rng.randint(1, 2))
        parts = t["narrative_parts"]
        made = [self.fill(f"{rng.choice(parts['openers'])}, {rng.choice(parts['subjects'])} "
                             f"{rng.choice(parts['predicates'])}.") for _ in range(rng.randint(1, 3))]
        self.paras.append(" ".join(made[:1] + stock + made[1:]))

    def directive_text(self) -> str:
        """A stock directive, or one composed of a verb, an object and a scope."""
        rng, domain = self.rng, self.issuer["domain"]
        if rng.random() < 0.5:
            return self.fill(rng.choice(templates()["directives"][domain]))
        parts = templates()["directive_parts"][domain]
        return self.fill(f"{rng.choice(parts['verbs'])} {rng.choice(parts['objects'])} "
                            f"{rng.choice(templates()['scopes'])}")

    def goals(self, label: str) -> None:
        self.paras.append(f"{label}. {templates()['headings']['goals']}")
        self.paras += [f"- {g}" for g in self.rng.sample(templates()["goals"], self.rng.randint(2, 4))]

    def directive(self, marker: str, owners: list[str], month: Optional[tuple] = None) -> None:
        """One imperative item ("- Rà soát ... trước ngày 15/11/2024.") and its gold task; inside a
        schedule's `month` (first day, last day, heading) an own deadline falls in that month."""
        text = self.directive_text()
        if month:
            due = month[0] + timedelta(days=self.rng.randint(0, 27))
            phrase, deadline, recurrence = (f"trước ngày {due:%d/%m/%Y}", due.isoformat(), None) \
                if self.rng.random() < 0.3 else (None, month[1].isoformat(), None)
        else:
            phrase, deadline, recurrence = _deadline(self.rng, self.day)
        body = f"{text} {phrase}." if phrase else f"{text}."
        if self.rng.random() < 0.7:  # real items explain themselves: about 2 tasks per 1,000 characters
            picked = self.rng.sample(templates()["explanations"], self.rng.randint(1, 3))
            body += " " + " ".join(self.fill(x) for x in picked)
        self.paras.append(f"{marker} {body}" if marker else body)
        self.task(body, owners, deadline, phrase or (month[2] if month else None), recurrence)

    def subject_directive(self, marker: str) -> None:
        """ "Phòng X chủ trì, phối hợp với Phòng Y ..." : the units are the assignees."""
        units = self.rng.sample([self.fill(u) for u in self.issuer["units"]], 2)
        phrase = self.rng.choice(templates()["subject_phrases"])
        owners = units if self.rng.random() < 0.5 else units[:1]
        text = f"{owners[0]} chủ trì, phối hợp với {owners[1]} {phrase}." if len(owners) == 2 \
            else f"{owners[0]} {phrase}."
        self.paras.append(f"{marker} {text}" if marker else text)
        self.task(text, owners, None, None, None)

    def task(self, text: str, owners: list[str], deadline, deadline_text, recurrence) -> None:
        self.tasks.append({"anchor": " ".join(text.split()[:10]), "assignees": list(owners),
                           "deadline": deadline, "deadline_text": deadline_text, "recurrence": recurrence})

    def unit_section(self, label: str) -> None:
        """ "1. Phòng Giáo dục Trung học" and the dash items it owns."""
        unit = self.fill(self.rng.choice(self.issuer["units"]))
        self.paras.append(f"{label}. {unit}")
        for _ in range(self.rng.randint(2, 4)):
            self.directive("-", [unit])

    def topic_section(self, label: str) -> None:
        """ "2. Về công tác kiểm tra" and dash items for the addressees, a plus list sometimes."""
        self.paras.append(f"{label}. {self.rng.choice(TOPICS)}")
        for _ in range(self.rng.randint(1, 3)):
            self.directive("-", self.addressees)
        if self.rng.random() < 0.3:
            self.paras.append(f"- {self.rng.choice(templates()['plus_leads'][self.issuer['domain']])}")
            for _ in range(2):
                self.directive("+", self.addressees)

    def schedule(self, label: str) -> None:
        """ "1. Tháng 10/2024" and its items: the month's last day is their deadline."""
        last = getattr(self, "month", self.day)
        month = (last.replace(day=1) + timedelta(days=32)).replace(day=1)
        end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        self.month = month
        heading = f"Tháng {month.month:02d}/{month.year}"
        self.paras.append(f"{label}. {heading}")
        for _ in range(self.rng.randint(2, 3)):
            self.directive("-", self.addressees, (month, end, heading))

    def table(self) -> None:
        """A task table: each row is a task of the unit in its row, due at the end of its month."""
        rows = self.rng.sample(templates()["table_tasks"], self.rng.randint(3, 6))
        units = [self.fill(u) for u in self.issuer["units"]]
        lines = ["| TT | Nội dung công việc | Đơn vị thực hiện | Thời gian |", "|---|---|---|---|"]
        for n, row in enumerate(rows, start=1):
            month = (self.day.replace(day=1) + timedelta(days=31 * n)).replace(day=1)
            end = (month + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            unit, when = self.rng.choice(units), f"Tháng {month.month}/{month.year}"
            lines.append(f"| {n} | {row} | {unit} | {when} |")
            self.task(row, [unit], end.isoformat(), when, None)
        self.paras.append("\n".join(lines))


def _weighted(rng: random.Random, items, weights):
    return rng.choices(list(items), weights=list(weights))[0]


def _wrap(text: str, rng: random.Random) -> str:
    """A long "V/v" line broken in two, as the header column of a real dispatch breaks it."""
    words = text.split()
    if len(words) < 9 or rng.random() < 0.5:
        return text
    cut = len(words) // 2
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _deadline(rng: random.Random, day: date) -> tuple[Optional[str], Optional[str], Optional[str]]:
    """(phrase, ISO deadline, recurrence) for a directive, or (None, None, None) for no deadline."""
    due = day + timedelta(days=rng.randint(7, 120))
    pick = rng.random()
    if pick < 0.35:
        return None, None, None
    if pick < 0.55:
        return f"trước ngày {due:%d/%m/%Y}", due.isoformat(), None
    if pick < 0.65:
        return f"trước ngày {due.day} tháng {due.month} năm {due.year}", due.isoformat(), None
    if pick < 0.72:
        return f"chậm nhất ngày {due:%d/%m/%Y}", due.isoformat(), None
    if pick < 0.78:
        return f"trước {rng.choice((9, 10, 14, 16))} giờ 00 ngày {due:%d/%m/%Y}", due.isoformat(), None
    if pick < 0.85:
        return "hằng tháng", None, "monthly"
    if pick < 0.90:
        first = day.replace(day=25) if day.day <= 25 else (day.replace(day=1) + timedelta(days=32)).replace(day=25)
        return "trước ngày 25 hằng tháng", first.isoformat(), "monthly"
    if pick < 0.94:
        return "định kỳ hàng quý", None, "quarterly"
    end = (due.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    return f"trong tháng {due.month:02d}/{due.year}", end.isoformat(), None


# --- bodies, one per document type -----------------------------------------------------------
def _letter(d: _Draft) -> None:
    """Công văn: findings (a part of their own when long), a cited dispatch, a lead-in, numbered
    items, the closing formula."""
    long = d.pages >= 3
    if long:
        d.paras.append(f"I. {d.rng.choice(templates()['headings']['background'])}")
    _findings(d, 0.3 if long else 0.0)
    if d.rng.random() < 0.6:
        d.recitals(1, "Thực hiện")
    if long:
        d.paras.append(f"II. {d.rng.choice(templates()['headings']['content'])}")
    d.paras.append(f"{_cap(d.self_name)} đề nghị các đơn vị thực hiện một số nội dung sau:")
    _items(d, _letter_item)
    d.paras.append("Nhận được công văn này, đề nghị các đơn vị nghiêm túc triển khai thực hiện./.")


def _letter_item(d: _Draft, n: int) -> None:
    pick = d.rng.random()
    if not d.addressees or pick < 0.2:
        (d.unit_section if pick < 0.15 else d.subject_directive)(str(n) if pick < 0.15 else f"{n}.")
    elif pick < 0.5:
        d.directive(f"{n}.", d.addressees)
    elif pick < 0.75:
        d.topic_section(str(n))
    else:
        d.schedule(str(n))
    if d.rng.random() < 0.1:
        d.table()


def _plan(d: _Draft) -> None:
    """Kế hoạch, Hướng dẫn: grounds, findings when long, goals, content by unit, a table, who
    organizes what."""
    d.recitals(d.rng.randint(1, 3))
    parts = iter(ROMAN)
    if d.pages >= 3:
        d.paras.append(f"{next(parts)}. {d.rng.choice(templates()['headings']['background'])}")
        _findings(d, 0.3)
    d.goals(next(parts))
    d.paras.append(f"{next(parts)}. {d.rng.choice(templates()['headings']['content'])}")
    _items(d, lambda d, n: d.unit_section(str(n)), reserve=700)
    if d.rng.random() < 0.4:
        d.table()
    d.paras.append(f"{next(parts)}. {templates()['headings']['organize']}")
    for n in range(1, d.rng.randint(2, 3)):
        d.subject_directive(f"{n}.")
    d.paras.append(f"Trên đây là {d.kind[0]} của {d.self_name}, đề nghị các đơn vị nghiêm túc thực hiện./.")


def _notice(d: _Draft) -> None:
    """Thông báo: the meeting and what it found, then numbered conclusions that give units work."""
    met = d.day - timedelta(days=d.rng.randint(1, 10))
    d.paras.append(f"Ngày {met:%d/%m/%Y}, {d.self_name} tổ chức cuộc họp về việc {d.subject_text}. "
                   + " ".join(d.rng.sample(templates()["narrative"], 2)))
    _findings(d, 0.3)
    d.paras.append(f"{_cap(d.self_name)} thông báo ý kiến kết luận như sau:")
    _items(d, lambda d, n: d.directive(f"{n}.", d.addressees) if d.addressees and d.rng.random() < 0.4
           else d.subject_directive(f"{n}."))
    d.paras.append(f"{_cap(d.self_name)} thông báo để các cơ quan, đơn vị biết, thực hiện./.")


def _findings(d: _Draft, share: float) -> None:
    """Background paragraphs until they fill `share` of the page budget (at least one paragraph
    when share > 0; sometimes one when 0)."""
    goal = d.size + share * d.pages * PAGE_CHARS
    if share or d.rng.random() < 0.7:
        d.background()
    while d.size < goal:
        d.background()


def _decision(d: _Draft) -> None:
    """Quyết định: who decides, the grounds, then articles; one or more give a unit its duties."""
    d.paras.append(d.fill(d.issuer["authority"]))
    d.recitals(d.rng.randint(2, 3))
    d.paras.append("QUYẾT ĐỊNH:")
    d.paras.append(f"Điều 1. Ban hành kèm theo Quyết định này Kế hoạch {d.subject_text}.")
    article = 2
    while article == 2 or (d.room() and article < 9):
        unit = d.fill(d.rng.choice([u for u in d.issuer["units"] if "," not in u]))
        d.paras.append(f"Điều {article}. {unit} có trách nhiệm:")
        for letter in "abcd"[:d.rng.randint(2, 4)]:
            d.directive(f"{letter})", [unit])
        article += 1
    d.paras.append(f"Điều {article}. Quyết định này có hiệu lực kể từ ngày ký.")
    d.paras.append(f"Điều {article + 1}. Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan "
                   "chịu trách nhiệm thi hành Quyết định này./.")


def _directive_doc(d: _Draft) -> None:
    """Chỉ thị: the situation, then what each unit must do."""
    d.background()
    d.background()
    d.paras.append(f"Để khắc phục những hạn chế nêu trên, Chủ tịch {d.self_name} yêu cầu:")
    _items(d, lambda d, n: d.unit_section(str(n)))
    d.paras.append(f"Yêu cầu Thủ trưởng các cơ quan, đơn vị nghiêm túc thực hiện Chỉ thị này./.")


def _invitation(d: _Draft) -> None:
    """Giấy mời: time, place, who attends, and one request to prepare."""
    when = d.day + timedelta(days=d.rng.randint(5, 20))
    d.paras.append(f"{_cap(d.self_name)} tổ chức hội nghị {d.subject_text}, cụ thể như sau:")
    d.paras.append(f"1. Thời gian: 08 giờ 00, ngày {when:%d/%m/%Y}.")
    d.paras.append(f"2. Địa điểm: Hội trường {d.self_name}.")
    due = when - timedelta(days=2)
    text = f"Đề nghị các đơn vị chuẩn bị báo cáo tham luận, gửi về {d.self_name} trước ngày {due:%d/%m/%Y}."
    d.paras.append(f"3. {text}")
    d.task(text, d.addressees, due.isoformat(), f"trước ngày {due:%d/%m/%Y}", None)
    d.paras.append("Rất mong các đồng chí tham dự đúng thời gian, thành phần./.")


def _items(d: _Draft, add, reserve: int = 300) -> None:
    """Numbered items 1, 2, ... until the page budget is spent (at least one)."""
    n = 1
    while n == 1 or d.size + reserve + FRAME_CHARS < d.pages * PAGE_CHARS:
        add(d, n)
        n += 1


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


_BODIES = {"Công văn": _letter, "Kế hoạch": _plan, "Hướng dẫn": _plan, "Thông báo": _notice,
           "Quyết định": _decision, "Chỉ thị": _directive_doc, "Giấy mời": _invitation}


# --- writing sets -----------------------------------------------------------------------------
def build_sets(root: Path, seed: int, counts: dict[str, int], jobs: int = 2, log=print) -> dict[str, list[Path]]:
    """Shard folders holding the first counts[fmt] documents of each format; missing shards are
    written (in `jobs` processes), finished ones reused. PDF shards need LibreOffice."""
    out: dict[str, list[Path]] = {}
    for fmt, count in counts.items():
        sizes = {root / fmt / f"s{k:03d}": min(SHARD, count - k * SHARD) for k in range(-(-count // SHARD))}
        todo = [(shard, n) for shard, n in sizes.items() if _files_done(shard) < n]
        if todo:
            log(f"synth: writing {len(todo)} {fmt} shard(s) of up to {SHARD} documents under {root / fmt}")
            with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
                list(pool.map(_write_shard, [root] * len(todo), [t[0] for t in todo], [seed] * len(todo),
                              [fmt] * len(todo), [t[1] for t in todo]))
        out[fmt] = list(sizes)
    return out


def _files_done(shard: Path) -> int:
    try:
        return int(shard_info(shard)["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def shard_info(shard: Path) -> dict:
    """{"files": n, "pages": total pages (PDF: counted; others: intended)} of a finished shard."""
    return json.loads((shard / DONE).read_text(encoding="utf-8"))


def _write_shard(root: Path, shard: Path, seed: int, fmt: str, count: int = SHARD) -> None:
    first = FORMAT_BASE[fmt] + int(shard.name[1:]) * SHARD
    docs = [dispatch(i, seed) for i in range(first, first + count)]
    if shard.exists():
        shutil.rmtree(shard)  # an unfinished shard from an interrupted run
    shard.mkdir(parents=True)
    (root / "gold").mkdir(exist_ok=True)
    for d in docs:
        (root / "gold" / f"{d.stem}.json").write_text(json.dumps(d.gold, ensure_ascii=False), encoding="utf-8")
    pages = sum(d.pages for d in docs)
    if fmt == "txt":
        for d in docs:
            (shard / f"{d.stem}.txt").write_text(d.text, encoding="utf-8")
    elif fmt == "docx":
        _write_docx(docs, shard, shard)
    else:
        pages = _write_pdf(docs, shard)
    (shard / DONE).write_text(json.dumps({"files": len(docs), "pages": pages}), encoding="utf-8")


def _write_docx(docs: list[Dispatch], scratch: Path, target: Path) -> list[Path]:
    """Each dispatch as the corpus renders its .txt (make_renderings.docx_bytes reads a file)."""
    renderer, written = _renderer(), []
    source = scratch / ".source.txt"
    for d in docs:
        source.write_text(d.text, encoding="utf-8")
        path = target / f"{d.stem}.docx"
        path.write_bytes(renderer.docx_bytes(source))
        written.append(path)
    source.unlink()
    return written


def _write_pdf(docs: list[Dispatch], shard: Path) -> int:
    """.docx in a scratch folder, one soffice call for the shard, the .pdf moved in; pages counted."""
    import pypdfium2

    scratch = shard.parent / f".{shard.name}-docx"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        _renderer().convert_pdfs(_write_docx(docs, scratch, scratch))
    except SystemExit as e:  # the renderer's way of saying LibreOffice failed
        raise RuntimeError(f"synth: PDF conversion failed: {e}") from e
    pages = 0
    for d in docs:
        target = shard / f"{d.stem}.pdf"
        shutil.move(str(scratch / f"{d.stem}.pdf"), target)
        pdf = pypdfium2.PdfDocument(str(target))
        pages += len(pdf)
        pdf.close()
    shutil.rmtree(scratch, ignore_errors=True)
    return pages


@lru_cache(maxsize=1)
def _renderer():
    """corpus/make_renderings.py, the script that renders the corpus's .docx and .pdf."""
    spec = importlib.util.spec_from_file_location("congvan_make_renderings", RENDERER)
    if spec is None or spec.loader is None or not RENDERER.exists():
        raise RuntimeError(f"synth: {RENDERER} not found (it renders the .docx and .pdf sets)")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.synth", description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write into (shards and gold/)")
    parser.add_argument("-n", "--count", type=int, default=SHARD, help="documents per format")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--formats", default="txt", help="comma-separated: txt, docx, pdf")
    parser.add_argument("--jobs", "-j", type=int, default=2)
    args = parser.parse_args(argv)
    formats = [f.strip() for f in args.formats.split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMAT_BASE]
    if bad or args.count < 1:
        parser.error(f"unknown format {', '.join(bad)}" if bad else "--count must be at least 1")
    build_sets(args.out, args.seed, {f: args.count for f in formats}, jobs=args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
