"""The one door from ops into the pipeline: `pipeline.batch.run_batch` over a list of files.

It also applies what congvan.toml says about the pipeline (rule files, export formats), and checks the
output directory before a run touches anything, so a read-only or full disk is one clear error with
the previous outputs left as they were.
"""
from __future__ import annotations

import inspect
import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Optional

from .config import Config
from .errors import ConfigError, OpsError

MB = 1024 * 1024
PROBE_BYTES = 64 * 1024
RULE_FILES = {"gazetteer": "units", "school_calendar": "school_calendar"}  # config key -> rules/<name>.yaml


@dataclass
class FileOutcome:
    path: str
    status: str  # "ok" | "failed"
    sha256: Optional[str] = None
    tasks: int = 0
    code: Optional[str] = None
    error: Optional[str] = None


@dataclass
class BatchOutcome:
    files: list[FileOutcome]
    register: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def process_files(paths: list[str], cfg: Config, today: date) -> BatchOutcome:
    """Process `paths` into the register and outputs of `cfg.out` (one register commit)."""
    from ..batch import run_batch

    summary = run_batch(paths, cfg.out, jobs=cfg.jobs, keep_results=True, today=today, db=cfg.database,
                        **batch_options(cfg))
    files = [_outcome(result) for result in summary.results]
    counts = dict(summary.register.counts) if summary.register is not None else {}
    return BatchOutcome(files=files, register=counts, warnings=list(summary.warnings))


def _outcome(result) -> FileOutcome:
    doc = result.document
    if result.status == "ok" and doc is not None:
        return FileOutcome(result.path, "ok", sha256=doc.source.sha256, tasks=len(doc.tasks))
    return FileOutcome(result.path, "failed", code=result.code, error=result.error or f"{result.path}: failed")


def batch_options(cfg: Config) -> dict:
    """Keyword arguments for run_batch from the configuration (only those the user set)."""
    if cfg.formats is None:
        return {}
    from ..batch import run_batch

    if "formats" not in inspect.signature(run_batch).parameters:
        raise ConfigError(cfg.source, "formats", "this version of the pipeline always writes every format "
                          "(choosing them needs run_batch(formats=…)); remove the key")
    return {"formats": list(cfg.formats)}


def apply_rule_files(cfg: Config) -> None:
    """Point the rules loader at the gazetteer and school calendar named in the configuration."""
    from .. import rules

    for key, name in RULE_FILES.items():
        path = getattr(cfg, key)
        if path is None:
            continue
        use_file = getattr(rules, "use_file", None)
        if use_file is None:
            raise ConfigError(cfg.source, key, f"this version of the pipeline reads rules/{name}.yaml only "
                              "(another file needs pipeline.rules.use_file); remove the key")
        use_file(name, path)


def check_output_dir(out: Path, min_free_mb: int = 0) -> None:
    """Raise OpsError unless `out` exists (or can be made), takes a write, and has `min_free_mb` free."""
    probe = out / f".congvan-probe-{os.getpid()}"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with open(probe, "wb") as handle:
            handle.write(b"\0" * PROBE_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as e:
        raise OpsError("O006", path=out, detail=e.strerror or e) from e
    finally:
        _unlink_quietly(probe)
    free = shutil.disk_usage(out).free // MB
    if free < min_free_mb:
        raise OpsError("O007", path=out, free=free, need=min_free_mb)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
