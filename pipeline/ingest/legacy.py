"""Legacy word-processor files (.doc, .rtf, .odt): LibreOffice headless to .docx, then the .docx reader.

Why LibreOffice: it reads Word 97-2003 binaries faithfully, tables and numbering included, where
text extractors (antiword, catdoc) lose the table cells a dispatch header lives in; and going
through .docx gives these files the same blocks, numbering and per-run font conversion (TCVN3,
VNI) as a .docx. Each conversion gets its own temporary directory and LibreOffice profile (a
shared profile lets two conversions lock each other out, and a running LibreOffice would take the
request over), works on a copy of the bytes under a fixed name (no file name reaches a command
line), and has a timeout after which its whole process group is killed.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import Callable

from ..errors import DocumentError
from ..model import Block
from . import docx

TIMEOUT = int(os.environ.get("CONGVAN_SOFFICE_TIMEOUT", "120"))  # seconds; a dispatch takes 2-5 s
FORMATS = ("doc", "rtf", "odt")


def reader(fmt: str) -> Callable[[bytes, str], tuple[list[Block], None, list[str]]]:
    """The reader of one legacy format, with the signature every reader has."""
    def read_format(data: bytes, path: str) -> tuple[list[Block], None, list[str]]:
        return read(data, path, fmt)
    return read_format


def read(data: bytes, path: str, fmt: str) -> tuple[list[Block], None, list[str]]:
    blocks, _, warnings = docx.read(convert(data, path, fmt), path)
    return blocks, None, [f"converted from .{fmt} with LibreOffice"] + warnings


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(data: bytes, path: str, fmt: str, timeout: int | None = None) -> bytes:
    """The .docx bytes LibreOffice makes of a .doc/.rtf/.odt file's bytes."""
    binary = soffice()
    if binary is None:
        raise DocumentError("E018", path, ext=fmt)
    timeout = timeout or TIMEOUT
    with tempfile.TemporaryDirectory(prefix="congvan-soffice-") as work:
        root = Path(work)
        source, out = root / f"document.{fmt}", root / "out"
        source.write_bytes(data)
        command = [binary, f"-env:UserInstallation={(root / 'profile').as_uri()}", "--headless", "--invisible",
                   "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out), str(source)]
        log = _run(command, dict(os.environ, HOME=work), timeout, path, fmt)
        result = out / "document.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise DocumentError("E019", path, ext=fmt, detail=_last_line(log) or "it produced no document")
        return result.read_bytes()


def _run(command: list[str], env: dict, timeout: int, path: str, fmt: str) -> str:
    """Run LibreOffice in its own process group; kill the group on timeout. Returns its output."""
    try:
        proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env=env, start_new_session=True)
    except OSError as e:
        raise DocumentError("E019", path, ext=fmt, detail=f"LibreOffice does not start: {e}") from e
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as e:
        _kill_group(proc)
        raise DocumentError("E020", path, ext=fmt, seconds=timeout) from e
    return output.decode("utf-8", "replace")


def _kill_group(proc: subprocess.Popen) -> None:
    """LibreOffice starts helpers (oosplash, soffice.bin): end the process group we started."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()
    proc.communicate()


def _last_line(log: str) -> str:
    lines = [line.strip() for line in log.splitlines() if line.strip() and "javaldx" not in line]
    return lines[-1][:200] if lines else ""
