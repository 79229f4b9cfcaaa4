"""The format of a file from its bytes, not its name; size limits checked before any parsing."""
from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from ..errors import DocumentError

MAX_FILE_BYTES = 200 * 1024 * 1024
SUPPORTED = {"txt": "txt", "text": "txt", "docx": "docx", "pdf": "pdf", "doc": "doc", "rtf": "rtf", "odt": "odt",
             "png": "png", "jpg": "jpeg", "jpeg": "jpeg", "tif": "tiff", "tiff": "tiff"}
# An old .doc is often RTF or a renamed .docx, a photo's extension often names the wrong image
# format: within each family the bytes decide which reader runs.
_FAMILIES = ({"doc", "rtf", "odt", "docx"}, {"png", "jpeg", "tiff"})
# Magic numbers, named so the message can say what the bytes are.
_KNOWN_BINARY = {
    b"\xd0\xcf\x11\xe0": "an OLE2 file (legacy .doc/.xls)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"II*\x00": "a TIFF image",
    b"MM\x00*": "a TIFF image",
    b"{\\rtf": "an RTF document",
}


def load(path: Path, shown: str) -> tuple[bytes, str]:
    """Read the file (bounded) and return its bytes and the format the bytes show."""
    ext = path.suffix.lower().lstrip(".")
    if ext not in SUPPORTED:
        raise DocumentError("E003", shown, ext=ext or "(none)", supported=", ".join(sorted(set(SUPPORTED.values()))))
    data = _read(path, shown)
    actual = detect(data)
    expected = SUPPORTED[ext]
    if any(expected in family and actual in family for family in _FAMILIES):
        return data, actual
    if actual != expected:
        raise DocumentError("E004", shown, ext=ext, actual=_describe(data, actual))
    return data, expected


def _read(path: Path, shown: str) -> bytes:
    try:
        if not path.exists():
            raise DocumentError("E001", shown)
        if not path.is_file():
            raise DocumentError("E013", shown)
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DocumentError("E010", shown, size=size, limit=MAX_FILE_BYTES)
        data = path.read_bytes()
    except OSError as e:
        raise DocumentError("E014", shown, detail=e.strerror or str(e)) from e
    if not data.strip():
        raise DocumentError("E002", shown)
    return data


def detect(data: bytes) -> str:
    """'pdf', 'docx', 'odt', 'doc', 'rtf', 'png', 'jpeg', 'tiff', 'zip', 'binary' or 'txt' from the bytes."""
    head = data[:8]
    if data.lstrip()[:5] == b"%PDF-":
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            return "doc" if kind == "ole2" and _WORD_STREAM in data[:1 << 20] else kind
    if any(head.startswith(m) for m in _KNOWN_BINARY):
        return "binary"
    if b"\x00" in data[:4096] and not _looks_utf16(data):
        return "binary"
    return "txt"


_MAGIC = {b"\xd0\xcf\x11\xe0": "ole2", b"{\\rtf": "rtf", b"\x89PNG": "png", b"\xff\xd8\xff": "jpeg",
          b"II*\x00": "tiff", b"MM\x00*": "tiff"}
_WORD_STREAM = "WordDocument".encode("utf-16-le")  # the stream every Word 97-2003 file has
_ODT_MIME = b"application/vnd.oasis.opendocument.text"


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = z.namelist()
            if "word/document.xml" in names:
                return "docx"
            if "mimetype" in names:
                with z.open("mimetype") as member:
                    if member.read(64).strip() == _ODT_MIME:
                        return "odt"
            return "zip"
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, NotImplementedError):
        return "docx"  # a damaged docx: let the docx reader say what is wrong with it


def _looks_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff") or data[1:4096:2].count(0) > len(data[1:4096:2]) * 0.4


def _describe(data: bytes, actual: str) -> str:
    for magic, name in _KNOWN_BINARY.items():
        if data.startswith(magic):
            return name
    return {"pdf": "a PDF", "docx": "a Word .docx document", "odt": "an OpenDocument text (.odt)",
            "zip": "a ZIP archive", "txt": "plain text", "binary": "unrecognised binary data"}.get(actual, actual)
