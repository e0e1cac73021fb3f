import datetime as dt

import pytest

from summarizer.core import ArticleRequest, InputError
from summarizer.pages import parse_page, read
from tests.conftest import corpus_article
from tests.pages.server import PAGE

HTML = PAGE.decode("utf-8")
FURNITURE = [
    "Home",  # breadcrumbs
    "Subscribe",  # menu
    "Photo caption",  # figure caption
    "Share on",  # share links, short link
    "exm.pl",
    "Oil prices climb",  # related-story teasers
    "penalty shoot-out",
    "Privacy",  # footer
]


def test_the_main_text_is_kept_and_the_furniture_dropped() -> None:
    page = parse_page(HTML, "fixture")
    for paragraph in corpus_article("000").text.splitlines():
        assert paragraph.strip() in page.text
    for furniture in FURNITURE:
        assert furniture not in page.text, furniture


def test_title_canonical_url_and_date_come_from_the_page() -> None:
    page = parse_page(HTML, "fixture")
    assert page.title == "Iran urges Iraq to block Israeli use of its airspace"
    assert page.url == "https://news.example.org/mena/iran-urges-iraq-airspace"
    assert page.published_at == dt.date(2025, 6, 15)


def test_the_caller_s_metadata_wins_and_the_record_is_told_where_the_date_came_from() -> None:
    from_page = read(ArticleRequest(html=HTML))
    assert from_page.published_at == dt.date(2025, 6, 15)
    assert from_page.notes == ("published_at: from the page's metadata",)
    given = read(ArticleRequest(html=HTML, published_at="2025-06-16", title="Mine"))
    assert (given.published_at, given.title) == (dt.date(2025, 6, 16), "Mine")
    assert given.notes == ("published_at: given by the caller",)
    undated = HTML.replace(
        '<meta property="article:published_time" content="2025-06-15T09:30:00+00:00">', ""
    )
    none = read(ArticleRequest(html=undated))
    assert none.published_at is None and "unknown" in none.notes[0]


def test_a_page_without_main_text_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="the page has no main text"):
        parse_page("<html><body><nav>Home · News · Sport</nav></body></html>", "the page")


def test_a_url_is_not_fetched_where_fetching_is_off() -> None:
    with pytest.raises(InputError, match="fetching URLs is off"):
        read(ArticleRequest(url="https://example.org/a", fetch=True))


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"text": "a", "html": "<p>b</p>"},
        {"fetch": True},
        {"text": "a", "url": "u", "fetch": True},
    ],
)
def test_a_request_has_exactly_one_source(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"one of text, html, or url with fetch: true|needs a url"):
        ArticleRequest.model_validate(fields)
