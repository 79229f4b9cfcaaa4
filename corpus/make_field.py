"""Make the field test set: corpus documents rebuilt the way real offices' files arrive.

Why: real files hide their text where a plain reader does not look (Word text boxes, page header
parts, tracked changes, numbering that exists only in numbering.xml) or lay their tasks out as
tables across pages. Public files may not be copied into the corpus, so each field file is rebuilt
here from a corpus document whose gold (corpus/gold/<stem>.json) stays valid for it; `make eval`
scores the field set beside the clean renderings. Everything is deterministic.

- field/haugiang-24-sgddt-vp.docx: the header table inside a text box (a DrawingML choice and a
  VML fallback, as Word writes it), Kính gửi inside a content control, tracked changes (a deleted
  phrase, an inserted phrase, a whole numbered paragraph deleted).
- field/own-03-tamdong-pgddt-hd-baocao.docx: issuer block and motto in a text box in the first
  page's header part; numbered items as literal numbers padded with no-break spaces; dash and plus
  bullets whose markers exist only in numbering.xml (Symbol-font characters).
- field/field-01-hatinh-kh-hocbaso.docx/.pdf: a plan written for this set (source
  field/clean/field-01-hatinh-kh-hocbaso.txt, gold in corpus/gold) whose task table runs over two
  page breaks, rows split across them, and an appendix of items with chủ trì/phối hợp sub-points.
- field/vuquang-44-pgddt-tdkt.pdf: a 150 dpi scan whose invisible text layer (render mode 3) is a
  scanner's bad OCR (diacritics lost, o/0 and i/l confused), with a blank back side after page 1.
- field/ninhbinh-tb-ketluan-2017.tif: a three-page TIFF, page 1 turned a quarter, page 3 upside down.
- field/chain-03-canloc-pgddt-tuanle-hoctap.pdf: printed with one letter of each word in the
  header, Kính gửi, first task and signature letter-spaced, so the text layer reads "CỘ NG".

Usage: python corpus/make_field.py   (needs LibreOffice for the two PDFs printed from .docx)
"""
from __future__ import annotations

import copy
import io
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from datetime import datetime
import sys
from pathlib import Path

import docx as python_docx
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from PIL import Image, ImageChops
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

CORPUS = Path(__file__).resolve().parent
ROOT = CORPUS.parent
FIELD = CORPUS / "field"
sys.path[:0] = [str(ROOT), str(CORPUS)]

from pipeline.ingest import ingest  # noqa: E402  (the blocks of the clean rendering)
import make_renderings  # noqa: E402

NS = nsdecls("w", "wp", "a") + (
    ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:v="urn:schemas-microsoft-com:vml"')
_TEXT_BOX = """<w:r {ns}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:inline>
<wp:extent cx="6120000" cy="1100000"/><wp:docPr id="{id}" name="Text Box {id}"/><a:graphic>
<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:wsp>
<wps:spPr/><wps:txbx><w:txbxContent/></wps:txbx><wps:bodyPr/></wps:wsp></a:graphicData></a:graphic>
</wp:inline></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape style="width:482pt;height:87pt">
<v:textbox><w:txbxContent/></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"""
_LITERAL = re.compile(r"^((?:[IVX]+|\d+|[a-zđ])[.)])\s+")
_BULLET = re.compile(r"^([-+])\s+")
SCAN_DPI = 150
LETTER_SPACING = 64  # twentieths of a point: 3.2 pt, just above pdfplumber's 3 pt word gap
SYMBOL = {"-": "\uf02d", "+": "\uf02b"}  # the Symbol font's dash and plus, as Word stores them


def clean_blocks(stem: str):
    return ingest(CORPUS / f"{stem}.docx").blocks


def tables_of(blocks) -> dict[int, list]:
    out: dict[int, list] = {}
    for b in blocks:
        if b.kind == "cell":
            out.setdefault(b.table[0], []).append(b)
    return out


def add_runs(paragraph, text: str, style) -> None:
    for i, line in enumerate(text.split("\n")):
        run = paragraph.add_run(line)
        run.font.size = Pt(style.size if style and style.size else 13)
        run.bold = bool(style and style.bold)
        run.italic = bool(style and style.italic)
        if i < len(text.split("\n")) - 1:
            run.add_break()


def build_table(document, cells) -> object:
    """A borderless table of the cells (one paragraph per line), not yet placed in the body."""
    top = min(b.table[1] for b in cells)
    nrows = max(b.table[1] for b in cells) + 1 - top
    ncols = max(b.table[2] for b in cells) + 1
    table = document.add_table(rows=nrows, cols=ncols)
    for b in cells:
        cell = table.cell(b.table[1] - top, b.table[2])
        first = cell.paragraphs[0]
        for i, line in enumerate(b.text.split("\n")):
            paragraph = first if i == 0 else cell.add_paragraph()
            add_runs(paragraph, line, b.style)
    element = table._tbl
    element.getparent().remove(element)
    return element


def text_box(content: list, box_id: int):
    """A run holding a text box twice (DrawingML and VML fallback) with copies of the content."""
    run = parse_xml(_TEXT_BOX.format(ns=NS, id=box_id))
    for target in run.iter(qn("w:txbxContent")):
        for element in content:
            target.append(copy.deepcopy(element))
        target.append(parse_xml(f"<w:p {nsdecls('w')}/>"))
    return run


def content_control(element):
    sdt = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr><w:alias w:val=\"Kính gửi\"/></w:sdtPr>"
                    "<w:sdtContent/></w:sdt>")
    sdt.find(qn("w:sdtContent")).append(element)
    return sdt


