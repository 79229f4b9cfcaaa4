"""Render each corpus/*.txt dispatch as a .docx and a .pdf laid out like a real công văn.

Why: real dispatches reach the pipeline as Word files and as PDFs printed from them, not as plain
text. The .txt files are what the gold annotations (corpus/gold/<stem>.json) describe; rendering
them as a Decree 30/2020 style .docx (borderless header table, centred type and title lines, "Kính gửi",
justified body, Word automatic numbering for "1."/"a)" lists, "Nơi nhận" + signature table) and a
LibreOffice-printed .pdf lets the same gold score the docx and pdf readers too. The text is kept
word for word and in the same order (only `**` bold markers, table pipes and "-----" decoration
become formatting), so the gold stays valid. Output is deterministic (fixed core properties and
zip timestamps), and --check tells whether a committed .docx is stale against this script.

Usage: python corpus/make_renderings.py [FILES...] [--check] [--force] [--no-pdf]
  FILES     .txt files (default: every corpus/*.txt next to this script)
  --check   build in memory only; exit 1 if an existing .docx is missing or differs in text
  --force   rewrite .docx and reconvert .pdf even when the .docx bytes did not change
  --no-pdf  write the .docx files only
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path

import docx
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt

CORPUS = Path(__file__).resolve().parent
FONT = "Times New Roman"
FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SOFFICE_TIMEOUT = 120  # seconds, plus PER_FILE_TIMEOUT per file
PER_FILE_TIMEOUT = 20

# --- text patterns ---------------------------------------------------------------------------
MOTTO1 = re.compile(r"CỘNG\s+H(?:ÒA|OÀ|OA)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM")  # capitals only
MOTTO2 = re.compile(r"Độc\s+lập\s*[-–—]\s*Tự\s+do\s*[-–—]\s*Hạnh\s+phúc", re.I)
NUMBER = re.compile(r"^Số\s*[:.]|^Số\s+\d", re.I)
SUBJECT = re.compile(r"^V/v\b", re.I)
SUBJECT_SPLIT = re.compile(r"\s+(?=V/v\b)", re.I)
DATE = re.compile(r"^(?:[^\d,|]{2,60}?\s*,\s*)?ngày\b[^|]{0,40}?\bnăm\b[\s\d.]*$", re.I)
SEPARATOR = re.compile(r"[-–_=~*]{3,}")
STAR_RULE = re.compile(r"\*{3,}")
KINH_GUI = re.compile(r"^\s*(?:\*\*)?\s*Kính\s+gửi\s*:?", re.I)
NOI_NHAN = re.compile(r"^\s*(?:\*\*)?\s*Nơi\s+nhận", re.I)
TABLE_RULE = re.compile(r"^\|(\s*:?-{2,}:?\s*\|)+\s*$")
ITEM_SPLIT = re.compile(r"(?<=[;:.),])\s+(?=[-–+•]\s)")
DASH_ITEM = re.compile(r"^[-–+•]\s")
DECIMAL_ITEM = re.compile(r"^(\*\*)?(\d{1,2})\.\s+(?=\S)")
LETTER_ITEM = re.compile(r"^(\*\*)?([a-zđ])\)\s+(?=\S)")
HEADING = re.compile(r"^(\*\*)?([IVXLC]+|[A-Z])\.\s")
ARTICLE = re.compile(r"^(Điều\s+\d+[a-z]?\.)")
LIST_MARKER = re.compile(r"^([IVXLC]+|[A-Z]|\d+(\.\d+)*|[a-zđ])[.)]\s|^[-–+•]\s")
URGENCY = re.compile(r"^(HỎA\s+TỐC(\s+HẸN\s+GIỜ)?|THƯỢNG\s+KHẨN|KHẨN|MẬT|TỐI\s+MẬT|TUYỆT\s+MẬT)$")
SIGN_NOTE = re.compile(r"^\(.{1,40}\)$")  # '(đã ký)'
SUBJECT_STOP = re.compile(r"^(Căn\s+cứ|Kính\s+gửi|Xét\b|Theo\s+đề\s+nghị|Trên\s+cơ\s+sở|Ngày\s+\d)", re.I)
SIGN_PREFIX = re.compile(r"\s+(?=(?:KT|TL|TM|TUQ|Q)\.\s)")
SIGN_PREFIX_START = re.compile(r"^(?:KT|TL|TM|TUQ|Q)\.\s")
SIGN_TITLE_END = re.compile(r"^(.*?\b(?:TRƯỞNG|TỊCH|NHIỆM|ĐỐC|TƯỚNG))\s+(\S.*)$")
SIGN_FINAL_TITLE = re.compile(r"^(.*\S)\s+((?:PHÓ\s+)?(?:CHỦ\s+TỊCH|GIÁM\s+ĐỐC|CHỦ\s+NHIỆM|"
                              r"TRƯỞNG\s+BAN|HIỆU\s+TRƯỞNG|BỘ\s+TRƯỞNG|THỦ\s+TƯỚNG))$")
TRAILING_NOTE = re.compile(r"\([^)]*\)\s*$")
TYPES = {"KẾ HOẠCH", "QUYẾT ĐỊNH", "THÔNG BÁO", "CHỈ THỊ", "NGHỊ QUYẾT", "BÁO CÁO", "TỜ TRÌNH",
         "HƯỚNG DẪN", "GIẤY MỜI", "CÔNG ĐIỆN", "CÔNG VĂN", "QUY CHẾ", "QUY ĐỊNH", "CHƯƠNG TRÌNH",
         "ĐỀ ÁN", "PHƯƠNG ÁN", "BIÊN BẢN", "THÔNG TƯ", "NGHỊ ĐỊNH", "THÔNG TƯ LIÊN TỊCH", "LUẬT",
         "PHÁP LỆNH", "KẾT LUẬN", "DỰ ÁN", "GIẤY GIỚI THIỆU", "BẢN GHI NHỚ", "HỢP ĐỒNG"}
HEADER_SIDE = {"issuer": 0, "issuer_parent": 0, "number": 0, "subject": 0, "mark": 0,
               "motto1": 1, "motto2": 1, "date": 1}
HEADER_ANCHORS = {"motto1", "motto2", "number", "date"}

L, C, R, J = (WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT,
              WD_ALIGN_PARAGRAPH.JUSTIFY)
# role -> (size pt, bold, italic, alignment, first-line indent cm, space before pt)
FORMATS = {
    "type": (14, True, False, C, 0, 12), "title": (14, True, False, C, 0, 0),
    "caps": (14, True, False, C, 0, 6), "heading": (14, True, False, J, 1.0, 6),
    "body": (14, False, False, J, 1.0, 6), "addressee": (14, False, False, C, 0, 12),
    "issuer_parent": (12, False, False, C, 0, 0), "issuer": (12, True, False, C, 0, 0),
    "motto1": (12, True, False, C, 0, 0), "motto2": (13, True, False, C, 0, 0),
    "number": (13, False, False, C, 0, 4), "subject": (12, False, False, C, 0, 0),
    "date": (14, False, True, C, 0, 4), "label": (14, False, False, R, 0, 0),
    "addressee_item": (14, False, False, L, 0, 0), "recipients_label": (12, True, True, L, 0, 0),
    "recipient": (11, False, False, L, 0, 0), "sign": (14, True, False, C, 0, 0),
    "signer": (14, True, False, C, 0, 60), "cell": (12, False, False, L, 0, 0),
    "mark": (13, True, False, C, 0, 4), "sign_note": (14, False, True, C, 0, 12),
    "head": (12, True, False, C, 0, 0),
}
TABLE_WIDTHS = {"header": (6.8, 10.0), "addressees": (4.0, 12.5), "closing": (8.0, 8.5)}
TOP_SPACE = {"closing": 12, "addressees": 6}  # pt above the first line of each cell
TEXT_WIDTH = 16.5  # cm between the A4 margins (30 mm left, 15 mm right)
RULE_WIDTHS = {0: 2.5, 1: 5.5}  # cm, the short rule under the issuer (left) and the motto (right)


@dataclass
class Block:
    """One piece of the rendered document, in text order."""

    kind: str  # para | addressee | header | addressees | closing | grid
    text: str = ""
    role: str = "body"
    rows: list = field(default_factory=list)  # table kinds: rows of cells of (role, text)
    num: tuple | None = None  # (list id, "decimal" | "lowerLetter") for automatic numbering


# --- small text helpers ----------------------------------------------------------------------
def plain(text: str) -> str:
    return text.replace("**", "").strip()


def is_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and not any(c.islower() for c in letters)


def has_lower(token: str) -> bool:
    return any(c.islower() for c in token)


def is_title_word(token: str) -> bool:
    return token[:1].isupper() and has_lower(token)


def is_separator_only(text: str) -> bool:
    return bool(text) and not SEPARATOR.sub("", text).strip()


def is_type_line(text: str) -> bool:
    return text.strip() in TYPES


def read_lines(path: Path) -> list[str]:
    """The file's lines, stripped, with `**` bold spans closed and reopened on each line."""
    out, bold = [], False
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        line = STAR_RULE.sub("", line).rstrip()  # '******' is decoration, not two bold markers
        if not plain(line):
            out.append("")
            continue
        fixed = ("**" if bold else "") + line.strip()
        bold ^= line.count("**") % 2 == 1
        out.append(fixed + ("**" if bold else ""))
    return out


