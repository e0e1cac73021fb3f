"""An OpenAI-compatible stand-in for the model endpoint, with injectable latency and faults.

It answers `POST /v1/chat/completions` the way the `openai` provider calls it (tools mode
or JSON content) with a contract-valid draft built from fixed data and the article in the
request. It stands in for the network peer in fault tests and benchmarks; its answers are
never recordings.

Faults, each with its own rate per request: `429` (with Retry-After), `500`, `503`,
`hang` (no answer past the client's timeout), `drop` (connection closed unanswered),
`truncated` (the JSON body cut in half) and `invalid` (a well-formed answer that breaks
the schema, to exercise re-ask).

Run alone for benchmarks: `python -m bench.stub_server --latency 0.2` prints its base URL.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULTS = ("429", "500", "503", "hang", "drop", "truncated", "invalid")
_ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.DOTALL)


@dataclass
class StubConfig:
    latency: float = 0.0
    faults: dict[str, float] = field(default_factory=dict)
    retry_after: float = 0.05
    hang: float = 3.0
    seed: int = 0
    script: list[str] = field(default_factory=list)  # forced outcomes of the first requests


def statement(description: str, quote: str) -> dict[str, Any]:
    """A draft event: a reported statement, quoting `quote`."""
    return {
        "type": "statement",
        "description": description,
        "actors": [],
        "targets": [],
        "locations": [],
        "when": None,
        "status": "reported",
        "casualties": None,
        "other_story": False,
        "evidence": [quote],
    }


def draft_for(article: str, valid: bool = True) -> dict[str, Any]:
    quote = " ".join(article.split())[:120].strip() or "news"
    event = statement("The article reports a development.", quote)
    return {
        "summary": quote,
        "actors": [] if valid else [{"name": "X", "type": "militia"}],
        "locations": [],
        "events": [event],
        "threats": [],
    }


def completion(request: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    arguments = json.dumps(draft)
    message: dict[str, Any] = {"role": "assistant", "content": arguments}
    if request.get("tools"):
        name = request["tools"][0]["function"]["name"]
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call-1",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
    prompt = sum(len(str(m.get("content", ""))) for m in request.get("messages", []))
    return {
        "id": "stub-1",
        "object": "chat.completion",
        "created": 0,
        "model": request.get("model", "stub"),
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        "usage": {
            "prompt_tokens": prompt // 4,
            "completion_tokens": len(arguments) // 4,
            "total_tokens": (prompt + len(arguments)) // 4,
        },
    }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # room for a benchmark's bursts of connections


class StubServer:
    def __init__(self, config: StubConfig | None = None) -> None:
        self.config = config or StubConfig()
        self.served: Counter[str] = Counter()
        self.arrivals: list[float] = []
        self.requests: list[dict[str, Any]] = []
        self._script = list(self.config.script)
        self._rng = random.Random(self.config.seed)
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> StubServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def outcome(self, request: dict[str, Any]) -> str:
        with self._lock:
            self.arrivals.append(time.monotonic())
            self.requests.append(request)
            if self._script:
                fault = self._script.pop(0)
                self.served[fault] += 1
                return fault
            roll = self._rng.random()
            for fault in FAULTS:
                roll -= self.config.faults.get(fault, 0.0)
                if roll < 0:
                    self.served[fault] += 1
                    return fault
            self.served["ok"] += 1
            return "ok"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; with Nagle's algorithm on, the
            # second waits for a delayed ACK (~40 ms on loopback) and the stub, not the
            # client, would set the pace.
            disable_nagle_algorithm = True

            def log_message(self, *_: Any) -> None:  # quiet: tests read counters instead
                pass

            def do_POST(self) -> None:
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                time.sleep(stub.config.latency)
                fault = stub.outcome(request)
                if fault in ("hang", "drop"):
                    if fault == "hang":
                        time.sleep(stub.config.hang)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault in ("429", "500", "503"):
                    headers = (
                        {"Retry-After": str(stub.config.retry_after)} if fault == "429" else {}
                    )
                    self._send(int(fault), {"error": {"message": f"stub fault {fault}"}}, headers)
                    return
                text = "\n".join(str(m.get("content")) for m in request["messages"])
                match = _ARTICLE.search(text)  # after a re-ask the article is further back
                draft = draft_for(match.group(1) if match else "", valid=fault != "invalid")
                body = json.dumps(completion(request, draft)).encode()
                self._send_bytes(200, body[: len(body) // 2] if fault == "truncated" else body)

            def _send(self, status: int, data: dict[str, Any], headers: dict[str, str]) -> None:
                self._send_bytes(status, json.dumps(data).encode(), headers)

            def _send_bytes(
                self, status: int, body: bytes, headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

        return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    with StubServer(StubConfig(latency=args.latency)) as stub:
        print(stub.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
