"""What routes are given: the service and its parts, the article of a summary request,
and the bearer-key check. Routes name these by their aliases (`SummarizerDep`, ...).

The dependencies that neither block nor wait are `async`: FastAPI runs a plain `def`
dependency in its thread pool, a hop per dependency per request."""

from __future__ import annotations

import json
import secrets
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError

from summarizer import pages
from summarizer.core import ArticleRequest
from summarizer.extract import RecordCache, Summarizer
from summarizer.serve.errors import ApiError
from summarizer.serve.jobs import JobStore
from summarizer.serve.service import Service


async def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


async def get_summarizer(service: ServiceDep) -> Summarizer:
    return service.summarizer


async def get_cache(service: ServiceDep) -> RecordCache:
    return service.cache


async def get_jobs(service: ServiceDep) -> JobStore:
    return service.jobs


SummarizerDep = Annotated[Summarizer, Depends(get_summarizer)]
CacheDep = Annotated[RecordCache, Depends(get_cache)]
JobsDep = Annotated[JobStore, Depends(get_jobs)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(HTTPBearer(auto_error=False))]


async def require_key(service: ServiceDep, credentials: Credentials) -> None:
    """401 unless the request bears the configured key; with none configured, nothing."""
    expected = service.settings.api_key
    if expected is None:
        return
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), expected.get_secret_value().encode()):
        raise ApiError(401, "unauthorized", "missing or wrong bearer token")


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


ArticleBody = Annotated[ArticleRequest, Depends(article_body)]

# The OpenAPI entry of what `article_body` reads: read by hand, the body is not in the
# route's signature for FastAPI to document.
ARTICLE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": ArticleRequest.model_json_schema()},
            "text/html": {"schema": {"type": "string", "minLength": 1}},
        },
    }
}
