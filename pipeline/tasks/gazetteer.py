"""The gazetteer of rules/units.yaml, compiled once into a spaCy PhraseMatcher.

Units ("Sở Giáo dục và Đào tạo" with "Sở GD&ĐT", "SGDĐT"), generic heads ("Sở", "Ban", "các cơ
quan") and role holders ("Hiệu trưởng") become phrase patterns over folded syllable keys, matched on
a spaCy Doc built from the text's syllables (`nlp.syllables`) with each token's NORM set to its
key, so a match maps straight back to character offsets. Aliases must be unique after folding.
"""
from __future__ import annotations

from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from .. import rules
from . import nlp
from .vocabulary import lexicon

KINDS = ("unit", "head", "role")


@dataclass(frozen=True)
class Entry:
    kind: str  # one of KINDS
    id: str
    bare: bool  # True when the head is a unit even written alone in lower case
    det_only: bool = False  # a unit only after a determiner ("các tổ chức", never "Tổ chức ...")


@dataclass
class Gazetteer:
    vocab: Vocab
    matcher: PhraseMatcher
    entries: dict[str, Entry]
    determiners: set[tuple[str, ...]]
    continuations: set[tuple[str, ...]]
    members: set[tuple[str, ...]]
    stops: set[str]
    verbs: set[tuple[str, ...]]
    enders: set[tuple[str, ...]]  # modifiers and cue words: never part of a lower-case name


def gazetteer() -> Gazetteer:
    """The compiled gazetteer (built once per process)."""
    return rules.load("units", _build)


def _build(data: dict, filename: str) -> Gazetteer:
    vocab = Vocab()
    matcher = PhraseMatcher(vocab, attr="NORM")
    entries: dict[str, Entry] = {}
    seen: dict[tuple[str, ...], str] = {}
    for kind, key, items in (("unit", "units", rules.require(data, "units", list, filename)),
                             ("head", "heads", rules.require(data, "heads", list, filename))):
        for i, item in enumerate(items):
            _add_entry(item, kind, f"{key}[{i}]", filename, vocab, matcher, entries, seen)
    for i, role in enumerate(rules.require(data, "roles", list, filename)):
        item = {"id": f"role:{role}", "words": [role], "bare": str(role)[:1].isupper()}
        _add_entry(item, "role", f"roles[{i}]", filename, vocab, matcher, entries, seen)
    lex = lexicon()
    enders = lex.modifiers | lex.speakers | {c for cues in lex.cues.values() for c in cues}
    return Gazetteer(vocab, matcher, entries,
                     _phrases(data, "determiners", filename), _phrases(data, "continuations", filename),
                     _phrases(data, "members", filename),
                     {nlp.key(w) for w in rules.require(data, "name_stops", list, filename)},
                     lex.verbs, enders)


def _phrases(data: dict, key: str, filename: str) -> set[tuple[str, ...]]:
    out = set()
    for i, phrase in enumerate(rules.require(data, key, list, filename)):
        if not isinstance(phrase, str) or not phrase.strip():
            raise rules.fail(filename, f"{key}[{i}]", "must be a non-empty string")
        out.add(nlp.keys(phrase))
    return out


def _add_entry(item, kind, where, filename, vocab, matcher, entries, seen) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise rules.fail(filename, where, "needs an 'id' string")
    names = ([item["name"]] if "name" in item else []) + list(item.get("aliases") or item.get("words") or [])
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise rules.fail(filename, where, "needs non-empty names (name/aliases or words)")
    label = f"{kind}|{item['id']}"
    entries[label] = Entry(kind, item["id"], bool(item.get("bare", True)), bool(item.get("det_only", False)))
    patterns = []
    for name in names:
        k = nlp.keys(name)
        if k in seen:
            raise rules.fail(filename, where, f"'{name}' duplicates an entry of {seen[k]}")
        seen[k] = where
        patterns.append(_pattern(vocab, k))
    matcher.add(label, patterns)


def _pattern(vocab: Vocab, k: tuple[str, ...]) -> Doc:
    doc = Doc(vocab, words=list(k))
    for token, norm in zip(doc, k):
        token.norm_ = norm
    return doc


def doc_of(syl: tuple[nlp.Syllable, ...], vocab: Vocab) -> Doc:
    """A spaCy Doc of the syllables, each token's NORM its folded key."""
    spaces = [i + 1 < len(syl) and syl[i + 1].start > s.end for i, s in enumerate(syl)]
    doc = Doc(vocab, words=[s.text for s in syl], spaces=spaces)
    for token, s in zip(doc, syl):
        token.norm_ = s.key
    return doc
