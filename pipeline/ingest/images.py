"""Photos and scanned images (.png, .jpg, .tif): each frame read by OCR as one page of a scan.

They take the scanned-PDF path: the same clean-up and Tesseract (ocr.py), the same word boxes,
and the PDF reader's line and column grouping (pdf.page_blocks), so a photographed dispatch gets
its header columns apart like a printed one. Each frame is brought to 300 dpi first (from the
resolution the file states, or, when it states none that is plausible, by taking the frame's width
as an A4 page), so word sizes in points mean what they mean in a PDF.
"""
from __future__ import annotations

import warnings
from io import BytesIO

from PIL import Image, ImageOps

from ..errors import DocumentError
from ..model import Block
from . import ocr
from .pdf import MAX_PAGES, page_blocks

MAX_PIXELS = 80_000_000  # per frame: an A3 page at 600 dpi is 70 megapixels
A4_WIDTH_INCHES = 8.27


def read(data: bytes, path: str) -> tuple[list[Block], int, list[str]]:
    reason = ocr.unavailable()
    if reason:
        raise DocumentError("E017", path, reason=reason)
    image = _open(data, path)
    frames = min(getattr(image, "n_frames", 1), MAX_PAGES)
    results = ocr.run_pages((i, lambda i=i: _frame(image, i)) for i in range(frames))
    blocks, warnings = [], []
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


def _frame(image: Image.Image, index: int) -> Image.Image:
    """Frame `index` upright, in RGB, at 300 dpi."""
    image.seek(index)
    frame = ImageOps.exif_transpose(image).convert("RGB")
    dpi = _dpi(image, frame.width)
    if abs(dpi - ocr.DPI) > 1:
        scale = ocr.DPI / dpi
        frame = frame.resize((max(1, round(frame.width * scale)), max(1, round(frame.height * scale))), Image.LANCZOS)
    return frame


def _dpi(image: Image.Image, width: int) -> float:
    stated = image.info.get("dpi", (0, 0))[0]
    try:
        stated = float(stated)
    except (TypeError, ValueError):
        stated = 0.0
    return stated if 100 <= stated <= 1200 else max(width / A4_WIDTH_INCHES, 1.0)
