"""`make bench`: speed and memory of the pipeline on synthetic dispatches, into <out>/bench.json.

Sets come from pipeline/synth.py (cached under <out>/bench-cache/v<version>-s<seed>/, so a second run
does not regenerate them). Measured, each timed run a fresh `python -m pipeline ...` process, medians
of --repeat runs:

  e2e       documents/s and pages/s per format with --jobs 1 and 2; peak RSS of the process tree;
            the overhead ratio: end-to-end time (--jobs 1) over a bare parse of the same files with
            the same parser (python-docx Document(), pdfplumber extract_words on every page)
  stages    per-stage time (ingest, normalize, structure, tasks, register, exports) and shares
  startup   a fresh process's imports, rules and models, and its first document
  rerun     the nightly run (pipeline.ops.nightly) over documents already processed, none changed
  scaling   the same command on N and 5N documents

Sections are registered with `@section`; `--with MODULE` imports a module that registers more (the
Dask engine's figures, say) and they run after these. With FILES given, only e2e, stages and
overhead run, over those files (the first version's use: `python -m pipeline.bench corpus`).
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

from .atomic import write_text

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2025-06-30"  # fixed reference date: task status, hence the outputs, do not move with the clock
FULL = {"txt": 2500, "docx": 2500, "pdf": 200, "per_format": 300, "pdf_set": 200, "sample": 100, "small": 1000}
QUICK = {"txt": 300, "docx": 300, "pdf": 40, "per_format": 100, "pdf_set": 40, "sample": 30, "small": 100}
SCALE = 5  # the large scaling set is SCALE times the small one
FORMATS = ("txt", "docx", "pdf")


@dataclass
class Section:
    name: str
    measure: Callable[["Bench"], dict]
    render: Callable[[dict], list[str]]
    synthetic_only: bool = True


SECTIONS: list[Section] = []


def section(name: str, render: Callable[[dict], list[str]], synthetic_only: bool = True):
    """Register `measure(bench) -> dict` as section `name`, shown by `render(result) -> lines`."""
    def wrap(measure: Callable[["Bench"], dict]) -> Callable[["Bench"], dict]:
        SECTIONS.append(Section(name, measure, render, synthetic_only))
        return measure
    return wrap


@dataclass
class Bench:
    """What every section needs: the sets, a scratch folder, the repeat count, and how to run."""

    out: Path
    work: Path
    repeat: int
    sizes: dict
    sets: dict[str, list[Path]] = field(default_factory=dict)  # format -> files
    log: Callable[[str], None] = print

    def files(self, fmt: str, count: Optional[int] = None) -> list[Path]:
        return self.sets.get(fmt, [])[:count]

    def mix(self, count: int) -> list[Path]:
        """`count` documents, half .txt and half .docx."""
        return self.files("txt", count // 2) + self.files("docx", count - count // 2)

    def run(self, args: list[str], name: str, repeat: Optional[int] = None, keep_last: bool = False) -> list["Timed"]:
        """`python -m pipeline ARGS`, timed, `repeat` times, each into a fresh work/<name>-<k>/ (the
        last one kept when `keep_last`, for a look at what the run produced); then once more, untimed,
        for its memory (the last item: `timings` and `memory` tell them apart)."""
        runs, count = [], repeat or self.repeat
        for k in range(count + 1):
            out = self.work / f"{name}-{k}"
            shutil.rmtree(out, ignore_errors=True)
            runs.append(timed_process([sys.executable, "-m", "pipeline"] + args + ["--out", str(out)], pss=k == count))
            if not (keep_last and k == count - 1):
                shutil.rmtree(out, ignore_errors=True)
        return runs


def timings(runs: list["Timed"]) -> list["Timed"]:
    """The timed runs of Bench.run (not its memory run)."""
    return [r for r in runs if not r.pss_sampled]


@dataclass
class Timed:
    seconds: float
    peak_rss_mb: float  # the process tree's summed RSS: a forked worker's shared pages count once per process
    code: int
    cpu_seconds: float = 0.0  # user + system time of the process and its children: load-independent
    peak_pss_mb: float = 0.0  # the tree's summed PSS: each shared page split among its sharers (memory used)
    peak_process_mb: float = 0.0  # the largest single process's RSS (what time -v and getrusage report)
    pss_sampled: bool = False  # a memory run: its PSS sampled, its time not a timing


def timed_process(argv: list[str], pss: bool = False) -> Timed:
    """Wall time, exit code and the peak of the summed RSS of the process and its children; with
    `pss`, the peak of their summed PSS too. Reading PSS makes the kernel walk each process's page
    tables (about 28 ms a look at a --jobs 2 run's three processes, a quarter of a core at one look
    every 50 ms): a run whose time is taken is not slowed by it, its memory is taken in a run of its own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONGVAN_")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = _RssSampler(proc.pid, pss)
    peak.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    peak.stop()
    if proc.returncode not in (0, 1):  # 1: some files failed, the run itself went through
        raise RuntimeError(f"{' '.join(argv[2:5])} … exited {proc.returncode}: {err.decode(errors='replace')[-400:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(seconds, round(peak.peak / 2**20, 1), proc.returncode, round(cpu, 2),
                 round(peak.peak_pss / 2**20, 1), round(peak.peak_process / 2**20, 1), pss)


