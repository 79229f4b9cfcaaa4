"""Phone photos of a page: the sheet found and flattened, and its shadows evened out, before OCR.

A photo shows the desk around the sheet, the sheet as a trapezoid, light falling off across it and
the phone's shadow; Tesseract then reads the lines as slanted and the shadowed half as ink. Here the
sheet is found on a reduced copy (the largest bright region, or the largest closed outline of
edges, reduced to four corners), checked to be a page inside the frame with darker background around
it, and warped to an upright rectangle at 300 dpi for an A4 width; the lighting is then divided out
(the paper level estimated by a large morphological close and a median blur). A flat scan fills its
frame with evenly lit paper: nothing is found, and it is returned untouched. OpenCV does the work.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

DETECT_SIDE = 800  # pixels: the sheet is looked for on a copy this long on its longer side
MIN_SIDE = 200  # pixels: a smaller frame is not examined (no page to find, no text to read)
MIN_PAGE_SHARE = 0.15  # of the frame: a smaller quadrilateral is a card, a label, a window
MAX_PAGE_SHARE = 0.93  # of the frame: a larger one is the scan's own edge, not a sheet on a desk
MIN_CONTRAST = 35  # grey levels between the sheet's paper and the background around it
MIN_FILL = 0.90  # the region's own area over its quadrilateral's: a sheet is a full quadrilateral
MIN_CORNER_ANGLE, MAX_CORNER_ANGLE = 50.0, 130.0  # degrees; a photographed sheet's corners stay near 90
A4_RATIO = 2 ** 0.5
A4_TOLERANCE = 0.12  # an aspect within 12% of A4's is taken as A4 (foreshortening distorts it)
PAGE_SHORT_SIDE = 2481  # pixels: an A4 width (8.27 in) at 300 dpi, what images.py hands to OCR
MAX_PIXELS = 40_000_000  # of the flattened page; A3 at 300 dpi is 17.4 megapixels
LIGHT_KERNEL = 0.04  # of the reduced copy's longer side: wider than a character, narrower than a shade
UNEVEN_LIGHT = 1.2  # brightest over darkest paper level above which an unframed photo is evened out (scans: 1.00-1.01)
PAPER_WHITE = 245  # the level evened paper is brought to
# A phone's JPEG halves the colour resolution and the lens blurs: a red seal's strokes come out pink
# and brownish (145, 100, 94), under scanprep.drop_red's red margin of 50, and Otsu then takes them
# for ink (their remnants around the signature cost the signer's name). On a photographed page, a
# pixel whose red exceeds its green and blue by SEAL_REDNESS of itself and which is not dark (ink
# crossing the seal is) is made paper.
SEAL_REDNESS = 0.10
SEAL_MIN_RED = 130
PAPER_PERCENTILE = 75  # of each channel, after evening: paper (a page is mostly paper), for white balance
EDGE_TRIM = 0.01  # of each side: a flattened sheet's outer band is made paper, so that desk left in view
# by a corner found a few pixels out does not come back as a ruled line ("|"); a dispatch's margins
# are 15-30 mm (Decree 30), this is 2-3 mm.


@dataclass
class Flattened:
    """The frame as OCR should see it, what was done to it (None: nothing) and, for a found sheet,
    its corners in the input frame (tl, tr, br, bl)."""

    image: Image.Image
    note: str | None = None
    corners: np.ndarray | None = None

    @property
    def flattened(self) -> bool:
        return self.corners is not None


def flatten(frame: Image.Image) -> Flattened:
    """The sheet of a photo, upright and evenly lit at 300 dpi; a lopsidedly lit photo with no
    background, evened out at its own size; any other frame (a scan, a blank) unchanged."""
    if min(frame.size) < MIN_SIDE:
        return Flattened(frame)
    rgb = np.asarray(frame.convert("RGB"))
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    scale = min(1.0, DETECT_SIDE / max(gray.shape))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    quad = find_page(small)
    if quad is not None:
        corners = quad / scale
        page = trim_edges(fade_seal(even_light(warp(rgb, corners))))
        return Flattened(Image.fromarray(page, "RGB"), "photo flattened (page found, perspective corrected)", corners)
    if uneven_light(small):
        return Flattened(Image.fromarray(fade_seal(even_light(rgb)), "RGB"), "photo: uneven lighting evened out")
    return Flattened(frame)


def find_page(gray: np.ndarray) -> np.ndarray | None:
    """Corners (tl, tr, br, bl, float32) of a sheet lying inside the frame with background around it."""
    blurred = cv2.GaussianBlur(gray, (5, 5), 0)
    best = None
    for mask in _candidate_masks(blurred):
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        if not contours:
            continue
        region = max(contours, key=cv2.contourArea)
        quad = _quadrilateral(region)
        if quad is not None and _is_sheet(quad, region, blurred):
            area = cv2.contourArea(quad)
            if best is None or area > best[0]:
                best = (area, quad)
    return None if best is None else best[1]


def _candidate_masks(blurred: np.ndarray):
    """Two views of where the sheet is: the bright side of Otsu's threshold, and closed edges."""
    side = max(blurred.shape)
    close = cv2.getStructuringElement(cv2.MORPH_RECT, (max(3, side // 40),) * 2)
    _, bright = cv2.threshold(blurred, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    bright = cv2.morphologyEx(bright, cv2.MORPH_CLOSE, close)  # the text's holes filled
    yield cv2.morphologyEx(bright, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
    edges = cv2.dilate(cv2.Canny(blurred, 40, 120), np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(edges)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    yield cv2.morphologyEx(filled, cv2.MORPH_OPEN, close)  # desk grain attached to the outline cut off


def _quadrilateral(region: np.ndarray) -> np.ndarray | None:
    """The region's outline as four ordered corners: approxPolyDP of its hull at growing
    tolerance, else the hull's minimum-area rectangle."""
    hull = cv2.convexHull(region)
    perimeter = cv2.arcLength(hull, True)
    if perimeter <= 0:
        return None
    for tolerance in (0.01, 0.02, 0.03, 0.04, 0.05):
        approx = cv2.approxPolyDP(hull, tolerance * perimeter, True)
        if len(approx) == 4:
            return order_corners(approx.reshape(4, 2))
    return order_corners(cv2.boxPoints(cv2.minAreaRect(hull)))


def order_corners(points: np.ndarray) -> np.ndarray:
    """Four points as top-left, top-right, bottom-right, bottom-left (clockwise on screen)."""
    points = np.asarray(points, dtype=np.float32)
    centre = points.mean(axis=0)
    clockwise = points[np.argsort(np.arctan2(points[:, 1] - centre[1], points[:, 0] - centre[0]))]
    start = int(np.argmin(clockwise.sum(axis=1)))
    return np.roll(clockwise, -start, axis=0)


def _is_sheet(quad: np.ndarray, region: np.ndarray, gray: np.ndarray) -> bool:
    """A page on a desk: a good share of the frame, square-ish corners, filled by its region, and
    paper clearly brighter than what lies outside it."""
    height, width = gray.shape
    area = cv2.contourArea(quad)
    if not MIN_PAGE_SHARE <= area / (width * height) <= MAX_PAGE_SHARE:
        return False
    if cv2.contourArea(region) < MIN_FILL * area or not all(MIN_CORNER_ANGLE <= a <= MAX_CORNER_ANGLE for a in _angles(quad)):
        return False
    inside = np.zeros_like(gray)
    cv2.fillConvexPoly(inside, quad.astype(np.int32), 255)
    ring = cv2.dilate(inside, np.ones((15, 15), np.uint8)) > 0
    outside = cv2.dilate(inside, np.ones((max(15, max(gray.shape) // 15),) * 2, np.uint8)) > 0
    core = cv2.erode(inside, np.ones((15, 15), np.uint8)) > 0
    background = outside & ~ring
    if not core.any() or not background.any():
        return False
    return float(np.percentile(gray[core], 75)) - float(np.median(gray[background])) >= MIN_CONTRAST


def _angles(quad: np.ndarray) -> list[float]:
    out = []
    for i in range(4):
        a, b, c = quad[i - 1], quad[i], quad[(i + 1) % 4]
        u, v = a - b, c - b
        cos = float(np.dot(u, v) / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-9))
        out.append(float(np.degrees(np.arccos(np.clip(cos, -1, 1)))))
    return out


def warp(rgb: np.ndarray, corners: np.ndarray) -> np.ndarray:
    """The quadrilateral `corners` of `rgb` as an upright rectangle: the sheet's aspect (A4's when
    close), its short side PAGE_SHORT_SIDE pixels (300 dpi for A4), upsampled with INTER_CUBIC."""
    tl, tr, br, bl = corners
    across = (np.linalg.norm(tr - tl) + np.linalg.norm(br - bl)) / 2
    down = (np.linalg.norm(bl - tl) + np.linalg.norm(br - tr)) / 2
    ratio = max(across, down) / max(min(across, down), 1.0)
    if abs(ratio / A4_RATIO - 1) <= A4_TOLERANCE:
        ratio = A4_RATIO
    short = min(PAGE_SHORT_SIDE, int((MAX_PIXELS / ratio) ** 0.5))
    width, height = (short, round(short * ratio)) if down >= across else (round(short * ratio), short)
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners.astype(np.float32), target)
    return cv2.warpPerspective(rgb, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


def trim_edges(page: np.ndarray) -> np.ndarray:
    """The page with its outer EDGE_TRIM band set to paper white."""
    dy, dx = (max(1, round(n * EDGE_TRIM)) for n in page.shape[:2])
    page[:dy], page[-dy:], page[:, :dx], page[:, -dx:] = PAPER_WHITE, PAPER_WHITE, PAPER_WHITE, PAPER_WHITE
    return page


def fade_seal(rgb: np.ndarray) -> np.ndarray:
    """Washed-out red (a photographed seal) made paper, in place; dark pixels kept."""
    channels = rgb.astype(np.int16)
    red = channels[:, :, 0]
    seal = (red - np.maximum(channels[:, :, 1], channels[:, :, 2]) >= SEAL_REDNESS * red) & (red >= SEAL_MIN_RED)
    rgb[seal] = PAPER_WHITE
    return rgb


def paper_level(gray: np.ndarray) -> np.ndarray:
    """The paper's brightness under the print at each pixel of a reduced copy: text closed away by
    a kernel wider than a character, then median-blurred."""
    side = max(3, int(max(gray.shape) * LIGHT_KERNEL) | 1)
    closed = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side)))
    return cv2.medianBlur(closed, min(side, 255) | 1)


def uneven_light(small: np.ndarray) -> bool:
    """A frame of paper lit much brighter on one side than the other (a photo with no desk in view)."""
    level = paper_level(small).astype(np.float32)
    bright, dark = np.percentile(level, 98), np.percentile(level, 2)
    return bright > 100 and bright / max(dark, 1.0) >= UNEVEN_LIGHT


def even_light(rgb: np.ndarray) -> np.ndarray:
    """The frame divided by its paper level, then white-balanced: shadows and the light's fall-off
    gone, ink kept dark, red seals kept red. The level is that of the brightest channel, in which a
    red seal is paper: found per channel, a seal's ring would tint the paper inside it cyan."""
    scale = min(1.0, DETECT_SIDE / max(rgb.shape[:2]))
    small = cv2.resize(rgb, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
    level = cv2.resize(paper_level(small.max(axis=2)), (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    evened = rgb.astype(np.float32) * (PAPER_WHITE / np.maximum(level.astype(np.float32), 1.0))[:, :, None]
    paper = np.percentile(evened[::8, ::8].reshape(-1, 3), PAPER_PERCENTILE, axis=0)
    evened *= PAPER_WHITE / np.maximum(paper, 1.0)  # the room light's tint taken out
    return np.clip(evened, 0, 255).astype(np.uint8)
