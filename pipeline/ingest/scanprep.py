"""Light clean-up of a page image before Tesseract: drop red seals, straighten, denoise, binarize.

Each step is here because it paid on the scanned test set (corpus/scans, see tests/test_ocr.py):
- seal: the red round seal over the signature turns dark grey in a plain grey conversion and
  hides the signer's title and name; red-dominant pixels are made paper instead.
- deskew: a page scanned 1° off puts the two header columns at different heights on the far
  side, and the PDF reader's line grouping (by height on the page) then breaks them apart.
- binarize: a 3×3 median removes grain and dust specks, then Otsu's threshold; Tesseract's own
  thresholding is kept out of the grain this way.
numpy and Pillow only: no OpenCV for three small steps.
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

MAX_SKEW = 3.0  # degrees; scanners and phones held straight rarely do worse, and a wider search costs
COARSE_STEP = 0.25
FINE_STEP = 0.05
PROBE_WIDTH = 900  # pixels: the skew is measured on a reduced copy


def prepare(image: Image.Image) -> tuple[Image.Image, float]:
    """(cleaned one-channel image, the rotation applied in degrees)."""
    gray = drop_red(image)
    angle = skew_angle(gray)
    if abs(angle) >= 0.1:
        gray = gray.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
    return binarize(gray), angle


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
    """Median 3×3 against grain, then Otsu's global threshold: black text on white."""
    smooth = gray.filter(ImageFilter.MedianFilter(3))
    threshold = otsu(np.asarray(smooth))
    return smooth.point(lambda v: 255 if v > threshold else 0)


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
    return int(np.argmax(between))
