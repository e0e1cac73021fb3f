"""Request body limits: how many bytes each route reads, a 413 sent before a too-long body
is read, and every answer sent before the body was read (a 413, 401 or 415) made readable
by every client.

A server that answers before it has read the whole body and then closes the connection
leaves the unread bytes in its socket; the kernel then resets the connection, and a
client still sending (Python's urllib sends its whole body before it reads an answer)
sees "connection reset" instead of the answer. uvicorn closes after the answer whenever
either side said `Connection: close`, as urllib always does. So the rest of such a body
is read and thrown away before the answer ends, as nginx's lingering close does: up to
twice the largest body the API accepts (`drain_bound`) and for at most `DRAIN_SECONDS`.
A client sending more than that, or for longer, may still see a reset."""

from __future__ import annotations

import anyio
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from summarizer.serve.errors import too_large
from summarizer.settings import Settings

# nginx's lingering_time: long enough for a body the drain bound allows on a slow link,
# short enough that a client which stops sending cannot hold the connection.
DRAIN_SECONDS = 30.0


def body_limits(settings: Settings) -> dict[str, int]:
    """Bytes each route reads at most. A summary's text of `max_chars` characters takes at
    most 6 bytes a character in JSON (\\uXXXX), plus 64 KiB for the other fields."""
    summary = min(settings.max_body_bytes, 6 * settings.max_chars + 65_536)
    return {"/v1/summaries": summary, "/v1/batches": settings.max_body_bytes}


def drain_bound(settings: Settings) -> int:
    """Bytes of an unread body read and thrown away after the answer: a client that sent
    up to twice the largest body accepted reads the answer."""
    return 2 * settings.max_body_bytes


class BodyLimit:
    """413 with our JSON error body for a request whose Content-Length is over its route's
    limit, sent before the body is read (FastAPI's own check would answer in plain text);
    this answer and any other sent before the body was read end only once it is drained
    (`Drain`)."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.limits = body_limits(settings)
        self.default = settings.max_body_bytes
        self.drain = drain_bound(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        limit = self.limits.get(scope["path"], self.default)
        declared = headers.get("content-length", "")
        app = too_large(limit) if declared.isdigit() and int(declared) > limit else self.app
        # A request without a body (a GET) has nothing to drain and keeps its connection.
        has_body = "transfer-encoding" in headers or declared not in ("", "0")
        drain = Drain(receive, send, self.drain, has_body=has_body)
        await app(scope, drain.receive, drain.send)


class Drain:
    """One request's receive and send, such that an answer begun while the body is still
    coming is sent whole, then the body is read and thrown away up to `bound` bytes and
    `DRAIN_SECONDS`, and only then does the answer end and the connection close.

    The answer ends last because uvicorn's receive gives only `http.disconnect` once the
    answer has ended; the answer's bytes are out before the drain, and its Content-Length
    tells the client it has them all. It says `Connection: close`: a body cut off at the
    bound leaves the connection unusable."""

    def __init__(self, receive: Receive, send: Send, bound: int, *, has_body: bool) -> None:
        self._receive, self._send, self.bound = receive, send, bound
        self.body_read = not has_body
        self.draining = False

    async def receive(self) -> Message:
        message = await self._receive()
        # Another receive after the body's end would wait for the client to hang up.
        self.body_read = message["type"] != "http.request" or not message.get("more_body")
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.draining = not self.body_read
            if self.draining:
                headers = [*message.get("headers", []), (b"connection", b"close")]
                message = {**message, "headers": headers}
        elif self.draining and not message.get("more_body"):
            await self._send({**message, "more_body": True})
            await self.discard()
            message = {"type": "http.response.body", "body": b""}
        await self._send(message)

    async def discard(self) -> None:
        """Read the rest of the body, keeping none of it, within the bounds."""
        read = 0
        with anyio.move_on_after(DRAIN_SECONDS):
            while not self.body_read and read < self.bound:
                read += len((await self.receive()).get("body", b""))
