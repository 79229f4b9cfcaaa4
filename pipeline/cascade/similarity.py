"""Task texts compared: the share of content words two tasks have in common.

Content words are the folded syllables with abbreviations spelled out and without the grammar and
deadline words of rules/cascade.yaml `task_stopwords`; numbers are left out except dates, which
become one word each ("01/10/2024", "ngày 01 tháng 10" -> @10-01), since a restated window
("từ ngày 01/10 đến ngày 07/10/2024") is repeated as it is, level after level.

The score is the overlap coefficient |A ∩ B| / min(|A|, |B|): a restatement often adds a clause
of its own ("lồng ghép với Ngày hội đọc sách") or drops one, and should not lose for it. It needs no
statistics of the rest of the register, so a pair scores the same whatever else is stored.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Sequence

from .config import cascade_rules, words
from .names import rewrite

_DATES = (re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})(?:\s*[/.-]\s*\d{4})?(?!\d)"),
          re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})", re.IGNORECASE))


@lru_cache(maxsize=1)
def _stop_table() -> dict:
    return {w: () for w in cascade_rules().task_stopwords}


@lru_cache(maxsize=8192)
def content_words(text: str) -> frozenset[str]:
    """ "Gửi kế hoạch về Bộ GDĐT trước ngày 20/9/2024" -> gửi, kế, hoạch, bộ, giáo, dục, đào, tạo, @09-20."""
    tokens = rewrite(rewrite(words(text), cascade_rules().abbreviations), _stop_table())
    found = {w for w in tokens if not w[0].isdigit() and len(w) > 1}  # a tone folds to a final digit
    for pattern in _DATES:
        for m in pattern.finditer(text):
            day, month = int(m.group(1)), int(m.group(2))
            if 1 <= day <= 31 and 1 <= month <= 12:
                found.add(f"@{month:02d}-{day:02d}")
    return frozenset(found)


def similarity(a: str, b: str) -> float:
    """0 (no content word shared) to 1 (one task's content words all in the other)."""
    wa, wb = content_words(a), content_words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / min(len(wa), len(wb))


def match_tasks(upstream: Sequence[str], downstream: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one pairs (upstream index, downstream index, score) at or above `threshold`.

    Each task of one document restates at most one task of the other: the best-scoring pairs are
    taken first, so "Báo cáo kết quả" goes to the report it repeats, not to every task that reports.
    """
    scored = sorted(((similarity(u, d), i, j) for i, u in enumerate(upstream) for j, d in enumerate(downstream)),
                    key=lambda s: (-s[0], s[1], s[2]))
    used_up: set[int] = set()
    used_down: set[int] = set()
    pairs = []
    for score, i, j in scored:
        if score < threshold:
            break
        if i not in used_up and j not in used_down:
            pairs.append((i, j, round(score, 3)))
            used_up.add(i)
            used_down.add(j)
    return sorted(pairs)
