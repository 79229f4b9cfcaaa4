"""Text drawn by annotations: e-office stamps that fill a printed blank, and notes laid over a page.

An e-office system (VNPT SmartCA, Viettel-CA, …) stamps the number and the day at signing into the
signature widgets' appearance streams, not the page content: the page text reads "Số: /TB-UBND"
and "ngày tháng 11 năm 2024" where a reader shows "Số: 542/TB-UBND" and "ngày 06 tháng 11".
Each widget, FreeText and Stamp annotation's normal appearance (/AP /N, a form XObject) is run
through pdfminer at its /Rect; a line of it that sits in a blank of a printed line becomes words
of that line (snapped to its baseline), anything else (a receiving office's typed routing note,
the signer's details in a signature box) becomes an "overlay" block, which no stage reads as text.
Every count and stream size is bounded: a hostile file gives up annotations, never memory or time.
"""
from __future__ import annotations

import statistics
import zlib
from dataclasses import dataclass

from pdfminer.converter import PDFPageAggregator
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdftypes import PDFStream, resolve1, stream_value
from pdfminer.psexceptions import PSException
from pdfminer.psparser import PSLiteral, literal_name
from pdfminer.utils import mult_matrix

from ..model import Block
from . import pdfchars

SUBTYPES = ("Widget", "FreeText", "Stamp")
HIDDEN_FLAGS = 1 | 2 | 32  # Invisible, Hidden, NoView
MAX_PER_PAGE = 64  # annotations looked at on one page
MAX_PER_DOCUMENT = 512
MAX_RAW = 128 * 1024  # bytes of one appearance stream as stored
MAX_STREAM = 256 * 1024  # bytes of one appearance stream decoded
MAX_BYTES = 4 * 1024 * 1024  # decoded appearance bytes over the whole document
MAX_DEPTH = 4  # nested form XObjects (Acrobat-style /FRM -> /n0, /n2)
MAX_CHARS = 400  # characters drawn by one annotation
FILL_REACH = 40.0  # points: how far a fill may sit from the printed text of its line
_FAILURES = (PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, ZeroDivisionError,
             OverflowError, RecursionError, AssertionError, zlib.error)


@dataclass
class Budget:
    """What is left to spend on annotations in one document."""

    annots: int = MAX_PER_DOCUMENT
    bytes: int = MAX_BYTES
    depth: int = 0


class _TooMuch(Exception):
    """An appearance draws more characters than any stamp or note would."""


def read(page, chars: list[dict], number: int, budget: Budget) -> tuple[list[dict], list[Block]]:
    """(words that fill blanks of printed lines, overlay blocks) from one pdfplumber page's annotations.

    `chars` are the page's own characters (pdfchars.chars): the printed lines a stamp may fill.
    """
    fills: list[dict] = []
    notes: list[Block] = []
    printed = [c for c in chars if c["upright"] and not c["text"].isspace()]
    for annot, rect in _annotations(page, budget):
        try:
            words = pdfchars.words(_appearance_chars(page, annot, rect, budget))
        except (_TooMuch, *_FAILURES):
            continue
        if not words:
            notes.extend(_unrendered_note(page, annot, rect, number))
            continue
        rest = []
        for line in _lines(words):
            snapped = _fill(line, printed)
            (fills.extend if snapped else rest.extend)(snapped or line)
        if rest:
            notes.append(_overlay(rest, number))
    return fills, notes


def _annotations(page, budget: Budget):
    """(annotation dict, rect) for the visible widgets, FreeText and Stamp annotations of a page."""
    try:
        found = resolve1(page.page_obj.annots)
    except _FAILURES:
        return
    if not isinstance(found, list):
        return
    for ref in found[:MAX_PER_PAGE]:
        if budget.annots <= 0:
            return
        budget.annots -= 1
        try:
            annot = resolve1(ref)
            if not isinstance(annot, dict) or _name(annot.get("Subtype")) not in SUBTYPES:
                continue
            if int(resolve1(annot.get("F", 0)) or 0) & HIDDEN_FLAGS:
                continue
            rect = [float(resolve1(v)) for v in resolve1(annot.get("Rect"))]
        except _FAILURES:
            continue
        if len(rect) == 4:
            yield annot, (min(rect[0], rect[2]), min(rect[1], rect[3]), max(rect[0], rect[2]), max(rect[1], rect[3]))


def _unrendered_note(page, annot: dict, rect: tuple, number: int) -> list[Block]:
    """A FreeText note without an appearance: its /Contents, which a viewer draws in the box."""
    if _name(annot.get("Subtype")) != "FreeText":
        return []
    contents = resolve1(annot.get("Contents"))
    text = _text_string(contents)[:MAX_CHARS] if isinstance(contents, bytes) else ""
    if not text.strip():
        return []
    (x0, y0, x1, y1), mb_top = rect, page.mediabox[1]
    bbox = (x0, page.height - y1 + mb_top, x1, page.height - y0 + mb_top)
    return [Block(id=0, text="", raw=text, kind="overlay", page=number, bbox=bbox)]


