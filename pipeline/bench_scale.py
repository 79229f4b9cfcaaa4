"""`make bench`, scale part: the Dask engine against the local pool, the register's write rate, a capacity plan.

1. Whole runs (`run_batch`: processing, register, exports) over the same N documents (default 1,000:
   the corpus's text-layer files, copied round-robin) with the same `--jobs` cores: the local process
   pool, then `--engine dask` on a LocalCluster; documents/s of each and their ratio (Dask overhead).
2. The cost of a page, in core-seconds (this process and its Tesseract children): text-layer PDF pages
   and scanned pages, one process, warm.
3. The driver's own cost per document: taking a worker's result (unpickling it) and making the rows,
   the documents.jsonl record and the journal line from it.
4. The register's write rate: new dispatches (36 rows each) committed in batches of 200, into SQLite
   and into a throwaway PostgreSQL server (default settings, so commits are durable), rows/s.
5. From those, the capacity plan of the README's "Scale out": a backfill of 5 million dispatches.
Writes <out>/bench_scale.json and prints a summary.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Iterator, Optional

from .atomic import write_text

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TASKS, UNITS, CITATIONS = 10, 2, 4  # per dispatch, about the corpus's averages (388 tasks, 804 obligations, 146
ROWS_PER_DISPATCH = 2 + TASKS * (1 + UNITS) + CITATIONS  # citations in 39 dispatches): 36 rows with its file
PLAN = {"dispatches": 5_000_000, "scan_share": 0.4, "pages": 2.5, "workers": (10, 100)}


def sample_documents(folder: Path, count: int) -> list[Path]:
    """`count` files copied round-robin from the corpus's text-layer documents (top folder: no scans)."""
    sources = sorted(p for p in CORPUS.glob("*") if p.suffix in (".txt", ".docx", ".pdf"))
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for i in range(count):
        source = sources[i % len(sources)]
        made.append(folder / f"{i:05d}-{source.name}")
        shutil.copyfile(source, made[-1])
    return made


def whole_runs(folder: Path, jobs: int, rounds: int) -> dict:
    """Seconds of whole runs over `folder`, local pool and Dask alternating, each into a fresh output."""
    from .batch import run_batch

    seconds: dict[str, list[float]] = {"local": [], "dask": []}
    cpu: dict[str, list[float]] = {"local": [], "dask": []}
    files = 0
    for _ in range(rounds):
        for engine in ("local", "dask"):
            with tempfile.TemporaryDirectory(prefix=f"congvan-bench-{engine}-") as out:
                start, used = time.perf_counter(), _cpu_seconds()
                summary = run_batch([str(folder)], out, jobs=jobs, today=date(2024, 11, 20), engine=engine)
                seconds[engine].append(round(time.perf_counter() - start, 2))
                cpu[engine].append(round(_cpu_seconds() - used, 2))  # the workers are our children: counted
                files = summary.files
    best = {k: min(v) for k, v in seconds.items()}
    return {"documents": files, "jobs": jobs, "rounds": rounds, "seconds": seconds, "cpu_seconds": cpu,
            "documents_per_s": {k: round(files / v, 2) for k, v in best.items()},
            "dask_overhead_ratio": round(best["dask"] / best["local"], 3),
            "dask_cpu_ratio": round(min(cpu["dask"]) / min(cpu["local"]), 3)}


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def page_costs() -> tuple[dict, list]:
    """Core-seconds per page of text-layer PDFs and of scanned PDFs (the corpus's), one process, warm;
    and the results, for the driver's cost."""
    from .run import process, stages

    stages()
    costs, results = {}, []
    for kind, files in (("text_layer", sorted(CORPUS.glob("*.pdf"))), ("scanned", sorted(CORPUS.glob("scans/*.pdf")))):
        pages, cpu, wall = 0, _cpu_seconds(), time.perf_counter()
        for path in files:
            results.append(process(str(path)))
            pages += (results[-1].document.source.pages or 1) if results[-1].document else 0
        costs[kind] = {"files": len(files), "pages": pages,
                       "core_s_per_page": round((_cpu_seconds() - cpu) / max(1, pages), 3),
                       "wall_s_per_page": round((time.perf_counter() - wall) / max(1, pages), 3)}
    return costs, results


