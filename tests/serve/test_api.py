"""The API through TestClient, on a summarizer given to `create_app` (a fake provider's)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from summarizer.core import (
    ArticleRequest,
    ExtractionFailed,
    ProviderError,
    ProviderTimeout,
    SummaryRecord,
)
from summarizer.extract.article import build_article
from summarizer.extract.pipeline import Summarizer
from summarizer.io import error_line
from summarizer.providers import Provider
from summarizer.providers.local_handler import LocalProvider
from summarizer.serve import create_app
from summarizer.serve.service import Service
from summarizer.settings import Settings
from tests.conftest import corpus_article
from tests.fakes import FakeProvider
from tests.paths import CORPUS
from tests.providers import crashing_model

TEXT = corpus_article("000").text
SECRET = "test-api-key-123"


def make_app(settings: Settings, provider: Provider | None) -> FastAPI:
    """The app on `provider`; with none, on the provider `settings` configure."""
    if provider is None:
        return create_app(settings)
    return create_app(
        settings, summarizer=Summarizer.from_settings(settings).with_provider(provider)
    )


def make_client(settings: Settings, provider: Provider | None) -> TestClient:
    return TestClient(make_app(settings, provider))


@pytest.fixture
def client(settings: Settings, fake: FakeProvider) -> Iterator[TestClient]:
    with make_client(settings, fake) as c:
        yield c


def error_of(response: object, status: int, kind: str) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert set(body) == {"error", "request_id"} and body["error"]["type"] == kind
    assert body["request_id"] == response.headers["X-Request-ID"]  # type: ignore[attr-defined]
    return str(body["error"]["message"])


def test_post_returns_the_record_then_a_cached_one(client: TestClient, fake: FakeProvider) -> None:
    first = client.post(
        "/v1/summaries",
        json={"text": TEXT, "published_at": "2025-06-15", "id": "000", "title": "T"},
    )
    assert first.status_code == 200
    record = first.json()
    assert record["article"] == {
        "id": "000",
        "title": "T",
        "url": None,
        "published_at": "2025-06-15",
        "language": "en",
        "source": None,
    }
    assert record["provenance"]["cached"] is False
    again = client.post("/v1/summaries", json={"text": TEXT, "published_at": "2025-06-15"})
    assert again.json()["provenance"]["cached"] is True and len(fake.requests) == 1
    client.post("/v1/summaries?cache=false", json={"text": TEXT, "published_at": "2025-06-15"})
    assert len(fake.requests) == 2


def test_a_hit_is_the_stored_record_with_this_callers_metadata(client: TestClient) -> None:
    miss = client.post("/v1/summaries", json={"text": TEXT, "id": "a"}).json()
    hit = client.post("/v1/summaries", json={"text": TEXT, "id": "b", "title": "T"}).json()
    served = SummaryRecord.model_validate(hit)  # served from stored JSON, still the contract
    assert (served.article.id, served.article.title, served.provenance.cached) == ("b", "T", True)
    assert {**hit, "article": miss["article"], "provenance": miss["provenance"]} == miss
    assert {**hit["provenance"], "cached": False} == miss["provenance"]


def test_get_by_id_returns_the_cached_record_or_404(client: TestClient) -> None:
    client.post("/v1/summaries", json={"text": TEXT, "id": "abc"})
    found = client.get("/v1/summaries/abc")
    assert found.status_code == 200 and found.json()["article"]["id"] == "abc"
    assert found.json()["provenance"]["cached"] is True
    error_of(client.get("/v1/summaries/unknown"), 404, "not_found")


def test_the_view_of_a_cached_record_is_its_page_with_quotes_highlighted(
    client: TestClient,
) -> None:
    from tests.view.marks import check_highlights

    record = SummaryRecord.model_validate(
        client.post("/v1/summaries", json={"text": TEXT, "id": "v1"}).json()
    )
    page = client.get("/v1/summaries/v1/view")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    check_highlights(page.text, record, TEXT)
    error_of(client.get("/v1/summaries/unknown/view"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"title": "no text"}, "text"),
        ({"text": ""}, "text"),
        ({"text": "   \n"}, "article text is empty"),
        ({"text": "x", "published_at": "15/06/2025"}, "published_at"),
        ({"text": "x", "surprise": 1}, "surprise"),
        ([1, 2], "body"),
    ],
)
def test_bad_bodies_are_422(client: TestClient, body: object, fragment: str) -> None:
    message = error_of(client.post("/v1/summaries", json=body), 422, "invalid_input")
    assert fragment in message


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/v1/summaries", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert "not valid JSON" in error_of(response, 422, "invalid_input")


def test_oversized_text_is_413(settings: Settings, fake: FakeProvider) -> None:
    with make_client(settings.model_copy(update={"max_chars": 50}), fake) as c:
        message = error_of(c.post("/v1/summaries", json={"text": "x" * 51}), 413, "input_too_large")
    assert "over the limit of 50" in message


def test_bearer_token_is_required_when_configured(settings: Settings, fake: FakeProvider) -> None:
    from pydantic import SecretStr

    with make_client(settings.model_copy(update={"api_key": SecretStr(SECRET)}), fake) as c:
        error_of(c.post("/v1/summaries", json={"text": TEXT}), 401, "unauthorized")
        wrong = {"Authorization": "Bearer nope"}
        message = error_of(
            c.post("/v1/summaries", json={"text": TEXT}, headers=wrong), 401, "unauthorized"
        )
        assert SECRET not in message
        error_of(c.get("/v1/batches/x", headers=wrong), 401, "unauthorized")
        right = {"Authorization": f"Bearer {SECRET}"}
        assert c.post("/v1/summaries", json={"text": TEXT}, headers=right).status_code == 200
        assert c.get("/healthz").status_code == 200  # probes need no key


def test_at_the_concurrency_limit_a_miss_is_503_with_retry_after_and_a_hit_is_served(
    settings: Settings, fake: FakeProvider
) -> None:
    with make_client(settings, fake) as c:
        c.post("/v1/summaries", json={"text": TEXT}).raise_for_status()
    with make_client(settings.model_copy(update={"max_inflight": 0}), fake) as c:
        response = c.post("/v1/summaries", json={"text": TEXT + " More."})
        error_of(response, 503, "busy")
        assert response.headers["Retry-After"] == "1"
        hit = c.post("/v1/summaries", json={"text": TEXT})
        assert hit.status_code == 200 and hit.json()["provenance"]["cached"] is True


def test_a_hit_is_served_by_a_server_that_could_not_build_its_provider(
    settings: Settings, tmp_path: Path
) -> None:
    from tests.test_core import EXAMPLE

    unready = settings.model_copy(
        update={"provider": "local", "local_model_path": tmp_path / "absent.gguf"}
    )
    stored = Summarizer.from_settings(unready)
    assert stored.cache is not None
    key = stored._key(build_article(ArticleRequest(text=TEXT), unready.max_chars))
    stored.cache.put(key, SummaryRecord.model_validate(EXAMPLE))
    with make_client(unready, None) as c:
        hit = c.post("/v1/summaries", json={"text": TEXT})
        assert hit.status_code == 200 and hit.json()["provenance"]["cached"] is True
        miss = c.post("/v1/summaries", json={"text": TEXT + " More."})
        error_of(miss, 503, "configuration_error")


@pytest.mark.parametrize(
    ("failure", "status", "kind"),
    [
        (ProviderError("endpoint answered HTTP 500"), 502, "provider_error"),
        (ProviderTimeout("endpoint too slow"), 504, "provider_timeout"),
        (ExtractionFailed("no schema-valid answer"), 502, "extraction_failed"),
    ],
)
def test_model_failures_map_to_gateway_errors(
    settings: Settings, failure: Exception, status: int, kind: str
) -> None:
    with make_client(settings, FakeProvider(failure)) as c:
        error_of(c.post("/v1/summaries", json={"text": TEXT}), status, kind)
        assert c.get("/healthz").status_code == 200  # still up


def test_a_real_worker_crash_is_a_json_502_and_the_server_keeps_serving(
    settings: Settings, tmp_path: Path
) -> None:
    model_file = tmp_path / "model.gguf"
    model_file.write_bytes(b"")
    provider = LocalProvider(
        path=model_file, n_ctx=2048, threads=None, factory=crashing_model.load_for_provider
    )
    try:
        with make_client(settings, provider) as c:
            c.post("/v1/summaries", json={"text": TEXT}).raise_for_status()
            first = provider.worker.pid
            crashed = c.post("/v1/summaries", json={"text": f"{TEXT} SEGFAULT"})
            assert "killed by SIGSEGV" in error_of(crashed, 502, "provider_crashed")
            assert c.get("/healthz").status_code == 200
            again = c.post("/v1/summaries", json={"text": f"{TEXT} Later."})
            assert again.status_code == 200, again.text
            assert provider.worker.pid not in (None, first)  # a fresh worker answered
    finally:
        provider.worker.close()


def test_schema_invalid_model_output_is_502(settings: Settings) -> None:
    with make_client(settings, FakeProvider("not json at all")) as c:
        error_of(c.post("/v1/summaries", json={"text": TEXT}), 502, "extraction_failed")


def test_health_and_readiness(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    unready = settings.model_copy(
        update={"provider": "local", "local_model_path": tmp_path / "absent.gguf"}
    )
    with make_client(unready, None) as c:
        assert "not found" in error_of(c.get("/readyz"), 503, "configuration_error")
        error_of(c.post("/v1/summaries", json={"text": TEXT}), 503, "configuration_error")


def wait_for(c: TestClient, job_id: str, seconds: float = 20) -> dict[str, object]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        status: dict[str, object] = c.get(f"/v1/batches/{job_id}").json()
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(0.05)
    raise AssertionError(f"batch {job_id} did not finish")


def test_batch_runs_in_the_background_and_streams_jsonl(client: TestClient) -> None:
    articles = [
        {"text": TEXT, "id": "a"},
        {"text": "   ", "id": "empty"},
        {"text": TEXT + " More.", "id": "b"},
    ]
    accepted = client.post("/v1/batches", json={"articles": articles})
    assert accepted.status_code == 202 and accepted.json()["total"] == 3
    status = wait_for(client, accepted.json()["id"])
    assert (status["done"], status["ok"], status["failed"]) == (3, 2, 1)
    results = client.get(f"/v1/batches/{accepted.json()['id']}/results")
    assert results.headers["content-type"].startswith("application/x-ndjson")
    lines = results.text.splitlines()
    assert len(lines) == 3
    error_of(client.get("/v1/batches/nope"), 404, "not_found")
    error_of(client.get("/v1/batches/nope/results"), 404, "not_found")
    error_of(client.get(f"/v1/batches/{'0' * 300}"), 404, "not_found")  # no OSError


def test_batch_size_is_bounded(settings: Settings, fake: FakeProvider) -> None:
    with make_client(settings.model_copy(update={"max_batch": 2}), fake) as c:
        body = {"articles": [{"text": "a"}, {"text": "b"}, {"text": "c"}]}
        assert "over the limit of 2" in error_of(
            c.post("/v1/batches", json=body), 413, "input_too_large"
        )
        error_of(c.post("/v1/batches", json={"articles": []}), 422, "invalid_input")


def test_a_restarted_server_reports_and_finishes_jobs(
    settings: Settings, fake: FakeProvider
) -> None:
    with make_client(settings, fake) as c:
        job_id = c.post("/v1/batches", json={"articles": [{"text": TEXT, "id": "x"}]}).json()["id"]
        finished = wait_for(c, job_id)
    with make_client(settings, fake) as restarted:
        assert restarted.get(f"/v1/batches/{job_id}").json() == finished
    # A job the old server left half done is finished by the next one.
    store = Service(settings).jobs
    half = store.create([ArticleRequest(text=TEXT, id="p"), ArticleRequest(text=TEXT, id="q")])
    earlier = error_line("p", ProviderError("the old server's answer")).model_dump_json()
    store.results_path(half).write_text(earlier + "\n", encoding="utf-8")
    assert store.resume_unfinished(Summarizer.from_settings(settings).with_provider(fake)) == [half]
    store.shutdown(wait=True)
    status = store.status(half)
    assert status is not None and (status.status, status.done) == ("done", 2)


def test_openapi_documents_every_error(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/v1/summaries"]["post"]["responses"]
    assert {"200", "401", "413", "422", "502", "503", "504"} <= set(post)
    assert post["502"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorBody")
    assert client.get("/docs").status_code == 200


def test_replay_over_the_five_articles(settings: Settings) -> None:
    from summarizer.evals.evalset import load_corpus

    corpus = load_corpus(CORPUS)
    bodies = [{"id": a.id, "text": a.text, "published_at": str(a.published_at)} for a in corpus]
    with make_client(settings.model_copy(update={"provider": "replay"}), None) as c:
        for body in bodies:
            response = c.post("/v1/summaries?cache=false", json=body)
            assert response.status_code == 200, response.text
            assert response.json()["provenance"]["model"] == "claude-standin"
        job = c.post("/v1/batches", json={"articles": bodies}).json()
        status = wait_for(c, job["id"])
        assert (status["done"], status["ok"]) == (5, 5)


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (
            {"text": TEXT, "published_at": "2025-06-16"},
            "article 000 is recorded with published_at 2025-06-15; you gave 2025-06-16",
        ),
        ({"text": "Unrecorded news."}, "no recording of this article: replay answers only the "),
    ],
)
def test_a_replay_miss_is_422_saying_what_replay_knows(
    settings: Settings, body: dict[str, str], said: str
) -> None:
    with make_client(settings.model_copy(update={"provider": "replay"}), None) as c:
        missing = error_of(c.post("/v1/summaries", json=body), 422, "recording_missing")
        assert missing.startswith(said)


def asgi_post(
    app: object, path: str, headers: list[tuple[bytes, bytes]]
) -> tuple[int, bytes, int, int]:
    """One POST of an endless body straight through ASGI; returns status, body, how often
    the body was read before the answer began and how often in all."""
    import asyncio

    reads, before = 0, 0
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        nonlocal reads, before
        reads += 1
        before += not sent
        return {"type": "http.request", "body": b"x" * 65_536, "more_body": True}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))  # type: ignore[operator]
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")  # type: ignore[misc]
    return int(sent[0]["status"]), body, before, reads  # type: ignore[call-overload]


@pytest.mark.parametrize("path", ["/v1/summaries", "/v1/batches"])
def test_a_body_over_the_limit_is_refused_from_its_content_length_unread(
    settings: Settings, path: str
) -> None:
    app = create_app(settings)
    status, body, reads, _ = asgi_post(app, path, [(b"content-length", b"52428800")])  # 50 MB
    assert status == 413 and reads == 0
    error = json.loads(body)["error"]
    assert error["type"] == "input_too_large" and "over the limit of" in error["message"]


def test_a_chunked_body_is_cut_off_at_the_limit(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"max_chars": 1000}))
    status, body, reads, _ = asgi_post(app, "/v1/summaries", [])  # no Content-Length
    limit = 6 * 1000 + 65_536
    assert status == 413 and reads == limit // 65_536 + 1  # stopped on the chunk past it
    assert json.loads(body)["error"]["message"] == f"request body over the limit of {limit} bytes"


def test_error_bodies_never_show_server_paths(settings: Settings, tmp_path: Path) -> None:
    # A recording set that is not there.
    replay = settings.model_copy(update={"provider": "replay", "recordings_dir": tmp_path / "rec"})
    with make_client(replay, None) as c:
        missing = error_of(
            c.post("/v1/summaries", json={"text": "Unrecorded news."}), 503, "configuration_error"
        )
        assert "SUMMARIZER_RECORDINGS_DIR" in missing and str(tmp_path) not in missing
    absent = settings.model_copy(
        update={"provider": "local", "local_model_path": tmp_path / "m.gguf"}
    )
    with make_client(absent, None) as c:
        assert error_of(c.get("/readyz"), 503, "configuration_error") == (
            "local model file not found"
        )
