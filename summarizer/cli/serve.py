"""`summarizer serve`: the HTTP API under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from summarizer.cli.common import clear_errors, load_settings

Host = Annotated[str, typer.Option(help="Interface to listen on")]
Port = Annotated[int, typer.Option(help="Port to listen on")]
LogLevel = Annotated[str, typer.Option(help="uvicorn's log level; below info, no line per request")]


def serve(host: Host = "127.0.0.1", port: Port = 8000, log_level: LogLevel = "info") -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn  # the server stack is start-up time the other commands never need

    from summarizer.serve import create_app

    with clear_errors():
        uvicorn.run(create_app(load_settings()), host=host, port=port, log_level=log_level)
