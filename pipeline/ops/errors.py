"""The texts of ops: configuration and run errors (codes O001…), and the per-file reasons in Vietnamese.

`OpsError` is a `PipelineError`: the run cannot go on, the CLI prints one line and exits 2.
`VI_REASONS` gives the Vietnamese sentence for each per-file error code of `pipeline/errors.py`, for the
`<name>.error.txt` sidecar the watcher writes beside a failed file (the English line comes from the code's
own message, which carries the details).
"""
from __future__ import annotations

from ..errors import PipelineError

MESSAGES = {
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


class OpsError(PipelineError):
    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        super().__init__(MESSAGES[code].format(**params))


class ConfigError(OpsError):
    """A bad configuration value: the message names the file (or the command line) and the key."""

    def __init__(self, source: str, key: str, why: str) -> None:
        self.key = key
        super().__init__("O003", file=source, key=key, why=why)


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
}
VI_FALLBACK = "Không xử lý được tệp."


def vietnamese_reason(code: str | None) -> str:
    return VI_REASONS.get(code or "", VI_FALLBACK)
