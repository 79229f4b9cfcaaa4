"""A .docx opened for reading, its word/styles.xml parsed once per distinct content in a process.

A style sheet is the largest part of most .docx files and the same from one document to the next:
an office writes its dispatches from one template (python-docx's own default sheet is 350 KB, a 4 ms
parse, ten times the body of a two-page dispatch). `open_document` is python-docx's `Document()`
with one difference: the styles part comes from `SharedStylesPart`, which keys the parsed tree by
the part's exact bytes, and keeps what the readers derive from it (docfonts' style table) beside
it. The shared trees are only read: python-docx's own `Document()`, used to write files, is left
as it is (its parts are never shared).
"""
from __future__ import annotations

from collections import OrderedDict
from io import BytesIO
from typing import Any, Callable

from docx.opc.constants import CONTENT_TYPE, RELATIONSHIP_TYPE
from docx.opc.package import Unmarshaller
from docx.opc.part import PartFactory
from docx.opc.pkgreader import PackageReader
from docx.oxml.parser import parse_xml
from docx.package import Package
from docx.parts.styles import StylesPart

MAX_SHEETS = 4  # distinct sheets kept per process (a few MB of tree each at most) ...
MAX_SHEET_BYTES = 2 * 1024 * 1024  # ... and none larger than this: those are parsed every time


class SharedStylesPart(StylesPart):
    """A styles part whose tree, and what was derived from it, is shared by equal sheets."""

    _sheets: "OrderedDict[bytes, tuple[Any, dict]]" = OrderedDict()

    def __init__(self, partname, content_type, element, package, derived: dict | None = None) -> None:
        super().__init__(partname, content_type, element, package)
        self.derived = {} if derived is None else derived

    @classmethod
    def load(cls, partname, content_type, blob, package):
        if len(blob) > MAX_SHEET_BYTES:
            return cls(partname, content_type, parse_xml(blob), package)
        hit = cls._sheets.get(blob)
        if hit is None:
            hit = cls._sheets[blob] = (parse_xml(blob), {})
            while len(cls._sheets) > MAX_SHEETS:
                cls._sheets.popitem(last=False)
        else:
            cls._sheets.move_to_end(blob)
        return cls(partname, content_type, hit[0], package, hit[1])


def open_document(data: bytes):
    """The python-docx Document in `data`, for reading only (ValueError when it is not Word's)."""
    part = _ReadPackage.open(BytesIO(data)).main_document_part
    if part.content_type != CONTENT_TYPE.WML_DOCUMENT_MAIN:
        raise ValueError(f"not a Word document: its main part is {part.content_type}")
    return part.document


class _ReadPackage(Package):
    @classmethod
    def open(cls, pkg_file):
        package = cls()
        Unmarshaller.unmarshal(PackageReader.from_file(pkg_file), package, _part)
        return package


def _part(partname, content_type, reltype, blob, package):
    if content_type == CONTENT_TYPE.WML_STYLES:
        return SharedStylesPart.load(partname, content_type, blob, package)
    return PartFactory(partname, content_type, reltype, blob, package)


def derived(document, name: str, compute: Callable[[Any], Any]) -> Any:
    """`compute(styles root)` for this document's style sheet, computed once per distinct sheet."""
    try:
        part = document.part.part_related_by(RELATIONSHIP_TYPE.STYLES)
    except KeyError:  # no sheet: python-docx supplies its default one, made afresh
        return compute(document.part.styles.element)
    memo = getattr(part, "derived", None)
    if memo is None:  # the styles relationship leads to a part of another type (a malformed file)
        return compute(part.element)
    if name not in memo:
        memo[name] = compute(part.element)
    return memo[name]
