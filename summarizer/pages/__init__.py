"""Input from the web: an article given as a page's HTML, or as a URL to fetch, becomes
an article request with the page's main text, and its title, canonical URL and
publication date where the caller gave none."""

from __future__ import annotations

from summarizer.core import ArticleRequest
from summarizer.pages.fetch import FetchFailed, Limits, fetch
from summarizer.pages.html import read_page

__all__ = ["FetchFailed", "Limits", "read", "read_html", "read_page"]


def read(request: ArticleRequest, limits: Limits) -> ArticleRequest:
    """The request with text to summarise: as given, or read from its HTML or its URL."""
    if not request.fetch:
        return read_html(request)
    assert request.url is not None  # the request's own validation requires it
    fetched = fetch(request.url, limits)
    return _from_page(request, fetched.html, fetched.url)


def read_html(request: ArticleRequest) -> ArticleRequest:
    """The request with text to summarise, read from its HTML if it has some; a URL to
    fetch is refused here (where fetching is off)."""
    if request.fetch:
        raise FetchFailed("fetching URLs is off here (SUMMARIZER_API_FETCH turns it on)")
    return request if request.html is None else _from_page(request, request.html, "the page")


def _from_page(request: ArticleRequest, html: str, source: str) -> ArticleRequest:
    page = read_page(html, source)
    if request.published_at is not None:
        note = "published_at: given by the caller"
    elif page.published_at is not None:
        note = "published_at: from the page's metadata"
    else:
        note = (
            "published_at: unknown (neither the caller nor the page gives it); "
            "relative dates stay unresolved"
        )
    return request.with_page(
        page.text, (note,), title=page.title, url=page.url, published_at=page.published_at
    )