# --- header ----------------------------------------------------------------------------------
def split_date(text: str) -> tuple[str, str]:
    """'Số: 393/UBND-KGVX Hậu Giang, ngày ...' -> ('Số: 393/UBND-KGVX', 'Hậu Giang, ngày ...')."""
    tokens = text.split()
    for k in range(1, len(tokens)):
        rest = " ".join(tokens[k:])
        if (is_title_word(tokens[k]) or tokens[k].lower() == "ngày") and DATE.match(rest):
            return " ".join(tokens[:k]), rest
    return text, ""


def split_number_date(text: str) -> list[tuple[str, str]]:
    """A 'Số: …' line -> number, 'V/v …' subject and place/date segments, in text order."""
    parts = [p for p in SUBJECT_SPLIT.split(text) if p]
    parts[-1], date = split_date(parts[-1])
    segs = [("number", parts[0])] + [("subject", p) for p in parts[1:]]
    return segs + ([("date", date)] if date else [])


def classify_plain(text: str) -> list[tuple[str, str]]:
    text = text.strip()
    if not text:
        return []
    if NUMBER.match(text):
        return split_number_date(text)
    if SUBJECT.match(text):
        return [("subject", text)]
    if DATE.match(text):
        return [("date", text)]
    return [("mark" if URGENCY.match(text) else "issuer", text)]


