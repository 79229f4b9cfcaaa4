"""Ops errors (codes O001…, texts in pipeline/errors.py's catalogue) and the Vietnamese per-file reason.

`OpsError` is a `PipelineError`: the run cannot go on, the CLI prints one line and exits 2.
"""
from __future__ import annotations

from ..errors import OPS_MESSAGES, VI_FALLBACK, VI_REASONS, CodedError


class OpsError(CodedError):
    catalogue = OPS_MESSAGES


class ConfigError(OpsError):
    """A bad configuration value: the message names the file (or the command line) and the key."""

    def __init__(self, source: str, key: str, why: str) -> None:
        self.key = key
        super().__init__("O003", file=source, key=key, why=why)



def vietnamese_reason(code: str | None) -> str:
    return VI_REASONS.get(code or "", VI_FALLBACK)
