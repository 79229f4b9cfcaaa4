"""Word .docx with python-docx: the body walked in document order, paragraphs and tables alike.

Tables (the borderless header and signature tables real dispatches use, nested tables too) become
one cell block per cell. Word's automatic numbering ("1.", "a)", "-") lives in numbering.xml, not in
the paragraph text, so it is rebuilt here; otherwise the outline of most real .docx files is lost.
The archive is checked for its expanded size before python-docx parses it (zip bombs), and the XML
parser resolves no entities. Documents are opened through docstyles (style sheets parsed once).
"""
from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

from lxml import etree

from ..errors import DocumentError
from ..model import Block, Style
from . import docstyles, docxparts
from .docxparts import qn
from .docfonts import RunFonts
from .numbering import Numbering

MAX_EXPANDED_BYTES = 300 * 1024 * 1024
MAX_RATIO = 200  # expanded / compressed, per member


def read(data: bytes, path: str) -> tuple[list[Block], None, list[str]]:
    _check_archive(data, path)
    try:
        document = docstyles.open_document(data)
    except (zipfile.BadZipFile, zlib.error, KeyError, ValueError, EOFError, etree.XMLSyntaxError) as e:
        raise DocumentError("E005", path, detail=_short(e)) from e
    fonts = RunFonts(document)
    walker = _Walker(Numbering.from_document(document), _StyleInfo(fonts.styles), fonts)
    headers, footers = docxparts.page_parts(document)
    for part in headers:  # some offices set the issuer block in the first page's header
        walker.walk(part)
    walker.walk(document.element.body)
    body_end = len(walker.blocks)
    for part in footers:
        walker.walk(part)
    walker.blocks[body_end:] = [b for b in walker.blocks[body_end:] if not docxparts.is_page_number(b.raw)]
    return walker.blocks, None, walker.warnings + walker.fonts.warnings()


def _check_archive(data: bytes, path: str) -> None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            infos = z.infolist()  # a damaged member fails its CRC when python-docx reads it: E005 in read()
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as e:
        raise DocumentError("E005", path, detail=_short(e)) from e
    total = sum(i.file_size for i in infos)
    ratio_bomb = any(i.compress_size and i.file_size / i.compress_size > MAX_RATIO and i.file_size > 10_000_000
                     for i in infos)
    if total > MAX_EXPANDED_BYTES or ratio_bomb:
        raise DocumentError("E011", path, limit=MAX_EXPANDED_BYTES)
    names = {i.filename for i in infos}
    if "word/document.xml" not in names:
        raise DocumentError("E005", path, detail="no word/document.xml in the archive")


def _short(e: Exception) -> str:
    return (str(e) or type(e).__name__).splitlines()[0][:200]


class _StyleInfo:
    """Paragraph style lookups: numbering and alignment inherited through basedOn."""

    def __init__(self, styles: dict) -> None:
        self.styles = styles  # w:styleId -> w:style, as RunFonts read them

    def find(self, style_id: str | None, tag: str):
        seen = set()
        while style_id and style_id not in seen and style_id in self.styles:
            seen.add(style_id)
            style = self.styles[style_id]
            hit = style.find(f"{qn('w:pPr')}/{qn(tag)}")
            if hit is not None:
                return hit
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return None


