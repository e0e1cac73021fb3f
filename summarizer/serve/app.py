"""The app: one service, the routers, the error handlers, a body limit that answers before
reading, and a lifespan that resumes the batch jobs a stopped server left unfinished."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import Depends, FastAPI

from summarizer.core import SummarizerError
from summarizer.extract import Summarizer
from summarizer.serve.deps import require_key
from summarizer.serve.docs import add_docs
from summarizer.serve.errors import add_error_handlers
from summarizer.serve.limits import BodyLimit, body_limits
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
    # Either way the rest of the body is drained before the connection closes (limits.py).
    app.add_middleware(BodyLimit, settings=service.settings)
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
