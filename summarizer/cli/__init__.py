"""Command line: `summarizer summarize | batch | eval | view | serve | schema | providers |
cache`.

Each command imports the stages it uses when it runs: `--help` needs none of them, and a
cache hit needs neither the model nor an SDK, nor instructor.
"""

from __future__ import annotations

import typer

from summarizer.cli import batch, cache, eval, providers, schema, serve, summarize, view

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
app.command()(summarize.summarize)
app.command()(batch.batch)
app.command("eval")(eval.eval_command)
app.command()(view.view)
app.command()(serve.serve)
app.command()(schema.schema)
app.command()(providers.providers)
app.add_typer(cache.app, name="cache")

__all__ = ["app"]