class _RssSampler(threading.Thread):
    """Polls a process tree's memory every 50 ms: summed RSS, summed PSS (when asked) and the largest RSS.

    Workers forked from a driver that loaded the models share those pages: summed RSS counts them
    once per process, PSS (from /proc/PID/smaps_rollup) splits each shared page among its sharers,
    so the summed PSS is the memory the run takes from the machine.
    """

    def __init__(self, pid: int, pss: bool = True) -> None:
        super().__init__(daemon=True)
        self.pid, self.pss, self.done = pid, pss, threading.Event()
        self.peak = self.peak_pss = self.peak_process = 0

    def run(self) -> None:
        while not self.done.wait(0.05):
            rss, pss, largest = _tree_memory(self.pid, self.pss)
            self.peak, self.peak_pss = max(self.peak, rss), max(self.peak_pss, pss)
            self.peak_process = max(self.peak_process, largest)

    def stop(self) -> None:
        self.done.set()
        self.join()


def _tree_memory(pid: int, pss: bool = True) -> tuple[int, int, int]:
    """(summed RSS, summed PSS or 0, largest RSS) in bytes of `pid` and its descendants."""
    pids = [pid] + _descendants(pid)
    rss = [_status_kb(p, "VmRSS") * 1024 for p in pids]
    return sum(rss), sum(_pss_kb(p) * 1024 for p in pids) if pss else 0, max(rss, default=0)


def _descendants(pid: int) -> list[int]:
    """Children of each thread of the process, recursively, from /proc (a few small files: psutil
    scans every process of the machine for its parent, ten times the cost); psutil where /proc has none."""
    if not Path(f"/proc/{pid}/task").is_dir():
        try:
            import psutil

            return [c.pid for c in psutil.Process(pid).children(recursive=True)]
        except Exception:  # noqa: BLE001 - no psutil, or the process ended between two looks
            return []
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            kids = [int(k) for k in _read(str(task)).split()]
            found += kids
            todo += kids
    return found


def _status_kb(pid: int, field_name: str) -> int:
    for line in _read(f"/proc/{pid}/status").splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def _pss_kb(pid: int) -> int:
    for line in _read(f"/proc/{pid}/smaps_rollup").splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return _status_kb(pid, "VmRSS")  # no smaps_rollup (old kernel): RSS, an upper bound


