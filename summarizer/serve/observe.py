"""What operators see of the API: an id for every request (the client's X-Request-ID or a
new one), one JSON log line per request, and `GET /metrics` in Prometheus' format.

The request counters and latencies live in prometheus_client's default registry, with the
pipeline's own metrics; what depends on one app (its jobs, its calls in flight) is read
from it at each scrape, so a process may make many apps (the tests do) without two of
them registering one metric."""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections import Counter as Tally
from collections.abc import Iterator, Sequence
from typing import get_args

from fastapi import FastAPI, Request
from fastapi.params import Depends
from fastapi.responses import Response
from fastapi.routing import iter_route_contexts
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from starlette.datastructures import Headers, MutableHeaders
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from summarizer.serve import context
from summarizer.serve.deps import ServiceDep
from summarizer.serve.jobs import JobState
from summarizer.serve.service import Service

log = logging.getLogger("summarizer.access")

# The route label of a request no route matches: its raw path would make a series per path.
UNMATCHED = "unmatched"

REQUESTS = Counter(
    "summarizer_http_requests",
    "HTTP requests answered, by route template, method, status and key name",
    ["route", "method", "status", "key"],
)
LATENCY = Histogram(
    "summarizer_http_request_duration_seconds",
    "Time to answer a request, body included, by route template",
    ["route"],
    # A cache hit takes milliseconds, a model call up to SUMMARIZER_TIMEOUT (120 s).
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)


class AccessLog:
    """Gives each request its id (in the context, and as the X-Request-ID header of its
    answer), then counts, times and logs it. A plain ASGI middleware: Starlette's
    BaseHTTPMiddleware would run the app in another task, cutting the context off and
    buffering streamed answers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id")
        request = context.RequestContext(context.request_id_from(given))
        # Not reset afterwards: each request is a task of its own, and the error handler
        # of a crashed request, which runs outside this middleware, still reads the id.
        context.current.set(request)
        status = 500  # what the server sends if the app raises before answering

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-ID", request.id)
            await send(message)

        start = time.perf_counter()
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            record(scope, request, status, time.perf_counter() - start)


def record(scope: Scope, request: context.RequestContext, status: int, seconds: float) -> None:
    route, method = route_of(scope), scope["method"]
    REQUESTS.labels(route, method, str(status), request.key).inc()
    LATENCY.labels(route).observe(seconds)
    fields = {
        "request_id": request.id,
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 3),
        "key": request.key,
    }
    log.info("%s %s %d", method, route, status, extra={"fields": fields})


def route_of(scope: Scope) -> str:
    """The template of the route that answered (`/v1/batches/{job_id}`), never the raw
    path. A request answered before routing (a body over the limit) is matched here, over
    FastAPI's routes as they stand once included routers are walked into."""
    route = scope.get("route")
    if route is None:
        contexts = iter_route_contexts(scope["app"].routes)
        route = next((r for r in contexts if r.matches(scope)[0] is not Match.NONE), None)
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED


class JsonFormatter(logging.Formatter):
    """A record as one JSON object: time (UTC), level, logger, message, and the fields the
    record carries in `extra={"fields": {...}}`."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        return json.dumps(line, ensure_ascii=False)


class ServiceCollector:
    """One app's gauges, read at scrape time: cache misses in flight by key name, and its
    batch jobs by state (from their job files, so a restarted server counts the old)."""

    def __init__(self, service: Service) -> None:
        self.service = service

    def collect(self) -> Iterator[Metric]:
        inflight = GaugeMetricFamily(
            "summarizer_http_inflight_misses",
            "API cache misses (model calls) in flight, by key name",
            labels=["key"],
        )
        for name in self.service.keys or [context.ANONYMOUS]:
            inflight.add_metric([name], self.service.inflight[name])
        yield inflight
        jobs = GaugeMetricFamily("summarizer_jobs", "API batch jobs by state", labels=["state"])
        states = Tally(job.status for job in self.service.jobs.statuses())
        for state in get_args(JobState):
            jobs.add_metric([state], states[state])
        yield jobs


def add_metrics(app: FastAPI, dependencies: Sequence[Depends]) -> None:
    """`GET /metrics`, behind the API's keys when it has any (`dependencies`): a scraper
    gets a key of its own. It is no part of the API's schema."""
    app.add_api_route("/metrics", metrics, dependencies=dependencies, include_in_schema=False)


def metrics(request: Request, service: ServiceDep) -> Response:
    """The process's metrics and this app's, in the format the scraper asks for."""
    scrape = CollectorRegistry()
    scrape.register(REGISTRY)
    scrape.register(ServiceCollector(service))
    encoder, media_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encoder(scrape), headers={"Content-Type": media_type})
