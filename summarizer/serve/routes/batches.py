"""Batches: articles summarised in the background, their status and their results as
JSON lines."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, model_validator

from summarizer.core import ArticleRequest
from summarizer.serve.deps import JobsDep, SummarizerDep, json_body
from summarizer.serve.errors import ApiError, error_responses
from summarizer.serve.jobs import JobStatus, JobStore


class BatchRequest(BaseModel):
    articles: list[ArticleRequest] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> BatchRequest:
        """Each given id names one article: a second would be a second line with that id."""
        seen: dict[str, int] = {}
        for at, article in enumerate(self.articles):
            if article.id is not None and seen.setdefault(article.id, at) != at:
                raise ValueError(
                    f"id {article.id!r} is used by articles {seen[article.id]} and {at}"
                )
        return self


def router(max_body_size: int) -> APIRouter:
    """The routes, a batch's body read up to `max_body_size` bytes."""
    routes = APIRouter()
    routes.add_api_route(
        "/v1/batches",
        create_batch,
        methods=["POST"],
        status_code=202,
        dependencies=[Depends(json_body)],
        responses=error_responses(401, 413, 415, 422, 503),
        max_body_size=max_body_size,
    )
    routes.add_api_route(
        "/v1/batches/{job_id}", batch_status, responses=error_responses(401, 404, 422)
    )
    routes.add_api_route(
        "/v1/batches/{job_id}/results",
        batch_results,
        responses={**error_responses(401, 404), 200: {"content": {"application/x-ndjson": {}}}},
        response_class=StreamingResponse,
    )
    return routes


def create_batch(body: BatchRequest, summarizer: SummarizerDep, jobs: JobsDep) -> JobStatus:
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


def batch_status(job_id: str, jobs: JobsDep) -> JobStatus:
    return _job(jobs, job_id)


def batch_results(job_id: str, jobs: JobsDep) -> StreamingResponse:
    _job(jobs, job_id)
    return StreamingResponse(_lines(jobs.results_path(job_id)), media_type="application/x-ndjson")


def _job(jobs: JobStore, job_id: str) -> JobStatus:
    status = jobs.status(job_id)
    if status is None:
        raise ApiError(404, "not_found", f"no batch {job_id!r}")
    return status


def _lines(path: Path) -> Iterator[bytes]:
    """The results file as it stands; none yet while a job is queued."""
    if path.exists():
        with path.open("rb") as handle:
            yield from handle
