"""`summarizer corpus`: a batch's results as one corpus, canonical actors and the threat
ledger, written as JSON with a short summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from summarizer.cli.common import clear_errors

Results = Annotated[Path, typer.Argument(help="A batch's results (.jsonl, or a shard directory)")]
Aliases = Annotated[
    Path | None,
    typer.Option(help="A JSON file of names to join ('same') and to keep apart ('different')"),
]
Out = Annotated[
    Path | None,
    typer.Option("-o", "--out", help="Write the corpus JSON here \\[default: stdout]"),
]


def corpus(results: Results, aliases: Aliases = None, out: Out = None) -> None:
    """Cluster the actors of every record into canonical actors and enter their threats in
    a ledger, one entry per threat with every article that reports it.

    The JSON goes to --out, the summary to stdout; with no --out the JSON goes to stdout and
    the summary to stderr.
    """
    from rich.console import Console

    from summarizer import corpus as corpora

    with clear_errors():
        built = corpora.read_corpus(results, aliases)
        if out is not None:
            corpora.write_corpus(built, out)
    # The summary beside the JSON, never in it; as wide as its tables when not a terminal.
    stream = sys.stderr if out is None else sys.stdout
    corpora.render_summary(built, Console(file=stream, width=None if stream.isatty() else 120))
    if out is None:
        typer.echo(built.model_dump_json(indent=2))