def tracked(kind: str, text: str):
    """A run inside w:ins or w:del, as Word records a change with Track Changes on."""
    tag = "w:delText" if kind == "del" else "w:t"
    return parse_xml(f'<w:{kind} {nsdecls("w")} w:id="{zlib.crc32(text.encode()) % 9000 + 100}" w:author="Văn thư" '
                     f'w:date="2024-01-05T08:00:00Z"><w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'
                     f"</w:{kind}>")


def deleted_paragraph(document, text: str, num_pr) -> None:
    """A whole paragraph deleted as a tracked change: runs and paragraph mark marked deleted."""
    paragraph = document.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    if num_pr is not None:
        ppr.append(copy.deepcopy(num_pr))
    ppr.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:del w:id="99" w:author="Văn thư" '
                         'w:date="2024-01-05T08:00:00Z"/></w:rPr>'))
    paragraph._p.append(tracked("del", text))


def body_paragraph(document, b):
    paragraph = document.add_paragraph()
    add_runs(paragraph, b.text, b.style)
    if b.style and b.style.centered:
        paragraph.alignment = 1
    return paragraph


def bullet_numbering(document) -> dict[str, str]:
    """numIds for dash and plus bullets whose marker is a Symbol character in numbering.xml."""
    root = document.part.numbering_part.element
    ids = {}
    for k, (mark, char) in enumerate(SYMBOL.items()):
        abstract, num = 90 + k, 900 + k
        root.insert(0, parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract}"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            f'<w:numFmt w:val="bullet"/><w:lvlText w:val="{char}"/><w:rPr><w:rFonts w:ascii="Symbol" '
            'w:hAnsi="Symbol" w:hint="default"/></w:rPr></w:lvl></w:abstractNum>'))
        root.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="{num}"><w:abstractNumId w:val="{abstract}"/>'
                              "</w:num>"))
        ids[mark] = str(num)
    return ids