def _memory(runs: list[Timed]) -> dict:
    return {"peak_rss_mb": max(r.peak_rss_mb for r in runs), "peak_pss_mb": max(r.peak_pss_mb for r in runs),
            "peak_process_mb": max(r.peak_process_mb for r in runs)}


def median(values: list[float], digits: int = 3) -> float:
    return round(statistics.median(values), digits) if values else float("nan")


# --- sections ----------------------------------------------------------------------------------
def _render_e2e(result: dict) -> list[str]:
    lines = [f"{'format':7s}{'docs':>6s}{'pages':>7s}{'j1 s':>8s}{'j1 doc/s':>10s}{'j2 s':>8s}"
             f"{'j2 doc/s':>10s}{'j2 page/s':>11s}{'bare s':>8s}{'overhead':>10s}{'PSS j2':>9s}"]
    cpu = []
    for fmt, row in result.items():
        j1, j2 = row["jobs"].get("1", {}), row["jobs"].get("2", {})
        lines.append(f"{fmt:7s}{row['documents']:6d}{row['pages']:7d}{j1.get('seconds', 0):8.1f}"
                     f"{j1.get('documents_per_s', 0):10.1f}{j2.get('seconds', 0):8.1f}{j2.get('documents_per_s', 0):10.1f}"
                     f"{j2.get('pages_per_s', 0):11.1f}{row.get('bare_parse_s', 0):8.1f}"
                     f"{row.get('overhead_ratio') or 0:10.2f}{j2.get('peak_pss_mb', 0):8.0f}M")
        cpu.append(f"{fmt} {j1.get('cpu_seconds', 0):.1f}/{j2.get('cpu_seconds', 0):.1f}")
    return lines + [f"CPU seconds, all processes (--jobs 1/2): {', '.join(cpu)}"]


@section("e2e", _render_e2e, synthetic_only=False)
def measure_e2e(bench: Bench) -> dict:
    """`congvan run` per format with --jobs 1 and 2; the overhead over the bare parse (--jobs 1)."""
    out = {}
    for fmt in FORMATS:
        files = bench.files(fmt, bench.sizes["pdf_set" if fmt == "pdf" else "per_format"])
        if not files:
            continue
        pages = _pages(files)
        row = {"documents": len(files), "pages": pages, "jobs": {}}
        for jobs in (1, 2):
            bench.log(f"bench: e2e {fmt} x{len(files)} --jobs {jobs}")
            runs = bench.run(["run", *_folders(files), "--jobs", str(jobs), "--today", TODAY], f"e2e-{fmt}-j{jobs}",
                             keep_last=jobs == 2)
            timed = timings(runs)
            seconds = median([r.seconds for r in timed])
            row["jobs"][str(jobs)] = {"seconds": seconds, "runs": [round(r.seconds, 2) for r in timed],
                                      "cpu_seconds": median([r.cpu_seconds for r in timed]),
                                      "documents_per_s": round(len(files) / seconds, 1),
                                      "pages_per_s": round(pages / seconds, 1),
                                      **_memory(runs)}
        row["accuracy"] = _accuracy(bench.work / f"e2e-{fmt}-j2-{bench.repeat - 1}", files)
        row["bare_parse_s"] = median([bare_parse_seconds(files) for _ in range(bench.repeat)], 6)
        row["overhead_ratio"] = round(row["jobs"]["1"]["seconds"] / row["bare_parse_s"], 2) if row["bare_parse_s"] else None
        out[fmt] = row
    return out


def bare_parse(path: Path) -> None:
    """The floor: only opening the file with the parser the reader uses (every PDF page's words)."""
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


def bare_parse_seconds(files: list[Path]) -> float:
    bare_parse(files[0])  # imports and first-use costs are not the parse
    start = time.perf_counter()
    for path in files:
        bare_parse(path)
    return time.perf_counter() - start


