"""`summarizer cache stats | clear`: the record cache, inspected or emptied."""

from __future__ import annotations

import typer

from summarizer.cli.common import clear_errors, emit, load_settings

app = typer.Typer(no_args_is_help=True, help="Inspect or empty the record cache.")


@app.command("stats")
def stats() -> None:
    """Entries and size of the cache."""
    from summarizer.extract import RecordCache

    with clear_errors():
        found = RecordCache(load_settings().cache_dir).stats()
        emit(
            {
                "directory": str(found.directory),
                "entries": found.entries,
                "size_bytes": found.size_bytes,
            }
        )


@app.command("clear")
def clear() -> None:
    """Remove every cached record."""
    from summarizer.extract import RecordCache

    with clear_errors():
        removed = RecordCache(load_settings().cache_dir).clear()
        typer.echo(f"removed {removed} cached record(s)", err=True)
