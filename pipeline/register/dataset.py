"""The register's tables as a Parquet dataset for analysts: `OUT/dataset/<table>/year=Y/issuer=I/part-0.parquet`.

Hive-style folders by the dispatch's year (of its issue date) and issuer, so each table reads as one:
pandas `pd.read_parquet("OUT/dataset/tasks")`, DuckDB `read_parquet('OUT/dataset/tasks/**/*.parquet',
hive_partitioning = true)`, Spark `spark.read.parquet("OUT/dataset/tasks")`; a filter on year or issuer
reads only its folders. Made from the flat exports (`OUT/<table>.parquet`), so columns and types are
theirs, with two differences: `year` and `issuer` come from the folder names (the issuer of the
dispatch; a cited document's issuer in `references` is renamed `cited_issuer`), and a year or issuer
that is unknown is `0` or "(không rõ)" rather than null (pandas cannot read null partitions).
Folder names are plain UTF-8, not percent-encoded, since Spark decodes %XX byte by byte: the characters
a folder name cannot hold (/ \\ % = : * ? " < > | # and the like) become "_".
The dataset is written beside the old one and swapped in, so readers never see half of it.
"""
from __future__ import annotations

import os
import re
import shutil
import unicodedata
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TABLES = ("documents", "tasks", "obligations", "references")
NAME = "dataset"
UNKNOWN_ISSUER = "(không rõ)"
UNKNOWN_YEAR = 0
MAX_CHARS = 120  # a folder name stays well under 255 bytes, three per Vietnamese letter at most
_UNSAFE = re.compile(r"[/\\%=:*?\"<>|#{}\[\]^'+\x00-\x1f\x7f]")


def partition_value(issuer: object) -> str:
    """The issuer as a folder name: NFC, unsafe characters as "_", at most MAX_CHARS characters."""
    if not isinstance(issuer, str) or not issuer.strip():
        return UNKNOWN_ISSUER
    text = _UNSAFE.sub("_", unicodedata.normalize("NFC", " ".join(issuer.split())))[:MAX_CHARS].strip()
    return text if text.strip(".") else UNKNOWN_ISSUER


def issue_year(issue_date: object) -> int:
    """The year of an issue date ("2024-10-04", "2021-10"), or UNKNOWN_YEAR."""
    head = issue_date[:4] if isinstance(issue_date, str) else ""
    return int(head) if head.isdigit() else UNKNOWN_YEAR


def write_dataset(out_dir: str | Path) -> Path:
    """Write OUT/dataset from the flat Parquet tables in `out_dir`; returns the dataset's folder."""
    out = Path(out_dir)
    target, fresh, old = out / NAME, out / f".{NAME}.new-{os.getpid()}", out / f".{NAME}.old-{os.getpid()}"
    shutil.rmtree(fresh, ignore_errors=True)
    keys = _document_keys(pq.read_table(out / "documents.parquet"))
    for table in TABLES:
        _write_table(pq.read_table(out / f"{table}.parquet"), keys, fresh / table, table)
        pa.default_memory_pool().release_unused()  # Arrow's allocator keeps freed memory unless told
    if target.exists():
        os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
    return target


def _document_keys(documents: pa.Table) -> dict[str, tuple[int, str]]:
    frame = documents.select(["doc_id", "issue_date", "issuer"]).to_pylist()
    return {r["doc_id"]: (issue_year(r["issue_date"]), partition_value(r["issuer"])) for r in frame}


def _write_table(table: pa.Table, keys: dict[str, tuple[int, str]], folder: Path, name: str) -> None:
    """One file per (year, issuer) folder; the partition columns live in the folder names only."""
    if name == "references":
        table = table.rename_columns(["cited_issuer" if c == "issuer" else c for c in table.column_names])
    table = table.drop_columns([c for c in ("year", "issuer") if c in table.column_names])
    folder.mkdir(parents=True, exist_ok=True)
    if table.num_rows == 0:  # keep the columns readable: one empty file at the top
        pq.write_table(table, folder / "part-0.parquet")
        return
    unknown = (UNKNOWN_YEAR, UNKNOWN_ISSUER)
    groups = pd.Series([keys.get(d, unknown) for d in table.column("doc_id").to_pylist()])
    for (year, issuer), rows in groups.groupby(groups).groups.items():
        leaf = folder / f"year={year}" / f"issuer={issuer}"
        leaf.mkdir(parents=True, exist_ok=True)
        pq.write_table(table.take(pa.array(rows, type=pa.int64())), leaf / "part-0.parquet")