def _pages(files: list[Path]) -> int:
    """Pages of PDFs as counted; of .txt/.docx as the generator intended (nominal), else 1 each."""
    total = 0
    for path in files:
        if path.suffix == ".pdf":
            import pypdfium2

            pdf = pypdfium2.PdfDocument(str(path))
            total += len(pdf)
            pdf.close()
        else:
            total += _nominal_pages(path)
    return total


def _nominal_pages(path: Path) -> int:
    gold = path.parent.parent.parent / "gold" / f"{path.stem}.json"
    try:
        return int(json.loads(gold.read_text(encoding="utf-8")).get("pages") or 1)
    except (OSError, ValueError):
        return 1


STAGES = ("ingest", "normalize", "structure", "tasks", "register", "exports")


def _render_stages(result: dict) -> list[str]:
    lines = [f"{'format':7s}{'docs':>6s}" + "".join(f"{s:>11s}" for s in STAGES) + f"{'total':>9s}   (ms per document; share)"]
    for fmt, row in result.items():
        ms, share = row["ms_per_document"], row["share"]
        lines.append(f"{fmt:7s}{row['documents']:6d}" + "".join(f"{ms.get(s, 0):6.1f} {share.get(s, 0):3.0%}" for s in STAGES)
                     + f"{row['total_ms_per_document']:9.1f}")
    return lines


@section("stages", _render_stages, synthetic_only=False)
def measure_stages(bench: Bench) -> dict:
    """In this process, warm, one job: each stage's time over a sample of each format."""
    from . import run

    getattr(run, "warm", run.stages)()  # rules and models loaded, as a worker has them
    out = {}
    for fmt in FORMATS:
        files = bench.files(fmt, bench.sizes["sample"])
        if files:
            bench.log(f"bench: stages {fmt} x{len(files)}")
            out[fmt] = _stage_times(files, bench.work / f"stages-{fmt}")
    return out


def _stage_times(files: list[Path], out_dir: Path) -> dict:
    from datetime import date

    from .register import incoming
    from .register.store import Store
    from .register.update import write_outputs
    from .run import process

    totals = dict.fromkeys(STAGES, 0.0)
    items = []
    with _normalize_clock() as normalize:
        for path in files:
            result = process(str(path))
            for stage, seconds in result.timings.items():
                totals[stage] = totals.get(stage, 0.0) + seconds
            if result.document is not None:
                items.append(incoming(result.document))
    totals["normalize"] = normalize[0]
    totals["ingest"] -= normalize[0]  # process() times reading and normalizing together
    shutil.rmtree(out_dir, ignore_errors=True)
    start = time.perf_counter()
    store = Store.open(None, out_dir)
    paths = {str(p.resolve()) for p in files}
    store.sync(items, paths, [], date.fromisoformat(TODAY), [str(out_dir)], 0)
    totals["register"] = time.perf_counter() - start
    start = time.perf_counter()
    write_outputs(store, out_dir, date.fromisoformat(TODAY))
    totals["exports"] = time.perf_counter() - start
    store.close()
    shutil.rmtree(out_dir, ignore_errors=True)
    whole = sum(totals.values())
    return {"documents": len(files), "total_ms_per_document": round(whole / len(files) * 1000, 1),
            "ms_per_document": {k: round(v / len(files) * 1000, 2) for k, v in totals.items()},
            "share": {k: round(v / whole, 3) for k, v in totals.items()}}