def driver_cost(results: list, rounds: int = 5) -> dict:
    """What the driver spends per document besides the register: unpickle, rows, record, journal line."""
    import pickle

    from .register import incoming
    from .serialize import document_record

    done = [pickle.dumps(r) for r in results if r.document is not None]
    start = time.process_time()
    for _ in range(rounds):
        for blob in done:
            doc = pickle.loads(blob).document
            incoming(doc)
            json.dumps({"record": document_record(doc)}, ensure_ascii=False)
    seconds = (time.process_time() - start) / (rounds * len(done))
    return {"documents": len(done), "core_ms_per_document": round(seconds * 1000, 2),
            "documents_per_s": round(1 / seconds)}


def synthetic_items(count: int, folder: Path) -> list:
    """`count` distinct dispatches as the store receives them: TASKS tasks of UNITS units, CITATIONS citations."""
    from .register.rows import DocRow, Incoming, ObligationRow, RefRow, TaskRow, content_key, fingerprint, natural_key

    items = []
    for i in range(count):
        body = [f"Đoạn {k} của công văn số {i}: đề nghị các đơn vị rà soát, báo cáo kết quả." * 3 for k in range(20)]
        doc = DocRow(source=str(folder / f"cv-{i}.txt"), sha256=content_key(body), format="txt", number=f"{i}/UBND-VP",
                     code_number=str(i), code_notation="UBND-VP", issuer="UBND tỉnh Hậu Giang", issue_date="2024-10-01",
                     subject="Triển khai nhiệm vụ", body=body, content_key=content_key(body),
                     natural_key=natural_key("UBND tỉnh Hậu Giang", "2024-10-01", str(i), "UBND-VP"))
        units = [ObligationRow(f"Đơn vị {k}", f"Đơn vị {k}", None, "thực hiện", k) for k in range(UNITS)]
        tasks = [TaskRow(seq=str(t), text=f"Nhiệm vụ {t} của công văn {i}", position=t - 1, deadline=date(2024, 12, t),
                         obligations=units) for t in range(1, TASKS + 1)]
        refs = [RefRow(k, f"{k + 1}/QĐ-UBND", "Quyết định", "2024-01-01") for k in range(CITATIONS)]
        items.append(Incoming(path=doc.source, file_doc_id=doc.content_key[:16], doc=doc, tasks=tasks, references=refs,
                              fingerprint=fingerprint(doc, tasks, refs)))
    return items


def write_rate(url: str, items: list, batch: int = 200) -> dict:
    """Rows/s committing `items` as one batched run (as the Dask driver does), then files/s of a rerun."""
    from .register.store import Store

    store = Store.open(url, "unused")
    seen = {i.path for i in items}
    try:
        timings = []
        for round_ in ("new", "unchanged"):
            start = time.perf_counter()
            run_id = store.start_run(date(2024, 11, 20), ["bench"], "bench")
            for k in range(0, len(items), batch):
                store.add_batch(run_id, items[k:k + batch], seen, [], 0)
            timings.append(time.perf_counter() - start)
    finally:
        store.close()
    return {"dispatches": len(items), "rows": len(items) * ROWS_PER_DISPATCH,
            "rows_per_s": round(len(items) * ROWS_PER_DISPATCH / timings[0]),
            "dispatches_per_s": round(len(items) / timings[0], 1),
            "unchanged_files_per_s": round(len(items) / timings[1], 1)}


