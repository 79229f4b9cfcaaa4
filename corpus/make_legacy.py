"""Make the legacy-format fixtures: corpus .docx files as .doc/.rtf/.odt, and in TCVN3 and VNI fonts.

Why: offices still send Word 97-2003 .doc files, RTF and OpenDocument, and older documents typed in
the 8-bit TCVN3 (".VnTime") and VNI ("VNI-Times") fonts. Building them from the corpus keeps the
gold of each stem valid. The legacy-font .docx rewrites each run's text into the bytes of the
encoding and names the font, as a document typed with those fonts has them: TCVN3 capitals that
the .VnTime font lacks go into a ".VnTimeH" run as small-letter codes (the "H" font draws them as
capitals), so one word can mix fonts, and quotes and dashes stay Unicode, as Word keeps them. The
.doc/.rtf/.odt come from LibreOffice. Tests build the same fixtures from these functions in a
temporary directory; the few committed in corpus/legacy/ are for trying the reader by hand.

Usage: python corpus/make_legacy.py          (writes corpus/legacy/)
"""
from __future__ import annotations

import copy
import os
import signal
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

CORPUS = Path(__file__).resolve().parent
sys.path.insert(0, str(CORPUS.parent))
from pipeline.ingest import encodings  # noqa: E402

LEGACY = CORPUS / "legacy"
FONTS = {"tcvn3": (".VnTime", ".VnTimeH"), "vni": ("VNI-Times", "VNI-Times")}
FILTERS = {"doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format", "odt": "odt:writer8", "docx": "docx:MS Word 2007 XML",
           "pdf": "pdf:writer_pdf_Export"}
# What is committed: (stem, encoding or None, format).
COMMITTED = [
    ("angiang-554-ubnd-kt-2006", None, "doc"),
    ("bxd-2214-bxd-qln", None, "rtf"),
    ("ttg-2403-ttg-kgvx", None, "odt"),
    ("haugiang-393-ubnd-kgvx-2018", "tcvn3", "doc"),
    ("vpcp-8794-vpcp-kgvx", "vni", "doc"),
]


def legacy_chars(text: str, encoding: str) -> str:
    """Text as the characters a legacy font shows for its bytes; characters with no code kept."""
    table = encodings.table(encoding).encode_map
    return "".join(encodings.encode(ch, encoding).decode("latin-1") if ch in table else ch for ch in text)


def segments(text: str, encoding: str) -> list[tuple[str, str]]:
    """(font, characters) pieces of one run's text: TCVN3 capitals with no .VnTime code go to .VnTimeH."""
    normal, capitals = FONTS[encoding]
    table = encodings.table(encoding).encode_map
    out: list[tuple[str, str]] = []
    for ch in text:
        code = table.get(ch)
        use_h = encoding == "tcvn3" and ch.isupper() and code is not None and code[0] < 0xA0
        font, piece = (capitals, legacy_chars(ch.lower(), encoding)) if use_h else (normal, legacy_chars(ch, encoding))
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + piece)
        else:
            out.append((font, piece))
    return out


def legacy_font_docx(data: bytes, encoding: str) -> bytes:
    """A .docx whose every run is re-typed in the legacy encoding's fonts."""
    document = docx.Document(BytesIO(data))
    for run in list(document.element.body.iter(qn("w:r"))):
        _retype(run, encoding)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _retype(run, encoding: str) -> None:
    """Replace a run by runs of one font each, keeping its formatting, tabs and breaks."""
    rpr = run.find(qn("w:rPr"))
    new_runs = []
    for child in list(run):
        if child.tag == qn("w:rPr"):
            continue
        if child.tag == qn("w:t"):
            new_runs += [_run(rpr, font, text) for font, text in segments(child.text or "", encoding)]
        else:
            new_runs.append(_run(rpr, FONTS[encoding][0], None, child))
    for new in reversed(new_runs):
        run.addnext(new)
    run.getparent().remove(run)


def _run(rpr, font: str, text: str | None, child=None):
    run = OxmlElement("w:r")
    props = copy.deepcopy(rpr) if rpr is not None else OxmlElement("w:rPr")
    for old in props.findall(qn("w:rFonts")):
        props.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), font)
    props.insert(0, fonts)
    run.append(props)
    if child is not None:
        run.append(copy.deepcopy(child))
    else:
        t = OxmlElement("w:t")
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        t.text = text
        run.append(t)
    return run


def soffice_convert(data: bytes, source_ext: str, target: str, timeout: float = 120) -> bytes:
    """LibreOffice's conversion of a document's bytes to `target` (doc, rtf, odt, docx)."""
    with tempfile.TemporaryDirectory(prefix="congvan-make-legacy-") as work:
        root = Path(work)
        source = root / f"document.{source_ext}"
        source.write_bytes(data)
        command = ["soffice", f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", FILTERS[target], "--outdir", str(root / "out"), str(source)]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=dict(os.environ, HOME=work), start_new_session=True)
        try:
            log, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise SystemExit(f"soffice took longer than {timeout:.0f} s")
        result = root / "out" / f"document.{target}"
        if not result.is_file():
            raise SystemExit(f"soffice made no .{target}: {log.decode(errors='replace')[-300:]}")
        return result.read_bytes()


def fixture(stem: str, encoding: str | None, fmt: str) -> bytes:
    """The bytes of one legacy fixture made from corpus/<stem>.docx."""
    data = (CORPUS / f"{stem}.docx").read_bytes()
    if encoding:
        data = legacy_font_docx(data, encoding)
    return data if fmt == "docx" else soffice_convert(data, "docx", fmt)


def main() -> int:
    for stem, encoding, fmt in COMMITTED:
        folder = LEGACY / encoding if encoding else LEGACY
        folder.mkdir(parents=True, exist_ok=True)
        data = fixture(stem, encoding, fmt)
        (folder / f"{stem}.{fmt}").write_bytes(data)
        print(f"{(folder / f'{stem}.{fmt}').relative_to(CORPUS.parent)}: {len(data) // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
