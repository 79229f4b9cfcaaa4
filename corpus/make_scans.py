"""Make the scanned test set: corpus PDFs printed, stamped and scanned back, as image-only PDFs.

Why: many dispatches reach a clerk as scans, with no text layer, a little rotated, with scanner
noise and a red round seal over the signature. Scanning the corpus PDFs here (rather than
collecting real scans) keeps the gold of each stem valid for its scan, so `make eval` can score
OCR beside the text renderings. Each page is rasterized at 200 dpi, stamped with a red seal over
the signer's name, rotated by a small fixed angle, given paper tone, blur, grain and specks, and
saved as a colour JPEG (moderate quality) in a PDF. Everything is seeded per stem, so the output
is byte-for-byte the same on every run with the same Pillow. corpus/scans/MANIFEST.json keeps a
digest of each source PDF's words and their places (not of its bytes, which LibreOffice stamps
with dates and ids) and of each scan; `--check` says whether a scan is stale against its source.

Usage: python corpus/make_scans.py [--check]
"""
from __future__ import annotations

import argparse
import hashlib
import io
import json
import math
import random
import sys
from pathlib import Path

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageChops, ImageDraw, ImageFilter

CORPUS = Path(__file__).resolve().parent
SCANS = CORPUS / "scans"
MANIFEST = SCANS / "MANIFEST.json"
DPI = 200
JPEG_QUALITY = 35
# stem -> rotation in degrees (counter-clockwise); one page set is left straight.
ROTATION = {
    "haugiang-24-sgddt-vp": 0.8,
    "vpcp-8424-vpcp-ktth": -1.2,
    "ttg-2403-ttg-kgvx": 0.0,
    "bxd-2214-bxd-qln": 1.5,
}
STAMP_RGB = (205, 35, 45)
STAMP_RADIUS_PT = 46  # a 32 mm seal


def seed(stem: str) -> int:
    return int(hashlib.sha256(stem.encode()).hexdigest()[:8], 16)


def signer_box(pdf_path: Path, name: str | None) -> tuple[int, tuple[float, float, float, float]]:
    """(page index, box in points) of the signer's name on its page, else the last page's last line."""
    with pdfplumber.open(pdf_path) as pdf:
        pages = pdf.pages
        first = (name or "").split()[:1]
        for index in range(len(pages) - 1, -1, -1):
            words = pages[index].extract_words()
            hits = [w for w in words if first and w["text"] == first[0] and w["x0"] > pages[index].width / 2]
            if hits:
                w = hits[-1]
                return index, (w["x0"], w["top"], w["x1"], w["bottom"])
        words = pages[-1].extract_words()
        w = max(words, key=lambda w: w["bottom"])
        return len(pages) - 1, (w["x0"], w["top"], w["x1"], w["bottom"])


def draw_stamp(page: Image.Image, centre: tuple[float, float], rng: random.Random) -> Image.Image:
    """A red round seal (two rings, lettering dashes between them, a star) multiplied onto the page."""
    r = STAMP_RADIUS_PT * DPI / 72
    layer = Image.new("RGB", page.size, "white")
    pen = ImageDraw.Draw(layer)
    cx, cy = centre
    for radius, width in ((r, 5), (r * 0.72, 3)):
        pen.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=STAMP_RGB, width=width)
    for k in range(34):  # the seal's lettering: short strokes along the band between the rings
        angle = 2 * math.pi * k / 34 + rng.uniform(-0.03, 0.03)
        inner, outer = r * 0.78, r * 0.93
        pen.line((cx + inner * math.cos(angle), cy + inner * math.sin(angle),
                  cx + outer * math.cos(angle + 0.05), cy + outer * math.sin(angle + 0.05)), fill=STAMP_RGB, width=4)
    star = [(cx + (r * 0.3 if i % 2 == 0 else r * 0.12) * math.cos(math.pi / 2 + i * math.pi / 5),
             cy - (r * 0.3 if i % 2 == 0 else r * 0.12) * math.sin(math.pi / 2 + i * math.pi / 5)) for i in range(10)]
    pen.polygon(star, fill=STAMP_RGB)
    return ImageChops.multiply(page, layer)


def degrade(page: Image.Image, angle: float, rng: random.Random) -> Image.Image:
    """Paper tone, scanner blur, a small rotation, grain and dust specks."""
    page = ImageChops.multiply(page, Image.new("RGB", page.size, (246, 244, 238)))
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    if angle:
        page = page.rotate(angle, resample=Image.BICUBIC, fillcolor=(246, 244, 238))
    pixels = np.asarray(page).astype(np.int16)
    noise = np.random.default_rng(rng.randrange(2**32)).normal(0, 5, pixels.shape[:2])
    pixels = pixels + noise[:, :, None].astype(np.int16)
    specks = np.random.default_rng(rng.randrange(2**32)).random(pixels.shape[:2]) < 0.0004
    pixels[specks] = 40
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def scan(stem: str) -> bytes:
    """The scanned PDF of corpus/<stem>.pdf."""
    source = CORPUS / f"{stem}.pdf"
    gold = json.loads((CORPUS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    rng = random.Random(seed(stem))
    stamp_page, (x0, top, x1, bottom) = signer_box(source, gold.get("signer_name"))
    pdf = pdfium.PdfDocument(str(source))
    pages = []
    for index in range(len(pdf)):
        page = pdf[index].render(scale=DPI / 72).to_pil().convert("RGB")
        if index == stamp_page:
            k = DPI / 72
            centre = (x0 * k + 10 * k, (top - 38) * k)  # over the signature, between title and name
            page = draw_stamp(page, centre, rng)
        pages.append(degrade(page, ROTATION[stem], rng))
    pdf.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=DPI, quality=JPEG_QUALITY)
    return out.getvalue()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def layout_digest(pdf_path: Path) -> str:
    """sha256 of a PDF's words with their page and rounded place: what a scan of it shows."""
    digest = hashlib.sha256()
    with pdfplumber.open(pdf_path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            for w in page.extract_words():
                digest.update(f"{number}:{w['x0']:.0f}:{w['top']:.0f}:{w['text']}\n".encode())
    return digest.hexdigest()


def stale() -> list[str]:
    """Stems whose scan is missing or was made from a different source PDF than the one committed."""
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8")) if MANIFEST.exists() else {}
    out = []
    for stem in ROTATION:
        entry = manifest.get(stem, {})
        scan_path = SCANS / f"{stem}.pdf"
        if (not scan_path.exists() or entry.get("source_layout") != layout_digest(CORPUS / f"{stem}.pdf")
                or entry.get("scan_sha256") != sha256(scan_path)):
            out.append(stem)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a scan is missing or stale")
    args = parser.parse_args(argv)
    if args.check:
        bad = stale()
        for stem in bad:
            print(f"stale: corpus/scans/{stem}.pdf (run python corpus/make_scans.py)")
        return 1 if bad else 0
    SCANS.mkdir(exist_ok=True)
    manifest = {}
    for stem in ROTATION:
        data = scan(stem)
        (SCANS / f"{stem}.pdf").write_bytes(data)
        manifest[stem] = {"source_layout": layout_digest(CORPUS / f"{stem}.pdf"), "rotation": ROTATION[stem],
                          "dpi": DPI, "jpeg_quality": JPEG_QUALITY, "scan_sha256": hashlib.sha256(data).hexdigest()}
        print(f"corpus/scans/{stem}.pdf: {len(data) // 1024} KB")
    MANIFEST.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
