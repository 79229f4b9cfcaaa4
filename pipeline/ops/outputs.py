"""documents.jsonl and errors.jsonl for a whole nightly run, which `run_batch` writes batch by batch.

Each batch's files are appended to a hidden `.partial` copy, put in place when the run ends. The
previous run's files are kept as hard links (no copy) until then: a run that fails or is stopped puts
them back, so a full disk or a database failure never leaves the last good outputs replaced.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

NAMES = ("documents.jsonl", "errors.jsonl")


class RunOutputs:
    def __init__(self, out: Path, run_id: str) -> None:
        self.out = out
        for name in NAMES:  # left by a killed run
            for old in [*out.glob(f".{name}.*.partial"), *out.glob(f".{name}.*.previous")]:
                old.unlink(missing_ok=True)
        self.parts = {name: out / f".{name}.{run_id}.partial" for name in NAMES}
        self.previous = {name: out / f".{name}.{run_id}.previous" for name in NAMES}
        for name in NAMES:
            self.parts[name].write_bytes(b"")
            if (out / name).exists():
                _keep(out / name, self.previous[name])

    def take(self) -> None:
        """Append what the last batch wrote."""
        for name, part in self.parts.items():
            source = self.out / name
            if source.exists():
                with open(source, "rb") as src, open(part, "ab") as dst:
                    shutil.copyfileobj(src, dst)

    def publish(self) -> None:
        for name, part in self.parts.items():
            with open(part, "rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(part, self.out / name)
            self.previous[name].unlink(missing_ok=True)

    def restore(self) -> None:
        """Put the previous run's files back (best effort: called while a failure is on its way up)."""
        for name in NAMES:
            try:
                previous, current = self.previous[name], self.out / name
                if previous.exists():
                    if current.exists() and os.path.samefile(previous, current):
                        previous.unlink()  # never replaced: rename() between two links of one file does nothing
                    else:
                        os.replace(previous, current)
                self.parts[name].unlink(missing_ok=True)
            except OSError:
                pass


def _keep(path: Path, keep: Path) -> None:
    try:
        os.link(path, keep)
    except OSError:
        shutil.copy2(path, keep)  # no hard links on this file system
