"""Make the phone-photo field file: a one-page corpus dispatch photographed on a desk.

Why: clerks photograph the dispatches they are handed. Such a photo shows the desk around the sheet,
the sheet as a trapezoid (the phone held at a slant), a shadow across it and a softer focus, and it is
only about 1,200 pixels wide. Public photos may not be copied into the corpus, so the photo is made
here from a corpus rendering whose gold stays valid for it (a one-page dispatch, so the one photo is
the whole document): corpus/<stem>.pdf is rendered at 200 dpi, stamped with the red seal of
make_scans.py, laid on a dark wood-grain desk with its corners moved irregularly (perspective), lit
unevenly (a gradient across the frame and the soft shadow of the phone), blurred a little, given
sensor noise, reduced to 1,200 pixels wide and saved as a JPEG of quality 60. Seeded: the same file
on every run with the same Pillow and OpenCV.

Usage: python corpus/make_photo.py        (writes corpus/field/<STEM>.jpg)
"""
from __future__ import annotations

import json
import random
import sys
from io import BytesIO
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
from PIL import Image

CORPUS = Path(__file__).resolve().parent
FIELD = CORPUS / "field"
sys.path.insert(0, str(CORPUS))

import make_scans  # noqa: E402  (the red seal and the signer's place)

STEM = "own-09-nghean-sgddt-khan-tuyendung"  # one page, a Khẩn công văn with five tasks
SEED = 24
WIDTH, HEIGHT = 1200, 1600  # the photo, portrait 3:4 as phones take them
SUPERSAMPLE = 2  # the scene is drawn at twice the size, then reduced (as a lens and sensor would)
PAGE_WIDTH_SHARE = 0.78  # of the frame's width, before the corners are moved
CORNER_JITTER = (0.03, 0.07)  # each corner moved by this share of the frame, in a random direction
JPEG_QUALITY = 60


def render_page(stem: str, rng: random.Random) -> Image.Image:
    """Page 1 of corpus/<stem>.pdf at make_scans.DPI, with the seal over the signature."""
    source = CORPUS / f"{stem}.pdf"
    gold = json.loads((CORPUS / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    stamp_page, (x0, top, _, _) = make_scans.signer_box(source, gold.get("signer_name"))
    pdf = pdfium.PdfDocument(str(source))
    try:
        page = pdf[0].render(scale=make_scans.DPI / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    if stamp_page == 0:
        k = make_scans.DPI / 72
        page = make_scans.draw_stamp(page, (x0 * k + 10 * k, (top - 38) * k), rng)
    return page


def page_corners(size: tuple[int, int], rng: random.Random) -> np.ndarray:
    """Where the sheet's corners land in the frame (tl, tr, br, bl), in frame pixels: a centred
    A4-shaped sheet whose corners are each pushed a few per cent in their own direction."""
    width, height = size
    page_w = width * PAGE_WIDTH_SHARE
    page_h = min(page_w * 2 ** 0.5, height * 0.86)
    left, top = (width - page_w) / 2, (height - page_h) / 2
    corners = np.array([[left, top], [left + page_w, top], [left + page_w, top + page_h], [left, top + page_h]])
    for corner in corners:
        angle = rng.uniform(0, 2 * np.pi)
        share = rng.uniform(*CORNER_JITTER)
        corner += (np.cos(angle) * share * width, np.sin(angle) * share * height)
    margin = 0.02
    corners[:, 0] = corners[:, 0].clip(width * margin, width * (1 - margin))
    corners[:, 1] = corners[:, 1].clip(height * margin, height * (1 - margin))
    return corners.astype(np.float32)


def desk(size: tuple[int, int], np_rng: np.random.Generator) -> np.ndarray:
    """A dark wood-grain desk top (RGB, float 0-255): bands bent by low-frequency noise, and grain."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    bend = cv2.resize(np_rng.normal(0, 1, (8, 6)).astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC)
    bands = np.sin((x * 0.9 + y * 0.25) / width * 38 + bend * 2.5) * 0.5 + 0.5
    grain = cv2.GaussianBlur(np_rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), sigmaX=6, sigmaY=1)
    shade = 70 + 28 * bands + 10 * grain
    return np.dstack([shade * 1.25, shade * 0.95, shade * 0.7])


def lighting(size: tuple[int, int], rng: random.Random) -> np.ndarray:
    """A multiplier per pixel: light falling off across the frame, and the phone's soft shadow."""
    width, height = size
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    along = (x / width - 0.5) * np.cos(angle) + (y / height - 0.5) * np.sin(angle)
    light = 1.0 - rng.uniform(0.30, 0.40) * (along - along.min()) / (along.max() - along.min())
    cx, cy = rng.uniform(0.2, 0.8) * width, rng.uniform(0.55, 0.95) * height
    blob = np.exp(-(((x - cx) / (0.25 * width)) ** 2 + ((y - cy) / (0.18 * height)) ** 2))
    return light * (1.0 - rng.uniform(0.20, 0.28) * blob)


def make_photo(stem: str = STEM, seed: int = SEED) -> tuple[Image.Image, np.ndarray]:
    """(the photo, the sheet's true corners tl, tr, br, bl in the photo's pixels)."""
    rng = random.Random(seed)
    np_rng = np.random.default_rng(seed)
    page = np.asarray(render_page(stem, rng), dtype=np.float32)
    big = (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE)
    corners = page_corners(big, rng)
    h, w = page.shape[:2]
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    warp = cv2.getPerspectiveTransform(source, corners)
    sheet = cv2.warpPerspective(page * np.array([0.98, 0.97, 0.94], dtype=np.float32), warp, big,
                                flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones((h, w), np.float32), warp, big, flags=cv2.INTER_LINEAR)[:, :, None]
    scene = sheet * mask + desk(big, np_rng) * (1 - mask)
    scene *= lighting(big, rng)[:, :, None] * np.array([1.0, 0.97, 0.9], dtype=np.float32)  # warm room light
    scene = cv2.GaussianBlur(scene, (0, 0), sigmaX=1.6)
    small = cv2.resize(scene, (WIDTH, HEIGHT), interpolation=cv2.INTER_AREA)
    small += np_rng.normal(0, 3.0, small.shape[:2])[:, :, None].astype(np.float32)
    photo = Image.fromarray(np.clip(small, 0, 255).astype(np.uint8), "RGB")
    return photo, corners / SUPERSAMPLE


def jpeg(photo: Image.Image) -> bytes:
    out = BytesIO()
    photo.save(out, "JPEG", quality=JPEG_QUALITY)  # no dpi stated, as phones write them
    return out.getvalue()


def main() -> int:
    photo, _ = make_photo()
    path = FIELD / f"{STEM}.jpg"
    path.write_bytes(jpeg(photo))
    print(f"{path.relative_to(CORPUS.parent)}: {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
