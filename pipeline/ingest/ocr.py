"""OCR for pages without a usable text layer: render (pypdfium2), clean up, Tesseract, word boxes.

Words come back, not text: pdfplumber-like dicts (x0, x1, top, bottom, text, size) in PDF points,
so the PDF reader's own line and column grouping (`pdf.page_blocks`) separates the two header
columns of a scan as it does for a printed PDF, and later stages see the same shape. The choice is
per page: a page keeps its text layer when it has one worth reading. Tesseract runs as a plain
subprocess (the `vie` model of Debian's tesseract-ocr-vie; no Python binding needed) with one
thread, and two pages are kept in flight: on 2 cores that beats one page with two threads
(MEASURED.md). pypdfium2 renders a page in 0.1 s where pdftoppm takes 9.6 s.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import shutil
import subprocess
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

import pypdfium2 as pdfium
from lxml import etree
from PIL import Image

from ..errors import DocumentError
from . import layer, ocrfix, scanprep

DPI = 300
LANG = "vie"
PAGE_TIMEOUT = 300  # seconds for one page; a normal page takes 1-4 s
_BBOX = re.compile(r"bbox (-?\d+) (-?\d+) (-?\d+) (-?\d+)")
_BASELINE = re.compile(r"baseline (-?[\d.]+) (-?[\d.]+)")
_XSIZE = re.compile(r"x_size (-?[\d.]+)")
_WCONF = re.compile(r"x_wconf (-?\d+)")
_LINE_CLASSES = {"ocr_line", "ocr_header", "ocr_caption", "ocr_textfloat"}
_SIZE_PER_XSIZE = 0.9  # font size / Tesseract's x_size, measured against the corpus text PDFs
_GARBAGE = re.compile(r"\(cid:\d+\)|[\ufffd\ue000-\uf8ff]")
_JUNK_CONFIDENCE = 50
_DASH_LIKE = {"_", "—", "–", "−", "~", "="}
_SPECK_MARKS = set(":;.,'`\"‘’“”^~_|ˆ˜¨´")


@dataclass
class PageOCR:
    """What OCR read on one page: words in points, the page width in points, mean word confidence."""

    words: list[dict]
    width: float
    confidence: float | None
    angle: float = 0.0
    blank: bool = False

    def note(self, number: int) -> str:
        if self.blank:
            return f"page {number}: blank (no ink), skipped"
        conf = "no words" if self.confidence is None else f"mean confidence {self.confidence:.0f}"
        turn = f", deskewed {self.angle:+.1f}°" if abs(self.angle) >= 0.1 else ""
        return f"page {number}: OCR, {conf}{turn}"


def usable(words: list[dict]) -> bool:
    """Whether a page's text layer is worth keeping: some words, and not mostly unmapped glyphs."""
    text = "".join(w["text"] for w in words)
    if not text.strip():
        return False
    garbage = sum(len(m) for m in _GARBAGE.findall(text))
    return garbage < 0.5 * len(text)


def unavailable() -> str | None:
    """Why OCR cannot run here (None when it can): Tesseract or its Vietnamese model missing."""
    return _unavailable(shutil.which("tesseract"))


@lru_cache(maxsize=4)
def _unavailable(binary: str | None) -> str | None:
    if binary is None:
        return "Tesseract is not installed (Debian packages tesseract-ocr, tesseract-ocr-vie)"
    try:
        proc = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"Tesseract does not run: {e}"
    if LANG not in proc.stdout.split():
        return "Tesseract has no Vietnamese model (Debian package tesseract-ocr-vie)"
    return None


def jobs() -> int:
    """Pages in flight: CONGVAN_OCR_JOBS, else one per core up to two in the main process, and one
    in a worker process of a batch run, whose pool already keeps the cores busy."""
    value = os.environ.get("CONGVAN_OCR_JOBS", "")
    if value.isdigit():
        return max(1, int(value))
    if multiprocessing.parent_process() is not None:
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def read_scanned(data: bytes, pages: list[tuple[list[dict], float]], path: str) -> list[str]:
    """OCR, in place, the pages of a PDF whose text layer is not usable; returns the page notes.

    `pages` holds (words, width in points) per page, as the text layer gave them.
    """
    scanned = [i for i, (words, _) in enumerate(pages) if not usable(words)]
    poor = poor_layers(pages, set(scanned))
    if not scanned and not poor:
        return []
    reason = unavailable()
    if reason:
        if len(scanned) == len(pages):
            raise DocumentError("E017", path, reason=reason)
        return ([f"page {i + 1}: no text layer, and OCR is unavailable: {reason}" for i in scanned]
                + [f"{note}, but OCR is unavailable ({reason}): the layer is kept" for note in poor.values()])
    notes = list(poor.values())
    for index, result in ocr_pdf_pages(data, sorted(scanned + list(poor))).items():
        if isinstance(result, str):
            notes.append(f"page {index + 1}: no text layer, and OCR failed: {result}")
            continue
        pages[index] = (result.words, result.width)
        notes.append(result.note(index + 1))
    return notes


def poor_layers(pages: list[tuple[list[dict], float]], skip: set[int]) -> dict[int, str]:
    """0-based page -> warning, for pages whose text layer has words but does not read as Vietnamese
    (a scan's invisible OCR layer gone wrong): those pages are OCRed as scans."""
    out = {}
    for index, (words, _) in enumerate(pages):
        found = layer.quality(words) if index not in skip else None
        if found is not None and found.poor:
            out[index] = f"page {index + 1}: the text layer does not read as Vietnamese ({found.describe()}); read as a scan"
    return out


