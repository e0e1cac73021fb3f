"""API batch jobs: every accepted article ends in exactly one results line, whether it
can be read or not, and a read page's notes reach its record as they do from
POST /v1/summaries."""

from __future__ import annotations

import json

import pytest

from summarizer.core import ArticleRequest
from summarizer.extract.pipeline import Summarizer
from summarizer.pages import Limits
from summarizer.serve.jobs import JobStore
from summarizer.settings import Settings
from tests.fakes import FakeProvider
from tests.pages.server import PAGE
from tests.serve.test_api import TEXT, make_client, wait_for

NAV_ONLY = "<html><body><nav>Home · News · Sport</nav></body></html>"
REFUSED_URL = "http://127.0.0.1:9/news"  # loopback: refused before any connection


def mixed_batch() -> list[dict[str, object]]:
    """Good text and a good page, a page with no main text (with and without an id), a URL
    to fetch, and the same text twice without an id."""
    return [
        {"text": TEXT, "id": "good"},
        {"html": PAGE.decode(), "id": "page"},
        {"html": NAV_ONLY, "id": "nav"},
        {"html": NAV_ONLY + "<!-- another -->"},
        {"url": REFUSED_URL, "fetch": True, "id": "fetched"},
        {"text": TEXT + " Twice."},
        {"text": TEXT + " Twice."},
    ]


def kinds(results: str) -> dict[str, str | None]:
    """Each line's id with its error kind (None for a record)."""
    found: dict[str, str | None] = {}
    for raw in results.splitlines():
        line = json.loads(raw)
        key = line["id"] if "error" in line else line["article"]["id"]
        assert key not in found, f"a second line for {key}"
        found[key] = line["error"]["type"] if "error" in line else None
    return found


@pytest.mark.parametrize("api_fetch", [False, True], ids=["fetch-off", "fetch-refused"])
def test_a_mixed_batch_ends_in_one_line_per_article(
    settings: Settings, fake: FakeProvider, api_fetch: bool
) -> None:
    articles = mixed_batch()
    allowed = settings.model_copy(update={"api_fetch": api_fetch})
    with make_client(allowed, fake) as client:
        accepted = client.post("/v1/batches", json={"articles": articles})
        assert accepted.status_code == 202, accepted.text
        job_id = accepted.json()["id"]
        status = wait_for(client, job_id)
        results = client.get(f"/v1/batches/{job_id}/results").text
    assert status["status"] == "done"
    assert (status["total"], status["done"], status["ok"], status["failed"]) == (7, 7, 3, 4)
    found = kinds(results)
    assert len(results.splitlines()) == len(articles) == len(found)
    named = {k: v for k, v in found.items() if not k.startswith("sha256:")}
    assert named == {
        "good": None,
        "page": None,
        "nav": "invalid_input",
        "fetched": "fetch_failed",
        "articles[6]": "duplicate_id",  # the same text again: its place in the batch
    }
    unnamed = sorted(v or "ok" for k, v in found.items() if k.startswith("sha256:"))
    assert unnamed == ["invalid_input", "ok"]  # the unnamed empty page; the text's first


def test_a_restarted_job_neither_loses_nor_repeats_an_unreadable_article(
    settings: Settings, fake: FakeProvider
) -> None:
    store = JobStore(settings.cache_dir / "jobs", concurrency=2)
    summarizer = Summarizer.from_settings(settings).with_provider(fake)
    articles = [ArticleRequest.model_validate(a) for a in mixed_batch()]
    job_id = store.create(articles)
    for _ in range(2):  # the second run is a restart that finds the job "running"
        store.resume_unfinished(summarizer)
        store.shutdown(wait=True)
        status = store.status(job_id)
        assert status is not None and (status.status, status.done, status.total) == ("done", 7, 7)
        path = store.directory / job_id / "job.json"
        path.write_text(json.dumps({**json.loads(path.read_text()), "status": "running"}))
    assert len(kinds(store.results_path(job_id).read_text())) == 7


