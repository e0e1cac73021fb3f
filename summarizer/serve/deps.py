"""What routes are given: the service and its parts, the article of a summary request,
and the bearer-key check. Routes name these by their aliases (`SummarizerDep`, ...).

The dependencies that neither block nor wait are `async`: FastAPI runs a plain `def`
dependency in its thread pool, a hop per dependency per request."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from summarizer import pages
from summarizer.core import ArticleRequest
from summarizer.extract import RecordCache, Summarizer, request_from_body
from summarizer.serve import context
from summarizer.serve.errors import ApiError
from summarizer.serve.jobs import JobStore
from summarizer.serve.keys import match
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
    """401 unless the request bears one of the configured keys, whose name it then goes by
    in logs, metrics and limits; with none configured, nothing."""
    if not service.keys:
        return
    name = match(service.keys, credentials.credentials if credentials else "")
    if name is None:
        raise ApiError(401, "unauthorized", "missing or wrong bearer token")
    context.current.get().key = name


def _media_type(request: Request, accepted: str, *also: str) -> str:
    """The body's media type: JSON (also when the type is not given) or one of `also`;
    any other is refused with a 415 saying what to send (`accepted`), before a byte is
    read."""
    media = pages.media_type(request.headers.get("content-type"))
    if media not in ("", "application/json", *also) and not media.endswith("+json"):
        message = f"the body's Content-Type is {media}: send {accepted}"
        raise ApiError(415, "unsupported_media_type", message)
    return media


async def article_body(request: Request) -> ArticleRequest:
    """The article in a summary request: JSON, or a page sent as `text/html`."""
    accepted = "an article as application/json or a web page as text/html"
    media = _media_type(request, accepted, "text/html")
    return request_from_body(await request.body(), as_html=media == "text/html")


async def json_body(request: Request) -> None:
    """Refuses a body that is not JSON (a batch's)."""
    _media_type(request, "the articles as application/json")


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
