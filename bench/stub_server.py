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
import email
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

from summarizer.providers.deferred import message_for

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
    batch: BatchFaults = field(default_factory=lambda: BatchFaults())


@dataclass
class BatchFaults:
    """How the stub's Batch API misbehaves: polls before a batch ends, 5xx answers to
    polls, every n-th item failed, the batch expiring half done, a torn output file."""

    polls: int = 1
    poll_errors: int = 0
    fail_every: int = 0
    expire: bool = False
    partial: bool = False


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
    message = message_for(request, arguments)
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


def answer(request: dict[str, Any], valid: bool = True) -> dict[str, Any]:
    """The stub model's answer to one chat request: a draft from the article it carries."""
    text = "\n".join(str(m.get("content")) for m in request["messages"])
    match = _ARTICLE.search(text)  # after a re-ask the article is further back
    return completion(request, draft_for(match.group(1) if match else "", valid=valid))


class BatchAPI:
    """`/v1/files` and `/v1/batches`: a batch runs when it is polled, with `BatchFaults`."""

    def __init__(self, faults: BatchFaults) -> None:
        self.faults = faults
        self.files: dict[str, bytes] = {}
        self.batches: dict[str, dict[str, Any]] = {}
        self.created = 0
        self._polls: dict[str, int] = {}
        self._poll_errors = faults.poll_errors

    def upload(self, content_type: str, body: bytes) -> dict[str, Any]:
        form = email.message_from_bytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
        data = b""
        for part in form.walk():  # the multipart form's file field
            if part.get_filename():
                payload = part.get_payload(decode=True)
                data = payload if isinstance(payload, bytes) else b""
        file_id = f"file-{len(self.files)}"
        self.files[file_id] = data
        return {
            "id": file_id,
            "object": "file",
            "bytes": len(data),
            "created_at": 0,
            "filename": "requests.jsonl",
            "purpose": "batch",
            "status": "processed",
        }

    def create(self, body: dict[str, Any]) -> dict[str, Any]:
        self.created += 1
        batch_id = f"batch-{len(self.batches)}"
        lines = self.files[body["input_file_id"]].decode().splitlines()
        self.batches[batch_id] = {
            "id": batch_id,
            "object": "batch",
            "endpoint": body["endpoint"],
            "input_file_id": body["input_file_id"],
            "completion_window": "24h",
            "status": "in_progress",
            "created_at": 0,
            "output_file_id": None,
            "error_file_id": None,
            "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
        }
        self._polls[batch_id] = self.faults.polls
        return self.batches[batch_id]

    def poll(self, batch_id: str) -> tuple[int, dict[str, Any]]:
        if self._poll_errors > 0:
            self._poll_errors -= 1
            return 500, {"error": {"message": "stub fault while polling"}}
        batch = self.batches[batch_id]
        if batch["status"] == "in_progress":
            self._polls[batch_id] -= 1
            if self._polls[batch_id] < 0:
                self._finish(batch)
        return 200, batch

    def cancel(self, batch_id: str) -> dict[str, Any]:
        self.batches[batch_id]["status"] = "cancelled"
        return self.batches[batch_id]

    def _finish(self, batch: dict[str, Any]) -> None:
        lines = self.files[batch["input_file_id"]].decode().splitlines()
        if self.faults.expire:
            lines = lines[: len(lines) // 2]
        out, errors = [], []
        for n, line in enumerate(lines, 1):
            item = json.loads(line)
            if self.faults.fail_every and n % self.faults.fail_every == 0:
                error = {"code": "server_error", "message": "stub item failure"}
                errors.append(
                    {
                        "id": f"r{n}",
                        "custom_id": item["custom_id"],
                        "response": None,
                        "error": error,
                    }
                )
                continue
            response = {"status_code": 200, "request_id": f"r{n}", "body": answer(item["body"])}
            out.append(
                {"id": f"r{n}", "custom_id": item["custom_id"], "response": response, "error": None}
            )
        content = "".join(json.dumps(o) + "\n" for o in out).encode()
        if self.faults.partial:
            content = content[: len(content) * 2 // 3]  # cut mid-line
        batch["output_file_id"] = self._store(content)
        batch["error_file_id"] = self._store("".join(json.dumps(e) + "\n" for e in errors).encode())
        batch["status"] = "expired" if self.faults.expire else "completed"
        batch["request_counts"].update(completed=len(out), failed=len(errors))

    def _store(self, content: bytes) -> str:
        file_id = f"file-{len(self.files)}"
        self.files[file_id] = content
        return file_id


class StubServer:
    def __init__(self, config: StubConfig | None = None) -> None:
        self.config = config or StubConfig()
        self.batch_api = BatchAPI(self.config.batch)
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

            def do_GET(self) -> None:
                parts = self.path.rstrip("/").split("/")  # /v1/batches/<id>, /v1/files/<id>/content
                with stub._lock:
                    if parts[2:3] == ["batches"]:
                        status, data = stub.batch_api.poll(parts[3])
                        self._send(status, data, {})
                        return
                    content = stub.batch_api.files.get(parts[3], b"")
                self._send_bytes(200, content)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not self.path.endswith("/chat/completions"):
                    with stub._lock:
                        self._send(200, self._batch_post(body), {})
                    return
                request = json.loads(body)
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
                body = json.dumps(answer(request, valid=fault != "invalid")).encode()
                self._send_bytes(200, body[: len(body) // 2] if fault == "truncated" else body)

            def _batch_post(self, body: bytes) -> dict[str, Any]:
                if self.path.endswith("/files"):
                    return stub.batch_api.upload(self.headers["Content-Type"], body)
                if self.path.endswith("/cancel"):
                    return stub.batch_api.cancel(self.path.split("/")[3])
                return stub.batch_api.create(json.loads(body))

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
