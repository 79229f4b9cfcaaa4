"""Thin command line over the library: parse, call one function, turn errors into one clean line.

Exit codes: 0 all good, 1 some files failed, 2 could not run at all.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from .errors import DocumentError, PipelineError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="congvan: Vietnamese official dispatches into a task register.")


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"congvan: {message}", err=True)
    raise typer.Exit(code)


@app.command()
def ingest(file: str = typer.Argument(..., help="A .txt, .docx or .pdf file")) -> None:
    """Print the blocks of one file with kind, page and paragraph (a debugging view)."""
    from .ingest import ingest as ingest_file

    try:
        doc = ingest_file(file)
    except DocumentError as e:
        _fail(str(e), 1)
    src = doc.source
    typer.echo(f"{src.path}  format={src.format} pages={src.pages} sha256={src.sha256[:16]} blocks={len(doc.blocks)}")
    for b in doc.blocks:
        where = f"p{b.page}" if b.page else "-"
        cell = f" cell{b.table}" if b.table else ""
        bold = " bold" if b.style and b.style.bold else ""
        text = b.text.replace("\n", " ⏎ ")
        typer.echo(f"[{b.id:3d}] {b.kind:9s} {where:4s} ¶{b.para:<3d}{cell}{bold} | {text}")
    for w in doc.warnings:
        typer.echo(f"warning: {w}", err=True)


@app.command()
def explain(
    file: str = typer.Argument(..., help="A dispatch file"),
    html: Optional[str] = typer.Option(None, "--html", help="Also write the marked document as an HTML page here"),
) -> None:
    """Print the document with every extracted value marked at its source."""
    from . import atomic
    from . import explain as explainer
    from .run import process

    result = process(file)
    if result.document is None:
        _fail(result.error or f"{file}: failed", 1)
    text = explainer.terminal(result.document, color=sys.stdout.isatty())
    if text is not None:
        typer.echo(text)
    if html:
        atomic.write_text(html, explainer.html(result.document))
        typer.echo(f"-> {html}", err=True)


@app.command()
def run(
    inputs: List[str] = typer.Argument(..., help="Files and folders to process"),
    out: str = typer.Option("outputs", "--out", "-o", help="Output directory"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes"),
    today: Optional[str] = typer.Option(None, "--today", help="Reference date for task status, YYYY-MM-DD (default today)"),
    db: Optional[str] = typer.Option(None, "--db", envvar="CONGVAN_DB",
                                     help="Register database: a SQLite path or SQLAlchemy URL (default OUT/register.sqlite)"),
    engine: str = typer.Option("local", "--engine", help="local (a process pool of --jobs) or dask"),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", envvar="CONGVAN_SCHEDULER",
                                            help="With --engine dask: a running cluster, tcp://HOST:8786 "
                                                 "(default: a LocalCluster of --jobs worker processes)"),
) -> None:
    """Process files and folders into the output directory and print a short summary."""
    from .batch import run_batch
    from .register.status import parse_day

    for item in inputs:
        if not Path(item).exists():
            typer.echo(f"congvan: {item}: file not found", err=True)
    try:
        summary = run_batch(inputs, out, jobs=jobs, today=parse_day(today), db=db, engine=engine, scheduler=scheduler)
    except PipelineError as e:
        _fail(str(e))
    for error in summary.errors:
        typer.echo(f"error: {error}", err=True)
    for warning in summary.warnings:
        typer.echo(f"warning: {warning}", err=True)
    typer.echo(f"{summary.files} files: {summary.ok} ok, {summary.failed} failed; "
               f"{summary.tasks} tasks; {summary.seconds:.1f} s -> {summary.out_dir}/")
    if summary.resumed:
        typer.echo(f"{summary.resumed} files recorded by a stopped run and unchanged since: skipped")
    if summary.register is not None:
        c = summary.register.counts
        typer.echo(f"register run {summary.register.run_id}: {c['added']} added, {c['changed']} changed, "
                   f"{c['unchanged']} unchanged, {c['duplicates']} duplicates, {c['withdrawn']} withdrawn "
                   f"-> {summary.register.database}")
    if summary.failed:
        raise typer.Exit(1)


_OUT = typer.Option("outputs", "--out", "-o", help="Output directory of the run (holds register.sqlite)")
_DB = typer.Option(None, "--db", envvar="CONGVAN_DB", help="Register database: SQLite path or SQLAlchemy URL")
_TODAY = typer.Option(None, "--today", help="Reference date, YYYY-MM-DD (default today)")
_FORMAT = typer.Option("table", "--format", "-f", help="table, csv or json")


@app.command()
def tasks(
    unit: Optional[str] = typer.Option(None, "--unit", "-u", help="Only tasks assigned to this unit (any part of its name)"),
    due_within: Optional[int] = typer.Option(None, "--due-within", min=0, help="Only open tasks due within N days (overdue included)"),
    status: List[str] = typer.Option([], "--status", "-s", help="overdue, due_soon, open, no_deadline, done, withdrawn (repeatable)"),
    fmt: str = _FORMAT, out: str = _OUT, db: Optional[str] = _DB, today: Optional[str] = _TODAY,
) -> None:
    """List the register's tasks, filtered by unit, due date and status."""
    from .register import query
    from .register.status import parse_day

    try:
        rows = query.tasks(db, out, parse_day(today), unit=unit, due_within=due_within, statuses=status)
        typer.echo(query.render_tasks(rows, fmt))
    except PipelineError as e:
        _fail(str(e))


