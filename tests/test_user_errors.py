"""Errors in the user's words: one table of bad inputs through the command line (a JSON
file, a JSONL line, an option, the environment) and the API (the body), each message
checked word for word and for pydantic's phrasing."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from summarizer.extract.pipeline import Summarizer
from summarizer.serve import create_app
from summarizer.settings import Settings
from tests.cli.invoke import run
from tests.conftest import CORPUS
from tests.fakes import FakeProvider

PYDANTIC_WORDS = (
    "Value error",
    "Input should be",
    "Field required",
    "Extra inputs are not permitted",
    "String should",
    "validation error",
    "ArticleRequest",
    "SummaryRecord",
    "Settings",
    "type=",
    "pydantic",
)
SEND = "send an article as application/json or a web page as text/html"
DATE_FORM = "expected YYYY-MM-DD, or an ISO 8601 timestamp such as 2025-06-15T10:00:00Z"

# A bad article body, what the API says of it, and what the CLI says of it in a file
# (where that differs: the API's whole is the body, the CLI's the article in a file).
BAD_ARTICLES: list[tuple[object, str, str | None]] = [
    (
        [1, 2],
        "the body must be a JSON object with text, html or url",
        "the article must be a JSON object with text, html or url",
    ),
    (
        "some text",
        "the body must be a JSON object with text, html or url",
        "the article must be a JSON object with text, html or url",
    ),
    ({"text": ""}, "article text is empty", None),
    ({"text": " \n\t"}, "article text is empty", None),
    (
        {"text": "x", "published_at": "2025-02-30"},
        "published_at: 2025-02-30 is not a date in the calendar",
        None,
    ),
    (
        {"text": "x", "published_at": "2025-06-31T10:00:00Z"},
        "published_at: 2025-06-31 is not a date in the calendar",
        None,
    ),
    (
        {"text": "x", "published_at": "15/06/2025"},
        f"published_at: '15/06/2025' is not a date: {DATE_FORM}",
        None,
    ),
    (
        {"text": "x", "published_at": 20250615},
        f"published_at: 20250615 is not a date: {DATE_FORM}",
        None,
    ),
    ({"title": "no text"}, "no article: give one of text, html, or url with fetch: true", None),
    (
        {"text": "x", "html": "<p>x</p>"},
        "give only one of text, html, or url with fetch: true, not text and html",
        None,
    ),
    ({"fetch": True}, "fetch: true needs a url", None),
    ({"text": "x", "surprise": 1}, "surprise: not an accepted field", None),
    ({"text": 5}, "text: must be a string, not 5", None),
    ({"text": "x", "title": ["a"]}, "title: must be a string, not ['a']", None),
    ({"text": "x", "fetch": "maybe"}, "fetch: must be true or false, not 'maybe'", None),
]
BAD_SETTINGS = [
    ("SUMMARIZER_MAX_CHARS", "abc", "SUMMARIZER_MAX_CHARS: not a whole number: 'abc'"),
    ("SUMMARIZER_PASSES", "0", "SUMMARIZER_PASSES: must be 1 or more, not '0'"),
    ("SUMMARIZER_TIMEOUT", "soon", "SUMMARIZER_TIMEOUT: not a number: 'soon'"),
    (
        "SUMMARIZER_FETCH_PRIVATE",
        "perhaps",
        "SUMMARIZER_FETCH_PRIVATE: must be true or false, not 'perhaps'",
    ),
    (
        "SUMMARIZER_INSTRUCTOR_MODE",
        "fast",
        "SUMMARIZER_INSTRUCTOR_MODE: must be one of "
        "'tools', 'json_schema' or 'md_json', not 'fast'",
    ),
]
ARTICLE_IDS = [json.dumps(body)[:40] for body, _, _ in BAD_ARTICLES]


def in_users_words(message: str) -> None:
    said = [words for words in PYDANTIC_WORDS if words in message]
    assert not said, f"{message!r} says {said}"


def cli_error(*args: str, **env: str) -> str:
    """The one error line of a command that exits 2, without its `summarizer: error: `."""
    code, stdout, stderr = run(*args, **env)
    lines = stderr.strip().splitlines()
    assert code == 2 and stdout == "" and len(lines) == 1, stderr
    assert lines[0].startswith("summarizer: error: ")
    in_users_words(lines[0])
    return lines[0].removeprefix("summarizer: error: ")


@pytest.fixture
def client(settings: Settings, fake: FakeProvider) -> Iterator[TestClient]:
    summarizer = Summarizer.from_settings(settings).with_provider(fake)
    with TestClient(create_app(settings, summarizer=summarizer)) as c:
        yield c


def api_error(response: object, status: int, kind: str) -> str:
    assert response.status_code == status, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body == {
        "error": {"type": kind, "message": body["error"]["message"]},
        "request_id": response.headers["X-Request-ID"],  # type: ignore[attr-defined]
    }
    message = str(body["error"]["message"])
    in_users_words(message)
    return message


@pytest.mark.parametrize(("body", "message", "in_a_file"), BAD_ARTICLES, ids=ARTICLE_IDS)
def test_a_bad_article_is_refused_in_the_same_words_by_the_api_and_the_cli(
    client: TestClient, tmp_path: Path, body: object, message: str, in_a_file: str | None
) -> None:
    assert api_error(client.post("/v1/summaries", json=body), 422, "invalid_input") == message
    path = tmp_path / "article.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    said = cli_error("summarize", str(path), "--provider", "replay")
    assert said.removeprefix(f"{path}: ") == (in_a_file or message)


def test_a_bad_line_of_a_batch_is_refused_in_the_same_words(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_text("\n".join(json.dumps(body) for body, _, _ in BAD_ARTICLES) + "\n")
    out = tmp_path / "out.jsonl"
    code, _, stderr = run("batch", str(lines), "--out", str(out), "--provider", "replay")
    assert code == 1, stderr
    said = [json.loads(line)["error"]["message"] for line in out.read_text().splitlines()]
    for message in said:
        in_users_words(message)
    where = re.compile(rf"^{re.escape(str(lines))}:\d+: ")
    expected = [in_a_file or message for _, message, in_a_file in BAD_ARTICLES]
    assert sorted(where.sub("", message) for message in said) == sorted(expected)


@pytest.mark.parametrize(("name", "value", "message"), BAD_SETTINGS)
def test_a_bad_setting_is_named_by_its_environment_variable(
    tmp_path: Path, name: str, value: str, message: str
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Some news.")
    assert cli_error("summarize", str(path), **{name: value}) == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-02-30", "--published-at: 2025-02-30 is not a date in the calendar"),
        ("yesterday", f"--published-at: 'yesterday' is not a date: {DATE_FORM}"),
    ],
)
def test_a_bad_published_at_option_says_what_is_wrong(
    tmp_path: Path, value: str, message: str
) -> None:
    path = tmp_path / "a.txt"
    path.write_text("Some news.")
    assert cli_error("summarize", str(path), "--published-at", value) == message


@pytest.mark.parametrize(
    ("content_type", "body", "status", "kind", "message"),
    [
        (
            "text/plain",
            b"Some news.",
            415,
            "unsupported_media_type",
            f"the body's Content-Type is text/plain: {SEND}",
        ),
        (
            "application/x-www-form-urlencoded",
            b"text=x",
            415,
            "unsupported_media_type",
            f"the body's Content-Type is application/x-www-form-urlencoded: {SEND}",
        ),
        (
            "application/json",
            b"{not json",
            422,
            "invalid_input",
            "the body is not valid JSON: "
            "Expecting property name enclosed in double quotes (line 1)",
        ),
        (
            "application/json",
            b'{"text": "caf\xe9"}',
            422,
            "invalid_input",
            "the body is not UTF-8 text (invalid byte 0xe9 at offset 13)",
        ),
        (
            "application/json; charset=utf-8",
            '\ufeff{"text": "  "}'.encode(),
            422,
            "invalid_input",
            "article text is empty",
        ),
    ],
)
def test_a_body_the_api_cannot_read_says_why(
    client: TestClient, content_type: str, body: bytes, status: int, kind: str, message: str
) -> None:
    response = client.post("/v1/summaries", content=body, headers={"content-type": content_type})
    assert api_error(response, status, kind) == message


def test_the_schema_declares_the_415(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    post = paths["/v1/summaries"]["post"]
    assert "415" in post["responses"] and "415" in paths["/v1/batches"]["post"]["responses"]
    assert set(post["requestBody"]["content"]) == {"application/json", "text/html"}


def test_a_batch_that_is_not_json_is_a_415(client: TestClient) -> None:
    response = client.post("/v1/batches", content=b"text=x", headers={"content-type": "text/plain"})
    message = "the body's Content-Type is text/plain: send the articles as application/json"
    assert api_error(response, 415, "unsupported_media_type") == message


@pytest.mark.parametrize(
    "published_at",
    ["2025-06-15T10:00:00Z", "2025-06-15T23:30:00-05:00", "2025-06-15 10:00"],
)
def test_a_timestamp_is_read_as_its_date_in_the_api_and_the_cli(
    client: TestClient, tmp_path: Path, published_at: str
) -> None:
    """The date as written, in the timestamp's own zone: 23:30 at UTC-5 is still June 15.
    Through the CLI, the replay provider answers: its recorded request is the one a
    plain `2025-06-15` makes, so the timestamp changed nothing the model is sent."""
    body = {"text": "Drones hit a base.", "published_at": published_at}
    answer = client.post("/v1/summaries", json=body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["article"]["published_at"] == "2025-06-15"
    article = tmp_path / "000.txt"
    article.write_bytes(next(CORPUS.glob("000_*.txt")).read_bytes())
    code, stdout, stderr = run(
        "summarize", str(article), "--published-at", published_at, "--provider", "replay"
    )
    assert code == 0, stderr
    assert json.loads(stdout)["article"]["published_at"] == "2025-06-15"


def test_a_batch_with_an_id_twice_is_refused_whole(client: TestClient) -> None:
    articles = [{"text": "One story.", "id": "x"}, {"text": "Another story.", "id": "x"}]
    response = client.post("/v1/batches", json={"articles": articles})
    assert api_error(response, 422, "invalid_input") == "id 'x' is used by articles 0 and 1"
