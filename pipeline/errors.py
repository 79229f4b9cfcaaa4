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


# The same per-file reasons in Vietnamese, for the sidecar a watcher writes beside a failed file.
VI_REASONS = {
    "E001": "Không tìm thấy tệp.",
    "E002": "Tệp rỗng.",
    "E003": "Loại tệp này không được hỗ trợ.",
    "E004": "Phần mở rộng của tên tệp không khớp với nội dung thật của tệp.",
    "E005": "Không phải tệp .docx hợp lệ (tệp bị hỏng hoặc chưa chép hết).",
    "E006": "Không phải tệp PDF hợp lệ (tệp bị hỏng hoặc chưa chép hết).",
    "E007": "Tệp PDF được bảo vệ bằng mật khẩu.",
    "E008": "Bản quét: cần nhận dạng chữ (OCR) nhưng không đọc được chữ nào.",
    "E009": "Không nhận ra bảng mã của văn bản.",
    "E010": "Tệp quá lớn.",
    "E011": "Tệp .docx khi giải nén vượt quá giới hạn cho phép (có thể là tệp độc hại).",
    "E012": "Tệp không an toàn để phân tích.",
    "E013": "Không phải tệp thông thường.",
    "E014": "Không đọc được tệp.",
    "E015": "Không tìm thấy chữ nào trong văn bản.",
    "E016": "Xử lý tệp quá thời gian cho phép.",
    "E017": "Bản quét: cần nhận dạng chữ (OCR) nhưng không thực hiện được.",
    "E018": "Cần LibreOffice để đọc loại tệp này, nhưng máy chưa cài LibreOffice.",
    "E019": "LibreOffice không chuyển đổi được tệp.",
    "E020": "LibreOffice chuyển đổi tệp quá thời gian cho phép.",
    "E021": "Không phải tệp ảnh đọc được.",
    "E099": "Lỗi không lường trước khi xử lý tệp.",
    "D001": "Tệp làm hỏng tiến trình xử lý (có thể làm lỗi bộ phân tích hoặc dùng hết bộ nhớ).",
    "D002": "Cụm máy Dask không xử lý được tệp.",
}
VI_FALLBACK = "Không xử lý được tệp."


# Configuration and usage errors of the later rooms: each raises a CodedError subclass (exit code 2).
REGISTER_MESSAGES = {
    "R001": "cannot open the register database {url}: {detail}",
    "R002": "the register database {url} failed: {detail}",
    "R003": "no task with id {task_id} in the register {url}",
    "R004": "no register database at {url}: run `congvan run` first",
    "R005": "cannot write {path}: {detail}",
    "R006": "not a date: {value!r} (expected YYYY-MM-DD)",
    "R007": "unknown status {value!r} (choose from {choices})",
    "R008": "unknown format {value!r} (choose from {choices})",
}

OPS_MESSAGES = {
    "O001": "{file}: not valid TOML: {detail}",
    "O002": "{file}: {key}: unknown key (known: {known})",
    "O003": "{file}: {key}: {why}",
    "O004": "{file}: configuration file not found",
    "O005": "another run holds the lock {path} (pid {pid}, since {since}); try again when it has finished",
    "O006": "cannot write to the output directory {path}: {detail}",
    "O007": "the output directory {path} is nearly full: {free} MB free, at least {need} MB needed (nightly.min_free_mb)",
    "O008": "the inbox {path} does not exist or is not a folder",
    "O009": "no inbox given: name it on the command line or set `inbox` in congvan.toml",
    "O010": "stopped by a signal after {done} of {total} files; run again to process the rest",
    "O011": "cannot read the lock {path}: {detail}",
}

CASCADE_MESSAGES = {
    "C001": "{out}: no run output here (neither register.sqlite nor documents.jsonl): run `congvan run --out {out}` first",
    "C002": "no document numbered {number} in the register or its citations",
    "C003": "not a similarity threshold: {value!r} (expected a number between 0 and 1)",
    "C004": "cannot write {path}: {detail}",
    "C005": "{path}: line {line} is not valid JSON: {detail}",
}


# The Dask engine (pipeline/ops/engines.py): D001-D002 are per-file failures (a failed Result with
# the code, as E-codes are; {path} is the file), D003-D007 configuration failures (EngineError).
ENGINE_MESSAGES = {
    "D001": "{path}: the Dask worker died while processing it (attempts: {times}; the file may crash a parser "
            "or exhaust memory)",
    "D002": "{path}: the Dask cluster could not process it: {detail}",
    "D003": "cannot start or reach the Dask cluster{at}: {detail}",
    "D004": "the Dask cluster went away during the run: {detail}",
    "D005": "--scheduler needs --engine dask",
    "D006": "unknown engine {name!r} (choose from {choices})",
    "D007": "the Dask workers at {address} run {threads} threads each, and congvan's parsers run one document per "
            "process: start them with `dask worker {address} --nthreads 1 --nworkers N`",
}


class CodedError(PipelineError):
    """A configuration or usage failure with a catalogue code; subclasses name their catalogue."""

    catalogue: dict[str, str] = {}

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        super().__init__(self.catalogue[code].format(**params))


class DocumentError(Exception):
    """A per-file failure with a catalogue code; str() is the one-line message for the user."""

    def __init__(self, code: str, path: str, **params: object) -> None:
        self.code = code
        self.path = str(path)
        self.params = params
        super().__init__(MESSAGES[code].format(path=self.path, **params))
