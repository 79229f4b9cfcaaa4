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
def run(
    inputs: List[str] = typer.Argument(..., help="Files and folders to process"),
    out: str = typer.Option("outputs", "--out", "-o", help="Output directory"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes"),
) -> None:
    """Process files and folders into the output directory and print a short summary."""
    from .batch import run_batch

    for item in inputs:
        if not Path(item).exists():
            typer.echo(f"congvan: {item}: file not found", err=True)
    try:
        summary = run_batch(inputs, out, jobs=jobs)
    except PipelineError as e:
        _fail(str(e))
    for error in summary.errors:
        typer.echo(f"error: {error}", err=True)
    typer.echo(f"{summary.files} files: {summary.ok} ok, {summary.failed} failed; "
               f"{summary.tasks} tasks; {summary.seconds:.1f} s -> {summary.out_dir}/")
    if summary.failed:
        raise typer.Exit(1)


def main(argv: Optional[list[str]] = None) -> None:
    app(args=argv, prog_name="congvan")


if __name__ == "__main__":
    main(sys.argv[1:])
