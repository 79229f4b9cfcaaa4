"""The prefilter never skips a pattern that matches, on every paragraph of the corpus, and skips most."""
import re

from pipeline.tasks import temporal
from pipeline.tasks.prefilter import Prefilter, required
from pipeline.tasks.vocabulary import patterns

from .conftest import CORPUS


def _paragraphs() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


def test_required_words_come_from_the_pattern():
    needs = required(re.compile(r"(?:định\s+kỳ\s+)?(?:hằng|hàng|mỗi)\s+tháng", re.IGNORECASE))
    assert set(needs) == {frozenset({"hằng", "hàng", "mỗi"}), frozenset({"tháng"})}  # "định kỳ" is optional
    assert required(re.compile(r"\d+|[a-z]+")) == ()  # nothing certain: always tried


def test_recurrence_rules_keep_every_match_on_the_corpus():
    rules = temporal.load_rules()
    paragraphs = _paragraphs()
    assert len(paragraphs) > 1000
    matched = tried = 0
    for text in paragraphs:
        view = text.replace("**", "").replace("__", "")  # what find_temporal scans: emphasis markers gone
        chosen = set(rules.recurrence_filter.candidates(view))
        tried += len(chosen)
        for i, rec in enumerate(rules.recurrences):
            if rec.regex.search(view):
                matched += 1
                assert i in chosen, (rec.regex.pattern, view)
    assert matched > 20  # the corpus has recurrences, so the check bites
    assert tried < 0.1 * len(paragraphs) * len(rules.recurrences)  # and most patterns are skipped


def test_other_rule_lists_in_either_case():
    rules = patterns()
    pats = list(rules.never + rules.recital + rules.closing + rules.narrative)
    prefilter = Prefilter(pats)
    for text in _paragraphs():
        for variant in (text, text.upper()):
            chosen = set(prefilter.candidates(variant))
            assert all(i in chosen for i, p in enumerate(pats) if p.search(variant)), variant
