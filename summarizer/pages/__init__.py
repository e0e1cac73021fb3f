"""Input from the web: an article given as a page's HTML, or as a URL to fetch, becomes
an article request with the page's main text, and its title, canonical URL and
publication date where the caller gave none."""

from __future__ import annotations

import datetime as dt

from summarizer.core import ArticleRequest, ReadArticle
from summarizer.pages.fetch import FetchFailed, Limits, fetch, media_type
from summarizer.pages.html import Page, parse_page

__all__ = ["FetchFailed", "Limits", "Page", "media_type", "parse_page", "read"]


def read(
    request: ArticleRequest, limits: Limits | None = None, default_date: dt.date | None = None
) -> ReadArticle:
    """The request with text to summarise: as given, read from its HTML, or from its URL
    fetched within `limits`; with no limits, fetching is off here and a URL is refused.
    `default_date` dates an article that neither the request nor its page dates (a batch's
    `--published-at`)."""
    if request.fetch:
        if limits is None:
            raise FetchFailed("fetching URLs is off here (SUMMARIZER_API_FETCH turns it on)")
        assert request.url is not None  # the request's own validation requires it
        fetched = fetch(request.url, limits)
        return _from_page(request, fetched.html, fetched.url, default_date)
    if request.html is not None:
        return _from_page(request, request.html, "the page", default_date)
    return ReadArticle.model_validate(_dated(request, default_date).model_dump())


def _dated(request: ArticleRequest, date: dt.date | None) -> ArticleRequest:
    if request.published_at is not None or date is None:
        return request
    return request.model_copy(update={"published_at": date})


def _from_page(
    request: ArticleRequest, html: str, source: str, default_date: dt.date | None
) -> ReadArticle:
    page = parse_page(html, source)
    if page.published_at is None:
        request = _dated(request, default_date)
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
