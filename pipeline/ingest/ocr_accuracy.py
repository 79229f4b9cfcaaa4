"""Character accuracy of OCR: each scan in corpus/scans against the text PDF it was scanned from.

Why the text PDF and not the .txt: the scan is a picture of the PDF, so the PDF's text layer read
through the same line and column grouping is the same text in the same reading order; against
the .txt, layout choices (where a header cell ends) would count as OCR errors. Accuracy is
1 - (edit distance / reference length), over NFC text with whitespace collapsed, the measure
OCR evaluations (ISRI, ocrevalUAtion) call character accuracy.

Usage: python -m pipeline.ingest.ocr_accuracy [SCANS_DIR [CORPUS_DIR]]
"""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import numpy as np


def flatten(texts: list[str]) -> str:
    """Block texts as one NFC string with single spaces."""
    return " ".join(" ".join(unicodedata.normalize("NFC", t).split()) for t in texts if t.strip())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance, one numpy row at a time (a few thousand characters in milliseconds)."""
    if len(a) < len(b):
        a, b = b, a
    if not b:
        return len(a)
    codes_b = np.array([ord(c) for c in b])
    steps = np.arange(len(b) + 1)
    row = steps.copy()
    for i, ch in enumerate(a, start=1):
        substitute = row[:-1] + (codes_b != ord(ch))
        delete = row[1:] + 1
        best = np.concatenate(([i], np.minimum(substitute, delete)))
        # insertions: row[j] = min(best[j], row[j-1] + 1), i.e. a running minimum of best[k] - k, plus j
        row = np.minimum.accumulate(best - steps) + steps
    return int(row[-1])


def char_accuracy(ocr_text: str, reference: str) -> float:
    if not reference:
        return 1.0 if not ocr_text else 0.0
    return max(0.0, 1.0 - edit_distance(ocr_text, reference) / len(reference))


def score(scans: Path, corpus: Path) -> list[tuple[str, float, int]]:
    """(stem, character accuracy, reference length) for each scan with a text PDF beside it."""
    from . import ingest

    rows = []
    for scan in sorted(scans.glob("*.pdf")):
        source = corpus / scan.name
        if not source.exists():
            continue
        reference = flatten([b.text for b in ingest(source).blocks])
        read = flatten([b.text for b in ingest(scan).blocks])
        rows.append((scan.stem, char_accuracy(read, reference), len(reference)))
    return rows


def main(argv: list[str]) -> int:
    scans = Path(argv[0]) if argv else Path("corpus/scans")
    corpus = Path(argv[1]) if len(argv) > 1 else scans.parent
    rows = score(scans, corpus)
    for stem, accuracy, length in rows:
        print(f"{stem:40s} {accuracy:7.2%}  ({length} characters)")
    total = sum(length for _, _, length in rows)
    if total:
        overall = sum(acc * length for _, acc, length in rows) / total
        print(f"{'all scans (weighted by length)':40s} {overall:7.2%}  ({total} characters)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