def set_num(paragraph, num_id: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.insert(0, parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="{num_id}"/></w:numPr>'))


def save(document, name: str) -> Path:
    FIELD.mkdir(exist_ok=True)
    path = FIELD / name
    document.core_properties.created = document.core_properties.modified = datetime(2024, 1, 5)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(stable_zip(buffer.getvalue()))
    return path


def stable_zip(data: bytes) -> bytes:
    """The same archive with fixed member times, so the output is the same on every run."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0)), source.read(info),
                            zipfile.ZIP_DEFLATED)
    return out.getvalue()


def place_table(document, cells, first: bool) -> None:
    """The header table inside a text box; the Kính gửi table inside a content control."""
    body = document.element.body
    table = build_table(document, cells)
    if first:
        anchor = document.add_paragraph()
        anchor._p.append(text_box([table], 1))
    elif cells[0].text.startswith("Kính gửi"):
        body.insert(len(body) - 1, content_control(table))
    else:
        body.insert(len(body) - 1, table)


def changed_paragraph(document, b) -> None:
    """Item 1 gets a deleted phrase, item 2 has its first words inserted, item 6 is followed by a
    numbered paragraph deleted as a whole."""
    if b.text.startswith("1. "):
        paragraph = document.add_paragraph()
        paragraph.add_run("1. ")
        paragraph._p.append(tracked("del", "Tạm dừng, không "))
        paragraph.add_run(b.text[3:])
    elif b.text.startswith("2. "):
        paragraph = document.add_paragraph()
        words = b.text.split(" ")
        paragraph.add_run(" ".join(words[:3]) + " ")
        paragraph._p.append(tracked("ins", " ".join(words[3:8]) + " "))
        paragraph.add_run(" ".join(words[8:]))
    else:
        body_paragraph(document, b)
    if b.text.startswith("6. "):
        deleted_paragraph(document, "7. Tổ chức hội nghị tổng kết công tác thi đua, báo cáo Sở trước ngày "
                                    "30/01/2018.", None)


def text_box_and_changes(stem: str) -> Path:
    blocks = clean_blocks(stem)
    document = python_docx.Document()
    tables, placed = tables_of(blocks), set()
    for b in blocks:
        if b.kind == "cell" and b.table[0] not in placed:
            placed.add(b.table[0])
            place_table(document, tables[b.table[0]], b.table[0] == 0)
        elif b.kind != "cell":
            changed_paragraph(document, b)
    return save(document, f"{stem}.docx")


def header_part_and_bullets(stem: str) -> Path:
    blocks = clean_blocks(stem)
    document = python_docx.Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    tables, bullets = tables_of(blocks), bullet_numbering(document)
    top = [b for b in tables[0] if b.table[1] == 0]
    header = section.first_page_header.paragraphs[0]
    header._p.append(text_box([build_table(document, top)], 2))
    placed = {0}
    body = document.element.body
    body.insert(0, build_table(document, [b for b in tables[0] if b.table[1] > 0]))
    for b in blocks:
        if b.kind == "cell" and b.table[0] not in placed:
            placed.add(b.table[0])
            body.insert(len(body) - 1, build_table(document, tables[b.table[0]]))
        elif b.kind != "cell":
            listed_paragraph(document, b, bullets)
    return save(document, f"{stem}.docx")


def listed_paragraph(document, b, bullets: dict[str, str]) -> None:
    """Dash and plus items numbered by numbering.xml alone; "1." items padded with no-break spaces."""
    bullet, literal = _BULLET.match(b.text), _LITERAL.match(b.text)
    if bullet:
        paragraph = document.add_paragraph()
        add_runs(paragraph, b.text[bullet.end():], b.style)
        set_num(paragraph, bullets[bullet.group(1)])
    elif literal:
        paragraph = document.add_paragraph()
        add_runs(paragraph, literal.group(1) + "\u00a0\u00a0\u00a0" + b.text[literal.end():], b.style)
    else:
        body_paragraph(document, b)


def plan_renderings(stem: str) -> list[Path]:
    """.docx and .pdf of a plan written for the field set (its task table runs over a page break)."""
    docx_path = FIELD / f"{stem}.docx"
    docx_path.write_bytes(make_renderings.docx_bytes(FIELD / "clean" / f"{stem}.txt"))
    make_renderings.convert_pdfs([docx_path])
    return [docx_path, docx_path.with_suffix(".pdf")]


def garbled(word: str, k: int) -> str:
    """A scanner's bad OCR of a word: diacritics lost, and o/i/l confused in every other word."""
    bare = "".join(ch for ch in unicodedata.normalize("NFD", word.replace("đ", "d").replace("Đ", "D"))
                   if not unicodedata.combining(ch))
    if k % 2:
        bare = bare.translate(str.maketrans("oOiIl", "00l1I"))
    return bare.encode("ascii", "replace").decode().replace("\\", "/").replace("(", "[").replace(")", "]")


def invisible_text(words: list[dict], height: float, start: int) -> bytes:
    """Content-stream operators that write the words in render mode 3 (invisible) at their places."""
    ops = ["BT 3 Tr"]
    for k, w in enumerate(words, start=start):
        size = max(4.0, w["bottom"] - w["top"])
        ops.append(f"/FG {size:.1f} Tf 1 0 0 1 {w['x0']:.1f} {height - w['bottom']:.1f} Tm ({garbled(w['text'], k)}) Tj")
    ops.append("ET")
    return ("\n" + "\n".join(ops) + "\n").encode("ascii")


def paper(size: tuple[int, int], rng: np.random.Generator) -> Image.Image:
    """A scanned page: the picture with paper tone and grain (no seal, no skew: the layer is the point)."""
    pixels = np.full((size[1], size[0]), 244, np.int16) + rng.normal(0, 5, (size[1], size[0])).astype(np.int16)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).convert("RGB")


def scan_pages(stem: str, rng: np.random.Generator) -> list[Image.Image]:
    """Each page of corpus/<stem>.pdf at SCAN_DPI on paper, with a blank back side after page 1."""
    pdf = pdfium.PdfDocument(str(CORPUS / f"{stem}.pdf"))
    pages = []
    for index in range(len(pdf)):
        image = pdf[index].render(scale=SCAN_DPI / 72).to_pil().convert("RGB")
        pages.append(ImageChops.multiply(image, paper(image.size, rng)))
        if index == 0:
            pages.append(paper(image.size, rng))
    pdf.close()
    return pages


def garbage_layer_scan(stem: str) -> Path:
    """A scan whose invisible text layer is the scanner's bad OCR; its back side scanned blank."""
    rng = np.random.default_rng(zlib.crc32(stem.encode()))
    pages = scan_pages(stem, rng)
    raw = io.BytesIO()
    pages[0].save(raw, "PDF", save_all=True, append_images=pages[1:], resolution=SCAN_DPI, quality=70)
    writer = PdfWriter(clone_from=io.BytesIO(raw.getvalue()))
    with pdfplumber.open(CORPUS / f"{stem}.pdf") as source:
        texts = [p.extract_words() for p in source.pages]
    texts.insert(1, [])  # the blank back side has no layer
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    for page, words in zip(writer.pages, texts):
        if not words:
            continue
        page[NameObject("/Resources")].setdefault(NameObject("/Font"), DictionaryObject())[NameObject("/FG")] = font
        stream = DecodedStreamObject()
        stream.set_data(page.get_contents().get_data() + invisible_text(words, float(page.mediabox.height), 0))
        page.replace_contents(stream)
    writer.add_metadata({"/Producer": "corpus/make_field.py", "/CreationDate": "D:20240105000000"})
    path = FIELD / f"{stem}.pdf"
    with path.open("wb") as out:
        writer.write(out)
    return path


def split_run(r) -> None:
    """Replace a run by pieces where one letter in the middle of each word of three letters or
    more is letter-spaced: "CỘNG" prints as "CỘ" + "NG" with a gap, "Nguyễn" as "Ngu" + "yễn"."""
    text = "".join(t.text or "" for t in r.iter(qn("w:t")))
    pieces, rest = [], ""
    for word in re.split(r"(\s+)", text):
        if len(word) >= 3 and word.isalpha():
            k = len(word) // 2 - 1
            pieces += [(rest + word[:k], False), (word[k], True)]
            rest = word[k + 1:]
        else:
            rest += word
    pieces.append((rest, False))
    for piece, spaced in pieces:
        if not piece:
            continue
        new = copy.deepcopy(r)
        for t in list(new.iter(qn("w:t")))[1:]:
            t.getparent().remove(t)
        first = next(new.iter(qn("w:t")))
        first.text = piece
        first.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        if spaced:
            new.get_or_add_rPr().append(parse_xml(f'<w:spacing {nsdecls("w")} w:val="{LETTER_SPACING}"/>'))
        r.addprevious(new)
    r.getparent().remove(r)


def spaced_letters_pdf(stem: str) -> Path:
    """The corpus .docx printed with letter-spaced header, signature and first task: the PDF's
    text layer then reads "P H Ò N G", "Ngu yễn", as producers that place glyphs one by one do."""
    document = python_docx.Document(str(CORPUS / f"{stem}.docx"))
    tables = document.tables
    paragraphs = [p for cell in tables[0].rows[0].cells + tables[-1].rows[0].cells[1:] for p in cell.paragraphs]
    numbered = [p for p in document.paragraphs if p._p.pPr is not None and p._p.pPr.numPr is not None]
    paragraphs += [p for p in document.paragraphs if p.text.startswith("Kính gửi")] + numbered[:1]
    for paragraph in paragraphs:
        for run in paragraph.runs:
            split_run(run._r)
    with tempfile.TemporaryDirectory() as tmp:
        docx_path = Path(tmp) / f"{stem}.docx"
        document.save(str(docx_path))
        make_renderings.convert_pdfs([docx_path])
        path = FIELD / f"{stem}.pdf"
        shutil.copyfile(docx_path.with_suffix(".pdf"), path)
    return path


def rotated_tiff(stem: str, turns: tuple[int, ...]) -> Path:
    """A multi-page TIFF scan (200 dpi, grey, Group 4 off: LZW) with its pages turned by `turns`
    degrees counter-clockwise, as a sheet fed sideways or upside down comes out."""
    pdf = pdfium.PdfDocument(str(CORPUS / f"{stem}.pdf"))
    pages = [pdf[i].render(scale=200 / 72).to_pil().convert("L").rotate(turns[i % len(turns)], expand=True)
             for i in range(len(pdf))]
    pdf.close()
    path = FIELD / f"{stem}.tif"
    pages[0].save(path, save_all=True, append_images=pages[1:], compression="tiff_lzw", dpi=(200, 200))
    return path


def main() -> int:
    paths = [text_box_and_changes("haugiang-24-sgddt-vp"), header_part_and_bullets("own-03-tamdong-pgddt-hd-baocao")]
    paths += plan_renderings("field-01-hatinh-kh-hocbaso")
    paths.append(garbage_layer_scan("vuquang-44-pgddt-tdkt"))
    paths.append(spaced_letters_pdf("chain-03-canloc-pgddt-tuanle-hoctap"))
    paths.append(rotated_tiff("ninhbinh-tb-ketluan-2017", (90, 0, 180)))
    for path in paths:
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
