"""HTTP API. Routes stay thin: the summarizer, the job store and the key check are
dependencies (tests give `create_app` their summarizer), and every error is
`{"error": {"type", "message"}}` with the status its cause deserves, never a 500 for bad
input."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager, contextmanager, suppress
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY
from starlette.types import ASGIApp, Receive, Scope, Send

from summarizer import pages
from summarizer.core import (
    ArticleRequest,
    ConfigError,
    InputError,
    InputTooLarge,
    ProviderTimeout,
    SummarizerError,
    SummaryRecord,
)
from summarizer.extract import RecordCache, Summarizer, build_article
from summarizer.providers import LazyProvider
from summarizer.serve.jobs import JobStatus, JobStore
from summarizer.settings import Settings


class ErrorDetail(BaseModel):
    type: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorDetail


class BatchRequest(BaseModel):
    articles: list[ArticleRequest] = Field(min_length=1)


class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.kind, self.retry_after = status, kind, retry_after


def _status_of(exc: SummarizerError) -> int:
    if isinstance(exc, InputTooLarge):
        return 413
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, ConfigError):
        return 503
    return 504 if isinstance(exc, ProviderTimeout) else 502


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    # Errors are JSON on every route, a page route's too.
    json_body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    return {code: {"model": ErrorBody, "content": json_body} for code in codes}


class Service:
    """What the routes share: settings, the summarizer, its cache, jobs, a limiter."""

    def __init__(self, settings: Settings, summarizer: Summarizer | None = None) -> None:
        self.settings = settings
        # The configured pipeline builds its provider on the first cache miss: hits are
        # served even before a model is loaded.
        self.summarizer = summarizer or Summarizer.from_settings(settings)
        # The records by article id are the ones the summarizer stores.
        cache = self.summarizer.cache
        self.cache = cache if cache is not None else RecordCache(settings.cache_dir)
        self.jobs = JobStore(settings.cache_dir / "jobs", settings.batch_concurrency)
        self.slots = threading.BoundedSemaphore(settings.max_inflight)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """One of a bounded number of model calls in flight; beyond that, 503 at once."""
        if not self.slots.acquire(blocking=False):
            raise ApiError(503, "busy", "at the concurrency limit; retry shortly", retry_after=1)
        try:
            yield
        finally:
            self.slots.release()


# The dependencies that neither block nor wait are `async`: FastAPI runs a plain `def`
# dependency in its thread pool, a hop per dependency per request.


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


async def get_summarizer(service: Annotated[Service, Depends(get_service)]) -> Summarizer:
    return service.summarizer


async def get_cache(service: Annotated[Service, Depends(get_service)]) -> RecordCache:
    return service.cache


async def get_jobs(service: Annotated[Service, Depends(get_service)]) -> JobStore:
    return service.jobs


async def require_key(
    service: Annotated[Service, Depends(get_service)],
    credentials: Annotated[
        HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))
    ],
) -> None:
    expected = service.settings.api_key
    if expected is None:
        return
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise ApiError(401, "unauthorized", "missing or wrong bearer token")


def create_app(
    settings: Settings | None = None, *, summarizer: Summarizer | None = None
) -> FastAPI:
    """The API on `settings` (the environment's by default). A given `summarizer` stands
    in for the configured one (tests pass one on a fake provider): the routes and the
    resumed jobs both run on it."""
    service = Service(settings or Settings(), summarizer)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        service.jobs.directory.mkdir(parents=True, exist_ok=True)
        # Results it cannot read (an InputError) leave resuming to the next start; the
        # server still starts.
        with suppress(SummarizerError):
            service.jobs.resume_unfinished(service.summarizer)
        yield
        service.jobs.shutdown()

    app = FastAPI(title="summarizer", version="1", lifespan=lifespan)
    # A body whose Content-Length is over its route's limit gets 413 before a byte is read;
    # one without a length is cut off as soon as it passes it (the routes' max_body_size).
    app.add_middleware(DeclaredLengthLimit, settings=service.settings)
    app.state.service = service
    _add_error_handlers(app)
    # Only a configured key puts bearer auth on the routes, and so in the OpenAPI schema.
    _add_routes(app, service.settings, [Depends(require_key)] if service.settings.api_key else [])
    return app


def _error(
    status: int, kind: str, message: str, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(type=kind, message=message))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        retry = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        return _error(exc.status, exc.kind, str(exc), retry)

    @app.exception_handler(SummarizerError)
    async def summarizer_error(_: Request, exc: SummarizerError) -> JSONResponse:
        return _error(_status_of(exc), exc.kind, exc.public_message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        if first.get("type") == "json_invalid":
            return _error(422, "invalid_input", "request body is not valid JSON")
        where = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
        return _error(422, "invalid_input", f"{where}: {first.get('msg', 'invalid')}")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's word for a body it cannot decode at all
            return _error(422, "invalid_input", f"request body is malformed: {exc.detail}")
        if exc.status_code == 413:
            limit = request.scope.get(MAX_BODY_SIZE_SCOPE_KEY)
            return _error(413, "input_too_large", f"request body over the limit of {limit} bytes")
        return _error(exc.status_code, "http_error", str(exc.detail), exc.headers)


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
                message = f"request body over the limit of {limit} bytes"
                await _error(413, "input_too_large", message)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def body_limits(settings: Settings) -> dict[str, int]:
    """Bytes each route reads at most. A summary's text of `max_chars` characters takes at
    most 6 bytes a character in JSON (\\uXXXX), plus 64 KiB for the other fields."""
    summary = min(settings.max_body_bytes, 6 * settings.max_chars + 65_536)
    return {"/v1/summaries": summary, "/v1/batches": settings.max_body_bytes}


# The summary body: an article as JSON, or a web page as `text/html`.
ARTICLE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ArticleRequest.model_json_schema()},
            "text/html": {"schema": {"type": "string", "minLength": 1}},
        },
    }
}


async def article_body(request: Request) -> ArticleRequest:
    """The article in a summary request: JSON, or a page sent as `text/html`."""
    raw = await request.body()
    media = pages.media_type(request.headers.get("content-type"))
    try:
        if media == "text/html":
            return ArticleRequest(html=raw.decode("utf-8", errors="replace"))
        # json, not pydantic's parser: that refuses a lone surrogate as "not JSON", where
        # the input stage names it precisely.
        return ArticleRequest.model_validate(json.loads(raw))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise RequestValidationError([{"type": "json_invalid", "loc": ("body",)}]) from None
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        ) from None


def cached_record(cache: RecordCache, article_id: str) -> str:
    record = cache.by_id(article_id)
    if record is None:
        raise ApiError(404, "not_found", f"no cached record for article {article_id!r}")
    return record


def read_page(request: ArticleRequest, settings: Settings) -> ArticleRequest:
    """A page's text for the request; a URL is fetched only where the server allows it."""
    return pages.read(request, pages.Limits.of(settings) if settings.api_fetch else None)


def _add_routes(app: FastAPI, settings: Settings, auth: list[Any]) -> None:
    @app.post(
        "/v1/summaries",
        dependencies=auth,
        response_model=SummaryRecord,
        responses=errors(401, 413, 422, 502, 503, 504),
        max_body_size=body_limits(settings)["/v1/summaries"],
        openapi_extra=ARTICLE_BODY,
    )
    async def summarize(
        body: Annotated[ArticleRequest, Depends(article_body)],
        service: Annotated[Service, Depends(get_service)],
        summarizer: Annotated[Summarizer, Depends(get_summarizer)],
        cache: Annotated[bool, Query(description="false: neither read nor write the cache")] = True,
    ) -> Response:
        if body.needs_reading:  # reading a page blocks: not on the loop
            body = await run_in_threadpool(read_page, body, summarizer.settings)
        article = build_article(body, summarizer.settings.max_chars)
        # A cache hit is a local read, answered here as the stored JSON, even at the
        # concurrency limit; only a miss, which waits on the model, takes a slot and a
        # worker thread.
        hit = summarizer.lookup_json(article) if cache else None
        if hit is not None:
            return Response(hit, media_type="application/json")
        with service.slot():
            record = await run_in_threadpool(summarizer.extract, article, cache)
        # Serialised once, here: returned as a model, FastAPI would dump, re-validate and
        # dump it again.
        return Response(record.model_dump_json(), media_type="application/json")

    @app.get(
        "/v1/summaries/{article_id}",
        dependencies=auth,
        response_model=SummaryRecord,
        responses=errors(401, 404, 422),
    )
    def cached_summary(
        article_id: str, cache: Annotated[RecordCache, Depends(get_cache)]
    ) -> Response:
        return Response(cached_record(cache, article_id), media_type="application/json")

    @app.get(
        "/v1/summaries/{article_id}/view",
        dependencies=auth,
        response_class=HTMLResponse,
        responses=errors(401, 404, 422),
    )
    def cached_summary_view(
        article_id: str, cache: Annotated[RecordCache, Depends(get_cache)]
    ) -> HTMLResponse:
        """The cached record as a page, its quotes highlighted in the article text."""
        from summarizer.view import render_record  # the page stack, only for pages

        record = SummaryRecord.model_validate_json(cached_record(cache, article_id))
        return HTMLResponse(render_record(record, cache.text_by_id(article_id)))

    @app.post(
        "/v1/batches",
        status_code=202,
        dependencies=auth,
        responses=errors(401, 413, 422, 503),
        max_body_size=body_limits(settings)["/v1/batches"],
    )
    def create_batch(
        body: BatchRequest,
        summarizer: Annotated[Summarizer, Depends(get_summarizer)],
        jobs: Annotated[JobStore, Depends(get_jobs)],
    ) -> JobStatus:
        limit = summarizer.settings.max_batch
        if len(body.articles) > limit:
            raise ApiError(
                413,
                "input_too_large",
                f"{len(body.articles)} articles, over the limit of {limit} per batch",
            )
        job_id = jobs.create(body.articles)
        jobs.submit(job_id, summarizer)
        return _job(jobs, job_id)

    @app.get("/v1/batches/{job_id}", dependencies=auth, responses=errors(401, 404, 422))
    def batch_status(job_id: str, jobs: Annotated[JobStore, Depends(get_jobs)]) -> JobStatus:
        return _job(jobs, job_id)

    @app.get(
        "/v1/batches/{job_id}/results",
        dependencies=auth,
        responses={**errors(401, 404), 200: {"content": {"application/x-ndjson": {}}}},
        response_class=StreamingResponse,
    )
    def batch_results(
        job_id: str, jobs: Annotated[JobStore, Depends(get_jobs)]
    ) -> StreamingResponse:
        _job(jobs, job_id)
        return StreamingResponse(
            _lines(jobs.results_path(job_id)), media_type="application/x-ndjson"
        )

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", responses=errors(503))
    def readyz(summarizer: Annotated[Summarizer, Depends(get_summarizer)]) -> dict[str, str]:
        provider = summarizer.provider
        if isinstance(provider, LazyProvider):
            provider.get()  # a ConfigError here is a 503 saying what is missing
        return {"status": "ready", "provider": provider.name, "model": provider.model}


def _lines(path: Path) -> Iterator[bytes]:
    if path.exists():
        with path.open("rb") as handle:
            yield from handle


def _job(jobs: JobStore, job_id: str) -> JobStatus:
    status = jobs.status(job_id)
    if status is None:
        raise ApiError(404, "not_found", f"no batch {job_id!r}")
    return status
