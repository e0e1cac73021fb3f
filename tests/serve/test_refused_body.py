"""A body over the limit gets a 413 every common client can read: the real app under
uvicorn, 1 MB and 50 MB bodies, with and without Content-Length, sent by urllib (which
sends its whole body before reading, on a connection it asks to close), requests, httpx
and curl. The server drains a refused body only up to its bound, then closes."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import httpx2
import pytest
import requests
from fastapi.testclient import TestClient
from pydantic import SecretStr

from summarizer.serve import create_app
from summarizer.serve.limits import body_limits, drain_bound
from summarizer.settings import Settings
from tests.serve.server import serving
from tests.serve.test_api import asgi_post

MB = 1_000_000
PIECE = 65_536
# The summaries route reads 6 * max_chars + 64 KiB (665,536 bytes by default): both are
# over it, and 50 MB is over the largest body any route takes (32 MiB) too.
SIZES = [1 * MB, 50 * MB]
JSON = {"Content-Type": "application/json"}
Client = Callable[[str, bytes, bool], tuple[int, bytes]]


@cache
def body_of(size: int) -> bytes:
    return b'{"text": "' + b"x" * size + b'"}'


def pieces(body: bytes) -> Iterator[bytes]:
    """The body as an iterator: every client sends one chunked, with no Content-Length."""
    return (body[at : at + PIECE] for at in range(0, len(body), PIECE))


def by_urllib(url: str, body: bytes, chunked: bool) -> tuple[int, bytes]:
    data = pieces(body) if chunked else body
    request = urllib.request.Request(url, data=data, headers=JSON)
    try:
        with urllib.request.urlopen(request) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


def by_requests(url: str, body: bytes, chunked: bool) -> tuple[int, bytes]:
    answer = requests.post(url, data=pieces(body) if chunked else body, headers=JSON, timeout=120)
    return answer.status_code, answer.content


def by_httpx(url: str, body: bytes, chunked: bool) -> tuple[int, bytes]:
    answer = httpx2.post(url, content=pieces(body) if chunked else body, headers=JSON, timeout=120)
    return answer.status_code, answer.content


def by_curl(url: str, body: bytes, chunked: bool) -> tuple[int, bytes]:
    if shutil.which("curl") is None:
        pytest.skip("no curl binary")
    headers = ["-H", "Content-Type: application/json"]
    headers += ["-H", "Transfer-Encoding: chunked"] if chunked else []
    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "body.json"
        file.write_bytes(body)
        answer = subprocess.run(
            ["curl", "-sS", "-w", "\n%{http_code}", "--data-binary", f"@{file}", *headers, url],
            capture_output=True,
            check=True,
        ).stdout
    content, _, status = answer.rpartition(b"\n")
    return int(status), content


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(cache_dir=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def base(settings: Settings) -> Iterator[str]:
    with serving(create_app(settings)) as url:
        yield url


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
@pytest.mark.parametrize("size", SIZES, ids=["1MB", "50MB"])
@pytest.mark.parametrize("client", [by_urllib, by_requests, by_httpx, by_curl])
def test_every_client_reads_the_413_of_a_body_over_the_limit(
    base: str, settings: Settings, client: Client, size: int, chunked: bool
) -> None:
    status, content = client(base + "/v1/summaries", body_of(size), chunked)
    limit = body_limits(settings)["/v1/summaries"]
    assert status == 413
    assert json.loads(content)["error"] == {
        "type": "input_too_large",
        "message": f"request body over the limit of {limit} bytes",
    }


@pytest.mark.parametrize(
    ("key", "media", "status", "kind"),
    [
        ("a-key", "application/json", 401, "unauthorized"),
        (None, "text/plain", 415, "unsupported_media_type"),
    ],
)
def test_urllib_reads_any_refusal_sent_before_the_body(
    tmp_path: Path, key: str | None, media: str, status: int, kind: str
) -> None:
    # A summary's key and media type are checked before its body is read: a body under
    # the limit (32 MiB with this max_chars) is refused unread too.
    settings = Settings(cache_dir=tmp_path, api_key=key and SecretStr(key), max_chars=10_000_000)
    with serving(create_app(settings)) as base:
        url = base + "/v1/summaries"
        request = urllib.request.Request(
            url, data=body_of(30 * MB), headers={"Content-Type": media}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request)
    assert refused.value.code == status
    assert json.loads(refused.value.read())["error"]["type"] == kind


def sent_before_the_server_closed(base: str, head: bytes, size: int) -> tuple[bytes, int]:
    """The answer to a request of `size` body bytes, read before sending the body, and how
    much of the body the connection took before the server closed it."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port)) as conn:
        conn.sendall(head)
        answer = conn.recv(PIECE)
        sent = 0
        try:
            while sent < size:
                sent += conn.send(b"x" * PIECE)
        except OSError:  # reset or broken pipe: the server stopped reading and closed
            pass
    return answer, sent


def test_a_body_past_the_drain_bound_is_not_read_to_its_end(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path, max_body_bytes=MB)  # drains 2 MB at most
    head = (
        b"POST /v1/batches HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % (50 * MB)
    )
    with serving(create_app(settings)) as base:
        answer, sent = sent_before_the_server_closed(base, head, 50 * MB)
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"\r\nconnection: close\r\n" in answer.lower()
    assert sent < 50 * MB  # the socket buffers take some megabytes; the server no more


def test_the_drain_stops_at_the_bound(tmp_path: Path) -> None:
    settings = Settings(cache_dir=tmp_path, max_body_bytes=MB)
    # An endless body: none of it read before the 413 begins, then read up to the bound.
    status, _, before, reads = asgi_post(
        create_app(settings), "/v1/batches", [(b"content-length", b"%d" % (50 * MB))]
    )
    assert status == 413 and before == 0
    assert (reads - 1) * PIECE < drain_bound(settings) <= reads * PIECE


def test_a_413_for_a_body_read_whole_keeps_the_connection(tmp_path: Path) -> None:
    # The text is over max_chars but the body under the route's limit: nothing to drain.
    settings = Settings(cache_dir=tmp_path, max_chars=50)
    with TestClient(create_app(settings)) as client:
        answer = client.post("/v1/summaries", json={"text": "x" * 51})
    assert answer.status_code == 413 and "connection" not in answer.headers
