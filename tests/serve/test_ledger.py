"""GET /v1/batches/{id}/ledger: a job's corpus, the canonical actors and the threat ledger
as `summarizer corpus` builds them from its results, with the export's rules for a job not
done, its errors, auth and OpenAPI entry."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from summarizer.core import ArticleRequest, ProviderError
from summarizer.corpus import Corpus, LedgerEntry, build_corpus, read_corpus
from summarizer.io import ResultLine, error_line
from summarizer.serve.jobs import JobStore
from summarizer.settings import Settings
from tests.corpus.records import KH, US, record, threat
from tests.fakes import FakeProvider
from tests.serve.test_api import SECRET, TEXT, error_of, make_client
from tests.serve.test_export import (
    keyed_route,
    replayed_job,
    set_status,
    store_of,
)

# Two articles that report one threat, and one that failed.
REPORTED = [
    record("a", [KH, US], [threat("Kataib Hezbollah", ["United States"], when="2025-06-15")]),
    record(
        "b",
        [KH, US],
        [threat("Kataib Hezbollah", ["United States"], when="2025-06-15")],
        published_at="2025-06-16",
    ),
]
FAILED = error_line("c", ProviderError("the model failed"))


@pytest.fixture
def client(settings: Settings, fake: FakeProvider) -> Iterator[TestClient]:
    with make_client(settings, fake) as c:
        yield c


def job_of(store: JobStore, lines: Sequence[ResultLine], status: str, tail: str = "") -> str:
    """A job in `status` of one article more than `lines`, its results file holding
    `lines` (then `tail`, a line still being written)."""
    job_id = store.create([ArticleRequest(text=TEXT) for _ in range(len(lines) + 1)])
    whole = "".join(line.model_dump_json() + "\n" for line in lines)
    store.results_path(job_id).write_text(whole + tail, encoding="utf-8")
    set_status(store, job_id, status)
    return job_id


def as_json(corpus: Corpus) -> object:
    return json.loads(corpus.model_dump_json())


def test_a_finished_jobs_ledger_is_what_summarizer_corpus_builds_from_its_results(
    settings: Settings, tmp_path: Path
) -> None:
    with make_client(settings.model_copy(update={"provider": "replay"}), None) as client:
        job_id = replayed_job(client)
        results = client.get(f"/v1/batches/{job_id}/results").text
        response = client.get(f"/v1/batches/{job_id}/ledger")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    saved = tmp_path / "results.jsonl"
    saved.write_text(results, encoding="utf-8")
    expected = read_corpus(saved)  # as `summarizer corpus` reads it: the error line passed over
    assert expected.actors and expected.ledger
    assert response.json() == as_json(expected)
    assert Corpus.model_validate(response.json()) == expected


def test_two_articles_reporting_one_threat_are_one_entry_with_two_reports(
    client: TestClient,
) -> None:
    job_id = job_of(store_of(client), [*REPORTED, FAILED], "done")
    response = client.get(f"/v1/batches/{job_id}/ledger")
    assert response.status_code == 200, response.text
    corpus = Corpus.model_validate(response.json())
    assert corpus == build_corpus(REPORTED)
    [entry] = corpus.ledger
    assert entry.issuer.id == "kataib-hezbollah/armed_group/IQ"
    assert [(r.article, str(r.published_at)) for r in entry.reports] == [
        ("a", "2025-06-15"),
        ("b", "2025-06-16"),
    ]
    assert [len(actor.mentions) for actor in corpus.actors] == [2, 2]


def test_a_job_not_done_is_409_unless_its_part_done_is_asked_for(client: TestClient) -> None:
    store = store_of(client)
    queued = store.create([ArticleRequest(text=TEXT, id="p"), ArticleRequest(text=TEXT, id="q")])
    ledger = f"/v1/batches/{queued}/ledger"
    assert error_of(client.get(ledger), 409, "job_not_done") == (
        f"batch {queued!r} is queued (0 of 2 articles done): export it once it is done, "
        "or with partial=true for the articles done so far"
    )
    none_yet = error_of(client.get(ledger, params={"partial": "true"}), 409, "job_not_done")
    assert none_yet == f"batch {queued!r} has no article done yet"

    # One article done, the next one's line half written: the partial corpus is the first's.
    first, second = REPORTED
    torn = second.model_dump_json()[:100]
    for status in ("running", "failed"):
        job_id = job_of(store, [first], status, tail=torn)
        ledger = f"/v1/batches/{job_id}/ledger"
        assert "(1 of 2 articles done)" in error_of(client.get(ledger), 409, "job_not_done")
        partial = client.get(ledger, params={"partial": "true"})
        assert partial.status_code == 200, partial.text
        assert partial.json() == as_json(build_corpus([first]))

    # Failed articles only: done, and an empty corpus.
    job_id = job_of(store, [FAILED], "running")
    partial = client.get(f"/v1/batches/{job_id}/ledger", params={"partial": "true"})
    assert partial.json() == {"actors": [], "ledger": []}


def test_an_unknown_job_is_404_and_a_bad_parameter_422(client: TestClient) -> None:
    error_of(client.get("/v1/batches/nope/ledger"), 404, "not_found")
    error_of(client.get(f"/v1/batches/{'0' * 300}/ledger"), 404, "not_found")
    job_id = job_of(store_of(client), REPORTED, "done")
    refused = client.get(f"/v1/batches/{job_id}/ledger", params={"partial": "maybe"})
    assert error_of(refused, 422, "invalid_input").startswith("partial: ")


def test_an_unreadable_results_file_is_500_naming_no_server_path(
    client: TestClient, settings: Settings
) -> None:
    job_id = job_of(store_of(client), REPORTED, "done")
    with store_of(client).results_path(job_id).open("a", encoding="utf-8") as results:
        results.write('{"not": "a result line"}\n')
    failed = error_of(client.get(f"/v1/batches/{job_id}/ledger"), 500, "export_failed")
    assert failed == "the corpus could not be built"
    assert str(settings.cache_dir) not in failed


def test_a_key_is_required_when_keys_are_configured(settings: Settings, fake: FakeProvider) -> None:
    keyed = settings.model_copy(update={"api_key": SecretStr(SECRET)})
    with make_client(keyed, fake) as c:
        job_id, answer = keyed_route(c, "ledger")
        expected = read_corpus(store_of(c).results_path(job_id))
    assert answer.status_code == 200, answer.text
    assert expected.actors and answer.json() == as_json(expected)


def test_openapi_documents_the_ledger_as_the_corpus_model(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    get = spec["paths"]["/v1/batches/{job_id}/ledger"]["get"]
    assert set(get["responses"]) == {"200", "401", "404", "409", "422", "500"}
    ok = get["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Corpus"}
    error = get["responses"]["409"]["content"]["application/json"]["schema"]
    assert error["$ref"].endswith("ErrorBody")
    schemas = spec["components"]["schemas"]
    assert set(schemas["Corpus"]["properties"]) == set(Corpus.model_fields)
    assert set(schemas["LedgerEntry"]["properties"]) == set(LedgerEntry.model_fields)
    params = {p["name"]: p["schema"] for p in get["parameters"] if p["in"] == "query"}
    assert set(params) == {"partial"} and params["partial"]["type"] == "boolean"
