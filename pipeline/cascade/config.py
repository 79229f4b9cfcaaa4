"""rules/cascade.yaml, validated and compiled once: thresholds, implementing kinds, word tables.

Word tables are kept as folded word tuples (see `text.fold`), so "GD&ĐT", "GD-ĐT" and "gd&đt" are
one entry, and "Ủy ban"/"Uỷ ban" need no second spelling.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import rules
from ..text import fold

FILENAME = "rules/cascade.yaml"
KEYS = {"implementing", "similarity_threshold", "unit_overlap", "issuer_overlap", "abbreviations",
        "unit_stopwords", "unit_levels", "task_stopwords"}

Words = tuple[str, ...]


@dataclass(frozen=True)
class CascadeRules:
    implementing: frozenset[str]  # edge kinds that carry tasks down
    similarity_threshold: float
    unit_overlap: float
    issuer_overlap: float
    abbreviations: dict[Words, Words]  # folded abbreviation -> folded words
    unit_stopwords: frozenset[Words]
    unit_levels: frozenset[Words]
    unit_heads: frozenset[Words]  # rules/issuers.yaml heads: words that begin a body's name
    task_stopwords: frozenset[Words]


def words(text: str) -> Words:
    """Folded words of a text: "Sở GD&ĐT" -> ("sơ3", "gd", "đt")."""
    return tuple(fold(text).split())


def cascade_rules() -> CascadeRules:
    return rules.load("cascade", build)


def build(data: dict, filename: str = FILENAME) -> CascadeRules:
    for key in data:
        if key not in KEYS:
            raise rules.fail(filename, key, f"unknown key (known: {', '.join(sorted(KEYS))})")
    return CascadeRules(
        implementing=frozenset(_kinds(data, filename)),
        similarity_threshold=_share(data, "similarity_threshold", filename),
        unit_overlap=_share(data, "unit_overlap", filename),
        issuer_overlap=_share(data, "issuer_overlap", filename),
        abbreviations=_abbreviations(data, filename),
        unit_stopwords=frozenset(words(w) for w in _strings(data, "unit_stopwords", filename)),
        unit_levels=frozenset(words(w) for w in _strings(data, "unit_levels", filename)),
        unit_heads=frozenset(words(h) for h in rules.read("issuers").get("heads", []) if isinstance(h, str)),
        task_stopwords=frozenset(words(w) for w in _strings(data, "task_stopwords", filename)),
    )


def share(value: object, filename: str, key: str) -> float:
    """A number between 0 and 1 (a threshold)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise rules.fail(filename, key, f"must be a number between 0 and 1, got {value!r}")
    return float(value)


def _share(data: dict, key: str, filename: str) -> float:
    if key not in data:
        raise rules.fail(filename, key, "missing")
    return share(data[key], filename, key)


def _kinds(data: dict, filename: str) -> list[str]:
    references = rules.read("references")
    known = set(references.get("relations", {})) | {references.get("default_relation", "cites")}
    kinds = _strings(data, "implementing", filename)
    for kind in kinds:
        if kind not in known:
            raise rules.fail(filename, "implementing", f"unknown relation '{kind}' (known: {', '.join(sorted(known))})")
    return kinds


def _strings(data: dict, key: str, filename: str) -> list[str]:
    values = rules.require(data, key, list, filename)
    for i, value in enumerate(values):
        if not isinstance(value, str) or not words(value):
            raise rules.fail(filename, f"{key}[{i}]", "must be a non-empty string")
    return values


def _abbreviations(data: dict, filename: str) -> dict[Words, Words]:
    table = rules.require(data, "abbreviations", dict, filename)
    out: dict[Words, Words] = {}
    for name, aliases in table.items():
        if not isinstance(aliases, list) or not all(isinstance(a, str) and words(a) for a in aliases):
            raise rules.fail(filename, f"abbreviations.{name}", "must be a list of non-empty strings")
        for alias in aliases:
            if words(alias) in out:
                raise rules.fail(filename, f"abbreviations.{name}", f"duplicate abbreviation '{alias}'")
            out[words(alias)] = words(str(name))
    return out
