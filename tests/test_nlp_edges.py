"""Word edges: what is known without segmenting agrees with underthesea on every corpus paragraph."""
from pipeline.tasks import nlp

from .conftest import CORPUS


def _pieces() -> list[str]:
    """Every piece a corpus paragraph is segmented in (cut where nlp cuts them)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    paragraphs = [line.strip() for text in texts for line in text.splitlines() if line.strip()]
    out = []
    for text in paragraphs:
        cuts = [0] + [m.end() for m in nlp._PIECE_END.finditer(text)] + [len(text)]
        out += [text[a:b] for a, b in zip(cuts, cuts[1:]) if text[a:b].strip()]
    return out


def test_a_piece_starts_with_a_word_on_every_corpus_paragraph():
    """`_Edges.is_start` answers True at a piece's first syllable without running underthesea: its
    words must agree (or not align at all, when every syllable counts as a start)."""
    pieces = [p for p in _pieces() if not p[0].isspace()]
    assert len(pieces) > 3000
    unaligned = 0
    for piece in pieces:
        found = nlp._segment(piece)
        if found is None:
            unaligned += 1
            continue
        assert 0 in found[0], piece
    assert unaligned < 0.05 * len(pieces)


def test_a_piece_start_is_answered_without_segmenting():
    edges = nlp._Edges("Giao Sở Tài chính chủ trì, các phòng ban phối hợp thực hiện.")
    cut = edges.text.index("các")
    assert edges.is_start(0) and edges.is_start(cut)
    assert edges.done == set()  # nothing segmented yet
    edges.is_start(edges.text.index("phòng"))  # inside the second piece: that one is segmented
    assert edges.done == {1}
