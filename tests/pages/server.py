"""A local HTTP server with the pages and failures URL fetching must handle, noting each
request it gets (so a test can tell it was never reached, or which Host it was asked for),
over TLS too: tls/news.example.pem is a certificate for news.example and its key, signed by
tls/ca.pem, both made with openssl for a hundred years (`openssl req -x509 -newkey ec ...`
for the CA, then `openssl req` and `openssl x509 -req` with subjectAltName=DNS:news.example)."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = (Path(__file__).parent.parent / "fixtures" / "article_000.html").read_bytes()
TLS = Path(__file__).parent / "tls"
CA = TLS / "ca.pem"  # trusts the certificate the server shows over TLS
TLS_HOST = "news.example"  # the one name that certificate is for


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        assert isinstance(self.server, QuietServer)
        self.server.seen.append(Seen(self.path, self.headers.get("Host", "")))
        routes = {
            "/article": lambda: self.send(200, "text/html; charset=utf-8", PAGE),
            "/missing": lambda: self.send(404, "text/html", b"<h1>Not found</h1>"),
            "/data": lambda: self.send(200, "application/json", b'{"a": 1}'),
            "/empty": lambda: self.send(
                200, "text/html", b"<html><body><nav>Home</nav></body></html>"
            ),
            "/big": lambda: self.send(200, "text/html", b"<p>" + b"x" * 300_000 + b"</p>"),
            "/slow": self.slow,
            "/moved": lambda: self.redirect("/article"),
            "/loop": lambda: self.redirect("/loop"),
        }
        routes.get(self.path, lambda: self.send(404, "text/plain", b"no"))()

    def send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, to: str) -> None:
        self.send_response(302)
        self.send_header("Location", to)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def slow(self) -> None:
        time.sleep(3)
        self.send(200, "text/html", PAGE)


@dataclass(frozen=True)
class Seen:
    path: str
    host: str  # the Host header


class QuietServer(ThreadingHTTPServer):
    def __init__(self, seen: list[Seen]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.seen = seen

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout test) is expected


@dataclass
class Site:
    base: str  # http(s)://127.0.0.1:port
    port: int
    seen: list[Seen]  # every request, in order


@contextmanager
def serving(tls: bool = False) -> Iterator[Site]:
    seen: list[Seen] = []
    server = QuietServer(seen)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(TLS / f"{TLS_HOST}.pem")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    site = Site(f"{'https' if tls else 'http'}://127.0.0.1:{port}", port, seen)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
