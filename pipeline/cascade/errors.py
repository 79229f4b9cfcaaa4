"""The cascade's error class (codes C001…; the texts are in pipeline/errors.py's catalogue).

A `CascadeError` is a usage failure (no run output, an unknown number, a bad threshold): it is a
`PipelineError`, so the command line turns it into one clean line and exit code 2.
"""
from __future__ import annotations

from ..errors import CASCADE_MESSAGES, CodedError


class CascadeError(CodedError):
    catalogue = CASCADE_MESSAGES
