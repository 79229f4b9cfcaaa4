"""The catalogue of error texts, and the two kinds of failure.

`PipelineError` (and `RulesError`) are configuration failures: raised at once, the run stops.
`DocumentError` is a bad document: it becomes a per-file status with a plain reason, and the run
goes on with the other files. Every message names the file and the reason.
"""
from __future__ import annotations


class PipelineError(Exception):
    """Bad configuration, arguments or environment: the run cannot go on."""


class RulesError(PipelineError):
    """A rule file in rules/ is missing or invalid."""


# code -> message template; {path} is always the file.
MESSAGES = {
    "E001": "{path}: file not found",
    "E002": "{path}: file is empty",
    "E003": "{path}: unsupported file type '{ext}' (supported: {supported})",
    "E004": "{path}: the extension says .{ext} but the content is {actual}",
    "E005": "{path}: not a valid .docx (corrupt or truncated archive): {detail}",
    "E006": "{path}: not a valid PDF (corrupt or truncated): {detail}",
    "E007": "{path}: the PDF is password-protected",
    "E008": "{path}: scanned: needs OCR, but no text was read (no text layer, and OCR found none on any page)",
    "E009": "{path}: text encoding could not be detected",
    "E010": "{path}: file too large ({size} bytes; limit {limit})",
    "E011": "{path}: the .docx expands to more than {limit} bytes (a zip bomb?)",
    "E012": "{path}: the document is unsafe to parse: {detail}",
    "E013": "{path}: not a regular file",
    "E014": "{path}: cannot be read: {detail}",
    "E015": "{path}: no text found in the document",
    "E016": "{path}: processing took longer than {seconds} s",
    "E017": "{path}: scanned: needs OCR, but {reason}",
    "E018": "{path}: .{ext} files need LibreOffice, which is not installed (Debian package libreoffice-writer-nogui)",
    "E019": "{path}: LibreOffice could not convert the .{ext} file: {detail}",
    "E020": "{path}: LibreOffice took longer than {seconds} s to convert the .{ext} file",
    "E021": "{path}: not a readable image: {detail}",
    "E099": "{path}: unexpected error while processing: {detail}",
}


class DocumentError(Exception):
    """A per-file failure with a catalogue code; str() is the one-line message for the user."""

    def __init__(self, code: str, path: str, **params: object) -> None:
        self.code = code
        self.path = str(path)
        self.params = params
        super().__init__(MESSAGES[code].format(path=self.path, **params))
