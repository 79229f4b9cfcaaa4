"""Photos and scanned images (.png, .jpg, .tif): each frame read by OCR as one page of a scan.

They take the scanned-PDF path: the same clean-up and Tesseract (ocr.py), the same word boxes,
and the PDF reader's line and column grouping (pdf.page_blocks), so a photographed dispatch gets
its header columns apart like a printed one. Each frame is brought to 300 dpi first (from the
resolution the file states, or, when it states none that is plausible, by taking the frame's width
as an A4 page), so word sizes in points mean what they mean in a PDF.
"""
from __future__ import annotations

import os
import re
import subprocess
import warnings
from io import BytesIO

from PIL import Image, ImageOps

from ..errors import DocumentError
from ..model import Block
from . import ocr, photo
from .pdf import MAX_PAGES, page_blocks

MAX_PIXELS = 80_000_000  # per frame: an A3 page at 600 dpi is 70 megapixels
A4_WIDTH_INCHES = 8.27
OSD_SIDE = 1800  # pixels: the orientation is found on a reduced copy (about 150 dpi for A4)
OSD_MIN_CONFIDENCE = 3.0  # Tesseract's orientation confidence; upright text pages score 10+
_OSD_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_OSD_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def read(data: bytes, path: str) -> tuple[list[Block], int, list[str]]:
    reason = ocr.unavailable()
    if reason:
        raise DocumentError("E017", path, reason=reason)
    image = _open(data, path)
    frames = min(getattr(image, "n_frames", 1), MAX_PAGES)
    turned: dict[int, int] = {}
    photos: dict[int, str] = {}
    results = ocr.run_pages((i, lambda i=i: _frame(image, i, turned, photos)) for i in range(frames))
    blocks, warnings = [], [f"page {i + 1}: {photos[i]}" for i in sorted(photos)]
    warnings += [f"page {i + 1}: turned {turned[i]}° upright (Tesseract OSD)" for i in sorted(turned)]
    for index in range(frames):
        result = results.get(index, "not read")
        if isinstance(result, str):
            warnings.append(f"page {index + 1}: OCR failed: {result}")
            continue
        warnings.append(result.note(index + 1))
        blocks.extend(page_blocks(result.words, result.width, index + 1))
    return blocks, frames, warnings


def _open(data: bytes, path: str) -> Image.Image:
    try:
        with warnings.catch_warnings():  # the size is checked here, below PIL's own bomb limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
        if image.width * image.height > MAX_PIXELS:
            raise DocumentError("E021", path, detail=f"{image.width}×{image.height} pixels is too large")
        return image
    except (OSError, ValueError, Image.DecompressionBombError) as e:
        raise DocumentError("E021", path, detail=str(e).splitlines()[0][:200] or type(e).__name__) from e


def _frame(image: Image.Image, index: int, turned: dict[int, int], photos: dict[int, str]) -> Image.Image:
    """Frame `index` upright (EXIF orientation, a photographed sheet flattened, then a quarter or
    half turn OSD finds), in RGB, at 300 dpi."""
    image.seek(index)
    frame = ImageOps.exif_transpose(image).convert("RGB")
    flat = photo.flatten(frame)
    if flat.note:
        frame, photos[index] = flat.image, flat.note
    degrees = _osd_rotation(frame)
    if degrees:
        frame = frame.rotate(-degrees, expand=True)  # OSD's "Rotate" is clockwise
        turned[index] = degrees
    dpi = ocr.DPI if flat.flattened else _dpi(image, frame.width)  # a flattened sheet is 300 dpi already
    if abs(dpi - ocr.DPI) > 1:
        scale = ocr.DPI / dpi
        frame = frame.resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))), Image.LANCZOS)
    return frame


def _osd_rotation(frame: Image.Image) -> int:
    """Clockwise degrees (90, 180, 270) that stand the page upright, when Tesseract's orientation
    detection is sure of it (confidence >= OSD_MIN_CONFIDENCE); else 0."""
    probe = frame.convert("L")
    probe.thumbnail((OSD_SIDE, OSD_SIDE))
    buffer = BytesIO()
    probe.save(buffer, format="PPM")
    command = ["tesseract", "stdin", "stdout", "--psm", "0", "-l", "osd", "--dpi", "150"]
    try:
        proc = subprocess.run(command, input=buffer.getvalue(), capture_output=True, timeout=60,
                              env=dict(os.environ, OMP_THREAD_LIMIT="1"))
    except (OSError, subprocess.TimeoutExpired):
        return 0  # no OSD (osd.traineddata missing, or too slow): the frame is read as it is
    out = proc.stdout.decode("utf-8", "replace")
    rotate, confidence = _OSD_ROTATE.search(out), _OSD_CONFIDENCE.search(out)
    if not rotate or not confidence or float(confidence.group(1)) < OSD_MIN_CONFIDENCE:
        return 0
    return int(rotate.group(1)) % 360


def _dpi(image: Image.Image, width: int) -> float:
    stated = image.info.get("dpi", (0, 0))[0]
    try:
        stated = float(stated)
    except (TypeError, ValueError):
        stated = 0.0
    return stated if 100 <= stated <= 1200 else max(width / A4_WIDTH_INCHES, 1.0)
