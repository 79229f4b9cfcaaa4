"""The cascade's error texts (codes C001…), kept together like pipeline/errors.py's catalogue.

A `CascadeError` is a usage failure (no run output, an unknown number, a bad threshold): it is a
`PipelineError`, so the command line turns it into one clean line and exit code 2.
"""
from __future__ import annotations

from ..errors import PipelineError

MESSAGES = {
    "C001": "{out}: no run output here (neither register.sqlite nor documents.jsonl): run `congvan run --out {out}` first",
    "C002": "no document numbered {number} in the register or its citations",
    "C003": "not a similarity threshold: {value!r} (expected a number between 0 and 1)",
    "C004": "cannot write {path}: {detail}",
    "C005": "{path}: line {line} is not valid JSON: {detail}",
}


class CascadeError(PipelineError):
    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        super().__init__(MESSAGES[code].format(**params))
