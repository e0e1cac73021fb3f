"""API errors: every one is `{"error": {"type", "message"}, "request_id"}` with the status
its cause deserves, never a 500 for bad input. The detail is a results file's error detail,
so a failed article reads the same in a batch's results and in an answer; the request id
is the one in the response's X-Request-ID header and in the access log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from summarizer.core import (
    ConfigError,
    InputError,
    InputTooLarge,
    ProviderTimeout,
    SummarizerError,
    first_problem,
)
from summarizer.io import ErrorDetail
from summarizer.serve import context


class ErrorBody(BaseModel):
    error: ErrorDetail
    request_id: str = Field(description="The request's X-Request-ID, as the access log has it")


class ApiError(Exception):
    def __init__(
        self, status: int, kind: str, message: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status, self.kind, self.retry_after = status, kind, retry_after


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The error answers of a route, for its OpenAPI entry."""
    # Errors are JSON on every route, a page route's too.
    json_body = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    return {code: {"model": ErrorBody, "content": json_body} for code in codes}


def error(
    status: int, kind: str, message: str, *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    request_id = context.current.get().id
    body = ErrorBody(error=ErrorDetail(type=kind, message=message), request_id=request_id)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def too_large(limit: int | None) -> JSONResponse:
    return error(413, "input_too_large", f"request body over the limit of {limit} bytes")


def status_of(exc: SummarizerError) -> int:
    if isinstance(exc, InputTooLarge):
        return 413
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, ConfigError):
        return 503
    return 504 if isinstance(exc, ProviderTimeout) else 502


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        retry = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else None
        return error(exc.status, exc.kind, str(exc), headers=retry)

    @app.exception_handler(SummarizerError)
    async def summarizer_error(_: Request, exc: SummarizerError) -> JSONResponse:
        return error(status_of(exc), exc.kind, exc.public_message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0]
        if first.get("type") == "json_invalid":  # FastAPI's error has no JSON parser's words
            return error(422, "invalid_input", "the body is not valid JSON")
        return error(422, "invalid_input", first_problem(exc.errors(), "the body", skip=1))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's word for a body it cannot decode at all
            return error(422, "invalid_input", f"the body is malformed: {exc.detail}")
        if exc.status_code == 413:
            return too_large(request.scope.get(MAX_BODY_SIZE_SCOPE_KEY))
        return error(exc.status_code, "http_error", str(exc.detail), headers=exc.headers)

    @app.exception_handler(Exception)
    async def server_error(_: Request, exc: Exception) -> JSONResponse:
        """A bug's answer. It is sent from outside the access middleware, so it carries the
        request id header itself; the server still logs the traceback."""
        request_id = {"X-Request-ID": context.current.get().id}
        return error(500, "internal_error", "the server failed on this request", headers=request_id)
