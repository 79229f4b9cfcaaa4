"""The structure stage's rules, read from rules/*.yaml once, validated and compiled.

Each `build_*` checks one file (keys known, regexes compile, no duplicate aliases) and returns a
small frozen object; a bad file raises RulesError naming the file and the key, at first use.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .. import rules
from ..text import bare_letters, fold

Pattern = re.Pattern


def _check_keys(data: dict, known: set[str], filename: str) -> None:
    for key in data:
        if key not in known:
            raise rules.fail(filename, key, f"unknown key (known: {', '.join(sorted(known))})")


def _strings(data: dict, key: str, filename: str) -> list[str]:
    values = rules.require(data, key, list, filename)
    for i, value in enumerate(values):
        if not isinstance(value, str) or not value.strip():
            raise rules.fail(filename, f"{key}[{i}]", "must be a non-empty string")
    return values


def _patterns(data: dict, key: str, filename: str, flags: int = re.IGNORECASE) -> list[Pattern]:
    return [rules.compile_regex(p, filename, f"{key}[{i}]", flags) for i, p in enumerate(_strings(data, key, filename))]


def _unique_folded(values: list[str], filename: str, key: str) -> dict[str, str]:
    """folded form -> value; a second value with the same folded form is a duplicate alias."""
    out: dict[str, str] = {}
    for value in values:
        k = fold(value)
        if k in out:
            raise rules.fail(filename, key, f"duplicate alias '{value}' (same as '{out[k]}')")
        out[k] = value
    return out


def _alias_map(data: dict, key: str, filename: str) -> dict[str, str]:
    """A mapping name -> list of aliases, inverted to folded alias -> name (duplicates rejected)."""
    table = rules.require(data, key, dict, filename)
    out: dict[str, str] = {}
    for name, aliases in table.items():
        if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
            raise rules.fail(filename, f"{key}.{name}", "must be a list of non-empty strings")
        for alias in aliases:
            k = fold(alias) if fold(alias) else alias.lower()
            if k in out:
                raise rules.fail(filename, f"{key}.{name}", f"duplicate alias '{alias}' (also under '{out[k]}')")
            out[k] = str(name)
    return out


def alias_regex(aliases, filename: str, key: str) -> Pattern:
    """One regex matching any alias as whole words, longest first; spaces match any whitespace."""
    parts = sorted({a for a in aliases}, key=len, reverse=True)
    body = "|".join(r"\s+".join(re.escape(w) for w in a.split()) for a in parts)
    return rules.compile_regex(rf"(?<!\w)(?:{body})(?!\w)", filename, key)


@dataclass(frozen=True)
class DocTypes:
    no_code: str
    by_code: dict[str, str]  # code -> name
    by_title: dict[str, str]  # folded title line -> name


def build_doc_types(data: dict, filename: str) -> DocTypes:
    _check_keys(data, {"no_code", "types"}, filename)
    no_code = rules.require(data, "no_code", str, filename)
    by_code: dict[str, str] = {}
    titles: list[tuple[str, str]] = []
    for i, entry in enumerate(rules.require(data, "types", list, filename)):
        where = f"types[{i}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise rules.fail(filename, where, "must be a mapping with a 'name'")
        _check_keys(entry, {"name", "code", "titles"}, f"{filename}: {where}")
        name, code = entry["name"], entry.get("code")
        if code is not None:
            if not isinstance(code, str) or code in by_code:
                raise rules.fail(filename, where, f"code '{code}' is not a string or is a duplicate")
            by_code[code] = name
        titles += [(t, name) for t in [name.upper(), *entry.get("titles", [])]]
    by_title = _unique_folded([t for t, _ in titles], filename, "types")
    names = {fold(t): n for t, n in titles}
    return DocTypes(no_code, by_code, {k: names[k] for k in by_title})


def doc_types() -> DocTypes:
    return rules.load("doc_types", build_doc_types)


@dataclass(frozen=True)
class Authorities:
    prefixes: dict[str, int]  # "KT." -> titles naming the principal
    prefix_re: Pattern
    titles: dict[str, str]  # folded title -> display
    unsigned: list[Pattern]


def build_authorities(data: dict, filename: str) -> Authorities:
    _check_keys(data, {"prefixes", "titles", "unsigned"}, filename)
    prefixes: dict[str, int] = {}
    for i, entry in enumerate(rules.require(data, "prefixes", list, filename)):
        if not isinstance(entry, dict) or not isinstance(entry.get("prefix"), str) \
                or not isinstance(entry.get("skip_titles"), int):
            raise rules.fail(filename, f"prefixes[{i}]", "needs 'prefix' (string) and 'skip_titles' (int)")
        if entry["prefix"] in prefixes:
            raise rules.fail(filename, f"prefixes[{i}]", f"duplicate prefix '{entry['prefix']}'")
        prefixes[entry["prefix"]] = entry["skip_titles"]
    alternatives = "|".join(re.escape(p.rstrip(".")) for p in sorted(prefixes, key=len, reverse=True))
    prefix_re = rules.compile_regex(rf"(?<!\w)({alternatives})\s*\.\s*", filename, "prefixes", 0)
    titles = _unique_folded(_strings(data, "titles", filename), filename, "titles")
    return Authorities(prefixes, prefix_re, titles, _patterns(data, "unsigned", filename))


def authorities() -> Authorities:
    return rules.load("authorities", build_authorities)


@dataclass(frozen=True)
class RecipientRules:
    addressee_label: Pattern
    recipients_label: Pattern
    item_start: Pattern
    as_above: list[Pattern]
    archive: list[Pattern]
    purposes: dict[str, str]  # folded alias -> canonical purpose
    purpose_re: Pattern
    article_addressees: Pattern


def build_recipients(data: dict, filename: str) -> RecipientRules:
    known = {"addressee_label", "recipients_label", "item_start", "as_above", "archive", "purposes",
             "article_addressees"}
    _check_keys(data, known, filename)
    regex = {k: rules.compile_regex(rules.require(data, k, str, filename), filename, k)
             for k in ("addressee_label", "recipients_label", "item_start", "article_addressees")}
    purposes = _alias_map(data, "purposes", filename)
    aliases = [a for aliases in data["purposes"].values() for a in aliases]
    return RecipientRules(regex["addressee_label"], regex["recipients_label"], regex["item_start"],
                          _patterns(data, "as_above", filename), _patterns(data, "archive", filename),
                          purposes, alias_regex(aliases, filename, "purposes"), regex["article_addressees"])


def recipient_rules() -> RecipientRules:
    return rules.load("recipients", build_recipients)


@dataclass(frozen=True)
class IssuerRules:
    heads: dict[tuple[str, ...], str]  # folded words -> display form ("UBND" maps to itself)
    compounds: set[tuple[str, str]]  # folded word pairs that never start a new body
    places: dict[tuple[str, ...], str]  # folded words -> display; a proper name follows
    words: dict[tuple[str, ...], str]  # folded words -> display inside a name
    abbreviations: dict[str, str]  # as printed -> expansion
    joiners: set[str]
    longest: int


def _phrase_table(values: list[str], filename: str, key: str) -> dict[tuple[str, ...], str]:
    return {tuple(k.split()): v for k, v in _unique_folded(values, filename, key).items()}


def build_issuers(data: dict, filename: str) -> IssuerRules:
    _check_keys(data, {"heads", "abbreviations", "compounds", "places", "words", "joiners"}, filename)
    abbreviations = rules.require(data, "abbreviations", dict, filename)
    heads = _phrase_table(_strings(data, "heads", filename) + list(abbreviations), filename, "heads")
    pairs = set()
    for i, pair in enumerate(_strings(data, "compounds", filename)):
        words = fold(pair).split()
        if len(words) != 2:
            raise rules.fail(filename, f"compounds[{i}]", "must be two words")
        pairs.add((words[0], words[1]))
    places = _phrase_table(_strings(data, "places", filename), filename, "places")
    words = _phrase_table(_strings(data, "words", filename), filename, "words")
    longest = max(len(k) for k in [*heads, *places, *words])
    joiners = {fold(j) or j for j in _strings(data, "joiners", filename)}
    return IssuerRules(heads, pairs, places, words, dict(abbreviations), joiners, longest)


def issuer_rules() -> IssuerRules:
    return rules.load("issuers", build_issuers)


@dataclass(frozen=True)
class HeaderRules:
    motto: list[Pattern]
    separator: Pattern
    number_label: Pattern
    date: Pattern
    subject_label: Pattern
    urgency: list[str]
    secrecy: list[str]
    earliest_year: int
    body_openers: list[Pattern]
    headline: Pattern
    self_naming: Pattern
    paragraph_opener: Pattern  # one regex: an opener after a space and no sentence punctuation
    sentence_opener: Pattern  # an opener after sentence punctuation ("… thành phố. Thực hiện …")
    motto_letters: tuple[str, ...] = ()  # each motto phrase as bare letters ("conghoaxahoi…")

    @property
    def motto_longest(self) -> int:
        return max(map(len, self.motto_letters), default=0)


def build_structure(data: dict, filename: str) -> HeaderRules:
    singles = ("separator", "number_label", "date", "subject_label", "headline", "self_naming")
    _check_keys(data, {"motto", "motto_text", "urgency", "secrecy", "earliest_year", "body_openers", "paragraph_openers",
                       *singles}, filename)
    regex = {k: rules.compile_regex(rules.require(data, k, str, filename), filename, k) for k in singles}
    regex["self_naming"] = rules.compile_regex(data["self_naming"], filename, "self_naming", 0)
    return HeaderRules(_patterns(data, "motto", filename), regex["separator"], regex["number_label"],
                       regex["date"], regex["subject_label"], _strings(data, "urgency", filename),
                       _strings(data, "secrecy", filename), rules.require(data, "earliest_year", int, filename),
                       _patterns(data, "body_openers", filename), regex["headline"], regex["self_naming"],
                       *_openers(data, filename), motto_letters=_motto_letters(data, filename))


def _motto_letters(data: dict, filename: str) -> tuple[str, ...]:
    keys = tuple(bare_letters(text)[0] for text in _strings(data, "motto_text", filename))
    if not all(keys):
        raise rules.fail(filename, "motto_text", "each phrase needs letters")
    return keys


def _openers(data: dict, filename: str) -> tuple[Pattern, Pattern]:
    body = "|".join(p.pattern for p in _patterns(data, "paragraph_openers", filename, 0))
    return (rules.compile_regex(r"(?<=[^\s.;:,!?]) (?=(?:%s))" % body, filename, "paragraph_openers", 0),
            rules.compile_regex(r"(?<=[.;])\s+(?=(?:%s))" % body, filename, "paragraph_openers", 0))


def header_rules() -> HeaderRules:
    return rules.load("structure", build_structure)


@dataclass(frozen=True)
class ReferenceRules:
    number: Pattern
    types: dict[str, str]  # folded alias -> type name
    type_re: Pattern
    type_window: int
    date_after: Pattern
    date_before: Pattern
    issuer_after: Pattern
    relations: dict[str, str]  # folded cue -> relation
    relation_re: Pattern
    self_re: Pattern
    default_relation: str


def build_references(data: dict, filename: str) -> ReferenceRules:
    singles = ("number", "date_after", "date_before", "issuer_after")
    known = {"types", "type_window", "relations", "self_words", "default_relation", *singles}
    _check_keys(data, known, filename)
    regex = {k: rules.compile_regex(rules.require(data, k, str, filename), filename, k) for k in singles}
    regex["number"] = rules.compile_regex(data["number"], filename, "number", 0)
    types = _alias_map(data, "types", filename)
    relations = _alias_map(data, "relations", filename)
    type_aliases = [a for v in data["types"].values() for a in v]
    cues = [a for v in data["relations"].values() for a in v]
    self_re = alias_regex(_strings(data, "self_words", filename), filename, "self_words")
    return ReferenceRules(regex["number"], types, alias_regex(type_aliases, filename, "types"),
                          rules.require(data, "type_window", int, filename), regex["date_after"],
                          regex["date_before"], regex["issuer_after"], relations,
                          alias_regex(cues, filename, "relations"), self_re,
                          rules.require(data, "default_relation", str, filename))


def reference_rules() -> ReferenceRules:
    return rules.load("references", build_references)


@dataclass(frozen=True)
class Marker:
    kind: str
    rank: int
    pattern: Pattern


@dataclass(frozen=True)
class OutlineRules:
    markers: list[Marker]
    schedule: Pattern
    closing: list[Pattern]
    heading_max_chars: int
    sentence_end: Pattern


def build_outline(data: dict, filename: str) -> OutlineRules:
    _check_keys(data, {"markers", "schedule", "closing", "heading_max_chars", "sentence_end"}, filename)
    markers = []
    for i, entry in enumerate(rules.require(data, "markers", list, filename)):
        where = f"markers[{i}]"
        if not isinstance(entry, dict) or set(entry) != {"kind", "rank", "pattern"}:
            raise rules.fail(filename, where, "needs exactly 'kind', 'rank' and 'pattern'")
        if entry["kind"] not in ("part", "item", "point", "dash", "plus"):
            raise rules.fail(filename, where, f"unknown kind '{entry['kind']}'")
        pattern = rules.compile_regex(entry["pattern"], filename, where, 0)
        if "label" not in pattern.groupindex:
            raise rules.fail(filename, where, "pattern needs a group named 'label'")
        markers.append(Marker(entry["kind"], int(entry["rank"]), pattern))
    return OutlineRules(markers, rules.compile_regex(rules.require(data, "schedule", str, filename), filename, "schedule"),
                        _patterns(data, "closing", filename, 0),
                        rules.require(data, "heading_max_chars", int, filename),
                        rules.compile_regex(rules.require(data, "sentence_end", str, filename), filename, "sentence_end"))


def outline_rules() -> OutlineRules:
    return rules.load("outline", build_outline)
