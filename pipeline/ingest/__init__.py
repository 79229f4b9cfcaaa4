"""Ingestion: one reader per format behind one entry point, `ingest(path) -> Document`.

Knows file formats and nothing about dispatches. The format comes from the bytes (`sniff`), sizes are
checked before parsing, and every failure is a `DocumentError` naming the file and the reason.
"""
from __future__ import annotations

import hashlib
import importlib
from functools import lru_cache
from pathlib import Path
from typing import Callable

from ..errors import DocumentError
from ..model import Block, Document, Source
from ..text import clean
from . import encodings, marks, sniff, splitletters

# Format -> the module that reads it, imported on first use: a run over .txt files (or a clerk's
# command) does not pay for loading the PDF, Word and image libraries.
READER_MODULES = {"txt": "txt", "docx": "docx", "pdf": "pdf", "doc": "legacy", "rtf": "legacy", "odt": "legacy",
                  "png": "images", "jpeg": "images", "tiff": "images"}


@lru_cache(maxsize=None)
def reader(fmt: str) -> Callable:
    """The read(data, path) function for a format that sniff.load returned."""
    module = importlib.import_module(f".{READER_MODULES[fmt]}", __package__)
    return module.reader(fmt) if READER_MODULES[fmt] == "legacy" else module.read


def ingest(path: str | Path) -> Document:
    """Read one file into a Document whose blocks carry cleaned display text and the raw text."""
    path_str = str(path)
    data, fmt = sniff.load(Path(path), path_str)
    blocks, pages, warnings = reader(fmt)(data, path_str)
    warnings = list(warnings) + encodings.repair_blocks(blocks)  # TCVN3/VNI text that no font announced
    blocks = _finish(blocks)
    signed: list = []
    if fmt == "pdf":  # display text repaired, raw text as the layer said it
        warnings += splitletters.repair_blocks(blocks)
        from . import esign  # e-office signatures: who signed, when

        signed, unread = esign.signatures(data, path_str)
        warnings += unread
    if not any(b.text for b in blocks):
        code = "E008" if fmt == "pdf" else "E015"
        raise DocumentError(code, path_str)
    source = Source(path=path_str, sha256=hashlib.sha256(data).hexdigest(), format=fmt,
                    pages=pages, size=len(data))
    return Document(source=source, blocks=blocks, warnings=list(warnings), signatures=signed)


def _finish(blocks: list[Block]) -> list[Block]:
    """Clean each block's text (keeping the raw form), drop empty ones, number them in order."""
    out = []
    for b in blocks:
        raw = b.raw if b.raw is not None else b.text
        text = clean(marks.fix_marks(raw))
        if not text:
            continue
        b.raw, b.text, b.id = raw, text, len(out)
        b.para = b.para or len(out) + 1
        out.append(b)
    return out
