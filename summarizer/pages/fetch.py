"""Fetching a page by URL, safely: http(s) only, a timeout, a size limit, a bounded number
of redirects (each one checked again), and no private, loopback, link-local or otherwise
internal address unless a setting allows it, so the service is never a proxy into the
network it runs in. Each hop's host name is resolved once, every answer is checked, and
the connection goes to a checked address: a name that answers differently when asked
again (DNS rebinding) cannot lead the fetch anywhere the check did not see."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from contextlib import closing, suppress
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx2

from summarizer.core import InputError, InputTooLarge
from summarizer.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")
MAX_REDIRECTS = 5

# A host name to its addresses, in the order to try them; OSError when it has none.
Resolve = Callable[[str], list[str]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


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


def resolve_host(host: str) -> list[str]:
    """The host's addresses as the system's resolver gives them (IPv4 and IPv6)."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)]


def fetch(url: str, limits: Limits, resolve: Resolve = resolve_host) -> Fetched:
    with _client(limits.timeout) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target = _parse(url)
            addresses = _addresses(url, target, limits.allow_private, resolve)
            try:
                with closing(_send(client, target, addresses)) as response:
                    if response.is_redirect and "location" in response.headers:
                        url = urljoin(url, response.headers["location"])
                        continue
                    return Fetched(url, _read(url, response, limits.max_bytes))
            except httpx2.TimeoutException:
                raise FetchFailed(f"{url} did not answer in {limits.timeout:g} s") from None
            except httpx2.HTTPError as exc:
                raise FetchFailed(f"{url} could not be fetched: {exc}") from None
    raise FetchFailed(f"{url}: more than {MAX_REDIRECTS} redirects")


def _client(timeout: float) -> httpx2.Client:
    """A client that connects where it is sent and nowhere else. Its own transport keeps
    the environment's proxies out (httpx mounts them only on a client without one): a proxy
    would connect on the fetch's behalf, past the address check. No connection is kept for
    a later hop either, as one opened for a host name would then carry another's request."""
    transport = httpx2.HTTPTransport(limits=httpx2.Limits(max_keepalive_connections=0))
    return httpx2.Client(transport=transport, timeout=timeout, follow_redirects=False)


def _parse(url: str) -> httpx2.URL:
    try:
        return httpx2.URL(url)
    except httpx2.InvalidURL:
        raise FetchFailed(f"{url} is not a valid URL") from None


def _addresses(url: str, target: httpx2.URL, allow_private: bool, resolve: Resolve) -> list[str]:
    """The addresses of the URL's host, each checked; the fetch connects to one of these
    and never resolves the name again."""
    if target.scheme not in ("http", "https") or not target.raw_host:
        raise FetchFailed(f"{url}: only http and https URLs can be fetched")
    try:
        answers = resolve(target.raw_host.decode("ascii"))
    except OSError:
        answers = []
    if not answers:
        raise FetchFailed(f"{url}: host {target.host!r} not found")
    addresses = [_unmapped(ipaddress.ip_address(answer)) for answer in answers]
    if not allow_private and not all(address.is_global for address in addresses):
        raise FetchFailed(
            f"{url}: {target.host} is a private, loopback or link-local address "
            "(SUMMARIZER_FETCH_PRIVATE allows it)"
        )
    return list(dict.fromkeys(str(address) for address in addresses))


def _unmapped(address: Address) -> Address:
    """An IPv4-mapped IPv6 answer (::ffff:127.0.0.1) as the IPv4 address it reaches, so
    it is checked and connected to as that."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _send(client: httpx2.Client, target: httpx2.URL, addresses: list[str]) -> httpx2.Response:
    """The response from the first address that takes the connection, trying them in turn
    as the system's own connect would. The request goes to the address itself, with the
    host name in the Host header and in TLS (SNI, and the name the certificate must
    carry: `sni_hostname` is what the SSL context verifies the certificate against)."""
    headers = {"Accept": "text/html", "Host": target.netloc.decode("ascii")}
    extensions = {"sni_hostname": target.raw_host.decode("ascii")}
    requests = [
        client.build_request(
            "GET", target.copy_with(host=address), headers=headers, extensions=extensions
        )
        for address in addresses
    ]
    for request in requests[:-1]:
        with suppress(httpx2.ConnectError, httpx2.ConnectTimeout):
            return client.send(request, stream=True)
    return client.send(requests[-1], stream=True)


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