def split_header_text(text: str) -> list[tuple[str, str]]:
    """Header text into issuer/motto/number/subject/date segments; decoration runs dropped."""
    rest, segs = " ".join(SEPARATOR.sub(" ", plain(text)).split()), []
    while rest:
        found = [m for m in (MOTTO1.search(rest), MOTTO2.search(rest)) if m]
        if not found:
            return segs + classify_plain(rest)
        m = min(found, key=lambda x: x.start())
        segs += classify_plain(rest[:m.start()])
        segs.append(("motto1" if MOTTO1.fullmatch(m.group()) else "motto2", m.group()))
        rest = rest[m.end():].strip()
    return segs


def header_line(text: str, continues_subject: bool, past_number: bool, motto_ahead: bool):
    """Segments for one plain header line, or None when the line is no longer header."""
    if is_separator_only(text):
        return []
    if is_type_line(text) or SUBJECT_STOP.match(text) or NOI_NHAN.match(text) or text.startswith("|"):
        return None
    segs = split_header_text(text)
    if any(kind != "issuer" for kind, _ in segs):
        return segs
    if continues_subject:
        return [("subject", text)]
    if not past_number and (is_caps(text) or motto_ahead):
        return segs
    return None


def motto_within(lines: list[str], i: int, count: int = 3) -> bool:
    ahead = [plain(x) for x in lines[i + 1:] if plain(x)][:count]
    return any(MOTTO1.search(x) or MOTTO2.search(x) for x in ahead)


def text_header(lines: list[str], start: int):
    """Plain-text header lines from `start`: (segments, next index), or ([], start) if none."""
    segs, i, last, blank = [], start, None, False
    while i < len(lines):
        text = plain(lines[i])
        if not text:
            i, blank = i + 1, True
            continue
        past = any(kind in ("number", "date") for kind, _ in segs)
        new = header_line(text, last == "subject" and not blank, past, motto_within(lines, i))
        if new is None:
            break
        segs += new
        last, blank, i = (new[-1][0] if new else last), False, i + 1
    if not any(kind in HEADER_ANCHORS for kind, _ in segs):
        return [], start
    return segs, i


def header_rows(segs: list[tuple[str, str]]) -> list[list[list]]:
    """Segments into 2-column rows so that reading row by row, left then right, keeps text order."""
    rows = []
    for kind, text in segs:
        side = HEADER_SIDE[kind]
        if not rows or (side == 0 and rows[-1][1]):
            rows.append([[], []])
        rows[-1][side].append((kind, text))
    return rows


