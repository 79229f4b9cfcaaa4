"""Helpers shared by the ops tests (no tests here): inboxes of distinct dispatches, checksums, the register."""
from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Optional

from .conftest import CORPUS, ROOT

# Dispatches with a "Số: N/…" line: changing N makes another dispatch (another natural key).
TEMPLATES = ("own-09-nghean-sgddt-khan-tuyendung", "own-10-longan-sgddt-giaymoi-sokethk1",
             "own-11-tanphuoc-ubndxa-tb-ketluan", "own-05-thcs-lequydon-kh-ontap", "angiang-554-ubnd-kt-2006")
NUMBER_LINE = re.compile(r"^(Số:\s*)\d+", re.MULTILINE)


def make_dispatches(folder: Path, count: int, first: int = 1000) -> list[Path]:
    """`count` distinct .txt dispatches, made from corpus ones with a new number each."""
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        stem = TEMPLATES[i % len(TEMPLATES)]
        text = (CORPUS / f"{stem}.txt").read_text(encoding="utf-8")
        text, n = NUMBER_LINE.subn(lambda m: f"{m.group(1)}{first + i}", text, count=1)
        if n != 1:
            raise ValueError(f"{stem}: no number line")
        path = folder / f"cv-{first + i:05d}.txt"
        path.write_text(text, encoding="utf-8")
        made.append(path)
    return made


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def checksums(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under `folder`."""
    return {str(p.relative_to(folder)): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def query(db: Path, sql: str, *params: object) -> list[tuple]:
    """Rows from the register's SQLite file, opened read-only."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def write_config(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run_module(module: str, *args: str, timeout: float = 240, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, **kwargs)


def events(log: Path) -> list[dict]:
    from pipeline.ops.runlog import read_events

    return read_events(log)


def run_dirs(out: Path) -> list[Path]:
    return sorted((out / "runs").iterdir(), key=lambda p: p.name) if (out / "runs").exists() else []


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.05) -> object:
    """Poll until `condition()` is truthy; fails the test with `what` after `timeout` seconds."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def without_dac_override() -> Optional[Callable[[], None]]:
    """A preexec_fn that makes a root child obey file permissions (drops CAP_DAC_OVERRIDE/READ_SEARCH).

    None when not running as root (permissions already apply).
    """
    if os.geteuid() != 0:
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def drop() -> None:
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
    return drop


def manifest(run_dir: Path) -> dict:
    return json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
