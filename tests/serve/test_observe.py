"""What operators see: /metrics moving with the calls, an id on every answer and error
body, one JSON access line per request, and named keys in both, never the keys."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from summarizer.core import DraftRecord
from summarizer.serve.observe import JsonFormatter
from summarizer.settings import Settings
from tests.fakes import FakeProvider, GatedProvider
from tests.serve.test_api import TEXT, make_app, make_client

KEYS = {"alice": "alice-key-0a1b2c3d4e", "bob": "bob-key-5f6a7b8c9d"}
ALICE = {"Authorization": f"Bearer {KEYS['alice']}"}
BOB = {"Authorization": f"Bearer {KEYS['bob']}"}
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def keyed(settings: Settings, **changes: object) -> Settings:
    keys = {name: SecretStr(key) for name, key in KEYS.items()}
    return settings.model_copy(update={"api_keys": keys, **changes})


def scrape(client: TestClient) -> tuple[Samples, str]:
    response = client.get("/metrics", headers=ALICE)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    samples = {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }
    return samples, response.text


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


@pytest.fixture
def access(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Iterator[pytest.LogCaptureFixture]:
    """The capture, listening on the access logger itself: `summarizer serve` run earlier
    in the process may have stopped it propagating to the root."""
    logger = logging.getLogger("summarizer.access")
    caplog.set_level(logging.INFO, logger="summarizer.access")
    logger.addHandler(caplog.handler)
    monkeypatch.setattr(logger, "propagate", False)
    yield caplog
    logger.removeHandler(caplog.handler)


def test_metrics_count_requests_by_route_template_status_and_key(
    settings: Settings, fake: FakeProvider
) -> None:
    requests = "summarizer_http_requests_total"
    latency = "summarizer_http_request_duration_seconds_count"
    with make_client(keyed(settings), fake) as c:
        before, _ = scrape(c)
        assert c.post("/v1/summaries", json={"text": TEXT}, headers=ALICE).status_code == 200
        hit = c.post("/v1/summaries", json={"text": TEXT}, headers=BOB)
        assert hit.json()["provenance"]["cached"] is True
        assert c.get("/v1/summaries/raw-path-7", headers=ALICE).status_code == 404
        assert c.post("/v1/summaries", json={"text": ""}, headers=BOB).status_code == 422
        assert c.get("/v1/summaries/x", headers={"Authorization": "Bearer no"}).status_code == 401
        after, text = scrape(c)
    summaries = {"route": "/v1/summaries", "method": "POST"}
    assert moved(before, after, requests, **summaries, status="200", key="alice") == 1
    assert moved(before, after, requests, **summaries, status="200", key="bob") == 1
    assert moved(before, after, requests, **summaries, status="422", key="bob") == 1
    by_id = {"route": "/v1/summaries/{article_id}", "method": "GET"}
    assert moved(before, after, requests, **by_id, status="404", key="alice") == 1
    assert moved(before, after, requests, **by_id, status="401", key="anonymous") == 1
    assert moved(before, after, latency, route="/v1/summaries") == 3
    assert moved(before, after, latency, route="/v1/summaries/{article_id}") == 2
    assert value(after, "summarizer_http_inflight_misses", key="alice") == 0
    assert "raw-path-7" not in text  # the template, never the path
    assert not any(key in text for key in KEYS.values())


def test_jobs_are_counted_by_state_at_scrape_time(settings: Settings, fake: FakeProvider) -> None:
    from tests.serve.test_api import wait_for

    with make_client(settings, fake) as c:
        job = c.post("/v1/batches", json={"articles": [{"text": TEXT}]}).json()
        wait_for(c, job["id"])
        samples, _ = scrape(c)
    assert value(samples, "summarizer_jobs", state="done") == 1
    assert value(samples, "summarizer_jobs", state="queued") == 0
    assert value(samples, "summarizer_http_inflight_misses", key="anonymous") == 0


def test_metrics_need_a_key_when_the_api_has_keys(settings: Settings, fake: FakeProvider) -> None:
    with make_client(keyed(settings), fake) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers=BOB).status_code == 200
        assert "/metrics" not in c.get("/openapi.json").json()["paths"]


REQUEST_ID = re.compile(r"[0-9a-f]{32}")


def test_a_request_id_is_echoed_when_given_and_made_when_absent_or_unfit(
    settings: Settings, fake: FakeProvider
) -> None:
    with make_client(settings, fake) as c:
        given = c.get("/healthz", headers={"X-Request-ID": "trace-42.a:b"})
        assert given.headers["X-Request-ID"] == "trace-42.a:b"
        made = c.get("/healthz").headers["X-Request-ID"]
        assert REQUEST_ID.fullmatch(made) and made != c.get("/healthz").headers["X-Request-ID"]
        for unfit in ("x" * 129, "two words", "<script>"):
            kept = c.get("/healthz", headers={"X-Request-ID": unfit}).headers["X-Request-ID"]
            assert REQUEST_ID.fullmatch(kept)


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", "/v1/summaries", {"json": {"text": TEXT}}, 401),
        ("GET", "/v1/summaries/absent", {"headers": ALICE}, 404),
        ("GET", "/nowhere", {}, 404),
        ("DELETE", "/v1/summaries/absent", {"headers": ALICE}, 405),
        # Refused by the body limit from its Content-Length, before routing.
        (
            "POST",
            "/v1/batches",
            {"content": b"{}", "headers": {**ALICE, "Content-Length": str(10**10)}},
            413,
        ),
        (
            "POST",
            "/v1/summaries",
            {"content": b"news", "headers": {**ALICE, "Content-Type": "text/plain"}},
            415,
        ),
        ("POST", "/v1/summaries", {"json": {"text": " "}, "headers": ALICE}, 422),
    ],
)
def test_every_error_body_carries_the_request_id(
    settings: Settings,
    fake: FakeProvider,
    method: str,
    path: str,
    kwargs: dict[str, Any],
    status: int,
) -> None:
    headers = {**kwargs.get("headers", {}), "X-Request-ID": f"req-{status}"}
    with make_client(keyed(settings), fake) as c:
        response = c.request(method, path, **{**kwargs, "headers": headers})
    assert response.status_code == status, response.text
    assert response.json()["request_id"] == response.headers["X-Request-ID"] == f"req-{status}"


def test_the_error_body_schema_has_the_request_id(settings: Settings, fake: FakeProvider) -> None:
    with make_client(settings, fake) as c:
        schema = c.get("/openapi.json").json()["components"]["schemas"]["ErrorBody"]
    assert set(schema["required"]) == {"error", "request_id"}


def test_each_request_is_one_json_access_line_with_the_key_name_never_the_key(
    settings: Settings, fake: FakeProvider, access: pytest.LogCaptureFixture
) -> None:
    with make_client(keyed(settings), fake) as c:
        ok = c.post("/v1/summaries", json={"text": TEXT}, headers=BOB)
        c.get("/v1/batches/0123", headers={"Authorization": f"Bearer {KEYS['alice']}x"})
    written = [JsonFormatter().format(r) for r in access.records]
    lines = [json.loads(line) for line in written]
    assert len(lines) == 2
    first, refused = lines
    assert first["request_id"] == ok.headers["X-Request-ID"]
    assert {k: first[k] for k in ("method", "route", "status", "key", "logger")} == {
        "method": "POST",
        "route": "/v1/summaries",
        "status": 200,
        "key": "bob",
        "logger": "summarizer.access",
    }
    assert isinstance(first["duration_ms"], float) and first["duration_ms"] >= 0
    assert (refused["route"], refused["status"], refused["key"]) == (
        "/v1/batches/{job_id}",
        401,
        "anonymous",
    )
    assert not any(key in line for key in KEYS.values() for line in written)


def test_one_key_at_its_limit_is_refused_while_another_gets_through(
    settings: Settings, draft_000: DraftRecord
) -> None:
    provider = GatedProvider(draft_000)
    with (
        make_client(keyed(settings, key_max_inflight=1), provider) as c,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        held = pool.submit(c.post, "/v1/summaries", json={"text": f"{TEXT} hold"}, headers=ALICE)
        try:
            assert provider.held.wait(30)
            refused = c.post("/v1/summaries", json={"text": f"{TEXT} More."}, headers=ALICE)
            other = c.post("/v1/summaries", json={"text": TEXT}, headers=BOB)
            samples, _ = scrape(c)
        finally:
            provider.release.set()
        assert held.result().status_code == 200
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "1"
    body = refused.json()
    assert body["error"]["type"] == "key_busy" and body["error"]["message"] == (
        "this key is at its limit of cache misses in flight (1); retry shortly"
    )
    assert "alice" not in refused.text and KEYS["alice"] not in refused.text
    assert other.status_code == 200
    assert value(samples, "summarizer_http_inflight_misses", key="alice") == 1
    assert value(samples, "summarizer_http_inflight_misses", key="bob") == 0


def test_without_keys_only_the_global_limit_applies(
    settings: Settings, draft_000: DraftRecord
) -> None:
    """Keyless callers all go by one name: a per-key share would be a smaller global limit."""
    provider = GatedProvider(draft_000)
    open_settings = settings.model_copy(update={"key_max_inflight": 1, "max_inflight": 8})
    with make_client(open_settings, provider) as c, ThreadPoolExecutor(max_workers=1) as pool:
        held = pool.submit(c.post, "/v1/summaries", json={"text": f"{TEXT} hold"})
        try:
            assert provider.held.wait(30)
            second = c.post("/v1/summaries", json={"text": TEXT})
        finally:
            provider.release.set()
        assert held.result().status_code == 200
    assert second.status_code == 200


def test_a_crash_is_a_json_500_with_the_request_id_and_its_access_line(
    settings: Settings, fake: FakeProvider, access: pytest.LogCaptureFixture
) -> None:
    def crash() -> None:
        raise RuntimeError("a bug")

    app = make_app(settings, fake)
    app.add_api_route("/crash", crash)  # a bug, on the real app
    with TestClient(app, raise_server_exceptions=False) as c:
        response = c.get("/crash", headers={"X-Request-ID": "crash-1"})
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "crash-1"
    assert response.json() == {
        "error": {"type": "internal_error", "message": "the server failed on this request"},
        "request_id": "crash-1",
    }
    (line,) = [json.loads(JsonFormatter().format(r)) for r in access.records]
    assert (line["route"], line["status"], line["request_id"]) == ("/crash", 500, "crash-1")
