"""The register's error texts (codes R001…), kept together like pipeline/errors.py's catalogue.

A `RegisterError` is a configuration or usage failure (a bad database URL, an unknown task id): it
is a `PipelineError`, so the CLI turns it into one clean line and exit code 2.
"""
from __future__ import annotations

from ..errors import PipelineError

MESSAGES = {
    "R001": "cannot open the register database {url}: {detail}",
    "R002": "the register database {url} failed: {detail}",
    "R003": "no task with id {task_id} in the register {url}",
    "R004": "no register database at {url}: run `congvan run` first",
    "R005": "cannot write {path}: {detail}",
    "R006": "not a date: {value!r} (expected YYYY-MM-DD)",
    "R007": "unknown status {value!r} (choose from {choices})",
    "R008": "unknown format {value!r} (choose from {choices})",
}


class RegisterError(PipelineError):
    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        super().__init__(MESSAGES[code].format(**params))