def decorate_header(rows: list[list[list]]) -> list[list[list]]:
    """Parent issuer lines not bold, the issuing body bold; short rules under issuer and motto."""
    cells = [(r, c) for r, row in enumerate(rows) for c in range(len(row))]
    where = [(r, c, k) for r, c in cells for k, seg in enumerate(rows[r][c])]
    issuers = [w for w in where if rows[w[0]][w[1]][w[2]][0] == "issuer"]
    mottos = [w for w in where if rows[w[0]][w[1]][w[2]][0] in ("motto1", "motto2")]
    for r, c, k in issuers[:-1]:
        rows[r][c][k] = ("issuer_parent", rows[r][c][k][1])
    for r, c, k in sorted(issuers[-1:] + mottos[-1:], reverse=True):
        rows[r][c].insert(k + 1, ("rule", ""))
    return rows


# --- pipe tables -----------------------------------------------------------------------------
def table_lines(lines: list[str], i: int) -> tuple[list[list[str]], int, bool]:
    """Markdown pipe rows from line i: (rows of cell strings, next index, had a |---| rule)."""
    rows, ruled = [], False
    while i < len(lines) and lines[i].startswith("|"):
        if TABLE_RULE.match(lines[i]):
            ruled = True
        else:
            body = lines[i].strip()[1:]
            body = body[:-1] if body.endswith("|") else body
            rows.append([cell.strip() for cell in body.split("|")])
        i += 1
    return rows, i, ruled


def split_items(text: str) -> list[str]:
    return [part for part in ITEM_SPLIT.split(text.strip()) if part]


def split_signature(text: str) -> list[tuple[str, str]]:
    """'KT. BỘ TRƯỞNG THỨ TRƯỞNG Bùi Hồng Lĩnh' -> authority, title and name lines."""
    tokens = text.split()
    k = len(tokens)
    while k > 0 and (has_lower(tokens[k - 1]) or len(tokens[k - 1].strip(".")) <= 1):
        k -= 1  # the name: trailing mixed-case words and initials
    while k < len(tokens) and not has_lower(tokens[k]):
        k += 1
    chunks = []
    for chunk in SIGN_PREFIX.split(" ".join(tokens[:k])):
        chunks += [c for c in re.split(r"\s+(?=PHÓ\s)", chunk) if c]
    if chunks and SIGN_PREFIX_START.match(chunks[-1]):
        m = SIGN_TITLE_END.match(chunks[-1]) or SIGN_FINAL_TITLE.match(chunks[-1])
        chunks[-1:] = m.groups() if m else chunks[-1:]
    name = " ".join(tokens[k:])
    return [("sign", c) for c in chunks] + ([("signer", name)] if name else [])


def recipients_cell(text: str) -> list[tuple[str, str]]:
    items = split_items(text)
    return [("recipients_label" if NOI_NHAN.match(x) else "recipient", x) for x in items]


def table_block(rows: list[list[str]], ruled: bool) -> Block:
    first = plain(rows[0][0]) if rows[0] else ""
    joined = " ".join(" ".join(r) for r in rows)
    if MOTTO1.search(plain(joined)) or MOTTO2.search(plain(joined)):
        cells = [[split_header_text(c) for c in row] for row in rows]
        return Block("header", rows=decorate_header(cells))
    two = len(rows[0]) == 2
    if NOI_NHAN.match(first) or (two and not first and is_caps(rows[0][1][:20])):
        return Block("closing", rows=[[recipients_cell(r[0]), split_signature(r[-1])] for r in rows])
    if KINH_GUI.match(first) and two:
        return Block("addressees", rows=[[[("label", r[0])], [("addressee_item", x)
                                                              for x in split_items(r[1])]] for r in rows])
    return Block("grid", rows=[[[("head" if ruled and n == 0 else "cell", c)] for c in row]
                               for n, row in enumerate(rows)])


# --- Kính gửi and Nơi nhận in plain text -----------------------------------------------------
def next_text(lines: list[str], i: int) -> int:
    while i < len(lines) and not plain(lines[i]):
        i += 1
    return i


def addressees(lines: list[str], i: int) -> tuple[Block, int]:
    """'Kính gửi: X' alone, or 'Kính gửi:' followed by dash items as a two-column table."""
    m = KINH_GUI.match(lines[i])
    rest = lines[i][m.end():].strip()
    rest = rest.replace("**", "", 1) if rest.count("**") % 2 else rest
    items, j = ([rest] if rest else []), i + 1
    while (k := next_text(lines, j)) < len(lines) and DASH_ITEM.match(plain(lines[k])):
        items.append(lines[k])
        j = k + 1
    if j == i + 1:
        return Block("addressee", text=lines[i]), i + 1
    label = plain(lines[i][:m.end()])
    return Block("addressees", rows=[[[("label", label)], [("addressee_item", x) for x in items]]]), j


