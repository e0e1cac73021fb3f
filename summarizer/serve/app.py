"""The app: one service, the routers, the error handlers, a body limit that answers before
reading, and a lifespan that resumes the batch jobs a stopped server left unfinished."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import Depends, FastAPI
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from summarizer.core import SummarizerError
from summarizer.extract import Summarizer
from summarizer.serve.deps import require_key
from summarizer.serve.docs import add_docs
from summarizer.serve.errors import add_error_handlers, too_large
from summarizer.serve.observe import AccessLog, add_metrics
from summarizer.serve.routes import batches, health, summaries
from summarizer.serve.service import Service
from summarizer.settings import Settings

# uvicorn's own logger: its lines reach the console uvicorn sets up.
log = logging.getLogger("uvicorn.error")


def create_app(
    settings: Settings | None = None, *, summarizer: Summarizer | None = None
) -> FastAPI:
    """The API on `settings` (the environment's by default). A given `summarizer` stands
    in for the configured one (tests pass one on a fake provider): the routes and the
    resumed jobs both run on it."""
    service = Service(settings or Settings(), summarizer)
    # The docs pages are add_docs' own, on files served here rather than from a CDN.
    app = FastAPI(title="summarizer", version="1", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.service = service
    # A body whose Content-Length is over its route's limit gets 413 before a byte is read;
    # one without a length is cut off as soon as it passes it (the routes' max_body_size).
    app.add_middleware(DeclaredLengthLimit, settings=service.settings)
    # Added last, so outermost: the request id is set before any answer, a 413 included.
    app.add_middleware(AccessLog)
    add_error_handlers(app)
    # Only a configured key puts bearer auth on the routes, and so in the OpenAPI schema.
    auth = [Depends(require_key)] if service.keys else []
    limits = body_limits(service.settings)
    app.include_router(summaries.router(max_body_size=limits["/v1/summaries"]), dependencies=auth)
    app.include_router(batches.router(max_body_size=limits["/v1/batches"]), dependencies=auth)
    app.include_router(health.router())
    add_metrics(app, auth)
    add_docs(app)
    return app


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    service: Service = app.state.service
    announce(service)
    service.jobs.directory.mkdir(parents=True, exist_ok=True)
    # Results it cannot read (an InputError) leave resuming to the next start; the server
    # still starts.
    with suppress(SummarizerError):
        service.jobs.resume_unfinished(service.summarizer)
    yield
    service.jobs.shutdown()


def announce(service: Service) -> None:
    """A line at start-up: what answers cache misses and whether it can. A provider that
    cannot leaves the server up: cache hits need none, misses get a 503 saying why."""
    provider = service.summarizer.provider
    about = (
        f"summarizer: provider {provider.name}, model {provider.model}, "
        f"cache {service.settings.cache_dir}"
    )
    try:
        service.check_provider()
    except SummarizerError as exc:
        log.warning("%s: not usable: %s (cache hits are still served)", about, exc)
    else:
        log.info("%s: ready", about)


def body_limits(settings: Settings) -> dict[str, int]:
    """Bytes each route reads at most. A summary's text of `max_chars` characters takes at
    most 6 bytes a character in JSON (\\uXXXX), plus 64 KiB for the other fields."""
    summary = min(settings.max_body_bytes, 6 * settings.max_chars + 65_536)
    return {"/v1/summaries": summary, "/v1/batches": settings.max_body_bytes}


class DeclaredLengthLimit:
    """413 with our JSON error body for a request whose Content-Length is over its route's
    limit, sent before the body is read (FastAPI's own check would answer in plain text)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limits = body_limits(settings)
        self.default = settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            limit = self.limits.get(scope["path"], self.default)
            declared = Headers(scope=scope).get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                await too_large(limit)(scope, receive, send)
                return
        await self.app(scope, receive, send)
