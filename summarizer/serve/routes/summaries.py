"""Summaries: an article summarised (or answered from the cache), and the cached record
of an article id, as JSON or as a page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from summarizer import pages
from summarizer.core import SummaryRecord
from summarizer.extract import RecordCache, build_article
from summarizer.serve.deps import ARTICLE_BODY, ArticleBody, CacheDep, ServiceDep, SummarizerDep
from summarizer.serve.errors import ApiError, error_responses


def router(max_body_size: int) -> APIRouter:
    """The routes, a summary's body read up to `max_body_size` bytes."""
    routes = APIRouter()
    routes.add_api_route(
        "/v1/summaries",
        summarize,
        methods=["POST"],
        response_model=SummaryRecord,
        responses=error_responses(401, 413, 415, 422, 429, 502, 503, 504),
        max_body_size=max_body_size,
        openapi_extra=ARTICLE_BODY,
    )
    routes.add_api_route(
        "/v1/summaries/{article_id}",
        cached_summary,
        response_model=SummaryRecord,
        responses=error_responses(401, 404, 422),
    )
    routes.add_api_route(
        "/v1/summaries/{article_id}/view",
        cached_summary_view,
        response_class=HTMLResponse,
        responses=error_responses(401, 404, 422),
    )
    return routes


async def summarize(
    body: ArticleBody,
    service: ServiceDep,
    summarizer: SummarizerDep,
    cache: Annotated[bool, Query(description="false: neither read nor write the cache")] = True,
) -> Response:
    if body.needs_reading:  # reading a page blocks: not on the loop
        body = await run_in_threadpool(pages.read, body, service.fetch)
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


def cached_summary(article_id: str, cache: CacheDep) -> Response:
    return Response(cached_record(cache, article_id), media_type="application/json")


def cached_summary_view(article_id: str, cache: CacheDep) -> HTMLResponse:
    """The cached record as a page, its quotes highlighted in the article text."""
    from summarizer.view import render_record  # the page stack, only for pages

    record = SummaryRecord.model_validate_json(cached_record(cache, article_id))
    return HTMLResponse(render_record(record, cache.text_by_id(article_id)))


def cached_record(cache: RecordCache, article_id: str) -> str:
    record = cache.by_id(article_id)
    if record is None:
        raise ApiError(404, "not_found", f"no cached record for article {article_id!r}")
    return record
