"""Builders of hostile and broken files, shared by every test that must survive them."""
from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx


def docx_bytes(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb_docx(path: Path, expanded_mb: int = 40) -> Path:
    """A .docx whose document.xml expands to `expanded_mb` MB from a few KB."""
    good = zipfile.ZipFile(io.BytesIO(docx_bytes(["x"])))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in good.infolist():
            if item.filename == "word/document.xml":
                z.writestr(item.filename, good.read(item) + b" " * (expanded_mb * 1024 * 1024))
            else:
                z.writestr(item, good.read(item))
    return path


def entity_bomb_docx(path: Path) -> Path:
    """A .docx whose document.xml defines nested entities (billion laughs)."""
    good = zipfile.ZipFile(io.BytesIO(docx_bytes(["x"])))
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    xml = good.read("word/document.xml").decode("utf-8")
    head, body = xml.split("?>", 1)
    doctype = f"<!DOCTYPE w:document [{''.join(levels)}]>"
    body = body.replace(">x<", ">&lol9;<")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in good.infolist():
            data = (head + "?>" + doctype + body).encode() if item.filename == "word/document.xml" else good.read(item)
            z.writestr(item.filename, data)
    return path


def deep_nesting_docx(path: Path, depth: int = 5000) -> Path:
    good = zipfile.ZipFile(io.BytesIO(docx_bytes(["x"])))
    xml = good.read("word/document.xml").decode("utf-8")
    nest = "<w:tbl><w:tr><w:tc>" * depth + "<w:p/>" + "</w:tc></w:tr></w:tbl>" * depth
    xml = xml.replace("<w:body>", "<w:body>" + nest, 1)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for item in good.infolist():
            data = xml.encode() if item.filename == "word/document.xml" else good.read(item)
            z.writestr(item.filename, data)
    return path


def random_bytes(path: Path, size: int = 4096, seed: int = 7) -> Path:
    import random

    path.write_bytes(random.Random(seed).randbytes(size))
    return path


def truncated(source: Path, path: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def encrypted_pdf(source: Path, path: Path, password: str = "secret") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(str(source)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password=password + "-owner")
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def blank_pdf(path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


__all__ = [name for name in dir() if not name.startswith("_") and name not in ("io", "os", "zipfile", "Path", "docx")]