class _normalize_clock:
    """Times ingestion's normalize steps (legacy-encoding repair, cleaning) by wrapping them while
    the sample runs; process() reports them inside "ingest". Absent steps are simply not timed."""

    TARGETS = (("pipeline.ingest", "_finish"), ("pipeline.ingest.encodings", "repair_blocks"),
               ("pipeline.ingest.splitletters", "repair_blocks"))

    def __enter__(self) -> list[float]:
        self.spent, self.saved = [0.0], []
        for module_name, attr in self.TARGETS:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            original = getattr(module, attr, None)
            if callable(original):
                self.saved.append((module, attr, original))
                setattr(module, attr, self._clocked(original))
        return self.spent

    def _clocked(self, fn):
        def clocked(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.spent[0] += time.perf_counter() - start
        return clocked

    def __exit__(self, *exc) -> None:
        for module, attr, original in self.saved:
            setattr(module, attr, original)


def _render_startup(result: dict) -> list[str]:
    return [f"startup {result['seconds']:.2f} s to the first document done (imports {result['import_s']:.2f} s, "
            f"rules and models {result['rules_models_s']:.2f} s, first document {result['first_document_s']:.2f} s); "
            f"`congvan --help` {result['help_s']:.2f} s"]


@section("startup", _render_startup, synthetic_only=False)
def measure_startup(bench: Bench) -> dict:
    """A fresh interpreter: imports, rules and models, and its first (small) document."""
    probe = bench.files("txt", 1) or bench.files("docx", 1)
    code = ("import time, json, sys; t0 = time.perf_counter()\n"
            "import pipeline.batch, pipeline.run as r; t1 = time.perf_counter()\n"
            "getattr(r, 'warm', r.stages)(); t2 = time.perf_counter()\n"
            "[r.process(p) for p in sys.argv[1:]]; t3 = time.perf_counter()\n"
            "print(json.dumps([t1 - t0, t2 - t1, t3 - t2]))")
    rows, walls, helps = [], [], []
    for _ in range(bench.repeat):
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code, *map(str, probe)], cwd=ROOT, capture_output=True, text=True, check=True)
        walls.append(time.perf_counter() - start)
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
        helps.append(timed_process([sys.executable, "-m", "pipeline", "--help"]).seconds)
    return {"seconds": median(walls), "import_s": median([r[0] for r in rows]),
            "rules_models_s": median([r[1] for r in rows]), "first_document_s": median([r[2] for r in rows]),
            "help_s": median(helps), "runs": [round(w, 2) for w in walls]}


def _render_rerun(result: dict) -> list[str]:
    return [f"rerun of {result['documents']} unchanged documents ({result['command']}): {result['seconds']:.1f} s "
            f"(first pass {result['first_pass_s']:.1f} s)"]


@section("rerun", _render_rerun)
def measure_rerun(bench: Bench) -> dict:
    """The nightly command over an inbox it has already processed: every file unchanged."""
    docs = bench.mix(bench.sizes["small"] * SCALE)
    inbox = _linked(docs, bench.work / "inbox")
    out = bench.work / "rerun-out"
    shutil.rmtree(out, ignore_errors=True)
    nightly = importlib.util.find_spec("pipeline.ops.nightly") is not None
    if nightly:  # one commit for the first pass: it only prepares the rerun
        base = [sys.executable, "-m", "pipeline.ops.nightly", "--inbox", str(inbox), "--out", str(out),
                "--today", TODAY, "--jobs", "2"]
        first_args, again_args = base + ["--batch-size", str(len(docs))], base
    else:
        first_args = again_args = [sys.executable, "-m", "pipeline", "run", str(inbox), "--out", str(out),
                                   "--jobs", "2", "--today", TODAY]
    bench.log(f"bench: rerun, first pass over {len(docs)} documents")
    first = timed_process(first_args)
    runs = []
    for _ in range(max(1, bench.repeat - 2)):  # each one rewrites every export of the whole register
        bench.log("bench: rerun, nothing changed")
        runs.append(timed_process(again_args))
    memory = timed_process(again_args, pss=True)
    shutil.rmtree(out, ignore_errors=True)
    return {"documents": len(docs), "command": "pipeline.ops.nightly" if nightly else "congvan run",
            "first_pass_s": round(first.seconds, 2), "seconds": median([r.seconds for r in runs]),
            "runs": [round(r.seconds, 2) for r in runs], **_memory(runs + [memory])}


