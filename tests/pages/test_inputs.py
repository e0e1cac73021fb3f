"""Pages through the front doors: the API (text/html, {"html"}, {"url", "fetch"}), the CLI
and batch inputs."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from summarizer.batch import read_inputs
from summarizer.cli import app
from summarizer.settings import Settings
from tests.fakes import FakeProvider
from tests.pages.server import PAGE, serving
from tests.serve.test_api import error_of, make_client

META = {
    "title": "Iran urges Iraq to block Israeli use of its airspace",
    "url": "https://news.example.org/mena/iran-urges-iraq-airspace",
    "published_at": "2025-06-15",
}


@pytest.fixture
def client(settings: Settings, fake: FakeProvider) -> Iterator[TestClient]:
    with make_client(settings, fake) as c:
        yield c


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serving() as served:
        yield served.base


def page_meta(record: dict[str, object]) -> dict[str, object]:
    article = record["article"]
    assert isinstance(article, dict)
    return {k: article[k] for k in META}


def test_a_text_html_body_is_read_as_a_page(client: TestClient) -> None:
    response = client.post(
        "/v1/summaries", content=PAGE, headers={"content-type": "text/html; charset=utf-8"}
    )
    assert response.status_code == 200, response.text
    record = response.json()
    assert page_meta(record) == META
    assert "published_at: from the page's metadata" in record["warnings"]
    assert record["threats"][0]["when"]["date"] == "2025-06-15"  # "on Sunday", page-dated


def test_html_in_json_with_the_caller_s_date(client: TestClient) -> None:
    body = {"html": PAGE.decode(), "published_at": "2025-06-16", "id": "p1"}
    record = client.post("/v1/summaries", json=body).json()
    assert record["article"]["published_at"] == "2025-06-16"
    assert "published_at: given by the caller" in record["warnings"]


def test_the_api_fetches_only_where_the_server_allows_it(
    site: str, settings: Settings, fake: FakeProvider
) -> None:
    body = {"url": f"{site}/article", "fetch": True}
    with make_client(settings, fake) as off:
        message = error_of(off.post("/v1/summaries", json=body), 422, "fetch_failed")
        assert "SUMMARIZER_API_FETCH" in message
    allowed = settings.model_copy(update={"api_fetch": True, "fetch_private": True})
    with make_client(allowed, fake) as on:
        record = on.post("/v1/summaries", json=body).json()
        assert page_meta(record) == {**META, "url": f"{site}/article"}
        missing = on.post("/v1/summaries", json={"url": f"{site}/missing", "fetch": True})
        assert "answered HTTP 404" in error_of(missing, 422, "fetch_failed")
    guarded = settings.model_copy(update={"api_fetch": True})  # private addresses still off
    with make_client(guarded, fake) as on:
        refused = on.post("/v1/summaries", json=body)
        assert "loopback" in error_of(refused, 422, "fetch_failed")


def test_cli_bad_pages_and_urls_are_one_line_and_exit_2(site: str, tmp_path: Path) -> None:
    (tmp_path / "nav.html").write_text("<html><body><nav>Home · News</nav></body></html>")
    env = {"SUMMARIZER_FETCH_PRIVATE": "1", "SUMMARIZER_FETCH_TIMEOUT": "1"}
    cases = {
        str(tmp_path / "nav.html"): "no main text",
        f"{site}/missing": "answered HTTP 404",
        f"{site}/data": "not an HTML page",
        f"{site}/slow": "did not answer in 1 s",
    }
    for source, message in cases.items():
        result = CliRunner().invoke(app, ["summarize", source], env=env)
        assert result.exit_code == 2, (source, result.output)
        assert message in result.stderr and "Traceback" not in result.output


def test_batch_reads_html_files_and_html_lines(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_bytes(PAGE)
    line = '{"id": "b", "html": "<html><body><article><p>' + "A long enough sentence. " * 20
    (tmp_path / "b.jsonl").write_text(line + '</p></article></body></html>"}\n')
    (tmp_path / "c.jsonl").write_text(
        '{"id": "c", "url": "https://example.org/x", "fetch": true}\n'
    )
    items = {item.id: item for item in read_inputs([tmp_path])}
    page = next(i for i in items.values() if i.request and i.request.title)
    assert page.request is not None and page.request.published_at is not None
    assert items["b"].request is not None and "long enough" in (items["b"].request.text or "")
    assert items["c"].error is not None and "fetching URLs is off" in str(items["c"].error)
