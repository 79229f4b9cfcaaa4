"""The vocabularies of the task stage, compiled once per process: verbs, cues, paragraph patterns.

rules/actions.yaml holds the action verbs and the cue words around them; rules/directives.yaml the
regexes that recognise recitals, narratives, closing formulas, lead-ins and labels. Words are
compared as tuples of folded syllable keys (`nlp.keys`), so case and tone placement never matter;
regexes run on `nlp.canon` text. A bad entry fails at start with the file and key named.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from .. import rules
from . import nlp
from .nlp import canon

_SIZES = (6, 5, 4, 3, 2, 1)  # phrase lengths phrase_at looks for
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[\"“(]?[^\W\d_a-zđ])|\n+")
_CUE_KEYS = {"lead", "partner", "other", "lead_in", "acting_after", "serving", "needs_unit", "request_nouns"}
_SINGLES = ("grounds", "grounds_start", "recital_end", "lead_in_end", "skip_sections", "role_list_heading",
            "time_label", "unit_heading_prefix", "feedback", "forms", "label")


@dataclass(frozen=True)
class Lexicon:
    verbs: set[tuple[str, ...]]
    modifiers: set[tuple[str, ...]]
    speakers: set[tuple[str, ...]]
    duties: set[tuple[str, ...]]  # "là cơ quan thường trực", "có nhiệm vụ": a unit's duty
    generic: set[tuple[str, ...]]  # actions of closing formulas: "thực hiện", "chấp hành"
    cues: dict[str, set[tuple[str, ...]]]  # role_cues of rules/actions.yaml


@dataclass(frozen=True)
class Patterns:
    recital: tuple[re.Pattern, ...]
    narrative: tuple[re.Pattern, ...]
    closing: tuple[re.Pattern, ...]
    never: tuple[re.Pattern, ...]
    openers: tuple[re.Pattern, ...]
    single: dict[str, re.Pattern]  # lead_in_end, time_label, skip_sections, ...
    role_labels: dict[str, re.Pattern]


def lexicon() -> Lexicon:
    """Verbs and cue words of rules/actions.yaml."""
    return rules.load("actions", _build_lexicon)


def patterns() -> Patterns:
    """Paragraph patterns of rules/directives.yaml."""
    return rules.load("directives", _build_patterns)


def _key_set(values, filename: str, where: str) -> set[tuple[str, ...]]:
    if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
        raise rules.fail(filename, where, "must be a list of non-empty strings")
    return {nlp.keys(v) for v in values}


def _build_lexicon(data: dict, filename: str) -> Lexicon:
    cues = rules.require(data, "role_cues", dict, filename)
    if set(cues) != _CUE_KEYS:
        raise rules.fail(filename, "role_cues", f"must have exactly the keys {sorted(_CUE_KEYS)}")
    return Lexicon(_key_set(data.get("verbs"), filename, "verbs"),
                   _key_set(data.get("modifiers"), filename, "modifiers"),
                   _key_set(data.get("speaker_verbs"), filename, "speaker_verbs"),
                   _key_set(data.get("duties"), filename, "duties"),
                   _key_set(data.get("generic_actions"), filename, "generic_actions"),
                   {k: _key_set(v, filename, f"role_cues.{k}") for k, v in cues.items()})


def _regexes(data: dict, key: str, filename: str) -> tuple[re.Pattern, ...]:
    values = rules.require(data, key, list, filename)
    return tuple(rules.compile_regex(v, filename, f"{key}[{i}]") for i, v in enumerate(values))


def _build_patterns(data: dict, filename: str) -> Patterns:
    labels = rules.require(data, "role_labels", dict, filename)
    return Patterns(*(_regexes(data, k, filename) for k in ("recital", "narrative", "closing", "never", "openers")),
                    {k: rules.compile_regex(rules.require(data, k, str, filename), filename, k) for k in _SINGLES},
                    {role: rules.compile_regex(v, filename, f"role_labels.{role}") for role, v in labels.items()})


def sentences(text: str) -> list[str]:
    """Sentences of a paragraph (a full stop before a capital, or a line break, ends one)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]


def matches(name: str, text: str) -> bool:
    """Whether the single pattern `name` of rules/directives.yaml matches `text`."""
    return bool(patterns().single[name].search(canon(text).strip()))


def main_verb(syl, i: int) -> Optional[str]:
    """The action verb at syllable i, after any modifiers ("tiếp tục đẩy mạnh" -> "đẩy mạnh")."""
    lex, fallback = lexicon(), None
    while i < len(syl):
        verb = phrase_at(syl, i, lex.verbs)
        mod = phrase_at(syl, i, lex.modifiers)
        if mod and (not verb or len(mod) >= len(verb)):
            fallback = fallback or (verb and " ".join(s.text.lower() for s in syl[i:i + len(verb)]))
            i += len(mod)
            continue
        if verb:
            return " ".join(s.text.lower() for s in syl[i:i + len(verb)])
        return fallback
    return fallback


def phrase_at(syl, i: int, phrases: set[tuple[str, ...]]) -> Optional[tuple[str, ...]]:
    """The longest phrase of `phrases` starting at syllable i on a word edge (underthesea
    sometimes glues a verb to the name after it: "Chỉ đạo Phòng", so a capital also ends it)."""
    if i >= len(syl):
        return None
    index = nlp.phrase_sizes(phrases)
    sizes = _SIZES if index is None else index.get(syl[i].key, ())
    for size in sizes:  # the dictionary first: word edges cost a segmentation
        if size > 6:
            continue
        k = tuple(s.key for s in syl[i:i + size])
        if len(k) != size or k not in phrases:
            continue
        if not syl[i].word_start:
            return None
        if i + size == len(syl) or not syl[i + size].is_word or syl[i + size].capitalized \
                or syl[i + size - 1].word_end:
            return k
    return None
