"""Word's hidden parts: the text a reader sees that a plain walk of the body misses or doubles.

Text boxes (`w:txbxContent`, written twice by Word: a DrawingML choice and a VML fallback) are read
once, as blocks of their own; content controls (`w:sdt`) and custom XML wrappers are looked through
at body, row, cell and run level; tracked changes are read as accepted (insertions kept, deletions
and moved-away text dropped); the first page's header part and the footer part are read too, since
some offices set the issuer block ("UBND TỈNH …\\nSỞ GIÁO DỤC …") in the page header.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from docx.oxml import ns

qn = lru_cache(maxsize=None)(ns.qn)  # "w:p" -> "{...main}p", asked hundreds of times a paragraph

MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Subtrees whose text is not part of the paragraph as a reader sees it (after accepting changes).
_HIDDEN = {qn("w:del"), qn("w:moveFrom"), qn("w:txbxContent"), MC_FALLBACK, qn("w:pPr"), qn("w:rPr"),
           qn("w:instrText"), qn("w:delText")}
_TEXT = {qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr"), qn("w:softHyphen")}
# Wrappers whose children belong to the enclosing container.
WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins"), qn("w:moveTo")}
_PAGE_NUMBER = re.compile(r"^\s*(?:trang\s*)?\d+\s*(?:/\s*\d+)?\s*$", re.IGNORECASE)


def text_elements(p) -> Iterator:
    """The paragraph's w:t / w:tab / w:br / w:cr / w:softHyphen elements a reader sees, in order."""
    stack = list(reversed(list(p)))
    while stack:
        el = stack.pop()
        if el.tag in _HIDDEN:
            continue
        if el.tag in _TEXT:
            yield el
        else:
            stack.extend(reversed(list(el)))


def text_boxes(p) -> list:
    """The outermost text boxes anchored in this paragraph, each once (the VML fallback skipped)."""
    out = []
    stack = list(p)
    while stack:
        el = stack.pop(0)
        if el.tag == MC_FALLBACK:
            continue
        if el.tag == qn("w:txbxContent"):
            out.append(el)
        else:
            stack[:0] = list(el)
    return out


def children(container) -> Iterator:
    """Children of a body, cell or row, looking through content controls and custom XML."""
    for child in container.iterchildren():
        if child.tag in WRAPPERS:
            yield from children(child)
        else:
            yield child


def rows(tbl) -> Iterator:
    """The table's rows, deleted rows (a tracked change) left out."""
    for row in children(tbl):
        if row.tag == qn("w:tr") and not _row_deleted(row):
            yield row


def _row_deleted(row) -> bool:
    trpr = row.find(qn("w:trPr"))
    return trpr is not None and trpr.find(qn("w:del")) is not None


def mark_deleted(p) -> bool:
    """The paragraph mark itself was deleted (its text, if any, joins the next paragraph)."""
    ppr = p.find(qn("w:pPr"))
    rpr = ppr.find(qn("w:rPr")) if ppr is not None else None
    return rpr is not None and rpr.find(qn("w:del")) is not None


def page_parts(document) -> tuple[list, list]:
    """(header parts, footer parts) shown on the first page: first-page ones when the section asks."""
    try:
        section = document.sections[0]
    except IndexError:
        return [], []
    first = section.different_first_page_header_footer
    header = section.first_page_header if first else section.header
    footer = section.first_page_footer if first else section.footer
    return _defined(header), _defined(footer)


def _defined(part) -> list:
    return [] if part.is_linked_to_previous else [part._element]


def is_page_number(text: str) -> bool:
    """A footer line that only numbers the page ("2", "Trang 2/5")."""
    return bool(_PAGE_NUMBER.match(text))