@app.command()
def units(fmt: str = _FORMAT, out: str = _OUT, db: Optional[str] = _DB, today: Optional[str] = _TODAY) -> None:
    """List the units with their open, overdue, due-soon and done task counts."""
    from .register import query
    from .register.status import parse_day

    try:
        typer.echo(query.render_units(query.units(db, out, parse_day(today)), fmt))
    except PipelineError as e:
        _fail(str(e))


@app.command()
def docs(fmt: str = _FORMAT, out: str = _OUT, db: Optional[str] = _DB, today: Optional[str] = _TODAY) -> None:
    """List the register's documents with their task counts."""
    from .register import query
    from .register.status import parse_day

    try:
        typer.echo(query.render_docs(query.docs(db, out, parse_day(today)), fmt))
    except PipelineError as e:
        _fail(str(e))


@app.command()
def done(
    task_id: str = typer.Argument(..., help="A task id, as shown by `congvan tasks`"),
    on: Optional[str] = typer.Option(None, "--date", help="Date it was done, YYYY-MM-DD (default today)"),
    note: Optional[str] = typer.Option(None, "--note", "-n", help="A note, e.g. the reply's number"),
    undo: bool = typer.Option(False, "--undo", help="Clear the done mark instead"),
    out: str = _OUT, db: Optional[str] = _DB, today: Optional[str] = _TODAY,
) -> None:
    """Mark a task done (kept across later runs), then refresh the outputs in --out."""
    from .register import query
    from .register.status import parse_day

    try:
        typer.echo(query.mark_done(db, out, task_id, parse_day(on), note, undo=undo, today=parse_day(today)))
    except PipelineError as e:
        _fail(str(e))


@app.command()
def graph(
    number: Optional[str] = typer.Argument(None, help="A document's number: only its chain up to the top and down"),
    as_json: bool = typer.Option(False, "--json", help="Print {nodes, edges} as JSON"),
    out: str = _OUT, db: Optional[str] = _DB,
) -> None:
    """Show the citation graph (whole, or one document's chain); also writes OUT/graph*.graphml."""
    from .cascade.graph import graph_command

    try:
        typer.echo(graph_command(out, number, as_json, db))
    except PipelineError as e:
        _fail(str(e))


@app.command()
def cascade(
    as_json: bool = typer.Option(False, "--json", help="Print the pairs as JSON"),
    threshold: Optional[float] = typer.Option(None, "--threshold", help="Task similarity threshold, 0-1 (default: rules/cascade.yaml)"),
    out: str = _OUT, db: Optional[str] = _DB,
) -> None:
    """Check that each upstream task is restated, in time, by the documents that implement it."""
    from .cascade.cascade import cascade_command

    try:
        typer.echo(cascade_command(out, as_json, db, threshold))
    except PipelineError as e:
        _fail(str(e))


_CONFIG = typer.Option(None, "--config", "-c", help="congvan.toml (default ./congvan.toml, or $CONGVAN_CONFIG)")
_OPS_OUT = typer.Option(None, "--out", "-o", help="Output directory (default: `out` in congvan.toml, else outputs)")
_JOBS = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: `jobs` in congvan.toml, else 1)")


@app.command()
def nightly(
    config: Optional[str] = _CONFIG,
    inbox: Optional[str] = typer.Option(None, "--inbox", help="Folder of incoming dispatches (only read, never changed)"),
    out: Optional[str] = _OPS_OUT, db: Optional[str] = _DB, today: Optional[str] = _TODAY, jobs: Optional[int] = _JOBS,
    batch_size: Optional[int] = typer.Option(None, "--batch-size", min=1, help="Files per register commit"),
    full: bool = typer.Option(False, "--full", help="Reprocess every file, even unchanged ones"),
) -> None:
    """Process the inbox once, for cron or a systemd timer: locked, incremental, recorded in OUT/runs/."""
    from .ops.nightly import nightly as run_nightly

    raise typer.Exit(run_nightly(config, {"inbox": inbox, "out": out, "database": db, "today": today, "jobs": jobs,
                                          "nightly.batch_size": batch_size, "nightly.full": full or None}))


@app.command()
def watch(
    inbox: Optional[str] = typer.Argument(None, help="The folder to watch (default: `inbox` in congvan.toml)"),
    config: Optional[str] = _CONFIG,
    out: Optional[str] = _OPS_OUT, db: Optional[str] = _DB, today: Optional[str] = _TODAY, jobs: Optional[int] = _JOBS,
    settle: Optional[float] = typer.Option(None, "--settle", min=0, help="Seconds a file must stay unchanged before it is taken"),
) -> None:
    """Watch a folder: take each file once fully written, record it, move it to processed/ or failed/."""
    from .ops.watch import watch as run_watch

    raise typer.Exit(run_watch(config, {"inbox": inbox, "out": out, "database": db, "today": today, "jobs": jobs,
                                        "watch.settle_seconds": settle}))


def main(argv: Optional[list[str]] = None) -> None:
    app(args=argv, prog_name="congvan")


if __name__ == "__main__":
    main(sys.argv[1:])