def _text_string(raw: bytes) -> str:
    """A PDF text string: UTF-16BE with its byte order mark, else PDFDocEncoding (about Latin-1)."""
    if raw.startswith(b"\xfe\xff"):
        return raw[2:].decode("utf-16-be", errors="replace")
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    return raw.decode("latin-1")


def _name(value) -> str:
    value = resolve1(value)
    return literal_name(value) if isinstance(value, PSLiteral) else str(value or "")


def _normal_appearance(annot: dict):
    """The /AP /N form XObject (for a widget with states, the one its /AS names)."""
    ap = resolve1(annot.get("AP"))
    normal = resolve1(ap.get("N")) if isinstance(ap, dict) else None
    if isinstance(normal, dict) and not isinstance(normal, PDFStream):
        normal = resolve1(normal.get(_name(annot.get("AS"))))
    return normal if isinstance(normal, PDFStream) else None


def _appearance_chars(page, annot: dict, rect: tuple, budget: Budget) -> list[dict]:
    """The characters the appearance draws, in the page's coordinates (as pdfchars.chars gives them)."""
    form = _normal_appearance(annot)
    if form is None or not load(form, budget):
        return []
    bbox = [float(resolve1(v)) for v in resolve1(form.get("BBox", [0, 0, 1, 1]))]
    matrix = tuple(float(resolve1(v)) for v in resolve1(form.get("Matrix", [1, 0, 0, 1, 0, 0])))
    to_rect = _rect_matrix(_transformed(bbox, matrix), rect)
    ctm = mult_matrix(mult_matrix(matrix, to_rect), _page_ctm(page.page_obj))
    resources = resolve1(form.get("Resources")) or resolve1(page.page_obj.resources) or {}
    manager = PDFResourceManager(caching=True)
    device = _Device(manager, budget)
    device.begin_page(page.page_obj, _page_ctm(page.page_obj))
    _Interpreter(manager, device).render_contents(resources, [form], ctm=ctm)
    device.end_page(page.page_obj)
    return pdfchars.chars(device.get_result(), page)


def load(stream: PDFStream, budget: Budget) -> bool:
    """Decode a content stream within the bounds (plain or Flate only); False when it is refused."""
    if stream.data is not None:
        return len(stream.data) <= MAX_STREAM
    raw = stream.rawdata
    if raw is None or len(raw) > MAX_RAW:
        return False
    if stream.decipher:
        raw = stream.decipher(stream.objid, stream.genno, raw, stream.attrs)
    filters = stream.get_filters()
    if not filters:
        data = raw
    elif len(filters) == 1 and _name(filters[0][0]) in ("FlateDecode", "Fl") and not filters[0][1]:
        data = zlib.decompressobj().decompress(raw, MAX_STREAM + 1)
    else:
        return False
    if len(data) > min(MAX_STREAM, budget.bytes):
        return False
    budget.bytes -= len(data)
    stream.data, stream.rawdata = data, None
    return True


class _Device(PDFPageAggregator):
    """pdfminer's aggregator, stopped once an appearance has drawn MAX_CHARS characters."""

    def __init__(self, manager: PDFResourceManager, budget: Budget) -> None:
        super().__init__(manager, laparams=None)
        self.budget, self.drawn = budget, 0

    def render_char(self, *args, **kwargs) -> float:
        self.drawn += 1
        if self.drawn > MAX_CHARS:
            raise _TooMuch
        return super().render_char(*args, **kwargs)


class _Interpreter(PDFPageInterpreter):
    """Runs nested forms only within the budget (depth, size) and skips images."""

    def do_Do(self, xobjid_arg) -> None:
        budget = self.device.budget
        xobj = stream_value(self.xobjmap[literal_name(xobjid_arg)]) if literal_name(xobjid_arg) in self.xobjmap else None
        if xobj is None or _name(xobj.get("Subtype")) != "Form" or budget.depth >= MAX_DEPTH or not load(xobj, budget):
            return
        budget.depth += 1
        try:
            super().do_Do(xobjid_arg)
        finally:
            budget.depth -= 1


def _transformed(bbox: list[float], m: tuple) -> tuple[float, float, float, float]:
    xs, ys = [], []
    for x, y in ((bbox[0], bbox[1]), (bbox[0], bbox[3]), (bbox[2], bbox[1]), (bbox[2], bbox[3])):
        xs.append(m[0] * x + m[2] * y + m[4])
        ys.append(m[1] * x + m[3] * y + m[5])
    return min(xs), min(ys), max(xs), max(ys)


def _rect_matrix(box: tuple, rect: tuple) -> tuple:
    """The matrix that maps the transformed form box onto the annotation's rectangle (PDF 12.5.5)."""
    sx = (rect[2] - rect[0]) / (box[2] - box[0]) if box[2] > box[0] else 1.0
    sy = (rect[3] - rect[1]) / (box[3] - box[1]) if box[3] > box[1] else 1.0
    return (sx, 0, 0, sy, rect[0] - sx * box[0], rect[1] - sy * box[1])