def closing_left(lines: list[str], i: int) -> tuple[list, int]:
    left, j = recipients_cell(lines[i]), i + 1
    while (k := next_text(lines, j)) < len(lines):
        text = plain(lines[k])
        if is_caps(text) and not DASH_ITEM.match(text):
            break
        if not (DASH_ITEM.match(text) or len(text) <= 80):
            break
        left.append(("recipient", lines[k]))
        j = k + 1
    return left, j


def closing_right(lines: list[str], j: int) -> tuple[list, int]:
    """Signature after the recipients: capitals lines, '(đã ký)' notes, then the signer's name."""
    right = []
    while (k := next_text(lines, j)) < len(lines) and is_caps(plain(lines[k])):
        right.append(("sign", lines[k]))
        j = k + 1
    while right and (k := next_text(lines, j)) < len(lines) and SIGN_NOTE.match(plain(lines[k])):
        right.append(("sign_note", lines[k]))
        j = k + 1
    k = next_text(lines, j)
    if right and k < len(lines):
        text = plain(lines[k])
        if not DASH_ITEM.match(text) and len(text.split()) <= 8 and not is_caps(text):
            right.append(("signer", lines[k]))
            j = k + 1
    return right, j


def is_person_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 6 and all(is_title_word(w) for w in words)


def signature_before(blocks: list[Block]) -> int:
    """How many trailing paragraphs form a signature (capitals, notes, name); 0 if none."""
    paras = [b for b in blocks[-8:] if b.kind == "para"][::-1]
    if len(paras) < 2 or paras[0] is not blocks[-1] or not is_person_name(plain(paras[0].text)):
        return 0
    n = 1
    while n < len(paras) and SIGN_NOTE.match(plain(paras[n].text)):
        n += 1
    caps = n
    while n < len(paras) and n - caps < 4 and is_caps(plain(paras[n].text)) \
            and not URGENCY.match(plain(paras[n].text)) and paras[n] is blocks[-1 - n]:
        n += 1
    return n if n > caps and all(p is blocks[-1 - k] for k, p in enumerate(paras[:n])) else 0


def sign_items(blocks: list[Block]) -> list[tuple[str, str]]:
    roles = ["signer" if n == len(blocks) - 1 else "sign_note" if SIGN_NOTE.match(plain(b.text))
             else "sign" for n, b in enumerate(blocks)]
    return [(role, b.text) for role, b in zip(roles, blocks)]


def closing(lines: list[str], i: int) -> tuple[Block, int]:
    left, j = closing_left(lines, i)
    right, j = closing_right(lines, j)
    return Block("closing", rows=[[left, right]]), j


# --- document structure ----------------------------------------------------------------------
def parse(lines: list[str]) -> list[Block]:
    i = next_text(lines, 0)
    blocks = []
    segs, i = text_header(lines, i)
    if segs:
        blocks.append(Block("header", rows=decorate_header(header_rows(segs))))
    while (i := next_text(lines, i)) < len(lines):
        block, i = parse_block(lines, i)
        if block and block.kind == "closing" and not block.rows[0][1] and (n := signature_before(blocks)):
            block.rows = [[[], sign_items(blocks[-n:])], [block.rows[0][0], []]]  # signed above
            del blocks[-n:]
        blocks += [block] if block else []
    assign_roles(blocks)
    number_lists(blocks)
    return blocks


def parse_block(lines: list[str], i: int) -> tuple[Block | None, int]:
    if lines[i].startswith("|"):
        rows, j, ruled = table_lines(lines, i)
        return (table_block(rows, ruled) if rows else None), j  # a lone |---| row is dropped
    if KINH_GUI.match(lines[i]):
        return addressees(lines, i)
    if NOI_NHAN.match(lines[i]):
        return closing(lines, i)
    return Block("para", text=lines[i]), i + 1


def is_subject_line(text: str) -> bool:
    if LIST_MARKER.match(text) or SUBJECT_STOP.match(text):
        return False
    return is_caps(TRAILING_NOTE.sub("", text)) or len(text) <= 250  # '... (Ban hành kèm theo ...)'


def para_role(text: str) -> str:
    if HEADING.match(text):
        return "heading"
    if is_caps(text) and not DASH_ITEM.match(text):
        return "caps"
    return "body"


