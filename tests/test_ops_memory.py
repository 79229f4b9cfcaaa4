"""A 200-page PDF and a 20 MB .docx go through a nightly run with peak memory under 1 GiB.

The PDF is made of the corpus PDFs' pages, repeated (pypdf); the .docx is a real dispatch's text plus
photos of noise, which do not compress, as in a dispatch with scanned attachments. The run is a
subprocess of a small wrapper that reports its children's peak RSS (getrusage(RUSAGE_CHILDREN)), so
earlier tests' subprocesses do not count. Processing the PDF takes about 20 s on 2 cores.
"""
from __future__ import annotations

import io
import json
import random
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import docx
from docx.shared import Inches
from pypdf import PdfReader, PdfWriter

from .conftest import CORPUS, ROOT
from .test_ops_support import query

GIB_KB = 1024 * 1024  # ru_maxrss is in KiB on Linux
PAGES = 200
DOCX_BYTES = 20 * 1024 * 1024
WRAPPER = ("import json, resource, subprocess, sys\n"
           "code = subprocess.run(sys.argv[1:]).returncode\n"
           "print(json.dumps({'code': code, 'peak_kb': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))")


def long_pdf(path: Path, pages: int = PAGES) -> Path:
    writer = PdfWriter()
    sources = [PdfReader(p) for p in sorted(CORPUS.glob("*.pdf"))]
    while len(writer.pages) < pages:
        for reader in sources:
            for page in reader.pages[: pages - len(writer.pages)]:
                writer.add_page(page)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def noise_png(side: int, seed: int) -> bytes:
    rows = random.Random(seed)
    raw = b"".join(b"\x00" + rows.randbytes(side * 3) for _ in range(side))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 1)) + chunk(b"IEND", b"")


def big_docx(path: Path, size: int = DOCX_BYTES) -> Path:
    document = docx.Document()
    text = (CORPUS / "own-04-quangtri-ubnd-kh-chuyendoiso.txt").read_text(encoding="utf-8")
    for paragraph in text.split("\n\n"):
        document.add_paragraph(paragraph.strip())
    added = seed = 0
    while added < size:  # photos of noise do not compress: the file is about the photos' size
        photo = noise_png(1300, seed)
        document.add_picture(io.BytesIO(photo), width=Inches(3))
        added, seed = added + len(photo), seed + 1
    document.save(path)
    return path


def test_a_200_page_pdf_and_a_20_mb_docx_stay_under_1_gib(tmp_path: Path) -> None:
    inbox, out = tmp_path / "inbox", tmp_path / "out"
    inbox.mkdir()
    long_pdf(inbox / "long.pdf")
    assert big_docx(inbox / "big.docx").stat().st_size >= DOCX_BYTES
    command = [sys.executable, "-m", "pipeline.ops.nightly", "--inbox", str(inbox), "--out", str(out),
               "--today", "2024-05-20"]
    result = subprocess.run([sys.executable, "-c", WRAPPER, *command], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    assert measured["code"] == 0, result.stdout + result.stderr
    pages = dict(query(out / "register.sqlite", "select source, pages from documents"))
    assert pages[str(inbox / "long.pdf")] == PAGES and str(inbox / "big.docx") in pages
    print(f"peak RSS {measured['peak_kb'] // 1024} MiB")
    assert measured["peak_kb"] < GIB_KB, f"peak RSS {measured['peak_kb'] // 1024} MiB"
