"""Structure stage: the frame of a dispatch (header, addressees, signer, Nơi nhận, references) and
the outline of its body.

`structure(doc)` reads `doc.blocks` only and fills `doc.frame`, `doc.outline` and appends to
`doc.warnings`; it is pure (no I/O beyond the rule files, read once). The parsers work on lines,
so a .txt paragraph, a .docx cell and a PDF column give the same result:

    Số: 24 /SGDDĐT-VP           -> frame.number = "24/SGDDĐT-VP"
    Hậu Giang, ngày 4/ tháng 01 năm 2018 -> frame.place = "Hậu Giang", frame.issue_date = "2018-01-04"
"""
from __future__ import annotations

from ..model import Document, Frame
from . import fallbacks, fields, outline
from .header import Header, parse_header
from .lines import Line, flatten
from .recipients import addressees, article_addressees, copy_list
from .references import find_references
from .repair import Fixer
from .rulebook import doc_types, header_rules, outline_rules
from .signer import find_signer, signature_line
from .warnings import warning

__all__ = ["structure"]
ADDRESSEE_SEARCH = 60


def structure(doc: Document) -> Document:
    """Fill doc.frame, doc.outline and doc.warnings from doc.blocks."""
    lines = flatten(doc, header_rules())
    fix = Fixer([line.text for line in lines])
    head = parse_header(lines, fix)
    _headerless(lines, head)
    frame = _frame(head)
    used = {k: list(v) for k, v in head.where.items()}
    frame.addressees, used["addressees"] = addressees(lines, 0, max(head.end, 1) + ADDRESSEE_SEARCH, fix)
    if not frame.addressees and head.number is None:
        frame.addressees, used["addressees"] = article_addressees(lines, ADDRESSEE_SEARCH)
    start = max([head.end] + [i + 1 for i in used["addressees"]])
    frame.recipients, used["recipients"] = copy_list(lines, start, fix, signature_line)
    signer = find_signer(lines, start, fix)
    frame.signer_title, frame.signer_authority, frame.signer_name = signer.title, signer.authority, signer.name
    frame.signer_title = frame.signer_title or head.role
    used["signer"] = signer.lines
    end = min([i for i in used["recipients"][:1] + signer.lines[:1] if i >= start] or [len(lines)])
    frame.references = find_references(_citing_lines(lines, used), head.number, fix)
    _bounds(doc, frame, lines, start, end)
    frame.provenance = {k: sorted({lines[i].block for i in v}) for k, v in used.items() if v}
    doc.frame = frame
    doc.outline = _outline(doc, lines, start, end, used)
    doc.warnings.extend(_warnings(head, frame))
    return doc


def _headerless(lines: list[Line], head: Header) -> None:
    if head.number is None and head.issue_date is None and head.issuer is None:
        fallbacks.headline(lines, head)
    if head.issuer is None:
        found = fallbacks.self_named_issuer(lines[head.end:])
        if found:
            head.issuer = found[0]
            head.where["issuer"] = [found[1]]


def _frame(head: Header) -> Frame:
    return Frame(number=head.number, doc_type=head.doc_type, issuer=head.issuer,
                 issuer_parent=head.issuer_parent, place=head.place, issue_date=head.issue_date,
                 subject=head.subject, urgency=head.urgency)


def _citing_lines(lines: list[Line], used: dict[str, list[int]]) -> list[tuple[str, int]]:
    """(text, block) per block, its lines joined (a number may wrap), without the copy list, the
    signature or the own number."""
    skip = set(used.get("recipients", [])) | set(used.get("signer", []))
    out: list[tuple[str, int]] = []
    for line in lines:
        if line.index in skip or line.motto:
            continue
        found = fields.number_from(line.text, header_rules()) if line.index in used.get("number", []) else None
        text = line.text[found[1]:] if found else line.text
        if out and out[-1][1] == line.block:
            out[-1] = (f"{out[-1][0]}\n{text}", line.block)
        else:
            out.append((text, line.block))
    return out


def _bounds(doc: Document, frame: Frame, lines: list[Line], start: int, end: int) -> None:
    if start < end:
        frame.body_start = lines[start].block
        frame.body_end = lines[end].block if end < len(lines) else len(doc.blocks)


def _outline(doc: Document, lines: list[Line], start: int, end: int, used: dict[str, list[int]]):
    orl = outline_rules()
    cells = {b.id: b.table[:2] for b in doc.blocks if b.kind == "cell" and b.table}
    nodes = outline.build(outline.units(lines[start:end], cells, orl), orl)
    after = max([end - 1] + used.get("recipients", []) + used.get("signer", [])) + 1
    taken = set(used.get("recipients", [])) | set(used.get("signer", []))
    tail = [line for line in lines[after:] if line.index not in taken]
    if tail and end < len(lines):
        count = sum(1 for n in nodes if n.kind in ("paragraph", "schedule") and not n.label)
        nodes += outline.attachment(outline.units(tail, cells, orl), orl, count)
    return nodes


def _warnings(head: Header, frame: Frame) -> list[str]:
    out = []
    has_header = bool(head.number or head.issue_date or head.where.get("issuer"))
    if not has_header:
        out.append(warning("W109"))
    elif head.number is None:
        out.append(warning("W101"))
    elif not any(c.isdigit() for c in head.number.split("/")[0]):
        out.append(warning("W102", number=head.number))
    if head.bad_date:
        out.append(warning("W103", date=head.bad_date))
    elif has_header and head.issue_date is None:
        out.append(warning("W104"))
    elif head.issue_date and len(head.issue_date) == 7:
        out.append(warning("W110", date=head.issue_date))
    by_code = fields.code_type(head.number, doc_types())
    if head.type_from == "title" and by_code and by_code != head.doc_type:
        out.append(warning("W105", number=head.number, by_code=by_code, by_title=head.doc_type))
    elif head.type_from == "title" and head.number and not by_code:
        out.append(warning("W111", number=head.number, by_title=head.doc_type))
    if frame.issuer is None:
        out.append(warning("W106"))
    if frame.signer_name is None:
        out.append(warning("W107"))
    if frame.subject is None:
        out.append(warning("W108"))
    return out
