import datetime as dt

import pytest

from summarizer.core import ArticleRequest, InputError, InputTooLarge
from summarizer.extract.article import build_article, content_id, parse_date, request_from_bytes


def test_plain_text_is_an_article() -> None:
    request = request_from_bytes(b"Drones hit a base.\n", "a.txt")
    assert request.text == "Drones hit a base.\n"


def test_json_object_carries_metadata() -> None:
    raw = b'{"text": "Drones.", "title": "T", "url": "u", "published_at": "2025-06-15"}'
    request = request_from_bytes(raw, "a.json")
    assert (request.title, request.url, request.published_at) == ("T", "u", dt.date(2025, 6, 15))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "empty"),
        (b"   \n\t", "empty"),
        (b"caf\xe9 bytes", "not UTF-8 text (invalid byte 0xe9 at offset 3)"),
        (b'{"text": "x", "published_at": "15/06/2025"}', "published_at"),
        (b'{"title": "no text"}', "text"),
        (b'{"text": ', "not valid JSON"),
        (b"[1, 2]", "input: the article must be a JSON object with text, html or url"),
    ],
)
def test_bad_input_is_named(raw: bytes, message: str) -> None:
    as_json = None if not raw.startswith(b"[") else True
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        request = request_from_bytes(raw, "input", as_json)
        build_article(request, 100)


def test_over_the_limit_names_both_sizes() -> None:
    with pytest.raises(InputTooLarge, match="101 characters, over the limit of 100"):
        build_article(ArticleRequest(text="x" * 101), max_chars=100)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2025-02-30", "published_at: 2025-02-30 is not a date in the calendar"),
        ("2025-13-01T10:00:00Z", "published_at: 2025-13-01 is not a date in the calendar"),
        ("15/06/2025", "published_at: '15/06/2025' is not a date: expected YYYY-MM-DD, or an"),
        ("last week", "published_at: 'last week' is not a date: expected YYYY-MM-DD, or an"),
    ],
)
def test_a_bad_date_says_what_is_wrong(value: str, message: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_date(value)
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize(
    "value",
    [
        "2025-06-15",
        "2025-06-15T10:00:00Z",
        "2025-06-15 10:00",
        "2025-06-15T23:30:00-05:00",  # June 16 in UTC: the date is the one written
        "2025-06-15T00:30:00+14:00",  # June 14 in UTC
        " 2025-06-15T10:00:00.123456+02:00 ",
    ],
)
def test_a_timestamp_is_its_date_as_written(value: str) -> None:
    assert parse_date(value) == dt.date(2025, 6, 15)
    assert ArticleRequest(text="x", published_at=value).published_at == dt.date(2025, 6, 15)


def test_text_is_normalised_and_id_is_its_hash() -> None:
    article = build_article(ArticleRequest(text="\ufeffa\r\nb\rc\u0065\u0301"), 100)
    assert article.text == "a\nb\nc\u00e9"
    assert article.meta.id == content_id("a\nb\nc\u00e9")
    assert article.meta.id.startswith("sha256:")


def test_callers_id_wins() -> None:
    assert build_article(ArticleRequest(text="x", id="000"), 100).meta.id == "000"
