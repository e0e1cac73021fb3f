"""GET /v1/batches/{id}/export: a finished job's results as a zip of tables that give back
every line, a job not done refused unless its part done is asked for, and the errors,
auth and OpenAPI entry of the other batch routes."""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from pydantic import SecretStr

from summarizer.core import ArticleRequest, InputError, ProviderError, SummaryRecord
from summarizer.corpus import TABLES, build_corpus
from summarizer.corpus.export import ITEM_TABLES
from summarizer.evals.evalset import load_corpus
from summarizer.io import ResultLine, error_line, parse_line
from summarizer.serve.jobs import JobStore
from summarizer.settings import Settings
from tests.corpus.test_export import open_tables, rebuild, rows
from tests.fakes import FakeProvider
from tests.paths import CORPUS
from tests.serve.test_api import SECRET, TEXT, error_of, make_client, wait_for

FORMATS = ["csv", "parquet"]


@pytest.fixture
def scratch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temporary directory the server writes its exports in, empty."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def replayed_job(client: TestClient) -> str:
    """A finished job of the five corpus articles (replayed) and one unrecorded article."""
    articles = [
        {"id": a.id, "text": a.text, "published_at": str(a.published_at)}
        for a in load_corpus(CORPUS)
    ]
    articles.append({"id": "unrecorded", "text": "An article nobody recorded."})
    job_id: str = client.post("/v1/batches", json={"articles": articles}).json()["id"]
    status = wait_for(client, job_id)
    assert (status["status"], status["ok"], status["failed"]) == ("done", 5, 1)
    return job_id


def unzipped(response: object, out: Path) -> list[str]:
    """The names in a zip answer, extracted into `out`."""
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    assert response.headers["content-type"] == "application/zip"  # type: ignore[attr-defined]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:  # type: ignore[attr-defined]
        archive.extractall(out)
        return sorted(archive.namelist())