def assign_roles(blocks: list[Block]) -> None:
    """Type line ('KẾ HOẠCH') and its title lines, all-caps lines, headings, body paragraphs."""
    subject_left = 0
    for block in blocks:
        if block.kind != "para":
            subject_left = 0
            continue
        text = plain(block.text)
        if is_type_line(text):
            block.role, subject_left = "type", 4
        elif subject_left and is_subject_line(text):
            block.role, subject_left = "title", subject_left - 1
        else:
            block.role, subject_left = para_role(text), 0
            if "**" not in block.text:
                block.text = ARTICLE.sub(r"**\1**", block.text, count=1)


def number_lists(blocks: list[Block]) -> None:
    """Runs '1.', '2.', ... and 'a)', 'b)', ... (each from the first item) become Word lists."""
    runs = {"decimal": None, "lowerLetter": None}  # fmt -> [list id, last value]
    ids = iter(range(1, 1_000_000))
    for block in blocks:
        if block.kind != "para" or block.role in ("type", "title", "caps", "heading") \
                or ARTICLE.match(plain(block.text)):
            runs = {"decimal": None, "lowerLetter": None}
            continue
        for fmt, pattern, value in (("decimal", DECIMAL_ITEM, int), ("lowerLetter", LETTER_ITEM, ord)):
            m = pattern.match(block.text)
            if m:
                attach_number(block, m, fmt, value(m.group(2)), runs, ids)
                if fmt == "decimal":
                    runs["lowerLetter"] = None


def attach_number(block: Block, m, fmt: str, value: int, runs: dict, ids) -> None:
    first = 1 if fmt == "decimal" else ord("a")
    run = runs[fmt]
    if value == first:
        run = runs[fmt] = [next(ids), value]
    elif run and value == run[1] + 1:
        run[1] = value
    else:
        runs[fmt] = None
        return
    block.num = (run[0], fmt)
    block.text = (m.group(1) or "") + block.text[m.end():]


