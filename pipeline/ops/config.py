"""congvan.toml: one file for the inbox, outputs, database, reference date, rule files and export formats.

Where it is read from: `--config PATH`, else `$CONGVAN_CONFIG`, else `./congvan.toml` when present, else
the defaults. Flags on the command line override the file. Every key is checked; a bad one raises
`ConfigError` naming the file and the key (`congvan.toml: watch.settle_seconds: must be a number ≥ 0`).
Relative paths in the file are relative to the file's folder; on the command line, to the current one.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from .errors import ConfigError, OpsError

FILE_NAME = "congvan.toml"
FORMATS = ("jsonl", "csv", "parquet", "xlsx", "import", "report", "calendar")
# Office lock files, browser downloads in progress, editors' temporaries, hidden files.
DEFAULT_IGNORE = ("~$*", ".~lock.*", "*.part", "*.crdownload", "*.download", "*.tmp", "*.swp", ".*")


@dataclass(frozen=True)
class WatchSettings:
    settle_seconds: float = 5.0  # size and mtime unchanged this long before a file is taken
    poll_seconds: float = 1.0  # how often a settling file is looked at again
    rescan_seconds: float = 30.0  # a full look at the inbox even without a file-system event
    batch_size: int = 10  # files taken together into one register update
    ignore: tuple[str, ...] = DEFAULT_IGNORE


@dataclass(frozen=True)
class NightlySettings:
    batch_size: int = 50  # files per register commit: the checkpoint a killed run resumes from
    min_free_mb: int = 50
    lock_wait_seconds: float = 60.0
    full: bool = False  # reprocess every file, ignoring the record of unchanged ones


@dataclass(frozen=True)
class Config:
    inbox: Optional[Path] = None
    out: Path = Path("outputs")
    database: Optional[str] = None  # SQLAlchemy URL or SQLite path; default OUT/register.sqlite
    today: Optional[date] = None  # reference date for task status; default the day of the run
    gazetteer: Optional[Path] = None  # replaces rules/units.yaml
    school_calendar: Optional[Path] = None  # replaces rules/school_calendar.yaml
    formats: Optional[tuple[str, ...]] = None  # default: every format
    jobs: int = 1
    watch: WatchSettings = field(default_factory=WatchSettings)
    nightly: NightlySettings = field(default_factory=NightlySettings)
    source: str = "defaults"


def _number(minimum: float, integer: bool = False, strict: bool = False) -> Callable[[Any, Path], Any]:
    def check(value: Any, base: Path) -> Any:
        if isinstance(value, str):
            value = _parse_number(value, integer)
        kinds = (int,) if integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, kinds):
            raise ValueError(f"must be {'an integer' if integer else 'a number'}, got {value!r}")
        if value < minimum or (strict and value == minimum):
            raise ValueError(f"must be {'>' if strict else '≥'} {minimum}, got {value!r}")
        return value
    return check


def _parse_number(text: str, integer: bool) -> Any:
    try:
        return int(text) if integer else float(text)
    except ValueError:
        return text


def _path(value: Any, base: Path) -> Path:
    if not isinstance(value, (str, Path)) or not str(value).strip():
        raise ValueError(f"must be a path, got {value!r}")
    return (base / Path(value).expanduser()).absolute()


def _rule_file(value: Any, base: Path) -> Path:
    path = _path(value, base)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    return path


def _database(value: Any, base: Path) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"must be a database URL or a SQLite file path, got {value!r}")
    if "://" not in value:
        return str(_path(value, base))
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        make_url(value)
    except (ArgumentError, ValueError) as e:
        raise ValueError(f"not a valid database URL: {e}") from e
    return value


def _date(value: Any, base: Path) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as e:
        raise ValueError(f"must be a date YYYY-MM-DD, got {value!r}") from e


def _formats(value: Any, base: Path) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)) or not items:
        raise ValueError(f"must be a list of formats from {', '.join(FORMATS)}")
    wrong = [x for x in items if not isinstance(x, str) or x.strip() not in FORMATS]
    if wrong:
        raise ValueError(f"unknown format {wrong[0]!r} (choose from {', '.join(FORMATS)})")
    return tuple(dict.fromkeys(x.strip() for x in items))


def _patterns(value: Any, base: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(x, str) and x for x in value):
        raise ValueError("must be a list of file-name patterns such as \"*.part\"")
    return tuple(value)


def _flag(value: Any, base: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"must be true or false, got {value!r}")
    return value


KEYS: dict[str, Callable[[Any, Path], Any]] = {
    "inbox": _path, "out": _path, "database": _database, "today": _date,
    "gazetteer": _rule_file, "school_calendar": _rule_file, "formats": _formats,
    "jobs": _number(1, integer=True),
    "watch.settle_seconds": _number(0), "watch.poll_seconds": _number(0, strict=True),
    "watch.rescan_seconds": _number(0, strict=True), "watch.batch_size": _number(1, integer=True),
    "watch.ignore": _patterns,
    "nightly.batch_size": _number(1, integer=True), "nightly.min_free_mb": _number(0, integer=True),
    "nightly.lock_wait_seconds": _number(0), "nightly.full": _flag,
}
SECTIONS = ("watch", "nightly")


def load_config(path: Optional[str | Path] = None, overrides: Optional[Mapping[str, Any]] = None) -> Config:
    """The configuration from the file (see module doc), then `overrides` ("jobs", "watch.settle_seconds"…)."""
    values: dict[str, Any] = {}
    source = "defaults"
    found = _find(path)
    if found is not None:
        source = str(found)
        values.update(_read(found))
    for key, value in (overrides or {}).items():
        if value is not None:
            values[key] = _check(key, value, Path.cwd(), "command line")
    return _build(values, source)


def _find(path: Optional[str | Path]) -> Optional[Path]:
    explicit = path or os.environ.get("CONGVAN_CONFIG")
    if explicit:
        if not Path(explicit).is_file():
            raise OpsError("O004", file=explicit)
        return Path(explicit).absolute()
    default = Path.cwd() / FILE_NAME
    return default if default.is_file() else None


def _read(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as e:
        raise OpsError("O001", file=path, detail=e) from e
    except (OSError, UnicodeDecodeError) as e:
        raise OpsError("O001", file=path, detail=getattr(e, "strerror", None) or e) from e
    return {key: _check(key, value, path.parent, str(path)) for key, value in _flatten(data, str(path)).items()}


def _flatten(data: dict[str, Any], source: str) -> dict[str, Any]:
    flat = {}
    for key, value in data.items():
        if key in SECTIONS and isinstance(value, dict):
            flat.update({f"{key}.{sub}": v for sub, v in value.items()})
        else:
            flat[key] = value
    return flat


def _check(key: str, value: Any, base: Path, source: str) -> Any:
    if key not in KEYS:
        raise OpsError("O002", file=source, key=key, known=", ".join(KEYS))
    try:
        return KEYS[key](value, base)
    except ValueError as e:
        raise ConfigError(source, key, str(e)) from e


def _build(values: dict[str, Any], source: str) -> Config:
    sections = {name: {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith(f"{name}.")}
                for name in SECTIONS}
    top = {k: v for k, v in values.items() if "." not in k}
    return replace(Config(), **top, watch=WatchSettings(**sections["watch"]),
                   nightly=NightlySettings(**sections["nightly"]), source=source)
