"""Command line: one module per command (summarize, batch, export, corpus, eval, view,
serve, schema, providers, cache) over `common`."""

from __future__ import annotations

from typing import Annotated

import typer

# Each command imports the stages it uses when it runs: `--help` needs none of them, and a
# cache hit needs neither the model nor an SDK, nor instructor.
from summarizer.cli import (
    batch,
    cache,
    corpus,
    eval,
    export,
    providers,
    schema,
    serve,
    summarize,
    view,
)

HELP = (
    "Turn news articles into structured, evidence-grounded JSON with an LLM: who, what, "
    "where and when, and the threats an article reports, each with its quotes.\n\n"
    "Start with `summarizer summarize ARTICLE`; `summarizer providers` shows which model it "
    "uses and what each provider needs."
)

app = typer.Typer(no_args_is_help=True, add_completion=False, help=HELP)


def show_version(value: bool) -> None:
    """`--version`: the installed package's version, from its metadata."""
    if not value:
        return
    from importlib.metadata import PackageNotFoundError, version

    try:
        typer.echo(f"summarizer {version('summarizer')}")
    except PackageNotFoundError:
        typer.echo("summarizer (not installed: no package metadata)")
    raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """The options before a command (`--version`)."""


app.command()(summarize.summarize)
app.command()(batch.batch)
app.command()(export.export)
app.command()(corpus.corpus)
app.command("eval")(eval.eval_command)
app.command()(view.view)
app.command()(serve.serve)
app.command()(schema.schema)
app.command()(providers.providers)
app.add_typer(cache.app, name="cache")

__all__ = ["app"]