# --- Word output -----------------------------------------------------------------------------
class ListNumbering:
    """One abstractNum + num per list run in numbering.xml, so every run restarts at 1."""

    def __init__(self, document) -> None:
        self.root = document.part.numbering_part.element
        self.ids: dict[int, int] = {}
        self.next_abstract = 1 + max([int(a.get(qn("w:abstractNumId")))
                                      for a in self.root.findall(qn("w:abstractNum"))] + [-1])
        self.next_num = 1 + max([int(n.get(qn("w:numId"))) for n in self.root.findall(qn("w:num"))] + [0])

    def num_id(self, list_id: int, fmt: str) -> int:
        if list_id not in self.ids:
            self.ids[list_id] = self._add(fmt)
        return self.ids[list_id]

    def _add(self, fmt: str) -> int:
        aid, nid = self.next_abstract, self.next_num
        self.next_abstract, self.next_num = aid + 1, nid + 1
        text = "%1." if fmt == "decimal" else "%1)"
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}"><w:nsid w:val="{0x434E0000 + aid:08X}"/>'
            f'<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="{fmt}"/><w:suff w:val="space"/><w:lvlText w:val="{text}"/>'
            f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="567"/></w:pPr></w:lvl>'
            f'</w:abstractNum>')
        num = parse_xml(f'<w:num {nsdecls("w")} w:numId="{nid}"><w:abstractNumId w:val="{aid}"/>'
                        f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>')
        abstracts = self.root.findall(qn("w:abstractNum"))
        if abstracts:
            abstracts[-1].addnext(abstract)
        else:
            self.root.insert(0, abstract)
        nums = self.root.findall(qn("w:num"))
        (nums[-1].addnext(num) if nums else abstract.addnext(num))
        return nid


def set_fonts(element_rpr) -> None:
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def setup_document():
    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    props = document.core_properties
    props.author = props.last_modified_by = "congvan corpus/make_renderings.py"
    props.created = props.modified = props.last_printed = FIXED_TIME
    props.revision, props.title = 1, ""
    return document


def add_runs(paragraph, text: str, size: float, bold: bool, italic: bool) -> None:
    for n, part in enumerate(text.split("**")):
        if part:
            run = paragraph.add_run(part)
            run.font.size, run.font.bold, run.font.italic = Pt(size), bold or n % 2 == 1, italic or None


def format_paragraph(paragraph, role: str, text: str) -> None:
    size, bold, italic, align, indent, before = FORMATS[role]
    fmt = paragraph.paragraph_format
    fmt.alignment, fmt.space_before, fmt.space_after = align, Pt(before), Pt(0)
    if indent:
        fmt.first_line_indent = Cm(indent)
    add_runs(paragraph, text.strip(), size, bold, italic)


def add_rule(paragraph, cell_width: float, rule_width: float) -> None:
    """An empty paragraph drawn as a short centred line (the rule under issuer and motto)."""
    side = Cm(max(cell_width - 0.4 - rule_width, 0) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = side
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(1), Pt(0), Pt(2)
    borders = parse_xml(f'<w:pBdr {nsdecls("w")}><w:top w:val="single" w:sz="6" w:space="1" '
                        f'w:color="000000"/></w:pBdr>')
    paragraph._p.get_or_add_pPr().insert_element_before(
        borders, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc", "w:rPr")


def fill_cell(cell, items: list, width: float, column: int, top_space: float) -> None:
    for n, (role, text) in enumerate(items):
        paragraph = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
        if role == "rule":
            add_rule(paragraph, width, RULE_WIDTHS.get(column, 3.0))
        else:
            format_paragraph(paragraph, role, text)
        if n == 0 and top_space:
            paragraph.paragraph_format.space_before = Pt(top_space)


def set_borders(table, visible: bool) -> None:
    value = "single" if visible else "nil"
    edges = "".join(f'<w:{e} w:val="{value}" w:sz="4" w:space="0" w:color="000000"/>'
                    for e in ("top", "left", "bottom", "right", "insideH", "insideV"))
    tbl_pr = table._tbl.tblPr
    for old in tbl_pr.findall(qn("w:tblBorders")):
        tbl_pr.remove(old)
    tbl_pr.append(parse_xml(f'<w:tblBorders {nsdecls("w")}>{edges}</w:tblBorders>'))


def add_table(document, block: Block) -> None:
    ncols = max(len(row) for row in block.rows)
    table = document.add_table(rows=len(block.rows), cols=ncols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = TABLE_WIDTHS.get(block.kind) or grid_widths(block.rows, ncols)
    if ncols != len(widths):
        widths = (TEXT_WIDTH / ncols,) * ncols
    set_borders(table, block.kind == "grid")
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = Cm(width)
    for r, row in enumerate(block.rows):
        for c in range(ncols):
            cell = table.cell(r, c)
            cell.width = Cm(widths[c])
            fill_cell(cell, row[c] if c < len(row) else [], widths[c], c,
                      TOP_SPACE.get(block.kind, 0) if r == 0 else 0)


def grid_widths(rows: list, ncols: int) -> tuple[float, ...]:
    """Column widths (cm) in proportion to the longest text of each column, within bounds."""
    longest = [8] * ncols
    for row in rows:
        for c, cell in enumerate(row):
            longest[c] = max(longest[c], min(60, sum(len(plain(text)) for _, text in cell)))
    return tuple(TEXT_WIDTH * n / sum(longest) for n in longest)


def add_paragraph(document, block: Block, numbering: ListNumbering) -> None:
    paragraph = document.add_paragraph()
    role = "addressee" if block.kind == "addressee" else block.role
    format_paragraph(paragraph, role, block.text)
    if block.num:
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = numbering.num_id(*block.num)
        paragraph.paragraph_format.first_line_indent = Cm(1.0)


def build_document(blocks: list[Block]):
    document = setup_document()
    numbering = ListNumbering(document)
    previous_table = False
    for block in blocks:
        is_table = block.kind in ("header", "addressees", "closing", "grid")
        if is_table and previous_table:
            document.add_paragraph()  # adjacent tables would merge in Word
        (add_table(document, block) if is_table else add_paragraph(document, block, numbering))
        previous_table = is_table
    if previous_table:
        document.add_paragraph()
    return document


def docx_bytes(txt_path: Path) -> bytes:
    """The rendered .docx for one .txt, with fixed zip timestamps so equal input gives equal bytes."""
    raw = BytesIO()
    build_document(parse(read_lines(txt_path))).save(raw)
    out = BytesIO()
    with zipfile.ZipFile(BytesIO(raw.getvalue())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(zipfile.ZipInfo(info.filename, ZIP_TIME), src.read(info.filename),
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


# --- reading a .docx back (for --check) ------------------------------------------------------
def child_val(element, tag: str, default: str) -> str:
    child = element.find(qn(tag))
    return child.get(qn("w:val")) if child is not None else default


def list_formats(document) -> dict[str, tuple[str, str, int]]:
    """numId -> (numFmt, lvlText, start) of level 0, with startOverride applied."""
    root = document.part.numbering_part.element
    levels = {}
    for abstract in root.findall(qn("w:abstractNum")):
        lvl = abstract.find(qn("w:lvl"))
        if lvl is not None:
            levels[abstract.get(qn("w:abstractNumId"))] = (
                child_val(lvl, "w:numFmt", "decimal"), child_val(lvl, "w:lvlText", "%1."),
                int(child_val(lvl, "w:start", "1")))
    out = {}
    for num in root.findall(qn("w:num")):
        fmt, text, start = levels.get(num.find(qn("w:abstractNumId")).get(qn("w:val")), ("", "", 1))
        override = num.find(f"{qn('w:lvlOverride')}/{qn('w:startOverride')}")
        start = int(override.get(qn("w:val"))) if override is not None else start
        out[num.get(qn("w:numId"))] = (fmt, text, start)
    return out


def marker(p, formats: dict, counters: dict) -> str:
    num_id = p.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
    if num_id is None or num_id.get(qn("w:val")) not in formats:
        return ""
    key = num_id.get(qn("w:val"))
    fmt, text, start = formats[key]
    counters[key] = counters.get(key, start - 1) + 1
    value = chr(96 + counters[key]) if fmt == "lowerLetter" else str(counters[key])
    return text.replace("%1", value) + " "


def docx_texts(document) -> list[str]:
    """Paragraph and cell texts in body order (cells row by row), numbering markers put back."""
    formats, counters, out = list_formats(document), {}, []
    para_text = lambda p: marker(p, formats, counters) + "".join(t.text or "" for t in p.iter(qn("w:t")))
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            out.append(para_text(child))
        elif child.tag == qn("w:tbl"):
            for cell in child.iter(qn("w:tc")):
                out.append("\n".join(para_text(p) for p in cell.findall(qn("w:p"))))
    return out


# --- command line ----------------------------------------------------------------------------
def check(paths: list[Path]) -> int:
    stale = []
    for path in paths:
        target = path.with_suffix(".docx")
        fresh = docx_texts(docx.Document(BytesIO(docx_bytes(path))))
        if not target.exists() or docx_texts(docx.Document(str(target))) != fresh:
            stale.append(target)
    for target in stale:
        print(f"stale: {target} (run python corpus/make_renderings.py {target.with_suffix('.txt')})")
    print(f"{len(paths) - len(stale)} of {len(paths)} .docx renderings up to date")
    return 1 if stale else 0


def write_docx(paths: list[Path], force: bool) -> list[Path]:
    """Write each .docx; return those whose .pdf needs (re)converting."""
    todo = []
    for path in paths:
        target, data = path.with_suffix(".docx"), docx_bytes(path)
        changed = force or not target.exists() or target.read_bytes() != data
        if changed:
            target.write_bytes(data)
        if changed or not path.with_suffix(".pdf").exists():
            todo.append(target)
    return todo


def convert_pdfs(docx_paths: list[Path]) -> None:
    """One LibreOffice call per output folder, with its own throw-away profile."""
    by_dir: dict[Path, list[Path]] = {}
    for path in docx_paths:
        by_dir.setdefault(path.parent, []).append(path)
    for outdir, files in by_dir.items():
        profile = Path(tempfile.mkdtemp(prefix="lo-profile-congvan-"))
        try:
            run_soffice(["soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
                         "--convert-to", "pdf", "--outdir", str(outdir)] + [str(f) for f in files],
                        SOFFICE_TIMEOUT + PER_FILE_TIMEOUT * len(files))
        finally:
            shutil.rmtree(profile, ignore_errors=True)
        missing = [f for f in files if not f.with_suffix(".pdf").exists()]
        if missing:
            raise SystemExit(f"LibreOffice produced no PDF for: {', '.join(map(str, missing))}")


def run_soffice(args: list[str], timeout: float) -> None:
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise SystemExit(f"soffice timed out after {timeout:.0f} s")
    if proc.returncode != 0:
        raise SystemExit(f"soffice failed ({proc.returncode}): {out.decode(errors='replace')[-500:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help=".txt files (default: corpus/*.txt)")
    parser.add_argument("--check", action="store_true", help="exit 1 if a .docx is stale")
    parser.add_argument("--force", action="store_true", help="rewrite everything")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF conversion")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.files] or sorted(CORPUS.glob("*.txt"))
    bad = [str(p) for p in paths if p.suffix != ".txt" or not p.is_file()]
    if bad:
        parser.error(f"not a .txt file: {', '.join(bad)}")
    if args.check:
        return check(paths)
    started = time.monotonic()
    todo = write_docx(paths, args.force)
    if todo and not args.no_pdf:
        convert_pdfs(todo)
    pdfs = 0 if args.no_pdf else len(todo)
    print(f"{len(paths)} .txt rendered, {len(todo)} .docx new or changed, {pdfs} converted to PDF, "
          f"{time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
