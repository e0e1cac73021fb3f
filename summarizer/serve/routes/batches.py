"""Batches: articles summarised in the background, their status, and their results as
JSON lines, as tables (a zip of CSV or Parquet files) or as a corpus (canonical actors
and the threat ledger)."""

from __future__ import annotations

import logging
import shutil
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field, model_validator
from starlette.background import BackgroundTask

from summarizer.core import ArticleRequest, Corpus, SummarizerError, SummaryRecord
from summarizer.io import iter_results
from summarizer.serve.deps import JobsDep, SummarizerDep, json_body
from summarizer.serve.errors import ApiError, error_responses
from summarizer.serve.jobs import JobStatus, JobStore

# uvicorn's own logger: its lines reach the console uvicorn sets up.
log = logging.getLogger("uvicorn.error")

# The formats of `summarizer export` that are a file per table, and so a zip.
TableFormat = Literal["csv", "parquet"]
ExportAs = Annotated[
    TableFormat,
    Query(alias="format", description="csv or parquet: a zip of one such file per table"),
]
Partial = Annotated[
    bool,
    Query(
        description="true: a job not done (queued, running or failed) is exported as far as "
        "it got, its articles done so far (409 `job_not_done` while there are none); false: "
        "such a job is 409 `job_not_done`"
    ),
]


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
    routes.add_api_route(
        "/v1/batches/{job_id}/export",
        batch_export,
        responses={
            **error_responses(401, 404, 409, 422, 500),
            200: {
                "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
                "description": "A zip of the tables (`summarizer export`), one file per table",
            },
        },
        response_class=FileResponse,
    )
    routes.add_api_route(
        "/v1/batches/{job_id}/ledger",
        batch_ledger,
        responses={
            **error_responses(401, 404, 409, 422, 500),
            200: {"description": "The corpus, as `summarizer corpus` writes it"},
        },
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


def batch_export(
    job_id: str, jobs: JobsDep, fmt: ExportAs = "parquet", partial: Partial = False
) -> FileResponse:
    """The job's results as the tables `summarizer export` writes (articles, actors,
    locations, events, threats, evidence, errors): a zip, `<job id>-<format>.zip`, of one
    file per table. A job not done is 409 `job_not_done`, unless `partial=true` asks for
    the articles done so far."""
    results = _exportable(jobs, job_id, partial)
    # The tables and the zip are written in a directory of the request's own, removed
    # once the answer is sent, or at once if it fails before.
    work = Path(tempfile.mkdtemp(prefix="summarizer-export-"))
    try:
        archive = _zip_tables(results, work, fmt, f"{job_id}-{fmt}.zip")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return FileResponse(
        archive,
        media_type="application/zip",
        filename=archive.name,
        background=BackgroundTask(shutil.rmtree, work, ignore_errors=True),
    )


def batch_ledger(job_id: str, jobs: JobsDep, partial: Partial = False) -> Corpus:
    """The job's corpus as `summarizer corpus` writes it: the canonical actors and the
    threat ledger of its records (its error lines are passed over). A job not done is 409
    `job_not_done`, unless `partial=true` asks for the articles done so far."""
    # The corpus package (scipy, duckdb, ...) is imported by the first export or ledger,
    # not at the app's start: its model, the answer's, is core's.
    from summarizer.corpus import build_corpus

    results = _exportable(jobs, job_id, partial)
    with _failing_as(results, "the corpus could not be built"):
        records = (line for line in iter_results(results) if isinstance(line, SummaryRecord))
        return build_corpus(records)


def _exportable(jobs: JobStore, job_id: str, partial: bool) -> Path:
    """The results file of a job that may be exported (as tables or as a corpus). An
    export holds every one of the job's articles: a job not done is refused, unless the
    caller asks for the articles done so far and there are some."""
    job = _job(jobs, job_id)
    if job.status == "done" or (partial and job.done):
        return jobs.results_path(job_id)
    done = f"{job.done} of {job.total} articles done"
    if partial:
        message = f"batch {job.id!r} has no article done yet"
    elif job.status == "failed":
        message = f"batch {job.id!r} failed ({done}): partial=true exports the articles done"
    else:
        message = (
            f"batch {job.id!r} is {job.status} ({done}): export it once it is done, "
            "or with partial=true for the articles done so far"
        )
    raise ApiError(409, "job_not_done", message)


@contextmanager
def _failing_as(results: Path, message: str) -> Iterator[None]:
    """An export of `results` whose failure is a 500 `export_failed` saying `message`: the
    cause names server paths, so it goes to the log, not to the caller."""
    try:
        yield
    except SummarizerError as exc:
        log.error("export of %s failed: %s", results, exc)
        raise ApiError(500, "export_failed", message) from exc


def _zip_tables(results: Path, work: Path, fmt: TableFormat, name: str) -> Path:
    """The tables of `results` written in `work` as `fmt`, zipped into `work / name`."""
    from summarizer.corpus import export_results  # at the first export (see batch_ledger)

    tables = work / "tables"
    with _failing_as(results, "the tables could not be written"):
        export_results(results, tables, fmt)
    archive = work / name
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for table in sorted(tables.iterdir()):
            zipped.write(table, table.name)
    return archive


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
