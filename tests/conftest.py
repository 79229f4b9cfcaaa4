"""Shared fixtures: the corpus, and builders for small real files."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def corpus_stems(*extensions: str) -> list[str]:
    """Stems of corpus documents that exist in every one of the given renderings."""
    stems = {p.stem for p in CORPUS.glob("*.txt")}
    for ext in extensions:
        stems &= {p.stem for p in CORPUS.glob(f"*.{ext}")}
    return sorted(stems)


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS
