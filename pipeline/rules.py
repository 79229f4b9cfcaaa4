"""Load and validate the rule files in `rules/` once per process.

Only this module reads `rules/`. Each rule file is YAML with a top-level mapping; callers pass a
validator that checks the entries and compiles what needs compiling, and get the result cached.
A bad file raises `RulesError` naming the file and the entry, at start, never per document.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import yaml

from .errors import RulesError

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"

_cache: dict[str, Any] = {}
_overrides: dict[str, Path] = {}


def use_file(name: str, path: str | Path) -> None:
    """Read `rules/<name>.yaml` from another file from now on (a site's own gazetteer or calendar).

    Call it before the first document: it clears what was loaded, and worker processes started
    afterwards inherit it. The file is validated like the bundled one when first used.
    """
    target = Path(path)
    if not target.is_file():
        raise RulesError(f"{target}: rule file for '{name}' not found")
    _overrides[name] = target
    read.cache_clear()
    _cache.pop(name, None)


# libyaml's safe loader when PyYAML was built with it (the wheels are): the same documents, read about
# ten times faster (the rule files took 0.1 s of every run's start-up with the pure-Python one).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@lru_cache(maxsize=None)
def read(name: str) -> Any:
    """The parsed YAML of `rules/<name>.yaml`, or of the file `use_file` named (RulesError when broken)."""
    path = _overrides.get(name, RULES_DIR / f"{name}.yaml")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
    except FileNotFoundError as e:
        raise RulesError(f"{path}: rule file missing") from e
    except yaml.YAMLError as e:
        raise RulesError(f"{path}: not valid YAML: {e}") from e
    if not isinstance(data, dict):
        raise RulesError(f"{path}: top level must be a mapping")
    return data


def load(name: str, build: Callable[[dict, str], Any]) -> Any:
    """`build(data, filename)` over `rules/<name>.yaml`, computed once per process.

    `build` validates and compiles; it raises RulesError (use `fail`) naming the entry.
    """
    if name not in _cache:
        _cache[name] = build(read(name), str(_overrides.get(name, f"rules/{name}.yaml")))
    return _cache[name]


def fail(filename: str, key: str, why: str) -> RulesError:
    return RulesError(f"{filename}: {key}: {why}")


def compile_regex(pattern: str, filename: str, key: str, flags: int = re.IGNORECASE) -> re.Pattern:
    """Compile a pattern from a rule file, naming the file and key when it does not compile."""
    if not isinstance(pattern, str):
        raise fail(filename, key, "pattern must be a string")
    try:
        return re.compile(pattern, flags)
    except re.error as e:
        raise fail(filename, key, f"regex does not compile: {e}") from e


def require(data: dict, key: str, kind: type, filename: str) -> Any:
    """data[key], checked to be of `kind`."""
    if key not in data:
        raise fail(filename, key, "missing")
    value = data[key]
    if not isinstance(value, kind):
        raise fail(filename, key, f"must be {kind.__name__}, got {type(value).__name__}")
    return value