def test_a_job_record_carries_the_page_notes_as_a_summary_does(
    settings: Settings, fake: FakeProvider
) -> None:
    with make_client(settings, fake) as client:
        job = client.post("/v1/batches", json={"articles": [{"html": PAGE.decode(), "id": "j"}]})
        assert wait_for(client, job.json()["id"])["ok"] == 1
        line = client.get(f"/v1/batches/{job.json()['id']}/results").text
        direct = client.post("/v1/summaries?cache=false", json={"html": PAGE.decode(), "id": "s"})
    from_job, from_summary = json.loads(line), direct.json()
    assert "published_at: from the page's metadata" in from_summary["warnings"]
    assert from_job["warnings"] == from_summary["warnings"]
    assert from_job["article"] == {**from_summary["article"], "id": "j"}


def test_a_client_cannot_send_notes(settings: Settings, fake: FakeProvider) -> None:
    body = {"text": TEXT, "notes": ["published_at: given by the caller"]}
    with make_client(settings, fake) as client:
        assert client.post("/v1/summaries", json=body).status_code == 422
        assert client.post("/v1/batches", json={"articles": [body]}).status_code == 422
        schema = client.get("/openapi.json").json()["components"]["schemas"]
    assert "notes" not in schema["ArticleRequest"]["properties"]


def test_creating_a_job_reads_nothing_and_its_run_keeps_what_reading_found(
    settings: Settings, fake: FakeProvider
) -> None:
    """The caller gets its job id before any page is read or URL fetched; the run reads
    them, and its input file keeps the notes reading found."""
    store = JobStore(settings.cache_dir / "jobs", concurrency=1, fetch=Limits(1.0, 10_000, False))
    job_id = store.create([ArticleRequest(html=PAGE.decode(), id="p"), *fetched()])
    job = store.directory / job_id
    assert not (job / "input.jsonl").exists() and not store.results_path(job_id).exists()
    store.submit(job_id, Summarizer.from_settings(settings).with_provider(fake))
    store.shutdown(wait=True)
    (line,) = (job / "input.jsonl").read_text().splitlines()
    assert json.loads(line)["notes"] == ["published_at: from the page's metadata"]
    assert kinds(store.results_path(job_id).read_text()) == {"f": "fetch_failed", "p": None}


def test_a_job_stopped_while_reading_reads_again_without_a_second_line(
    settings: Settings, fake: FakeProvider
) -> None:
    """Stopped after writing the unreadable articles' lines but before the input file that
    marks the reading done: the next run reads again and rewrites those lines."""
    store = JobStore(settings.cache_dir / "jobs", concurrency=2)
    summarizer = Summarizer.from_settings(settings).with_provider(fake)
    job_id = store.create([ArticleRequest.model_validate(a) for a in mixed_batch()])
    store.resume_unfinished(summarizer)
    store.shutdown(wait=True)
    results = store.results_path(job_id)
    errors = [raw for raw in results.read_text().splitlines() if '"error"' in raw]
    results.write_text("".join(raw + "\n" for raw in errors))
    (store.directory / job_id / "input.jsonl").unlink()
    path = store.directory / job_id / "job.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "status": "running"}))
    store.resume_unfinished(summarizer)
    store.shutdown(wait=True)
    status = store.status(job_id)
    assert status is not None and (status.status, status.done, status.ok) == ("done", 7, 3)
    assert len(kinds(results.read_text())) == 7


def fetched() -> list[ArticleRequest]:
    return [ArticleRequest(url=REFUSED_URL, fetch=True, id="f")]


def test_a_text_with_a_unicode_line_separator_stays_one_article(
    settings: Settings, fake: FakeProvider
) -> None:
    """JSON leaves U+2028 and U+0085 unescaped: the job's files are split at newlines only."""
    articles = [{"text": f"{TEXT}\u2028More.", "id": "ls"}, {"text": f"{TEXT}\x85", "id": "nel"}]
    with make_client(settings, fake) as client:
        accepted = client.post("/v1/batches", json={"articles": articles})
        status = wait_for(client, accepted.json()["id"])
    assert (status["status"], status["done"], status["ok"]) == ("done", 2, 2)