def _page_ctm(page) -> tuple:
    """The matrix pdfminer's process_page draws a page with (its rotation and media box origin)."""
    x0, y0, x1, y1 = page.mediabox
    return {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
            270: (0, 1, -1, 0, y1, -x0)}.get(page.rotate, (1, 0, 0, 1, -x0, -y0))


def _lines(words: list[dict]) -> list[list[dict]]:
    """An appearance's words grouped into lines, top to bottom."""
    lines: list[list[dict]] = []
    for w in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - w["top"]) <= max(2.0, w["size"] * 0.35):
            lines[-1].append(w)
        else:
            lines.append([w])
    return lines


def _fill(line: list[dict], printed: list[dict]) -> list[dict]:
    """The line's words moved onto the printed line whose blank they fill, or [] when they fill none.

    A fill sits level with printed text (a stamp's baseline is seldom exact: a third of a line's
    height in common is enough), overlaps none of it, and fills a blank: printed text near it on both
    sides ("Số: [46]/TB-UBND", "ngày [06] tháng"), or a label's colon before it ("Số: [46/TB-UBND]").
    """
    if not all(w["upright"] for w in line):
        return []
    top, bottom = min(w["top"] for w in line), max(w["bottom"] for w in line)
    x0, x1 = min(w["x0"] for w in line), max(w["x1"] for w in line)
    near = [c for c in printed if c["x1"] > x0 - FILL_REACH and c["x0"] < x1 + FILL_REACH]
    shared = [(_shared(top, bottom, c), c) for c in near]
    best = max((s for s, _ in shared), default=0.0)
    if best <= 0:
        return []
    level = [c for s, c in shared if s > 0 and abs(s - best) < 1.0]
    if any(c["x0"] < x1 - 0.5 and c["x1"] > x0 + 0.5 for c in level):
        return []
    left = [c for c in level if c["x1"] <= x0 + 0.5 and x0 - c["x1"] <= FILL_REACH]
    right = [c for c in level if c["x0"] >= x1 - 0.5 and c["x0"] - x1 <= FILL_REACH]
    if not left or not (right or max(left, key=lambda c: c["x1"])["text"] == ":"):
        return []  # a blank between printed words, or after a label ("Số: [46/TB-UBND]")
    line_top = statistics.median(c["top"] for c in level)
    line_bottom = statistics.median(c["bottom"] for c in level)
    shift = line_top - top
    return [{**w, "top": line_top, "bottom": line_bottom, "doctop": w["doctop"] + shift} for w in line]


def _shared(top: float, bottom: float, char: dict) -> float:
    """The height a line and a printed character have in common, 0 below a third of the smaller."""
    shared = min(bottom, char["bottom"]) - max(top, char["top"])
    smaller = min(bottom - top, char["bottom"] - char["top"])
    return shared if smaller > 0 and shared >= smaller / 3 else 0.0


def turned_aside(words: list[dict], chars: list[dict], number: int) -> tuple[list[dict], list[Block]]:
    """(the page's words, an overlay block) for text printed turned on a page that reads upright:
    a note typed sideways in the margin is not the dispatch's text (a turned page reads all turned).

    The words come out of pdfplumber read downwards; the characters' drawing order tells whether the
    note runs upwards (turned left), in which case each word and each column is read the other way.
    """
    turned = [w for w in words if not w["upright"]]
    if not turned or len(turned) * 5 > len(words):
        return words, []
    bbox = _bbox(turned)
    drawn = [c for c in chars if not c["upright"] and not c["text"].isspace()]
    steps = [b["top"] - a["top"] for a, b in zip(drawn, drawn[1:]) if abs(b["x0"] - a["x0"]) < 2]
    if sum(step < 0 for step in steps) > len(steps) / 2:
        turned = [{**w, "text": w["text"][::-1], "top": -w["bottom"], "bottom": -w["top"]} for w in turned]
    else:  # turned right: columns run from the right
        turned = [{**w, "x0": -w["x1"], "x1": -w["x0"]} for w in turned]
    return [w for w in words if w["upright"]], [_overlay(turned, number, bbox)]


def _overlay(words: list[dict], number: int, bbox: tuple | None = None) -> Block:
    """One block for what an annotation draws outside the printed lines (a note, a signature box)."""
    if all(w["upright"] for w in words):
        lines = [sorted(line, key=lambda w: w["x0"]) for line in _lines(words)]
    else:  # sideways: a line is a column of words, read down it
        turned = [{**w, "top": w["x0"], "x0": w["top"]} for w in words]
        lines = [sorted(line, key=lambda w: w["x0"]) for line in _lines(turned)]
    raw = "\n".join(" ".join(w["text"] for w in line) for line in lines)
    return Block(id=0, text="", raw=raw, kind="overlay", page=number, bbox=bbox or _bbox(words))


def _bbox(words: list[dict]) -> tuple[float, float, float, float]:
    return (min(w["x0"] for w in words), min(w["top"] for w in words),
            max(w["x1"] for w in words), max(w["bottom"] for w in words))