def _linked(files: list[Path], folder: Path) -> Path:
    """One folder holding `files` (hard links, else copies), as an inbox is one folder."""
    shutil.rmtree(folder, ignore_errors=True)
    for path in files:
        target = folder / path.parent.parent.name / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)
    return folder


def _render_scaling(result: dict) -> list[str]:
    small, large = result["small"], result["large"]
    return [f"scaling --jobs 2: {small['documents']} documents {small['seconds']:.1f} s, {large['documents']} documents "
            f"{large['seconds']:.1f} s: x{result['ratio']:.2f} for x{SCALE} the documents"]


@section("scaling", _render_scaling)
def measure_scaling(bench: Bench) -> dict:
    """`congvan run --jobs 2` on N and SCALE*N documents (half .txt, half .docx)."""
    out = {}
    for key, count in (("small", bench.sizes["small"]), ("large", bench.sizes["small"] * SCALE)):
        docs = bench.mix(count)
        bench.log(f"bench: scaling x{len(docs)}")
        repeat = bench.repeat if key == "small" else max(1, bench.repeat - 2)
        runs = bench.run(["run", *_folders(docs), "--jobs", "2", "--today", TODAY], f"scale-{key}", repeat)
        timed = timings(runs)
        out[key] = {"documents": len(docs), "seconds": median([r.seconds for r in timed]),
                    "runs": [round(r.seconds, 2) for r in timed], **_memory(runs),
                    "documents_per_s": round(len(docs) / median([r.seconds for r in timed]), 1)}
    out["ratio"] = round(out["large"]["seconds"] / out["small"]["seconds"], 2)
    return out


def _folders(files: list[Path]) -> list[str]:
    """The shard folders that hold exactly `files` (whole shards), else the files themselves."""
    folders = sorted({p.parent for p in files})
    inside = sum(len([c for c in f.iterdir() if not c.name.startswith(".")]) for f in folders)
    return [str(f) for f in folders] if inside == len(files) else [str(p) for p in files]


def _accuracy(run_dir: Path, files: list[Path]) -> Optional[dict]:
    """How the run's documents.jsonl agrees with the generator's gold (a check that speed did not
    cost reading); None when the files have no gold next to their sets."""
    from .evaluate import evaluate

    gold = next((g for g in (files[0].parent / "gold", files[0].parent.parent.parent / "gold") if g.is_dir()), None)
    if gold is None or not (run_dir / "documents.jsonl").exists():
        shutil.rmtree(run_dir, ignore_errors=True)
        return None
    table = evaluate(run_dir, gold).get("all")
    shutil.rmtree(run_dir, ignore_errors=True)
    if table is None:
        return None
    values = table.table()
    keys = ("number", "doc_type", "issue_date", "issuer", "signer_name", "tasks_p", "tasks_r", "tasks_f1",
            "task_deadline", "task_assignee")
    return {k: round(values[k], 3) for k in keys if k in values}


# --- targets, report, command line ---------------------------------------------------------------
TARGETS = (  # name, where in the report, comparison, bound (the "Done when")
    ("pdf overhead ratio (--jobs 1)", ("e2e", "pdf", "overhead_ratio"), "<=", 1.5),
    ("pdf pages/s (--jobs 2)", ("e2e", "pdf", "jobs", "2", "pages_per_s"), ">=", 20),
    ("txt documents/s (--jobs 2)", ("e2e", "txt", "jobs", "2", "documents_per_s"), ">=", 30),
    ("docx documents/s (--jobs 2)", ("e2e", "docx", "jobs", "2", "documents_per_s"), ">=", 30),
    ("rerun of unchanged documents, s", ("rerun", "seconds"), "<", 10),
    ("startup, s", ("startup", "seconds"), "<", 2),
    ("peak memory (PSS of the process tree) with --jobs 2, MB", ("peak_memory", "pss_mb"), "<", 1024),
    ("5N over N documents", ("scaling", "ratio"), "<=", 5.5),
)


