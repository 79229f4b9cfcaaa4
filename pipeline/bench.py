"""`make bench`: speed and memory of the pipeline on the corpus, written to <out>/bench.json.

Measures, per format, the time to ingest a document and the end-to-end time per document (median of
several rounds, one process, warm), the share of each stage, the overhead over a bare parse with the
same parser, startup time (imports and rules) and peak RSS. Uses only the standard library's clocks.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

from .atomic import write_text

ROOT = Path(__file__).resolve().parent.parent


def bare_parse(path: Path) -> None:
    """The floor: only opening the file with the same parser the reader uses."""
    if path.suffix == ".docx":
        import docx

        docx.Document(str(path))
    elif path.suffix == ".pdf":
        import pdfplumber

        with pdfplumber.open(str(path)) as pdf:
            for page in pdf.pages:
                page.extract_words()
    else:
        path.read_bytes().decode("utf-8", errors="replace")


def timed(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def measure(files: list[Path], rounds: int) -> dict:
    from .run import process, stages

    stages()  # load rules and models before timing, as a worker does
    by_format: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for _ in range(rounds):
        for path in files:
            fmt = path.suffix.lstrip(".")
            by_format[fmt]["bare"].append(timed(bare_parse, path))
            start = time.perf_counter()
            result = process(str(path))
            by_format[fmt]["total"].append(time.perf_counter() - start)
            for stage, seconds in result.timings.items():
                by_format[fmt][stage].append(seconds)
    return {fmt: _summarize(series, rounds) for fmt, series in by_format.items()}


def _summarize(series: dict[str, list[float]], rounds: int) -> dict:
    per_doc = {k: statistics.median(v) * 1000 for k, v in series.items()}
    total = sum(series["total"]) / rounds
    bare = sum(series["bare"]) / rounds
    return {
        "documents": len(series["total"]) // rounds,
        "ms_per_document_median": {k: round(v, 2) for k, v in per_doc.items()},
        "documents_per_s": round(len(series["total"]) / rounds / total, 1) if total else None,
        "overhead_ratio": round(total / bare, 2) if bare else None,
        "stage_share": {k: round(sum(v) / rounds / total, 3) for k, v in series.items()
                        if k not in ("total", "bare") and total},
    }


def startup_seconds() -> float:
    """A fresh interpreter importing the pipeline and loading every stage's rules and models."""
    code = "from pipeline.run import stages; stages()"
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__)
    parser.add_argument("inputs", nargs="*", default=[str(ROOT / "corpus")])
    parser.add_argument("--out", default=str(ROOT / "outputs"))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    from .run import collect

    files = [Path(p) for p in collect(args.inputs)[0]]
    report = {"machine": _machine(), "startup_s": round(startup_seconds(), 3),
              "formats": measure(files, args.rounds)}
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    write_text(Path(args.out) / "bench.json", json.dumps(report, indent=1, ensure_ascii=False))
    print(render(report))
    return 0


def render(report: dict) -> str:
    lines = [f"startup {report['startup_s']:.2f} s, peak RSS {report['peak_rss_mb']:.0f} MB ({report['machine']})",
             f"{'format':7s}{'docs':>6s}{'bare ms':>9s}{'ingest ms':>11s}{'total ms':>10s}{'docs/s':>8s}{'overhead':>10s}"]
    for fmt, row in sorted(report["formats"].items()):
        ms = row["ms_per_document_median"]
        lines.append(f"{fmt:7s}{row['documents']:6d}{ms.get('bare', 0):9.1f}{ms.get('ingest', 0):11.1f}"
                     f"{ms.get('total', 0):10.1f}{row['documents_per_s'] or 0:8.1f}{row['overhead_ratio'] or 0:10.2f}")
        shares = ", ".join(f"{k} {v:.0%}" for k, v in row["stage_share"].items())
        lines.append(f"{'':7s}stages: {shares}")
    return "\n".join(lines)


def _machine() -> str:
    import os
    import platform

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


if __name__ == "__main__":
    sys.exit(main())