@contextmanager
def throwaway_postgres() -> Iterator[Optional[str]]:
    """A PostgreSQL server in a temporary directory (default durability), as the `postgres` user when root."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        yield None
        return
    binaries, base = found[-1].parent, Path(tempfile.mkdtemp(prefix="congvan-bench-pg-"))
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(base, "postgres", "postgres")
    port = _free_port()
    run = lambda *args: subprocess.run([*as_user, *args], check=True, capture_output=True, timeout=120)  # noqa: E731
    try:
        run(str(binaries / "initdb"), "-D", str(base / "data"), "-U", "postgres", "-A", "trust", "-E", "UTF8",
            "--no-locale")
        run(str(binaries / "pg_ctl"), "-D", str(base / "data"), "-l", str(base / "log"), "-w", "-o",
            f"-p {port} -k {base} -c listen_addresses=127.0.0.1", "start")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*as_user, str(binaries / "pg_ctl"), "-D", str(base / "data"), "-m", "fast", "stop"],
                       capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def capacity_plan(pages: dict, runs: dict, writer: dict, driver: dict) -> dict:
    """The backfill of PLAN's dispatches: core-hours, wall time on each cluster size, the central ceiling
    (the register's writer, or the driver taking results, whichever is slower)."""
    n, share, per_doc = PLAN["dispatches"], PLAN["scan_share"], PLAN["pages"]
    core_s = n * per_doc * (share * pages["scanned"]["core_s_per_page"]
                            + (1 - share) * pages["text_layer"]["core_s_per_page"])
    core_s *= max(1.0, runs["dask_cpu_ratio"])  # Dask's CPU time over the local pool's (start-up included)
    # The driver takes a result, then commits it: per dispatch it spends both, one after the other.
    central = 1 / (1 / writer["dispatches_per_s"] + 1 / driver["documents_per_s"])
    return {"core_hours": round(core_s / 3600), "core_s_per_dispatch": round(core_s / n, 3),
            "wall_hours": {w: round(max(core_s / w, n / central) / 3600, 1) for w in PLAN["workers"]},
            "central_dispatches_per_s": round(central, 1),
            "central_bound_at_workers": int(central * core_s / n)}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.bench_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "outputs"))
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="whole runs of each engine, alternating; the best counts")
    parser.add_argument("--dispatches", type=int, default=3000, help="for the register's write rate")
    args = parser.parse_args(argv)
    logging.getLogger("distributed").setLevel(logging.WARNING)  # the clusters' comings and goings
    report: dict = {"load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="congvan-bench-") as tmp:
        sample_documents(Path(tmp) / "docs", args.documents)
        report["runs"] = whole_runs(Path(tmp) / "docs", args.jobs, args.rounds)
        report["pages"], results = page_costs()
        report["driver"] = driver_cost(results)
        items = synthetic_items(args.dispatches, Path(tmp))
        report["store"] = {"sqlite": write_rate(f"sqlite:///{tmp}/bench.sqlite", items)}
        with throwaway_postgres() as url:
            report["store"]["postgresql"] = write_rate(url, items) if url else {"error": "PostgreSQL is not installed"}
    writer = report["store"]["postgresql"] if "rows_per_s" in report["store"]["postgresql"] else report["store"]["sqlite"]
    report["plan"] = capacity_plan(report["pages"], report["runs"], writer, report["driver"])
    write_text(Path(args.out) / "bench_scale.json", json.dumps(report, indent=1, ensure_ascii=False))
    print(render(report))
    return 0


def render(report: dict) -> str:
    runs, plan, store = report["runs"], report["plan"], report["store"]
    rates = ", ".join(f"{name} {s['rows_per_s']:,} rows/s ({s['dispatches_per_s']} dispatches/s, rerun "
                      f"{s['unchanged_files_per_s']} files/s)" for name, s in store.items() if "rows_per_s" in s)
    pages = report["pages"]
    return "\n".join([
        f"whole runs, {runs['documents']} documents, {runs['jobs']} cores: local pool "
        f"{runs['documents_per_s']['local']} docs/s, dask {runs['documents_per_s']['dask']} docs/s, "
        f"dask overhead ratio {runs['dask_overhead_ratio']:.3f} (in CPU time {runs['dask_cpu_ratio']:.3f}; "
        f"load average {report['load_average'][0]:.1f})",
        f"page cost: text layer {pages['text_layer']['core_s_per_page']} core-s, "
        f"scanned {pages['scanned']['core_s_per_page']} core-s; driver {report['driver']['core_ms_per_document']} "
        "core-ms a document",
        f"register writes: {rates}",
        f"plan, 5M dispatches (40% scans, 2.5 pages): {plan['core_hours']:,} core-hours; wall "
        + ", ".join(f"{w} workers {h} h" for w, h in plan["wall_hours"].items())
        + f"; the driver and writer ({plan['central_dispatches_per_s']} dispatches/s) bound it beyond "
          f"{plan['central_bound_at_workers']} workers",
    ])


if __name__ == "__main__":
    sys.exit(main())