def targets(report: dict) -> list[dict]:
    out = []
    for name, where, op, bound in TARGETS:
        value = report
        for key in where:
            value = value.get(key) if isinstance(value, dict) else None
        met = None if value is None else (value <= bound if op == "<=" else value >= bound if op == ">=" else value < bound)
        out.append({"target": f"{name} {op} {bound}", "value": value, "met": met})
    return out


def _peak_memory(report: dict) -> dict:
    """The largest figures seen in any --jobs 2 run: the tree's PSS (memory used), its summed RSS
    (shared pages counted once per process) and the largest single process."""
    rows = [row["jobs"]["2"] for row in report.get("e2e", {}).values() if isinstance(row, dict) and "2" in row.get("jobs", {})]
    rows += [report.get("scaling", {}).get(k) for k in ("small", "large")] + [report.get("rerun")]
    rows = [r for r in rows if isinstance(r, dict)]
    peak = lambda key: max((r[key] for r in rows if r.get(key)), default=None)
    return {"pss_mb": peak("peak_pss_mb"), "summed_rss_mb": peak("peak_rss_mb"), "largest_process_mb": peak("peak_process_mb")}


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or platform.machine())
    mem = next((int(line.split()[1]) // 1024 for line in _read("/proc/meminfo").splitlines()
                if line.startswith("MemTotal")), None)
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "os": platform.platform(terse=True),
            "python": platform.python_version(), "load_average": [round(x, 2) for x in os.getloadavg()]}


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def render(report: dict) -> str:
    m = report["machine"]
    lines = [f"congvan bench ({'quick' if report['settings']['quick'] else 'full'}; medians of "
             f"{report['settings']['repeat']} runs): {m['cpu']}, {m['cores']} cores, {m['memory_mb']} MB, "
             f"Python {m['python']}; load average {m['load_average']} at start, {report.get('load_average_end')} at end"]
    for sec in SECTIONS:
        if sec.name in report:
            result = report[sec.name]
            lines += [""] + ([f"{sec.name}: failed: {result['error']}"] if "error" in result else sec.render(result))
    memory = report.get("peak_memory") or {}
    if memory.get("pss_mb"):
        lines.append(f"peak memory with --jobs 2: process tree PSS {memory['pss_mb']:.0f} MB; summed RSS "
                     f"{memory['summed_rss_mb']:.0f} MB (shared pages counted once per process); largest process "
                     f"{memory['largest_process_mb']:.0f} MB")
    lines += ["", "targets:"] + [f"  {'met' if t['met'] else 'NOT met' if t['met'] is False else 'n/a':8s}"
                                 f"{t['target']}: {t['value']}" for t in report["targets"]]
    return "\n".join(lines)


def _synthetic_sets(args, sizes: dict, log) -> dict[str, list[Path]]:
    from . import synth

    cache = Path(args.out) / "bench-cache" / f"v{synth.VERSION}-s{args.seed}"
    counts = {fmt: sizes[fmt] for fmt in FORMATS if sizes[fmt]}
    try:
        shards = synth.build_sets(cache, args.seed, counts, jobs=2, log=log)
    except RuntimeError as e:  # LibreOffice missing or failing: measure the other formats
        log(f"bench: {e}; PDF figures skipped")
        shards = synth.build_sets(cache, args.seed, {f: n for f, n in counts.items() if f != "pdf"}, jobs=2, log=log)
    return {fmt: sorted(p for s in dirs for p in s.iterdir() if p.suffix == f".{fmt}")[:counts[fmt]]
            for fmt, dirs in shards.items()}


