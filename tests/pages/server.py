"""A local HTTP server with the pages and failures URL fetching must handle."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGE = (Path(__file__).parent.parent / "fixtures" / "article_000.html").read_bytes()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # quiet
        pass

    def do_GET(self) -> None:
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


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that gave up (the timeout test) is expected


@contextmanager
def serving() -> Iterator[str]:
    server = QuietServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
