"""Light clean-up of a page image before Tesseract: drop red seals, straighten, denoise, binarize.

Each step is here because it paid on the scanned test set (corpus/scans, see tests/test_ocr.py):
- seal: the red round seal over the signature turns dark grey in a plain grey conversion and
  hides the signer's title and name; red-dominant pixels are made paper instead.
- deskew: a page scanned 1° off puts the two header columns at different heights on the far
  side, and the PDF reader's line grouping (by height on the page) then breaks them apart.
- binarize: Otsu's threshold, then dust specks removed by their size (not by a median filter,
  which also erases the thin horn of "ư"/"ơ"); left in, specks come back as stray ":" and ".".
numpy and Pillow only: no OpenCV for three small steps.

Character accuracy on corpus/scans against the text PDFs (pipeline/ingest/ocr_accuracy.py),
November 2026: no clean-up 73.7% (the skewed lines fall apart), seal only 74.5%, seal and deskew
99.1%, all three 99.7%; deskew and binarize without the seal step 98.5%. The three cost about
0.8 s a page at 300 dpi, against about 2 s for Tesseract itself.
"""
from __future__ import annotations

import numpy as np
from PIL import Image

MAX_SKEW = 3.0  # degrees; scanners and phones held straight rarely do worse, and a wider search costs
COARSE_STEP = 0.25
FINE_STEP = 0.05
PROBE_WIDTH = 900  # pixels: the skew is measured on a reduced copy
# An ink pixel with fewer than 12 ink pixels in its 7×7 square is dust: scanner specks are 1-6
# pixels at 300 dpi, while the thinnest mark that matters (the horn of "Ự", a dot below) has 20+.
# A 3×3 median, the usual cure, erased those horns too ("DỰNG" read as "DỤNG").
DESPECKLE_RADIUS = 3
DESPECKLE_MIN = 12
BLANK_INK = 0.0002  # share of ink pixels under which a page is blank ("Trang 2" alone: 0.00027)


def prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """(cleaned one-channel image, the rotation applied in degrees)."""
    gray = drop_red(image)
    angle = skew_angle(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    return binarize(gray), angle


def is_blank(image: Image.Image) -> bool:
    """A page with (almost) no ink: a scanned back side, with paper tone, grain and a few specks.

    Ink is a pixel well below the page's own paper level; a page with a single short line of text
    has more than the BLANK_INK share."""
    probe = image.convert("L")
    probe.thumbnail((PROBE_WIDTH, PROBE_WIDTH * 2))
    pixels = np.asarray(probe, dtype=np.int16)
    paper = int(np.percentile(pixels, 90))
    return float(np.mean(pixels < paper - 90)) < BLANK_INK


def drop_red(image: Image.Image) -> Image.Image:
    """Greyscale with red-dominant pixels (seals, red ink) turned white; other colours as luminance."""
    if image.mode not in ("RGB", "RGBA"):
        return image.convert("L")
    rgb = np.asarray(image.convert("RGB")).astype(np.int16)
    red = rgb[:, :, 0] - np.maximum(rgb[:, :, 1], rgb[:, :, 2]) > 50
    gray = np.asarray(image.convert("L")).copy()
    gray[red] = 255
    return Image.fromarray(gray, "L")


def skew_angle(gray: Image.Image) -> float:
    """The rotation that makes text lines horizontal: the angle whose row profile is sharpest."""
    scale = min(1.0, PROBE_WIDTH / gray.width)
    small = gray.resize((max(1, int(gray.width * scale)), max(1, int(gray.height * scale))), Image.BILINEAR)
    ink = small.point(lambda v: 255 if v < 140 else 0)
    if not np.asarray(ink).any():
        return 0.0
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, COARSE_STEP)
    best = max(coarse, key=lambda a: _sharpness(ink, a))
    fine = np.arange(best - COARSE_STEP, best + COARSE_STEP + 1e-9, FINE_STEP)
    return round(float(max(fine, key=lambda a: _sharpness(ink, a))), 2)


def _sharpness(ink: Image.Image, angle: float) -> float:
    """Sum of squared differences between neighbouring row sums: high when lines are level."""
    rows = np.asarray(ink.rotate(angle, resample=Image.NEAREST, fillcolor=0), dtype=np.float64).sum(axis=1)
    return float(np.square(np.diff(rows)).sum())


def binarize(gray: Image.Image) -> Image.Image:
    """Otsu's global threshold, then dust and grain removed: black text on white."""
    pixels = np.asarray(gray)
    ink = pixels <= otsu(pixels)
    ink &= _box_count(ink, DESPECKLE_RADIUS) >= DESPECKLE_MIN
    return Image.fromarray(np.where(ink, 0, 255).astype(np.uint8), "L")


def _box_count(mask: np.ndarray, r: int) -> np.ndarray:
    """For each pixel, how many set pixels lie in the (2r+1)² square around it (summed-area table)."""
    table = np.pad(mask.astype(np.int32), ((r + 1, r), (r + 1, r))).cumsum(0).cumsum(1)
    w = 2 * r + 1
    return table[w:, w:] - table[:-w, w:] - table[w:, :-w] + table[:-w, :-w]


def otsu(pixels: np.ndarray) -> int:
    """Otsu's threshold of an 8-bit image: the level that best separates ink from paper."""
    hist = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    if not total:
        return 128
    levels = np.arange(256)
    weight = np.cumsum(hist)
    mean = np.cumsum(hist * levels)
    between = (mean[-1] * weight / total - mean) ** 2 / np.maximum(weight * (total - weight), 1e-9)
    best = np.flatnonzero(between >= between.max() * (1 - 1e-6))  # ties: an empty gap between ink and paper
    return int(round(float(best.mean())))