def _given_sets(inputs: list[str]) -> dict[str, list[Path]]:
    from .run import collect

    sets: dict[str, list[Path]] = {}
    for name in collect(inputs)[0]:
        path = Path(name)
        sets.setdefault(path.suffix.lstrip(".").lower(), []).append(path)
    return sets


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench", description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="*", help="measure these files and folders instead of the synthetic sets")
    parser.add_argument("--out", default=str(ROOT / "outputs"), help="bench.json, bench-cache/ and bench-work/ go here")
    parser.add_argument("--quick", action="store_true", help="small sets: a few minutes instead of about fifteen")
    parser.add_argument("--repeat", "--rounds", type=int, default=3, help="timed runs per figure (the median is kept)")
    parser.add_argument("--seed", type=int, default=0, help="synthetic set (its own cache)")
    parser.add_argument("--size", action="append", default=[], metavar="KEY=N",
                        help="override a set size: " + ", ".join(FULL) + " (a tiny run, say)")
    parser.add_argument("--only", default="", help="comma-separated sections: " + ", ".join(s.name for s in SECTIONS))
    parser.add_argument("--with", dest="plugins", action="append", default=[], help="a module that registers sections")
    args = parser.parse_args(argv)
    for module in args.plugins:
        importlib.import_module(module)
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    unknown = only - {s.name for s in SECTIONS}
    if unknown or args.repeat < 1:
        parser.error(f"unknown section: {', '.join(sorted(unknown))}" if unknown else "--repeat must be at least 1")
    sizes = dict(QUICK if args.quick else FULL)
    for item in args.size:
        key, _, value = item.partition("=")
        if key not in sizes or not value.isdigit():
            parser.error(f"--size {item}: expected KEY=N with KEY one of {', '.join(sizes)}")
        sizes[key] = int(value)
    log = lambda text: print(text, file=sys.stderr, flush=True)  # noqa: E731
    report = {"version": 2, "machine": machine(), "settings": {"quick": args.quick, "repeat": args.repeat,
              "seed": args.seed, "sizes": sizes, "inputs": args.inputs or None, "today": TODAY}}
    if not args.inputs and min(sizes["txt"], sizes["docx"]) * 2 < sizes["small"] * SCALE:
        parser.error(f"the scaling and rerun sets need txt and docx of at least {sizes['small'] * SCALE // 2} each")
    sets = _given_sets(args.inputs) if args.inputs else _synthetic_sets(args, sizes, log)
    if args.inputs:
        sizes.update(per_format=None, pdf_set=None, sample=None)
    bench = Bench(out=Path(args.out), work=Path(args.out) / "bench-work", repeat=args.repeat, sizes=sizes,
                  sets=sets, log=log)
    bench.work.mkdir(parents=True, exist_ok=True)
    if only:
        report = _earlier(Path(args.out) / "bench.json", report)
    for sec in SECTIONS:
        if (not only or sec.name in only) and not (args.inputs and sec.synthetic_only):
            report[sec.name] = _measured(sec, bench)
            _finish(report, Path(args.out))  # after each section: a stopped bench keeps what it measured
    shutil.rmtree(bench.work, ignore_errors=True)
    print(render(_finish(report, Path(args.out))))
    return 0


def _measured(sec: Section, bench: Bench) -> dict:
    """A section's figures, or its error: one failed run (a killed process, say) spoils only its section."""
    try:
        return sec.measure(bench)
    except (RuntimeError, OSError, subprocess.SubprocessError) as e:
        bench.log(f"bench: {sec.name} failed: {e}")
        return {"error": str(e).splitlines()[0][:300]}


def _earlier(path: Path, report: dict) -> dict:
    """With --only, the other sections of an earlier bench.json of the same settings are kept."""
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return report
    if old.get("settings", {}).get("sizes") != report["settings"]["sizes"]:
        return report
    return {**{k: v for k, v in old.items() if k not in ("machine", "settings")}, **report}


def _finish(report: dict, out: Path) -> dict:
    report["peak_memory"] = _peak_memory(report)
    report["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = targets(report)
    write_text(out / "bench.json", json.dumps(report, indent=1, ensure_ascii=False))
    return report


if __name__ == "__main__":
    sys.exit(main())
