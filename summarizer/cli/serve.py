"""`summarizer serve`: the HTTP API under uvicorn."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from summarizer.cli.common import clear_errors, load_settings

Host = Annotated[str, typer.Option(help="Interface to listen on")]
Port = Annotated[int, typer.Option(help="Port to listen on")]
LogLevel = Annotated[
    str, typer.Option(help="uvicorn's log level; below info, no JSON line per request")
]


def serve(host: Host = "127.0.0.1", port: Port = 8000, log_level: LogLevel = "info") -> None:
    """Run the HTTP API (OpenAPI docs at /docs)."""
    import uvicorn  # the server stack is start-up time the other commands never need

    from summarizer.serve import create_app

    with clear_errors():
        app = create_app(load_settings())
        # The app's JSON access lines take the place of uvicorn's own.
        config = log_config(log_level)
        uvicorn.run(
            app, host=host, port=port, log_level=log_level, log_config=config, access_log=False
        )


def log_config(level: str) -> dict[str, Any]:
    """uvicorn's logging set-up, plus the app's access log: a JSON line per request on
    stderr, at uvicorn's level (uvicorn sets the levels of its own loggers only)."""
    import copy

    from uvicorn.config import LOG_LEVELS, LOGGING_CONFIG

    from summarizer.serve.observe import JsonFormatter

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["json"] = {"()": JsonFormatter}
    config["handlers"]["json"] = {
        "formatter": "json",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["summarizer.access"] = {
        "handlers": ["json"],
        "level": LOG_LEVELS[level],
        "propagate": False,
    }
    return config