def row_counts(lines: list[ResultLine]) -> dict[str, int]:
    """The rows each table should have, counted from the results lines themselves and
    their corpus."""
    records = [line for line in lines if isinstance(line, SummaryRecord)]
    items = {table: [i for r in records for i in getattr(r, table)] for table in ITEM_TABLES}
    corpus = build_corpus(records)
    return {
        "articles": len(records),
        **{table: len(found) for table, found in items.items()},
        "evidence": sum(len(i.evidence) for found in items.values() for i in found),
        "errors": len(lines) - len(records),
        "canonical_actors": len(corpus.actors),
        "actor_merges": sum(len(actor.merges) for actor in corpus.actors),
        "ledger": len(corpus.ledger),
        "ledger_reports": sum(len(entry.reports) for entry in corpus.ledger),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_finished_jobs_tables_give_back_every_line(
    settings: Settings, tmp_path: Path, scratch: Path, fmt: str
) -> None:
    with make_client(settings.model_copy(update={"provider": "replay"}), None) as client:
        job_id = replayed_job(client)
        results = client.get(f"/v1/batches/{job_id}/results").text
        response = client.get(f"/v1/batches/{job_id}/export", params={"format": fmt})
    out = tmp_path / "tables"
    assert unzipped(response, out) == sorted(f"{table}.{fmt}" for table in TABLES)
    assert response.headers["content-disposition"] == f'attachment; filename="{job_id}-{fmt}.zip"'
    lines = [parse_line(raw, "results") for raw in results.splitlines()]
    expected = row_counts(lines)
    assert expected["threats"] > 0 and expected["errors"] == 1
    with open_tables(out, fmt) as con:
        assert {table: len(rows(con, table)) for table in expected} == expected
        assert rebuild(con) == lines
    assert not list(scratch.iterdir())  # the server's work files went with the answer


@pytest.fixture
def client(settings: Settings, fake: FakeProvider) -> Iterator[TestClient]:
    with make_client(settings, fake) as c:
        yield c


def store_of(client: TestClient) -> JobStore:
    store: JobStore = client.app.state.service.jobs  # type: ignore[attr-defined]
    return store


def finished_job(client: TestClient, *articles: ArticleRequest) -> str:
    """A job of `articles` run to its end on the app's summarizer."""
    service = client.app.state.service  # type: ignore[attr-defined]
    job_id = service.jobs.create(list(articles))
    service.jobs.submit(job_id, service.summarizer)
    service.jobs.shutdown(wait=True)
    assert service.jobs.status(job_id).status == "done"
    return str(job_id)


def set_status(store: JobStore, job_id: str, status: str) -> None:
    path = store.directory / job_id / "job.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), "status": status}))


def test_a_job_not_done_is_409_unless_its_part_done_is_asked_for(
    client: TestClient, tmp_path: Path
) -> None:
    """A job made after the server started stays queued: nothing runs it."""
    store = store_of(client)
    job_id = store.create([ArticleRequest(text=TEXT, id="p"), ArticleRequest(text=TEXT, id="q")])
    export = f"/v1/batches/{job_id}/export"
    refused = error_of(client.get(export), 409, "job_not_done")
    assert refused == (
        f"batch {job_id!r} is queued (0 of 2 articles done): export it once it is done, "
        "or with partial=true for the articles done so far"
    )
    none_yet = error_of(client.get(export, params={"partial": "true"}), 409, "job_not_done")
    assert none_yet == f"batch {job_id!r} has no article done yet"
    finished = error_line("p", ProviderError("the model failed")).model_dump_json()
    store.results_path(job_id).write_text(finished + "\n", encoding="utf-8")
    set_status(store, job_id, "running")
    assert "is running (1 of 2 articles done)" in error_of(client.get(export), 409, "job_not_done")
    set_status(store, job_id, "failed")
    assert error_of(client.get(export), 409, "job_not_done") == (
        f"batch {job_id!r} failed (1 of 2 articles done): partial=true exports the articles done"
    )
    partial = client.get(export, params={"partial": "true", "format": "csv"})
    unzipped(partial, tmp_path / "tables")
    with open_tables(tmp_path / "tables", "csv") as con:
        assert [r["article_id"] for r in rows(con, "errors")] == ["p"]
        assert rows(con, "articles") == []


def test_an_unknown_job_is_404_and_a_bad_parameter_422(client: TestClient) -> None:
    error_of(client.get("/v1/batches/nope/export"), 404, "not_found")
    error_of(client.get(f"/v1/batches/{'0' * 300}/export"), 404, "not_found")
    job_id = store_of(client).create([ArticleRequest(text=TEXT)])
    export = f"/v1/batches/{job_id}/export"
    for fmt in ("xlsx", "duckdb"):  # duckdb's one file is for the command line
        refused = error_of(client.get(export, params={"format": fmt}), 422, "invalid_input")
        assert refused == f"format: must be one of 'csv' or 'parquet', not {fmt!r}"
    refused = error_of(client.get(export, params={"partial": "maybe"}), 422, "invalid_input")
    assert refused.startswith("partial: ")


def test_a_failed_export_is_500_naming_no_server_path(
    client: TestClient, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import summarizer.corpus

    def full_disk(results: Path, out: Path, fmt: str) -> dict[str, int]:
        raise InputError(f"cannot write {out}: No space left on device")

    job_id = finished_job(client, ArticleRequest(text=TEXT))
    monkeypatch.setattr(summarizer.corpus, "export_results", full_disk)
    failed = error_of(client.get(f"/v1/batches/{job_id}/export"), 500, "export_failed")
    assert failed == "the tables could not be written"
    assert not list(scratch.iterdir())


def keyed_route(client: TestClient, route: str) -> tuple[str, Response]:
    """A finished job's `/v1/batches/{id}/{route}` on an app with keys: refused without a
    key and with a wrong one, not found for an unknown job with the right one; the job's
    id and the right key's answer."""
    right = {"Authorization": f"Bearer {SECRET}"}
    job_id = finished_job(client, ArticleRequest(text=TEXT, id="k"))
    path = f"/v1/batches/{job_id}/{route}"
    error_of(client.get(path), 401, "unauthorized")
    error_of(client.get(path, headers={"Authorization": "Bearer nope"}), 401, "unauthorized")
    error_of(client.get(f"/v1/batches/nope/{route}", headers=right), 404, "not_found")
    return job_id, client.get(path, headers=right)


def test_a_key_is_required_when_keys_are_configured(
    settings: Settings, fake: FakeProvider, tmp_path: Path
) -> None:
    keyed = settings.model_copy(update={"api_key": SecretStr(SECRET)})
    with make_client(keyed, fake) as c:
        job_id, answer = keyed_route(c, "export")  # parquet unless another format is asked for
    assert "articles.parquet" in unzipped(answer, tmp_path / "tables")
    assert answer.headers["content-disposition"].endswith(f'"{job_id}-parquet.zip"')


def test_openapi_documents_the_export(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    get = spec["paths"]["/v1/batches/{job_id}/export"]["get"]
    assert set(get["responses"]) == {"200", "401", "404", "409", "422", "500"}
    assert set(get["responses"]["200"]["content"]) == {"application/zip"}
    error = get["responses"]["409"]["content"]["application/json"]["schema"]
    assert error["$ref"].endswith("ErrorBody")
    formats = {p["name"]: p["schema"] for p in get["parameters"] if p["in"] == "query"}
    assert formats["format"]["enum"] == FORMATS and formats["partial"]["type"] == "boolean"
