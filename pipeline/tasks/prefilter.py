"""Which of many rule regexes can match a text, found from the words each one cannot match without.

A regex such as '(?:định\\s+kỳ\\s+)?(?:hằng|hàng|mỗi)\\s+tháng' matches only where "tháng" and one of
"hằng", "hàng", "mỗi" occur. Those literal words are read from the compiled pattern itself (Python's
own regex parser), so a rule file needs no hand-kept keyword list that could fall out of step with
its patterns: a pattern is tried only on texts holding all its required words, and the answer is the
same as trying every pattern, minus the cost of the many that cannot match (most clauses hold none).
"""
from __future__ import annotations

import re
from typing import Optional, Sequence

try:  # Python 3.11+
    from re import _constants as _c, _parser as _sre
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

Need = frozenset  # one of these literal strings must occur in a matching text
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())


def required(pattern: re.Pattern) -> tuple[Need, ...]:
    """Sets of literal strings, one of each set occurring in any text the pattern matches; () when
    nothing is certain (the pattern is then always tried)."""
    try:
        parsed = _sre.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unreadable pattern is simply always tried
        return ()
    return tuple(need for need in _sequence(list(parsed)) if all(need))


def _sequence(items: list) -> list[Need]:
    """The needs of a sequence: its runs of plain characters, and the needs of its mandatory parts."""
    needs, run = [], []
    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        if run:
            needs.append(Need({"".join(run)}))
            run = []
        if op is _c.SUBPATTERN:
            needs += _sequence(list(av[-1]))
        elif op is _c.BRANCH:
            either = _branch(av[1])
            if either:
                needs.append(either)
        elif op in _REPEATS and av[0] >= 1:
            needs += _sequence(list(av[2]))
    if run:
        needs.append(Need({"".join(run)}))
    return needs


def _branch(alternatives: list) -> Optional[Need]:
    """One need covering every alternative (each alternative's longest), or None when one has none."""
    words = set()
    for alternative in alternatives:
        needs = _sequence(list(alternative))
        if not needs:
            return None
        words |= max(needs, key=lambda n: min(len(w) for w in n))
    return Need(words)


class Prefilter:
    """The indices of `patterns` worth trying on a text (in their order)."""

    def __init__(self, patterns: Sequence[re.Pattern]) -> None:
        # Words are compared case-folded: looking more widely than a pattern's own case rules only
        # lets it be tried, never skips it ("(?i:...)" inside a pattern included).
        self.needs = [tuple(frozenset(w.casefold() for w in need) for need in required(p)) for p in patterns]

    def candidates(self, text: str) -> list[int]:
        folded = text.casefold()
        return [i for i, needs in enumerate(self.needs) if all(any(w in folded for w in need) for need in needs)]
