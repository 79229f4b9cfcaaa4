"""Plain text: UTF-8 (with or without BOM), UTF-16, or Windows-1258, detected and decoded.

A paragraph is a run of non-blank lines and becomes one block, its line breaks kept. Markdown pipe
tables (how many web dumps of dispatches carry the two-column header) become table-cell blocks, so
the later stages see the same shape as a .docx header table.
"""
from __future__ import annotations

import codecs
import re

from ..errors import DocumentError
from ..model import Block
from . import encodings

_TABLE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_SEPARATOR = re.compile(r"^\s*\|(\s*:?-{2,}:?\s*\|)+\s*$")


def decode(data: bytes, path: str) -> str:
    """Text from bytes: BOMs first, then strict UTF-8, UTF-16 without BOM, TCVN3/VNI, Windows-1258."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _strict(data, codec, path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    odd_zeros = data[1:4096:2].count(0)
    if odd_zeros > len(data[1:4096:2]) * 0.4:
        return _strict(data, "utf-16-le", path)
    legacy = encodings.decode_bytes(data)  # TCVN3 or VNI, when its words say so; never plain cp1258
    if legacy is not None:
        return legacy[0]
    return _strict(data, "cp1258", path)


def _strict(data: bytes, codec: str, path: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise DocumentError("E009", path) from e


def read(data: bytes, path: str) -> tuple[list[Block], None, list[str]]:
    text = decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    blocks: list[Block] = []
    para, tables = 0, 0
    for chunk in _paragraphs(text.split("\n")):
        para += 1
        if _TABLE_ROW.match(chunk[0]):
            blocks.extend(_table(chunk, para, tables))
            tables += 1
        else:
            blocks.append(Block(id=0, text="", raw="\n".join(chunk), kind="paragraph", para=para))
    return blocks, None, []


def _paragraphs(lines: list[str]):
    """Runs of non-blank lines; a table's rows form a run of their own."""
    run: list[str] = []
    for line in lines:
        is_row = bool(_TABLE_ROW.match(line))
        if not line.strip() or (run and is_row != bool(_TABLE_ROW.match(run[-1]))):
            if run:
                yield run
            run = [line] if line.strip() else []
        else:
            run.append(line)
    if run:
        yield run


def _table(rows: list[str], para: int, index: int) -> list[Block]:
    cells, r = [], 0
    for row in rows:
        if _SEPARATOR.match(row):
            continue
        for c, cell in enumerate(row.strip().strip("|").split("|")):
            cells.append(Block(id=0, text="", raw=cell.strip(), kind="cell", para=para, table=(index, r, c)))
        r += 1
    return cells
