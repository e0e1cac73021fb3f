"""A web page's main text and metadata, by trafilatura: navigation, captions, share
links and related-story teasers dropped; title, canonical URL and publication date read
from the page's own metadata."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from summarizer.core import InputError


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    url: str | None
    published_at: dt.date | None


def parse_page(html: str, source: str) -> Page:
    import trafilatura  # lxml and its HTML stack: only for pages
    from trafilatura.settings import Document

    document = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        # Precision over recall, and no fallback extractors: a page whose only text is its
        # navigation has no article, rather than one made of menu items.
        favor_precision=True,
        fast=True,
        include_comments=False,
        include_tables=False,
        # The date the page itself declares (meta tags, JSON-LD, <time>), never one
        # guessed from the text or the URL: a wrong date would misdate every event.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not isinstance(document, Document) or not (document.text or "").strip():
        raise InputError(f"{source}: the page has no main text to summarise")
    return Page(
        text=document.text or "",
        title=document.title or None,
        url=document.url or None,
        published_at=_date(document.date),
    )


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None
