"""Digital signatures of an e-office PDF (VNPT SmartCA, Viettel-CA, …): when and by whom it was signed.

The signing time and the signer's name and organization come from each embedded signature (pyHanko,
which decodes untrusted input within limits); the signature is read, not validated: a clerk's
register needs who signed and when, while trust in the certificate is the e-office system's job.
pyHanko is imported only for files that carry a signature (/ByteRange), since it is slow to load.
"""
from __future__ import annotations

from io import BytesIO

from ..model import Signature

MAX_SIGNATURES = 16


def signatures(data: bytes, path: str) -> tuple[list[Signature], list[str]]:
    """(the file's signatures in signing order, warnings); a signature that cannot be read is skipped
    with a warning and never fails the document."""
    if b"/ByteRange" not in data:
        return [], []
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        found = PdfFileReader(BytesIO(data), strict=False).embedded_signatures[:MAX_SIGNATURES]
        return [_signature(s) for s in found], []
    except Exception as e:  # noqa: BLE001 - any failure of a third-party parser on a hostile file
        return [], [f"digital signature not readable: {type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''}"]


def _signature(embedded) -> Signature:
    subject = embedded.signer_cert.subject.native
    when = embedded.self_reported_timestamp
    organization = subject.get("organization_name") or subject.get("organizational_unit_name")
    return Signature(signed_at=when.isoformat() if when else None, name=_one(subject.get("common_name")),
                     organization=_one(organization), field_name=_one(embedded.field_name))


def _one(value) -> str | None:
    """A subject attribute given once or several times ("OU" often is) as one string."""
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    return str(value).strip() or None if value else None
