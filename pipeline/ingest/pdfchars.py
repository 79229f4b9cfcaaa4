"""Characters and words of pdfminer layout objects, as pdfplumber gives them, for the PDF reader
(page text) and annots.py (annotation appearances): the same keys, in page coordinates.

Built from the layout objects directly: `page.chars` would first turn every character into a dict
of some twenty resolved attributes, about 40% of the parse.
"""
from __future__ import annotations

from typing import Iterable, Iterator

from pdfminer.layout import LTChar, LTContainer
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.utils.text import WordExtractor


def layout_items(items: Iterable) -> Iterator:
    """pdfminer layout objects, containers (figures) opened, in order: what pdfplumber's objects hold."""
    for obj in items:
        if isinstance(obj, LTContainer):
            yield from layout_items(obj._objs)
        else:
            yield obj


def chars(items: Iterable, page) -> list[dict]:
    """The characters among `items` (laid out on `page`) with the values `page.chars` gives them (text,
    box in page coordinates, upright, font), but only those the word extractor and the readers use."""
    height, (mb_x0, mb_top), doctop = page.height, page.mediabox[:2], page.initial_doctop
    out = []
    for obj in layout_items(items):
        if not isinstance(obj, LTChar):
            continue
        top = (height - obj.y1) + mb_top
        font = fix_fontname_bytes(obj.fontname) if isinstance(obj.fontname, bytes) else obj.fontname
        out.append({"text": obj.get_text(), "x0": obj.x0 + mb_x0, "x1": obj.x1 + mb_x0, "top": top,
                    "bottom": (height - obj.y0) + mb_top, "doctop": doctop + top, "upright": obj.upright,
                    "fontname": font, "size": obj.size})
    return out


def words(chars: list[dict]) -> list[dict]:
    """Words with the font of their first character, as `page.extract_words()` gives them, from
    pdfplumber's own word extractor."""
    found = WordExtractor(keep_blank_chars=False).extract_words(chars, return_chars=True)
    for w in found:
        first = w.pop("chars")[0]
        w["fontname"], w["size"] = first.get("fontname"), float(first.get("size") or 0)
    return found