def ocr_pdf_pages(data: bytes, indices: list[int]) -> dict[int, PageOCR | str]:
    """OCR of the given 0-based pages, each a PageOCR or the reason it failed."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        return {i: f"cannot render the page: {e}" for i in indices}
    try:
        return run_pages(((i, lambda i=i: pdf[i].render(scale=DPI / 72).to_pil()) for i in indices), skip_blank=True)
    finally:
        pdf.close()


def run_pages(renders, points_per_pixel: float = 72 / DPI, skip_blank: bool = False) -> dict:
    """Recognize images, `jobs()` at a time; each render runs here, in the calling thread,
    because pdfium must not be entered from two threads. `skip_blank`: a PDF's blank pages (a
    scanned back side) are noted and skipped rather than read."""
    results: dict = {}
    in_flight: deque[tuple[object, Future]] = deque()
    with ThreadPoolExecutor(max_workers=jobs()) as pool:
        for key, render in renders:
            try:
                image = render()
            except (pdfium.PdfiumError, OSError, ValueError) as e:
                results[key] = f"cannot render the page: {e}"
                continue
            in_flight.append((key, pool.submit(recognize, image, points_per_pixel, skip_blank)))
            while len(in_flight) >= jobs():
                _collect(in_flight.popleft(), results)
        while in_flight:
            _collect(in_flight.popleft(), results)
    return results


def _collect(item: tuple[object, Future], results: dict) -> None:
    key, future = item
    try:
        results[key] = future.result()
    except OcrError as e:
        results[key] = str(e)


class OcrError(Exception):
    """Tesseract failed on one page (the page is reported, the document goes on)."""


def recognize(image: Image.Image, points_per_pixel: float, skip_blank: bool = False) -> PageOCR:
    """Clean the image up, run Tesseract, and return its words in points."""
    if skip_blank and scanprep.is_blank(image):  # a scanned back side: nothing to read, nothing to wait for
        return PageOCR(words=[], width=image.width * points_per_pixel, confidence=None, blank=True)
    prepared, angle = scanprep.prepare(image)
    hocr = tesseract(prepared)
    words = parse_hocr(hocr, points_per_pixel)
    confs = [w["conf"] for w in words]
    confidence = sum(confs) / len(confs) if confs else None
    return PageOCR(words=words, width=image.width * points_per_pixel, confidence=confidence, angle=angle)


def tesseract(image: Image.Image) -> bytes:
    """hOCR of one page image; the image goes through a pipe, never a file named after the input."""
    buffer = BytesIO()
    image.convert("L").save(buffer, format="PPM")
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    command = ["tesseract", "stdin", "stdout", "-l", LANG, "--dpi", str(DPI), "hocr"]
    try:
        proc = subprocess.run(command, input=buffer.getvalue(), capture_output=True, env=env, timeout=PAGE_TIMEOUT)
    except subprocess.TimeoutExpired as e:
        raise OcrError(f"Tesseract took longer than {PAGE_TIMEOUT} s") from e
    except OSError as e:
        raise OcrError(f"Tesseract does not run: {e}") from e
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise OcrError(f"Tesseract failed: {detail[-1] if detail else proc.returncode}")
    return proc.stdout


def parse_hocr(hocr: bytes, k: float) -> list[dict]:
    """Words of an hOCR page as pdfplumber-like dicts in points (k = points per pixel).

    A word's bottom is its line's baseline and its top the baseline less the font size, as
    pdfplumber gives them; Tesseract's own word boxes vary with accents and descenders, and
    words of one line would then not share a height.
    """
    if not hocr.strip():
        return []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(hocr, parser)
    except etree.XMLSyntaxError as e:
        raise OcrError(f"Tesseract's hOCR cannot be read: {e}") from e
    words = []
    if root is None:
        return words
    for line in root.iter():
        if _class(line) in _LINE_CLASSES:
            words.extend(_line_words(line, k))
    return words


def _class(element) -> str:
    return element.get("class", "") if isinstance(element.tag, str) else ""


def _line_words(line, k: float) -> list[dict]:
    title = line.get("title", "")
    box = _BBOX.search(title)
    if not box:
        return []
    lx0, _, _, ly1 = (int(v) for v in box.groups())
    baseline_fit = _BASELINE.search(title)
    slope, offset = (float(baseline_fit.group(1)), float(baseline_fit.group(2))) if baseline_fit else (0.0, 0.0)
    xsize = _XSIZE.search(title)
    out = []
    for word in line.iter():
        if _class(word) != "ocrx_word":
            continue
        text = ocrfix.fix_word("".join(word.itertext()))
        if not out and text in _DASH_LIKE:
            text = "-"  # a line's leading list dash, faint in small type, comes back as "_" or "—"
        wbox = _BBOX.search(word.get("title", ""))
        found = _WCONF.search(word.get("title", ""))
        conf = int(found.group(1)) if found else 0
        if not text or not wbox or (conf < _JUNK_CONFIDENCE and set(text) <= _SPECK_MARKS):
            continue  # a speck or seal remnant read as ":" or "'" (a faint "-" may be a list marker: kept)
        x0, y0, x1, y1 = (int(v) for v in wbox.groups())
        size = float(xsize.group(1)) * _SIZE_PER_XSIZE if xsize else (y1 - y0) * 0.8
        baseline = ly1 + offset + slope * (x0 - lx0)
        out.append({"text": text, "x0": x0 * k, "x1": x1 * k, "top": (baseline - size) * k, "bottom": baseline * k,
                    "size": round(size * k, 1), "conf": conf, "fontname": ""})
    return ocrfix.fix_pairs(out)
