"""Make the e-office field file: a dispatch whose number and day exist only in its signatures' stamps.

Why: in an e-office (VNPT SmartCA and the like) the clerk's organization signs last, and the system
stamps the number and the day into the signature widgets' appearance streams at that moment: the page
content keeps the blanks ("Số:        /TB-UBND", "ngày      tháng 7 năm 2024"). The receiving office
then types a routing note over the page as a FreeText annotation. Public files may not be copied, so
this rebuilds corpus/own-11-tanphuoc-ubndxa-tb-ketluan (its gold stays valid) that way:

1. the corpus rendering printed by LibreOffice with the number and the day left blank (revision 0);
2. two signatures by a throwaway self-signed certificate of the issuing body (made here, on the fly),
   each with a visible widget over one blank whose appearance stream carries the number or the day;
3. a FreeText routing note in the top margin, in an incremental update after signing, drawn with the
   page's own embedded fonts (so it renders Vietnamese).

Output: corpus/field/own-11-tanphuoc-ubndxa-tb-ketluan.pdf. The certificate is new on every run, so
the bytes differ; tests/test_esign.py re-signs revision 0 of the committed file with a fresh one.

Usage: python corpus/make_signed.py   (needs LibreOffice)
"""
from __future__ import annotations

import io
import re
import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import docx as python_docx
import pdfplumber
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pdfminer.pdfinterp import PDFResourceManager
from pdfminer.pdftypes import resolve1
from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign import fields, signers
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore

CORPUS = Path(__file__).resolve().parent
sys.path[:0] = [str(CORPUS.parent), str(CORPUS)]

import make_renderings  # noqa: E402

STEM = "own-11-tanphuoc-ubndxa-tb-ketluan"
NUMBER, DAY = "46", "22"  # as the gold has them: 46/TB-UBND, 22/07/2024
ISSUER, PARENT = "UBND xã Tân Phước", "UBND huyện Tam Đồng"
SIGNED_AT = datetime(2024, 7, 22, 9, 30, tzinfo=timezone(timedelta(hours=7)))
NOTE = ("Chuyển bộ phận Văn hóa - Xã hội xử lý.", "23/07/2024")
NOTE_BOX = (330.0, 8.0, 580.0, 46.0)  # x0, top, x1, bottom in points: the top margin, right
STAMP_SIZE = 13
BLANK = "\u00a0"


def unsigned_pdf(stem: str = STEM) -> bytes:
    """The corpus rendering with the number and the day left blank, printed by LibreOffice."""
    document = python_docx.Document(io.BytesIO(make_renderings.docx_bytes(CORPUS / f"{stem}.txt")))
    for table in document.tables:
        for cell in (c for row in table.rows for c in row.cells):
            for run in (r for p in cell.paragraphs for r in p.runs):
                run.text = re.sub(r"^(Số:\s*)\d+/", lambda m: m.group(1) + BLANK * 10 + "/", run.text)
                run.text = re.sub(r"ngày \d+ tháng", "ngày" + BLANK * 7 + "tháng", run.text)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{stem}.docx"
        document.save(str(path))
        make_renderings.convert_pdfs([path])
        return path.with_suffix(".pdf").read_bytes()


def original_revision(data: bytes) -> bytes:
    """Revision 0 of a file that later revisions were appended to (the file as printed, unsigned)."""
    end = data.index(b"%%EOF") + len(b"%%EOF")
    return data[:end] + b"\n"


def blanks(data: bytes) -> dict[str, tuple[float, float, float, float]]:
    """Rectangles (PDF user space) of the blank after "Số:" and of the one after "ngày", page 1."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        words, height = page.extract_words(), float(page.height)
    out = {}
    for name, before, after in (("number", "Số:", "/"), ("day", "ngày", "tháng")):
        for left, right in zip(words, words[1:]):
            if left["text"] == before and right["text"].startswith(after) and abs(left["top"] - right["top"]) < 2:
                out[name] = (left["x1"] + 1, height - left["bottom"], right["x0"] - 1, height - left["top"])
                break
        else:
            raise SystemExit(f"no blank after '{before}' on page 1")
    return out


def throwaway_signer(name: str = ISSUER, organization: str = PARENT) -> signers.SimpleSigner:
    """A signer with a new self-signed EC certificate (CN name, O organization, C VN), valid a year."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name),
                         x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization),
                         x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(SIGNED_AT - timedelta(days=1)).not_valid_after(SIGNED_AT + timedelta(days=365))
            .sign(key, hashes.SHA256()))
    cert_asn1 = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    key_asn1 = asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return signers.SimpleSigner(signing_cert=cert_asn1, signing_key=key_asn1,
                                cert_registry=SimpleCertificateStore.from_certs([cert_asn1]))


