"""The stage list, written once, and `process(path)`: the one function every engine runs per file.

A bad document never stops the run: `process` turns its failure into a `Result` with a plain reason.
Configuration errors (rules) are raised, since no document can be processed without them.
"""
from __future__ import annotations

import gc
import os
import traceback
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .errors import DocumentError, PipelineError
from .ingest import ingest
from .model import Block, Document, Source

DOCUMENT_EXTENSIONS = {".txt", ".docx", ".pdf", ".doc", ".rtf", ".odt", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
IGNORED_PREFIXES = ("~$", ".~lock.", ".")
IGNORED_SUFFIXES = (".part", ".crdownload", ".tmp")


def stages() -> list[Callable[[Document], Document]]:
    """The stages after ingestion, in order: the frame and outline, then the tasks."""
    from .structure import structure
    from .tasks import extract_tasks

    return [structure, extract_tasks]


@dataclass
class Result:
    path: str
    status: str  # "ok" | "failed"
    document: Optional[Document] = None
    error: Optional[str] = None
    code: Optional[str] = None
    timings: dict[str, float] = field(default_factory=dict)


def process(path: str) -> Result:
    """Ingest one file and run every stage over it; failures become a Result, never an exception."""
    import time

    timings: dict[str, float] = {}
    try:
        start = time.perf_counter()
        doc = ingest(path)
        timings["ingest"] = time.perf_counter() - start
        for stage in stages():
            start = time.perf_counter()
            doc = stage(doc)
            timings[stage.__module__.rsplit(".", 1)[-1]] = time.perf_counter() - start
        return Result(path=path, status="ok", document=doc, timings=timings)
    except DocumentError as e:
        return Result(path=path, status="failed", error=str(e), code=e.code, timings=timings)
    except PipelineError:
        raise
    except (MemoryError, RecursionError) as e:
        return Result(path=path, status="failed", code="E012", error=f"{path}: the document is unsafe to parse: {type(e).__name__}")
    except Exception as e:  # noqa: BLE001 - one broken file must not stop the others
        detail = f"{type(e).__name__}: {e}".splitlines()[0][:300]
        if os.environ.get("CONGVAN_DEBUG"):
            traceback.print_exc()
        return Result(path=path, status="failed", error=f"{path}: unexpected error while processing: {detail}",
                      code="E099", timings=timings)


def collect(inputs: Iterable[str]) -> tuple[list[str], list[str]]:
    """Files to process from files and folders; folders give their documents, sorted, recursively.

    Returns (files, skipped): a folder's non-document files are skipped and listed; a file named
    directly is always processed (so an unsupported one gets its clear error).
    """
    files, skipped = [], []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if not child.is_file():
                    continue
                if _wanted(child):
                    files.append(str(child))
                else:
                    skipped.append(str(child))
        else:
            files.append(item)
    return files, skipped


def _wanted(path: Path) -> bool:
    name = path.name
    if name.startswith(IGNORED_PREFIXES) or name.endswith(IGNORED_SUFFIXES):
        return False
    return path.suffix.lower() in DOCUMENT_EXTENSIONS


def process_all(paths: list[str], jobs: int = 1, pool: Optional[Executor] = None) -> Iterator[Result]:
    """Results in input order; with jobs > 1 files are spread over worker processes (those of
    `pool` when given, so that the caller can use them again afterwards, else a pool of its own)."""
    if pool is None and (jobs <= 1 or len(paths) <= 1):
        for path in paths:
            yield process(path)
        return
    chunk = max(1, min(4, len(paths) // (jobs * 8)))  # small chunks keep every worker busy to the end
    if pool is not None:
        yield from pool.map(process, paths, chunksize=chunk)
        return
    with worker_pool(jobs) as own:
        yield from own.map(process, paths, chunksize=chunk)


@contextmanager
def worker_pool(jobs: int) -> Iterator[ProcessPoolExecutor]:
    """`jobs` worker processes with the rules and models loaded.

    They are loaded here first: forked workers then start with them in memory (shared until
    written) instead of each loading its own.
    """
    warm()
    # What the workers inherit is frozen: their collectors never scan it (nor copy the parent's pages
    # to do so). Again here, not only in warm(): an export's frozen_heap releases every frozen object.
    gc.collect()
    gc.freeze()
    with ProcessPoolExecutor(max_workers=jobs, initializer=warm) as pool:
        yield pool


def warm() -> None:
    """Load every stage's rules and models once per process, by running the stages over a small
    built-in dispatch (each rule file and model loads on its first use)."""
    global _WARM
    if _WARM:
        return
    doc = Document(source=Source(path="<warm-up>", sha256="0" * 64, format="txt"),
                   blocks=[Block(id=i, text=t, raw=t, para=i + 1) for i, t in enumerate(_WARM_UP)])
    for stage in stages():
        doc = stage(doc)
    from .tasks import nlp

    nlp.pos_tags("Các đơn vị báo cáo kết quả.")  # the tagger, used only as a fallback, loads on first use
    gc.freeze()  # rules and models live as long as the process: the collector need not scan them again
    _WARM = True


_WARM = False
_WARM_UP = ("UBND TỈNH HÀ TĨNH\nSỞ GIÁO DỤC VÀ ĐÀO TẠO", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
            "Số: 1/SGDĐT-VP", "Hà Tĩnh, ngày 02 tháng 01 năm 2024", "V/v chuẩn bị năm học mới",
            "Kính gửi: Các phòng giáo dục và đào tạo.", "Căn cứ Công văn số 2/BGDĐT-VP ngày 01/01/2024 của Bộ;",
            "1. Các đơn vị tổ chức tập huấn cho giáo viên trước ngày 25/01/2024.",
            "| TT | Nội dung công việc | Đơn vị chủ trì | Thời gian |", "2. Báo cáo Sở hằng tháng.",
            "Nơi nhận:\n- Như trên;\n- Lưu: VT.", "GIÁM ĐỐC", "Nguyễn Văn An")
