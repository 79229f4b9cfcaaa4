"""The register's error class (codes R001…; the texts are in pipeline/errors.py's catalogue).

A `RegisterError` is a configuration or usage failure (a bad database URL, an unknown task id): it
is a `PipelineError`, so the CLI turns it into one clean line and exit code 2.
"""
from __future__ import annotations

from ..errors import REGISTER_MESSAGES, CodedError


class RegisterError(CodedError):
    catalogue = REGISTER_MESSAGES
