"""`summarizer export`: a batch's results as tables (CSV, Parquet or one DuckDB file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli.common import clear_errors

Results = Annotated[Path, typer.Argument(help="A batch's results (.jsonl, or a shard directory)")]
Out = Annotated[Path, typer.Option("-o", "--out", help="The directory for the tables")]
# A plain string, checked by the export itself, so a wrong one is one line like any other.
Format = Annotated[
    str, typer.Option("--format", help="csv, parquet or duckdb (one corpus.duckdb file)")
]
Force = Annotated[
    bool, typer.Option("--force", help="Write over the tables of a directory that has files")
]


def export(results: Results, out: Out, format: Format = "parquet", force: Force = False) -> None:
    """Write a results file as tables: articles, actors, locations, events, threats,
    evidence and errors, one row per item keyed by article id and item index."""
    from summarizer.corpus import export_results

    with clear_errors():
        rows = export_results(results, out, format, force=force)
    counts = ", ".join(f"{n} {table}" for table, n in rows.items())
    typer.echo(f"wrote {out} ({format}): {counts}")
