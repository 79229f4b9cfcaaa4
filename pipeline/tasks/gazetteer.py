"""The gazetteer of rules/units.yaml, compiled once into a phrase table over folded syllable keys.

Units ("Sở Giáo dục và Đào tạo" with "Sở GD&ĐT", "SGDĐT"), generic heads ("Sở", "Ban", "các cơ
quan") and role holders ("Hiệu trưởng") become phrases of folded syllable keys (`nlp.keys`), looked up
at each syllable of a text (`nlp.syllables`) by its first key, so a match maps straight back to
character offsets. Aliases must be unique after folding. (A spaCy PhraseMatcher did this before; a
dict does the same exact-sequence match without building a Doc per text or importing spaCy.)
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

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
    names: dict[tuple[str, ...], str]  # folded syllable keys of a name or alias -> its entry's label
    sizes: dict[str, tuple[int, ...]]  # first key -> lengths of the names that start with it, longest first
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
    entries: dict[str, Entry] = {}
    names: dict[tuple[str, ...], str] = {}
    seen: dict[tuple[str, ...], str] = {}
    for kind, key, items in (("unit", "units", rules.require(data, "units", list, filename)),
                             ("head", "heads", rules.require(data, "heads", list, filename))):
        for i, item in enumerate(items):
            _add_entry(item, kind, f"{key}[{i}]", filename, names, entries, seen)
    for i, role in enumerate(rules.require(data, "roles", list, filename)):
        item = {"id": f"role:{role}", "words": [role], "bare": str(role)[:1].isupper()}
        _add_entry(item, "role", f"roles[{i}]", filename, names, entries, seen)
    sizes: dict[str, set[int]] = {}
    for k in names:
        sizes.setdefault(k[0], set()).add(len(k))
    lex = lexicon()
    enders = lex.modifiers | lex.speakers | {c for cues in lex.cues.values() for c in cues}
    return Gazetteer(names, {k: tuple(sorted(v, reverse=True)) for k, v in sizes.items()}, entries,
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


def _add_entry(item, kind, where, filename, names_out, entries, seen) -> None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        raise rules.fail(filename, where, "needs an 'id' string")
    names = ([item["name"]] if "name" in item else []) + list(item.get("aliases") or item.get("words") or [])
    if not names or not all(isinstance(n, str) and n.strip() for n in names):
        raise rules.fail(filename, where, "needs non-empty names (name/aliases or words)")
    label = f"{kind}|{item['id']}"
    entries[label] = Entry(kind, item["id"], bool(item.get("bare", True)), bool(item.get("det_only", False)))
    for name in names:
        k = nlp.keys(name)
        if k in seen:
            raise rules.fail(filename, where, f"'{name}' duplicates an entry of {seen[k]}")
        seen[k] = where
        if k:
            names_out[k] = label


def matches_at(g: Gazetteer, keys: list[str], first: int) -> Iterator[tuple[int, Entry]]:
    """(end, entry) of every name that starts at syllable `first` of `keys`, longest first."""
    for size in g.sizes.get(keys[first], ()):
        label = g.names.get(tuple(keys[first:first + size])) if first + size <= len(keys) else None
        if label is not None:
            yield first + size, g.entries[label]
