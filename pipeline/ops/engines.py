"""Engines that run `process(path)` over many files: here Dask distributed, across processes or machines.

`congvan run --engine dask` runs the same per-document function as the local pool (`run.process`) on
Dask workers: a new `LocalCluster` of `--jobs` worker processes, or a running cluster (`--scheduler
tcp://HOST:8786`). Files go out in batches of up to 25 (a Dask task costs about 2.7 ms, see
MEASURED.md), each worker loads the rules and models once (`LoadStages`, a worker plugin), and the
results come back to the driver, the register's only writer, in input order (so the register
assigns the same ids as a local run). A worker that dies mid-batch has its batch rescheduled by
Dask; a batch that keeps killing workers is retried one file at a time, so only the file at fault
fails, as a per-file error. `Journal` keeps what the driver has committed, so a run stopped midway
resumes where it stopped. Inputs must be paths every worker sees. Error texts: D001… in pipeline/errors.py.
"""
from __future__ import annotations

import json
import math
import os
import threading
from collections import deque
from pathlib import Path
from typing import Iterator, Optional

import dask
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin
from distributed.scheduler import KilledWorker
from distributed.utils import CancelledError

from .. import atomic
from ..errors import ENGINE_MESSAGES, CodedError, PipelineError
from ..run import Result, process, stages
from .state import Stamp, sha256_file

ENGINES = ("local", "dask")
BATCH_MAX = 25  # files per Dask task
TASKS_PER_SLOT = 4  # batches per worker thread at least, so the last batches do not hold the end of a run
WINDOW_PER_SLOT = 16  # batches submitted ahead of the one the driver waits for, per worker thread
CONNECT_SECONDS = 30
JOURNAL_NAME = ".congvan-journal.jsonl"
LOOPBACK_HTTP = {"dashboard_address": "127.0.0.1:0"}  # the scheduler's health routes: loopback, any free port
# A LocalCluster's workers run one long task after another: the sampling profiler (for a dashboard we
# do not run) is off, and the event loop's health checks and monitors wake less often, since each
# wake-up takes the GIL from the task thread. Dask starts workers with MALLOC_TRIM_THRESHOLD_=65536
# (memory handed back to the system at once, for long-lived dataframe workers); for our many
# short-lived allocations per document that cost the workers about 10% more CPU than the local pool's
# (measured on 1,000 documents), so they keep glibc's default, as the local pool's workers do.
LOCAL_CONFIG = {"distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "500ms",
                "distributed.admin.system-monitor.interval": "5s", "distributed.worker.memory.monitor-interval": "1s",
                "distributed.nanny.pre-spawn-environ": {k: v for k, v in dask.config.get("distributed.nanny.pre-spawn-environ").items()
                                                        if k != "MALLOC_TRIM_THRESHOLD_"}}

class EngineError(CodedError):
    """The cluster cannot be started or reached, or the engine options are wrong (codes D003-D007)."""

    catalogue = ENGINE_MESSAGES


def check_engine(engine: str, scheduler: Optional[str]) -> None:
    if engine not in ENGINES:
        raise EngineError("D006", name=engine, choices=", ".join(ENGINES))
    if scheduler and engine != "dask":
        raise EngineError("D005")


def batch_size(files: int, slots: int) -> int:
    """Files per Dask task: at least TASKS_PER_SLOT tasks per worker thread, at most BATCH_MAX files."""
    return max(1, min(BATCH_MAX, math.ceil(files / (max(1, slots) * TASKS_PER_SLOT))))


