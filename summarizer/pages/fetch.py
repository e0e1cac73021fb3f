"""Fetching a page by URL, safely: http(s) only, a timeout, a size limit, a bounded number
of redirects (each one checked again), and no private, loopback, link-local or otherwise
internal address unless a setting allows it, so the service is never a proxy into the
network it runs in."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx2

from summarizer.core import InputError, InputTooLarge
from summarizer.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 5


class FetchFailed(InputError):
    """The URL could not be read as a page."""

    kind = "fetch_failed"


@dataclass(frozen=True)
class Limits:
    timeout: float
    max_bytes: int
    allow_private: bool

    @classmethod
    def of(cls, settings: Settings) -> Limits:
        return cls(settings.fetch_timeout, settings.fetch_max_bytes, settings.fetch_private)


@dataclass(frozen=True)
class Fetched:
    url: str
    html: str


def fetch(url: str, limits: Limits) -> Fetched:
    with httpx2.Client(timeout=limits.timeout, follow_redirects=False) as client:
        for _ in range(MAX_REDIRECTS + 1):
            _check_target(url, limits.allow_private)
            try:
                with client.stream("GET", url, headers={"Accept": "text/html"}) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return Fetched(url, _read(url, response, limits.max_bytes))
            except httpx2.TimeoutException:
                raise FetchFailed(f"{url} did not answer in {limits.timeout:g} s") from None
            except httpx2.HTTPError as exc:
                raise FetchFailed(f"{url} could not be fetched: {exc}") from None
    raise FetchFailed(f"{url}: more than {MAX_REDIRECTS} redirects")


def _check_target(url: str, allow_private: bool) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchFailed(f"{url}: only http and https URLs can be fetched")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise FetchFailed(f"{url}: host {parts.hostname!r} not found") from None
    # The address is checked here and resolved again by the client: a name that changes
    # its answer in between could slip past; `allow_private` stays off where that matters.
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not allow_private and not address.is_global:
            raise FetchFailed(
                f"{url}: {parts.hostname} is a private, loopback or link-local address "
                "(SUMMARIZER_FETCH_PRIVATE allows it)"
            )


def media_type(content_type: str | None) -> str:
    """The media type of a Content-Type header ("text/html; charset=utf-8": "text/html")."""
    return (content_type or "").split(";")[0].strip().lower()


def _read(url: str, response: httpx2.Response, max_bytes: int) -> str:
    if response.status_code != 200:
        raise FetchFailed(f"{url} answered HTTP {response.status_code}")
    kind = media_type(response.headers.get("content-type"))
    if kind not in HTML_TYPES:
        raise FetchFailed(f"{url} is not an HTML page (content type {kind or 'none'!r})")
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise InputTooLarge(f"{url} is {int(declared):,} bytes, over the limit of {max_bytes:,}")
    body = bytearray()
    for chunk in response.iter_bytes():
        body.extend(chunk)
        if len(body) > max_bytes:
            raise InputTooLarge(f"{url} is over the limit of {max_bytes:,} bytes")
    return body.decode(response.encoding or "utf-8", errors="replace")