class _Walker:
    """Collects blocks from body-level elements in order; paragraph counter shared by all."""

    def __init__(self, numbering: Numbering, styles: _StyleInfo, fonts: RunFonts) -> None:
        self.numbering, self.styles, self.fonts = numbering, styles, fonts
        self.blocks: list[Block] = []
        self.warnings: list[str] = []
        self.para = 0
        self.tables = 0

    def walk(self, container, depth: int = 0) -> None:
        if depth > 20:
            self.warnings.append("tables nested deeper than 20 levels were skipped")
            return
        for child in docxparts.children(container):
            if child.tag == qn("w:p"):
                for box in docxparts.text_boxes(child):  # a floating box reads before its anchor
                    self.walk(box, depth + 1)
                if docxparts.mark_deleted(child) and not "".join(_texts(child, self.fonts)).strip():
                    continue  # a paragraph removed as a tracked change: no marker, no counter
                self.para += 1
                text, style = self.paragraph(child)
                self.blocks.append(Block(id=0, text="", raw=text, kind="paragraph", para=self.para, style=style))
            elif child.tag == qn("w:tbl"):
                self.table(child, depth)

    def paragraph(self, p) -> tuple[str, Style]:
        ppr = p.find(qn("w:pPr"))
        style_id = _val(ppr, "w:pStyle")
        num_pr = _num_pr(ppr)
        marker = self.numbering.marker(num_pr if num_pr is not None else self.styles.find(style_id, "w:numPr"))
        text = "".join(t for t in _texts(p, self.fonts))
        if marker:
            text = f"{marker} {text}"
        return text, _style(p, ppr, self.styles, style_id)

    def table(self, tbl, depth: int) -> None:
        index = self.tables
        self.tables += 1
        for r, row in enumerate(docxparts.rows(tbl)):
            cells = [c for c in docxparts.children(row) if c.tag == qn("w:tc")]
            for c, cell in enumerate(cells):
                self._cell(cell, (index, r, c), depth)

    def _cell(self, cell, where: tuple[int, int, int], depth: int) -> None:
        self.para += 1
        lines, styles, nested = [], [], []
        for child in docxparts.children(cell):
            if child.tag == qn("w:p"):
                text, style = self.paragraph(child)
                lines.append(text)
                styles.append(style)
            elif child.tag == qn("w:tbl"):
                nested.append(child)
        style = styles[0] if len(styles) == 1 else _merge(styles)
        self.blocks.append(Block(id=0, text="", raw="\n".join(lines), kind="cell", para=self.para,
                                 table=where, style=style))
        for tbl in nested:
            self.table(tbl, depth + 1)


def _texts(p, fonts: RunFonts):
    """Visible text of a paragraph: runs, hyperlinks, insertions (deletions and text boxes left out).

    Runs set in a legacy 8-bit font (.VnTime, VNI-Times) come back as Unicode (docfonts); there
    a soft hyphen is TCVN3's "ư", which Word and LibreOffice store as a w:softHyphen element.
    """
    for el in docxparts.text_elements(p):
        if el.tag == qn("w:t"):
            yield fonts.text(el)
        elif el.tag == qn("w:softHyphen"):
            yield fonts.soft_hyphen(el)
        elif el.tag == qn("w:tab"):
            if el.getparent().tag == qn("w:r"):
                yield "\t"
        else:
            yield "\n"


def _val(parent, tag: str):
    if parent is None:
        return None
    el = parent.find(qn(tag))
    return el.get(qn("w:val")) if el is not None else None


def _num_pr(ppr):
    return ppr.find(qn("w:numPr")) if ppr is not None else None


def _style(p, ppr, styles: _StyleInfo, style_id) -> Style:
    runs = [r for r in p.iter(qn("w:r")) if "".join(t.text or "" for t in r.iter(qn("w:t"))).strip()]
    jc = _val(ppr, "w:jc")
    if jc is None:
        inherited = styles.find(style_id, "w:jc")
        jc = inherited.get(qn("w:val")) if inherited is not None else None
    bold = bool(runs) and all(_on(r, "w:b") for r in runs)
    italic = bool(runs) and all(_on(r, "w:i") for r in runs)
    size = font = None
    if runs:
        rpr = runs[0].find(qn("w:rPr"))
        sz = _val(rpr, "w:sz")
        size = int(sz) / 2 if sz and sz.isdigit() else None
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        font = fonts.get(qn("w:ascii")) if fonts is not None else None
    return Style(bold=bold, italic=italic, centered=(jc == "center") if jc else None, size=size, font=font)


def _on(run, tag: str) -> bool:
    rpr = run.find(qn("w:rPr"))
    el = rpr.find(qn(tag)) if rpr is not None else None
    return el is not None and el.get(qn("w:val")) not in ("0", "false", "off")


def _merge(styles: list[Style]) -> Style | None:
    if not styles:
        return None
    first = styles[0]
    return Style(bold=all(s.bold for s in styles), italic=all(s.italic for s in styles),
                 centered=first.centered, size=first.size, font=first.font)