def batches(paths: list[str], slots: int) -> list[list[str]]:
    """The files in batches of `batch_size`, the last two rounds of batches quartered (so that no worker
    waits long at the end for the last one of another)."""
    size = batch_size(len(paths), slots)
    taper = min(len(paths), 2 * max(1, slots) * size)
    head, tail, small = paths[:len(paths) - taper], paths[len(paths) - taper:], max(1, size // 4)
    return [head[i:i + size] for i in range(0, len(head), size)] + [tail[i:i + small] for i in range(0, len(tail), small)]


def process_batch(paths: list[str]) -> list[tuple[Optional[Stamp], Result]]:
    """What a Dask worker runs: each file's stat (taken before reading it) and its `process` result."""
    done = []
    for path in paths:
        try:
            stamp: Optional[Stamp] = Stamp.of(path)
        except OSError:
            stamp = None
        done.append((stamp, process(path)))
    return done


class LoadStages(WorkerPlugin):
    """Loads the rules and models once per worker process, as it starts (a restarted worker too)."""

    name = "congvan-stages"
    idempotent = True  # a long-lived cluster keeps it across runs

    def setup(self, worker) -> None:
        stages()


class DaskEngine:
    """A Dask client on a new LocalCluster of `jobs` worker processes, or on the cluster at `scheduler`."""

    def __init__(self, jobs: int = 1, scheduler: Optional[str] = None) -> None:
        self.jobs, self.scheduler = jobs, scheduler
        self.cluster: Optional[LocalCluster] = None
        self.client: Optional[Client] = None
        self.closing: Optional[threading.Thread] = None

    @property
    def name(self) -> str:
        return f"dask {self.scheduler}" if self.scheduler else f"dask LocalCluster x{self.jobs}"

    def __enter__(self) -> "DaskEngine":
        try:
            self.client = self._connect()
        except (OSError, TimeoutError, RuntimeError) as e:  # RuntimeError: a LocalCluster's worker failed to start
            self.__exit__(None, None, None)
            raise EngineError("D003", at=f" at {self.scheduler}" if self.scheduler else "", detail=_detail(e)) from e
        threads = max(self.client.nthreads().values(), default=1)
        if threads > 1:
            self.__exit__(None, None, None)
            raise EngineError("D007", address=self.scheduler, threads=threads)
        self.client.register_plugin(LoadStages())
        return self

    def _connect(self) -> Client:
        if self.scheduler:
            return Client(self.scheduler, timeout=CONNECT_SECONDS)
        with dask.config.set(LOCAL_CONFIG):  # the nannies hand it to the workers they start
            self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1, processes=True, host="127.0.0.1",
                                        dashboard_address=None, scheduler_kwargs=LOOPBACK_HTTP)
        return Client(self.cluster)

    def __exit__(self, *_exc: object) -> None:
        if self.closing is not None:
            self.closing.join()
        else:
            self._close()

    def release(self) -> None:
        """Let the cluster go in the background (a LocalCluster takes most of a second to stop its
        workers) while the driver goes on with the register's exports; `__exit__` waits for it."""
        if self.closing is None:
            self.closing = threading.Thread(target=self._close, name="congvan-dask-close", daemon=True)
            self.closing.start()

    def _close(self) -> None:
        if self.client is not None:
            self.client.close()
        if self.cluster is not None:
            self.cluster.close()

    def results(self, paths: list[str]) -> Iterator[tuple[Optional[Stamp], Result]]:
        """Each file's (stat, result), in input order, as the register needs to assign the same ids.

        Batches are submitted ahead, up to WINDOW_PER_SLOT per worker thread, so workers keep busy while
        the driver waits for the oldest; results wait on the workers until the driver takes them.
        """
        assert self.client is not None, "use DaskEngine as a context manager"
        slots = sum(self.client.nthreads().values())
        waiting = deque(batches(paths, slots))
        window: deque = deque()
        while waiting or window:
            while waiting and len(window) < WINDOW_PER_SLOT * max(1, slots):
                batch = waiting.popleft()
                window.append((self.client.submit(process_batch, batch, pure=False), batch))
            future, batch = window.popleft()
            yield from self._gather(future, batch)

    def _gather(self, future, batch: list[str]) -> list[tuple[Optional[Stamp], Result]]:
        done = self._outcome(future, batch, last=False)
        future.release()
        if done is not None:
            return done
        # One file at a time: a file that kills its worker must not take an innocent one down with it.
        # A batch of one file is tried alone again too: it may have been waiting on a worker that
        # another batch's file killed.
        return [pair for path in batch
                for pair in self._outcome(self.client.submit(process_batch, [path], pure=False), [path], last=True)]

    def _outcome(self, future, batch: list[str], last: bool) -> Optional[list[tuple[Optional[Stamp], Result]]]:
        """The batch's results; None when it failed on a first attempt (worth retrying file by file)."""
        try:
            return future.result()
        except PipelineError:
            raise
        except CancelledError as e:
            raise EngineError("D004", detail=_detail(e)) from e
        except Exception as e:  # noqa: BLE001 - a worker died under it, or its result could not come back
            if not last:
                return None
            return [(None, _failed(batch[0], e))]


