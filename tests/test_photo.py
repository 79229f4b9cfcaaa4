"""Phone photos: the sheet found on the desk, flattened, evened out and read like a scan."""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from pipeline.evaluate import Scores, score_document
from pipeline.ingest import ocr, photo, scanprep
from pipeline.run import process
from pipeline.serialize import document_record

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
sys.path.insert(0, str(CORPUS))

import make_photo  # noqa: E402  (the fixture's maker, for a fresh photo and the true corners)

FIXTURE = CORPUS / "field" / f"{make_photo.STEM}.jpg"
FRESH_SEED = 13  # of 10 seeds tried, 9 loses one task (F1 0.8) to an OCR slip ("sỐố"); the rest read all five
NOTE = "page 1: photo flattened (page found, perspective corrected)"
CORNER_TOLERANCE = 0.015  # of the photo's width: 18 pixels on 1,200
HEADER = ("number", "issue_date", "issuer", "doc_type")

needs_ocr = pytest.mark.skipif(ocr.unavailable() is not None, reason="Tesseract with vie is not installed")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> tuple[Path, np.ndarray]:
    """A photo made now with another seed (other corners, desk and shadow), and its true corners."""
    image, corners = make_photo.make_photo(seed=FRESH_SEED)
    path = tmp_path_factory.mktemp("photo") / f"{make_photo.STEM}.jpg"
    path.write_bytes(make_photo.jpeg(image))
    return path, corners


@pytest.fixture(scope="module")
def photos(fresh) -> list[tuple[Path, np.ndarray]]:
    return [(FIXTURE, make_photo.make_photo()[1]), fresh]


def test_the_committed_photo_is_what_the_script_makes():
    made = np.asarray(Image.open(io.BytesIO(make_photo.jpeg(make_photo.make_photo()[0]))), dtype=np.int16)
    committed = np.asarray(Image.open(FIXTURE), dtype=np.int16)
    assert made.shape == committed.shape
    assert np.abs(made - committed).mean() < 1.0


def test_the_sheet_is_found_at_its_true_corners(photos):
    for path, truth in photos:
        found = photo.flatten(Image.open(path))
        assert found.flattened and found.note, path
        error = np.abs(found.corners - truth).max()
        assert error < CORNER_TOLERANCE * make_photo.WIDTH, (path, error)


def test_the_flattened_page_is_upright_rectangular_and_evenly_lit(photos):
    for path, _ in photos:
        page = photo.flatten(Image.open(path)).image
        assert page.size == (photo.PAGE_SHORT_SIDE, round(photo.PAGE_SHORT_SIDE * photo.A4_RATIO))
        gray = page.convert("L")
        assert abs(scanprep.skew_angle(gray)) < 0.5  # text lines level: the perspective is gone
        pixels = np.asarray(gray, dtype=np.float64)
        band = max(4, pixels.shape[1] // 25)  # the page's margins: paper, no desk left at any side
        for margin in (pixels[:band], pixels[-band:], pixels[:, :band], pixels[:, -band:]):
            assert np.median(margin) > 230
        paper = [np.percentile(quarter, 75) for half in np.array_split(pixels, 2) for quarter in np.array_split(half, 2, axis=1)]
        assert max(paper) - min(paper) < 15  # the shadow and the light's fall-off evened out


def _scores(path: Path) -> tuple[dict, dict, list[str]]:
    gold = json.loads((CORPUS / "gold" / f"{make_photo.STEM}.json").read_text(encoding="utf-8"))
    doc = process(str(path)).document
    record = json.loads(json.dumps(document_record(doc), default=str))
    scores = Scores()
    score_document(record, gold, scores, path.name)
    return scores.table(), record, doc.warnings


@needs_ocr
def test_a_photo_reads_like_the_clean_rendering(photos):
    clean, _, _ = _scores(CORPUS / f"{make_photo.STEM}.pdf")
    for path, _ in photos:
        table, record, warnings = _scores(path)
        assert NOTE in warnings, warnings
        assert all(table[key] == 1.0 for key in HEADER), {key: record[key] for key in HEADER}
        assert table["tasks_f1"] >= clean["tasks_f1"] - 0.10, (path, table["tasks_f1"], clean["tasks_f1"])


def _scan_pages():
    for path in sorted((CORPUS / "scans").glob("*.pdf")):
        pdf = pdfium.PdfDocument(str(path))
        try:
            yield from ((f"{path.name}[{i}]", pdf[i].render(scale=ocr.DPI / 72).to_pil()) for i in range(len(pdf)))
        finally:
            pdf.close()
    tiff = Image.open(CORPUS / "field" / "ninhbinh-tb-ketluan-2017.tif")
    for i in range(tiff.n_frames):
        tiff.seek(i)
        yield f"tif[{i}]", tiff.convert("RGB")


def test_flat_scans_are_left_untouched():
    for name, page in _scan_pages():
        result = photo.flatten(page)
        assert result.image is page and result.note is None and not result.flattened, name


def test_a_lopsidedly_lit_photo_without_desk_is_evened_out_only():
    image, corners = make_photo.make_photo(seed=FRESH_SEED)
    (left, top), (right, bottom) = corners.min(axis=0) + 60, corners.max(axis=0) - 60
    inside = image.crop((int(left), int(top), int(right), int(bottom)))  # paper only, shadow across it
    result = photo.flatten(inside)
    assert result.note == "photo: uneven lighting evened out" and not result.flattened
    assert result.image.size == inside.size


@pytest.mark.parametrize("name, image", [
    ("blank", Image.new("RGB", (1200, 1600), "white")),
    ("tiny", Image.new("RGB", (6, 6), "white")),
    ("desk only", Image.fromarray(make_photo.desk((1200, 1600), np.random.default_rng(3)).clip(0, 255).astype(np.uint8))),
    ("noise", Image.fromarray(np.random.default_rng(0).integers(0, 256, (1600, 1200, 3), dtype=np.uint8))),
])
def test_no_page_is_no_photo(name, image):
    result = photo.flatten(image)
    assert result.image is image and result.note is None


@needs_ocr
@pytest.mark.parametrize("name, image", [
    ("blank.png", Image.new("RGB", (1200, 1600), "white")),
    ("tiny.png", Image.new("RGB", (6, 6), "white")),
    ("desk.jpg", Image.fromarray(make_photo.desk((1200, 1600), np.random.default_rng(3)).clip(0, 255).astype(np.uint8))),
])
def test_an_image_with_nothing_to_read_fails_clearly(tmp_path, name, image):
    path = tmp_path / name
    image.save(path)
    result = process(str(path))
    assert result.status == "failed" and "no text found" in str(result.error)
