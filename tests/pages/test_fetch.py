from collections.abc import Iterator

import pytest

from summarizer.core import ArticleRequest, InputError, InputTooLarge
from summarizer.pages import FetchFailed, Limits, read
from summarizer.pages.fetch import fetch
from tests.pages.server import serving

LOCAL = Limits(timeout=1.0, max_bytes=200_000, allow_private=True)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    with serving() as base:
        yield base


def test_a_page_is_fetched_read_and_dated(site: str) -> None:
    request = read(ArticleRequest(url=f"{site}/article", fetch=True), LOCAL)
    assert request.text and "Pezeshkian" in request.text and not request.fetch
    assert request.published_at is not None and request.title
    assert request.url == f"{site}/article"  # the caller's url stays; the page's fills gaps


def test_redirects_are_followed_and_bounded(site: str) -> None:
    assert fetch(f"{site}/moved", LOCAL).url == f"{site}/article"
    with pytest.raises(FetchFailed, match="more than 5 redirects"):
        fetch(f"{site}/loop", LOCAL)


@pytest.mark.parametrize(
    ("path", "error", "message"),
    [
        ("/missing", FetchFailed, "answered HTTP 404"),
        ("/data", FetchFailed, "not an HTML page .content type 'application/json'"),
        ("/slow", FetchFailed, "did not answer in 1 s"),
        ("/big", InputTooLarge, "over the limit of 200,000"),
    ],
)
def test_a_url_that_is_not_a_usable_page_is_a_clear_error(
    site: str, path: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        fetch(f"{site}{path}", LOCAL)


def test_a_page_with_no_main_text_is_a_clear_error(site: str) -> None:
    with pytest.raises(InputError, match="no main text"):
        read(ArticleRequest(url=f"{site}/empty", fetch=True), LOCAL)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://10.0.0.8/x",
        "http://169.254.169.254/latest",
        "http://[::1]/x",
    ],
)
def test_internal_addresses_are_refused_unless_allowed(url: str) -> None:
    with pytest.raises(FetchFailed, match="private, loopback or link-local"):
        fetch(url, Limits(timeout=1.0, max_bytes=1000, allow_private=False))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a", "gopher://x"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchFailed, match="only http and https"):
        fetch(url, LOCAL)
