"""PDF with pdfplumber: words with coordinates, grouped into lines, column segments and blocks.

A dispatch puts two columns side by side twice: the issuer beside the national motto at the top,
and Nơi nhận beside the signature at the bottom. Reading such lines left to right interleaves them,
so a run of lines that has a right-hand segment is read column by column: the left column's text
first, then the right's. Other lines are joined into paragraphs by spacing and outline markers.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from io import BytesIO

import pdfplumber
from pdfminer.layout import LTAnno, LTChar
from pdfplumber.utils.exceptions import PdfminerException
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfminer.psparser import PSException

from ..errors import DocumentError
from ..model import Block, Style
from . import annots, ocr, pdfchars

MAX_PAGES = 500
_MARKER = re.compile(r"^(?:[IVXLC]+\.|\d+(?:\.\d+)*[.)]|[a-zđ]\)|[-+•–*]|Điều \d+)\s", re.IGNORECASE)


@dataclass
class Segment:
    """Words of one line that sit together (no wide gap between them)."""

    words: list[dict]
    x0: float = 0.0
    x1: float = 0.0
    top: float = 0.0
    bottom: float = 0.0
    text: str = ""

    def __post_init__(self) -> None:
        self.x0 = min(w["x0"] for w in self.words)
        self.x1 = max(w["x1"] for w in self.words)
        self.top = min(w["top"] for w in self.words)
        self.bottom = max(w["bottom"] for w in self.words)
        self.text = " ".join(w["text"] for w in self.words)


@dataclass
class Line:
    segments: list[Segment] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(s.top for s in self.segments)

    @property
    def bottom(self) -> float:
        return max(s.bottom for s in self.segments)


def read(data: bytes, path: str) -> tuple[list[Block], int, list[str]]:
    pages, tables, overlays = _text_layer(data, path)
    warnings = ocr.read_scanned(data, pages, path)  # pages without a usable text layer, in place
    blocks = []
    for number, (words, width) in enumerate(pages, start=1):
        found = tables.get(number, [])
        words = [w for w in words if not any(_inside(w, bbox) for bbox, _ in found)]
        blocks.extend(_merge(page_blocks(words, width, number), found))
        blocks.extend(overlays.get(number, []))  # annotation notes: kept, never read as the text
    return blocks, len(pages), warnings


def _text_layer(data: bytes, path: str) -> tuple[list[tuple[list[dict], float]], dict[int, list], dict[int, list]]:
    """(words, width in points) of every page as the PDF's text layer gives them, ruled tables, and
    overlay blocks (annots.py: annotation notes and text turned sideways; stamped numbers and days
    join the words).

    Words inside a ruled table are later left out of the page's flow: the table's cells carry them.
    """
    try:
        with pdfplumber.open(BytesIO(data)) as pdf:
            pages = pdf.pages
            if len(pages) > MAX_PAGES:
                raise DocumentError("E010", path, size=f"{len(pages)} pages,", limit=f"{MAX_PAGES} pages")
            out, tables, overlays, budget = [], {}, {}, annots.Budget()
            for number, page in enumerate(pages, start=1):
                chars = pdfchars.chars(page.layout, page)
                fills, overlays[number] = annots.read(page, chars, number, budget)
                words, turned = annots.turned_aside(pdfchars.words(chars) + fills, chars, number)
                overlays[number] += turned
                found = _ruled_tables(page, chars, number, sum(len(t) for t in tables.values())) if words else []
                if found:
                    tables[number] = found
                out.append((words, float(page.width)))
                page.flush_cache()
            return out, tables, overlays
    except (PDFPasswordIncorrect, PDFEncryptionError) as e:
        raise DocumentError("E007", path) from e
    except PdfminerException as e:
        cause = e.args[0] if e.args and isinstance(e.args[0], Exception) else e
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise DocumentError("E007", path) from e
        raise DocumentError("E006", path, detail=(str(cause) or type(cause).__name__).splitlines()[0][:200]) from e
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError) as e:
        if "password" in str(e).lower() or "encrypt" in str(e).lower():
            raise DocumentError("E007", path) from e
        raise DocumentError("E006", path, detail=str(e).splitlines()[0][:200] if str(e) else type(e).__name__) from e


def _drawn(page) -> int:
    """How many drawn lines and rectangles the page has (pdfplumber's len(page.lines) + len(page.rects))."""
    return sum(1 for obj in pdfchars.layout_items(page.layout) if type(obj).__name__ in ("LTLine", "LTRect"))


def _lean_objects(page, chars: list[dict]) -> dict[str, list[dict]]:
    """What `page.objects` holds, with the lean characters: lines, rectangles and curves as
    pdfplumber makes them (the table finder's edges), characters with what its cells' text needs."""
    objects: dict[str, list[dict]] = {"char": chars}
    for obj in pdfchars.layout_items(page.layout):
        if not isinstance(obj, (LTChar, LTAnno)):
            item = page.process_object(obj)
            objects.setdefault(item["object_type"], []).append(item)
    return objects


def _ruled_tables(page, chars: list[dict], number: int, offset: int) -> list[tuple[tuple, list[Block]]]:
    """Tables drawn with rules (appendix and data tables): one cell block per cell, row by row.

    Read line by line, a table's narrow columns interleave ("thực | 50.000 | hiện"); cells keep
    each cell's words together. Only pages with drawn lines are searched, since that costs time.
    """
    if _drawn(page) < 4:
        return []
    page._objects = _lean_objects(page, chars)  # pdfplumber's cache of page.objects: filled once, leanly
    found = []
    for index, table in enumerate(page.find_tables()):
        rows = table.extract()
        if (len(rows) < 2 and not _continued(page, table.bbox, rows)) or max(len(r) for r in rows) < 2:
            continue
        cells = [Block(id=0, text="", raw=cell or "", kind="cell", page=number, table=(offset + index, r, c))
                 for r, row in enumerate(rows) for c, cell in enumerate(row) if cell]
        found.append((table.bbox, cells))
    return found


def _continued(page, bbox: tuple, rows: list) -> bool:
    """A one-row table at the top of a page, three columns or more: the tail of a row a page break
    split (a boxed one-line title elsewhere on a page is not a table)."""
    if not rows or len(rows[0]) < 3:
        return False
    return not page.crop((0, 0, page.width, max(bbox[1] - 2, 1))).extract_words()


def _inside(word: dict, bbox: tuple) -> bool:
    x0, top, x1, bottom = bbox
    return word["x0"] >= x0 - 1 and word["x1"] <= x1 + 1 and word["top"] >= top - 1 and word["bottom"] <= bottom + 1


def _merge(blocks: list[Block], tables: list[tuple[tuple, list[Block]]]) -> list[Block]:
    """Table cells placed before the first block that starts below the table's top."""
    for bbox, cells in sorted(tables, key=lambda t: t[0][1]):
        at = next((i for i, b in enumerate(blocks) if b.bbox and b.bbox[1] > bbox[1]), len(blocks))
        blocks[at:at] = cells
    return blocks


def page_blocks(words: list[dict], width: float, page: int) -> list[Block]:
    """Blocks of one page in reading order."""
    lines = _lines(words)
    right = max((s.x1 for line in lines for s in line.segments), default=width)
    blocks: list[Block] = []
    for zone, run in _zones(lines, width):
        if zone == "columns":
            for band in _bands(run):
                blocks.extend(_column_blocks(band, width, page))
        else:
            blocks.extend(_paragraph_blocks(run, page, right))
    return blocks


def _bands(lines: list[Line]) -> list[list[Line]]:
    """Rows of a two-column zone, split at blank vertical space (a header table's rows)."""
    heights = sorted(line.bottom - line.top for line in lines)
    height = heights[len(heights) // 2] if heights else 12.0
    bands = [[lines[0]]]
    for prev, line in zip(lines, lines[1:]):
        if line.top - prev.bottom > 0.9 * height:
            bands.append([line])
        else:
            bands[-1].append(line)
    return bands


def _lines(words: list[dict]) -> list[Line]:
    """Words grouped by baseline into lines, then split into segments at wide gaps."""
    words = sorted(words, key=lambda w: (round(w["top"]), w["x0"]))
    rows: list[list[dict]] = []
    for w in words:
        if rows and abs(rows[-1][0]["top"] - w["top"]) <= max(2.0, w["size"] * 0.35):
            rows[-1].append(w)
        else:
            rows.append([w])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        segments, current = [], [row[0]]
        for prev, w in zip(row, row[1:]):
            if w["x0"] - prev["x1"] > max(12.0, 1.6 * w["size"]):
                segments.append(Segment(current))
                current = []
            current.append(w)
        segments.append(Segment(current))
        lines.append(Line(segments))
    return lines


def _side(seg: Segment, mid: float) -> str:
    if seg.x1 <= mid + 10:
        return "left"
    if seg.x0 >= mid - 10:
        return "right"
    return "full"


def _zones(lines: list[Line], width: float):
    """Split lines into runs: 'columns' where a right-hand segment stands beside or under a left one."""
    mid = width / 2
    runs: list[tuple[str, list[Line]]] = []
    for line in lines:
        sides = {_side(s, mid) for s in line.segments}
        kind = "columns" if "full" not in sides and ("right" in sides) else "flow"
        if kind == "flow" and sides == {"left"} and runs and runs[-1][0] == "columns" and _near(runs[-1][1][-1], line):
            kind = "columns"
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(line)
        else:
            runs.append((kind, [line]))
    return runs


def _near(prev: Line, line: Line) -> bool:
    height = max(prev.bottom - prev.top, 1.0)
    return line.top - prev.bottom < 3.0 * height


def _column_blocks(lines: list[Line], width: float, page: int) -> list[Block]:
    mid = width / 2
    left = [s for line in lines for s in line.segments if _side(s, mid) == "left"]
    right = [s for line in lines for s in line.segments if _side(s, mid) != "left"]
    blocks = []
    for column in (left, right):
        blocks.extend(_group(column, page, kind="line", joiner="\n"))
    return blocks


def _paragraph_blocks(lines: list[Line], page: int, right: float) -> list[Block]:
    segments = [Segment([w for s in line.segments for w in s.words]) for line in lines]
    return _group(segments, page, kind="paragraph", joiner=" ", right=right)


def _group(segments: list[Segment], page: int, kind: str, joiner: str, right: float = 0.0) -> list[Block]:
    """Consecutive segments joined into blocks; a new block at a wide gap or an outline marker."""
    if not segments:
        return []
    heights = [s.bottom - s.top for s in segments]
    height = statistics.median(heights) if heights else 12.0
    groups: list[list[Segment]] = [[segments[0]]]
    for prev, seg in zip(segments, segments[1:]):
        gap = seg.top - prev.bottom
        new = (gap > 0.75 * height or bool(_MARKER.match(seg.text)) or _indent_break(prev, seg, kind)
               or _ended(prev, seg, right, kind))
        if new:
            groups.append([seg])
        else:
            groups[-1].append(seg)
    return [_block(g, page, kind, joiner) for g in groups]


def _indent_break(prev: Segment, seg: Segment, kind: str) -> bool:
    """In flowing text a first-line indent starts a paragraph; a change between bold and plain
    (a centred title over its subject, a heading over its body) starts one too."""
    return kind == "paragraph" and (seg.x0 - prev.x0 > 15 or _bold(prev) != _bold(seg))


def _bold(seg: Segment) -> bool:
    return all("bold" in (w.get("fontname") or "").lower() for w in seg.words)


def _ended(prev: Segment, seg: Segment, right: float, kind: str) -> bool:
    """A flowing line that stops short of the right margin ends its paragraph when it closes a
    sentence or the next line starts a new one (dispatches are justified: only last lines are short)."""
    if kind != "paragraph" or prev.x1 >= right - 40:
        return False
    return prev.text.rstrip().endswith((".", ";", ":", "!", "?")) or seg.text[:1].isupper()


def _block(group: list[Segment], page: int, kind: str, joiner: str) -> Block:
    words = [w for s in group for w in s.words]
    bold = all("bold" in (w.get("fontname") or "").lower() for w in words)
    italic = all("italic" in (w.get("fontname") or "").lower() for w in words)
    size = statistics.median(w["size"] for w in words)
    bbox = (min(s.x0 for s in group), min(s.top for s in group), max(s.x1 for s in group), max(s.bottom for s in group))
    font = (words[0].get("fontname") or "").split("+")[-1] or None
    style = Style(bold=bold, italic=italic, size=round(float(size), 1), font=font)
    return Block(id=0, text="", raw=joiner.join(s.text for s in group), kind=kind, page=page, bbox=bbox, style=style)
