"""The least a CLI command can cost with the project's libraries and no code of its own: a
typer command (whose parameter coercion imports pydantic) that reads a pydantic-settings
class. `cold_start` runs it beside a cache hit, so the hit's figure shows how much of it
is the package and how much the floor."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

app = typer.Typer()


@app.command()
def summarize(
    path: Annotated[str, typer.Argument()],
    published_at: Annotated[str | None, typer.Option()] = None,
    provider: Annotated[Literal["local", "openai", "replay"] | None, typer.Option()] = None,
) -> None:
    from pydantic_settings import BaseSettings

    class Floor(BaseSettings):
        provider: str | None = None

    Floor()


@app.command()
def version() -> None:
    """A second command, so that typer keeps `summarize` as a subcommand."""


if __name__ == "__main__":
    app()