class _SignerAt(signers.PdfSigner):
    """pyHanko's signer with the signing time given (pyHanko takes the clock's)."""

    def __init__(self, *args, at: datetime, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.at = at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self.at
        return session


def stamp(data: bytes, signer, field: str, text: str, box: tuple, at: datetime) -> bytes:
    """One signature whose visible widget sits on `box` and whose appearance draws `text`."""
    centred = layout.SimpleBoxLayoutRule(x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                                         inner_content_scaling=layout.InnerScaling.NO_SCALING)
    style = TextStampStyle(stamp_text=text, border_width=0, inner_content_layout=centred,
                           text_box_style=TextBoxStyle(font_size=STAMP_SIZE, border_width=0, box_layout_rule=centred))
    pdf_signer = _SignerAt(signers.PdfSignatureMetadata(field_name=field), signer=signer, stamp_style=style,
                           new_field_spec=fields.SigFieldSpec(field, on_page=0, box=box), at=at)
    out = io.BytesIO()
    pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(data), strict=False), output=out)
    return out.getvalue()


def sign(data: bytes, signer=None, number: str = NUMBER, day: str = DAY, at: datetime = SIGNED_AT) -> bytes:
    """The number and the day stamped by two signatures of the issuing body, a minute apart."""
    signer = signer or throwaway_signer()
    where = blanks(data)
    data = stamp(data, signer, "SoVanBan", number, where["number"], at)
    return stamp(data, signer, "NgayBanHanh", day, where["day"], at + timedelta(minutes=1))


def font_codes(data: bytes) -> dict[str, tuple[str, int]]:
    """Character -> (font resource name, code) over page 1's regular embedded fonts (their ToUnicode)."""
    manager, out = PDFResourceManager(), {}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        fonts = resolve1(resolve1(pdf.pages[0].page_obj.resources)["Font"])
        for name, spec in sorted(fonts.items()):
            font = manager.get_font(None, resolve1(spec))
            if "Bold" in str(font.basefont) or "Italic" in str(font.basefont) or font.unicode_map is None:
                continue
            for code, char in font.unicode_map.cid2unichr.items():
                out.setdefault(char, (name, code))
    return out


def note_stream(codes: dict[str, tuple[str, int]], width: float, size: float = 11.0) -> bytes:
    """Content drawing the note's lines in dark blue, switching fonts where a glyph lives in another."""
    ops = ["q 0 0 0.55 rg BT"]
    for k, line in enumerate(NOTE):
        ops.append(f"1 0 0 1 2 {size * (len(NOTE) - k) - size + 4:.1f} Tm")
        current = None
        for char in line:
            font, code = codes[char]
            if font != current:
                ops.append(f"/{font} {size} Tf")
                current = font
            ops.append(f"<{code:02x}> Tj")
    ops.append("ET Q")
    return "\n".join(ops).encode("ascii")


def add_note(data: bytes) -> bytes:
    """A FreeText routing note in the top margin, appended as an incremental update."""
    codes = font_codes(data)
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    page_ref, resources = writer.find_page_for_modification(0)
    page_fonts = resources.get_object()["/Font"]
    height = float(page_ref.get_object()["/MediaBox"][3])
    x0, top, x1, bottom = NOTE_BOX
    used = {codes[c][0] for line in NOTE for c in line}
    form = generic.StreamObject({
        pdf_name("/Type"): pdf_name("/XObject"), pdf_name("/Subtype"): pdf_name("/Form"),
        pdf_name("/BBox"): generic.ArrayObject([generic.FloatObject(v) for v in (0, 0, x1 - x0, bottom - top)]),
        pdf_name("/Resources"): generic.DictionaryObject({pdf_name("/Font"): generic.DictionaryObject(
            {pdf_name(f"/{n}"): page_fonts.raw_get(f"/{n}") for n in sorted(used)})}),
    }, stream_data=note_stream(codes, x1 - x0))
    annot = generic.DictionaryObject({
        pdf_name("/Type"): pdf_name("/Annot"), pdf_name("/Subtype"): pdf_name("/FreeText"),
        pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in (x0, height - bottom, x1, height - top)]),
        pdf_name("/Contents"): generic.TextStringObject("\n".join(NOTE)),
        pdf_name("/DA"): generic.TextStringObject("/Helv 11 Tf 0 0 0.55 rg"),
        pdf_name("/F"): generic.NumberObject(4), pdf_name("/P"): page_ref,
        pdf_name("/T"): generic.TextStringObject("Văn thư"),
        pdf_name("/AP"): generic.DictionaryObject({pdf_name("/N"): writer.add_object(form)}),
    })
    writer.register_annotation(page_ref, writer.add_object(annot))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def signed_dispatch(unsigned: bytes, signer=None) -> bytes:
    """Revision 0 stamped and signed, then the receiving office's note."""
    return add_note(sign(unsigned, signer))


def main() -> int:
    path = CORPUS / "field" / f"{STEM}.pdf"
    path.write_bytes(signed_dispatch(unsigned_pdf()))
    print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