def _failed(path: str, error: Exception) -> Result:
    if isinstance(error, KilledWorker):
        code, message = "D001", ENGINE_MESSAGES["D001"].format(path=path, times=error.allowed_failures + 1)
    else:
        code, message = "D002", ENGINE_MESSAGES["D002"].format(path=path, detail=_detail(error))
    return Result(path=path, status="failed", error=message, code=code)


def _detail(error: BaseException) -> str:
    return (f"{type(error).__name__}: {error}".splitlines() or [type(error).__name__])[0][:300]


class Journal:
    """`OUT/.congvan-journal.jsonl`: each file a run has committed to the register, with its stat and record.

    Appended after each register commit, so it never holds a file the register lacks. The next run over
    the same files skips those unchanged (same stat, else same sha256, as the nightly run does), writes
    documents.jsonl and errors.jsonl from the journal when it ends, and deletes it. A line is the
    file's entry (path, stamp, sha256) as JSON, a tab, then its documents.jsonl or errors.jsonl line
    as written there: publishing copies that text, never parsing or encoding a record again.
    """

    def __init__(self, out: Path) -> None:
        self.path = out / JOURNAL_NAME

    def unchanged(self, paths: set[str]) -> dict[str, str]:
        """path -> sha256 of the journal's processed files among `paths` that have not changed since."""
        found = {}
        for entry, _line, _raw in self._entries():
            path = entry.get("path")
            if path in paths and not entry.get("failed") and _unchanged(path, entry):
                found[path] = entry["sha256"]
        return found

    def restart(self, keep: set[str]) -> None:
        """Keep only the entries of these files (the ones this run skips): the others are processed again."""
        with atomic.atomic_open(self.path) as handle:
            for entry, _line, raw in self._entries():
                if entry.get("path") in keep and not entry.get("failed"):
                    handle.write(raw)

    def append(self, entries: list[dict]) -> None:
        """Entries {path, stamp, sha256, record} or {path, failure}."""
        with open(self.path, "a", encoding="utf-8") as handle:
            for entry in entries:
                failed = entry.get("record") is None
                head = {"path": entry["path"], "failed": True} if failed else \
                    {"path": entry["path"], "stamp": entry.get("stamp"), "sha256": entry["sha256"]}
                line = json.dumps(entry["failure"] if failed else entry["record"], ensure_ascii=False)
                handle.write(json.dumps(head, ensure_ascii=False) + "\t" + line + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def publish(self, out: Path) -> None:
        """documents.jsonl and errors.jsonl from the journal (each atomically), then the journal goes."""
        with atomic.atomic_open(out / "documents.jsonl") as docs, atomic.atomic_open(out / "errors.jsonl") as errors:
            for entry, line, _raw in self._entries():
                (errors if entry.get("failed") else docs).write(line)
        self.path.unlink(missing_ok=True)

    def _entries(self) -> Iterator[tuple[dict, str, str]]:
        """(entry, its documents.jsonl or errors.jsonl line, the journal line) of each whole line."""
        try:
            handle = open(self.path, encoding="utf-8")
        except FileNotFoundError:
            return
        with handle:
            for raw in handle:
                head, tab, line = raw.partition("\t")
                if not tab or not raw.endswith("\n"):
                    continue  # a line cut short when a run was killed
                try:
                    entry = json.loads(head)
                except ValueError:
                    continue
                if isinstance(entry, dict) and "path" in entry:
                    yield entry, line, raw


def _unchanged(path: str, entry: dict) -> bool:
    try:
        stamp = Stamp.of(path)
        return [stamp.size, stamp.mtime_ns] == entry.get("stamp") or sha256_file(path) == entry.get("sha256")
    except OSError:
        return False
