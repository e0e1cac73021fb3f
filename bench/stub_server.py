"""An OpenAI-compatible stand-in for the model endpoint, with injectable latency and faults.

It answers `POST /v1/chat/completions` the way the `openai` provider calls it (tools mode
or JSON content) with a contract-valid draft built from fixed data and the article in the
request. It stands in for the network peer in fault tests and benchmarks; its answers are
never recordings.

Faults, each with its own rate per request: `429` (with Retry-After), `500`, `503`,
`hang` (no answer past the client's timeout), `drop` (connection closed unanswered),
`truncated` (the JSON body cut in half) and `invalid` (a well-formed answer that breaks
the schema, to exercise re-ask).

Rate limits, off unless given (`RateLimits`): requests and tokens per window, enforced
the way OpenAI enforces its per-minute limits, over a window of any length so that a
benchmark runs a "minute" in a few seconds. Each limit is a bucket refilling continuously
over the window; a request is charged on arrival (one request; its prompt at four
characters a token, plus its `max_tokens`) and refused with a 429 (`retry-after-ms`,
`retry-after`) when it does not fit; its answer settles the tokens at prompt plus
completion. Every answer, 429s included, carries `x-ratelimit-limit-*`,
`x-ratelimit-remaining-*` and `x-ratelimit-reset-*` for `requests` and `tokens`.
`GET /stub/stats` says what it served.

Run alone for benchmarks: `python -m bench.stub_server --latency 0.2` prints its base URL;
`--rpm N --tpm N --window-seconds S` sets limits of N per S seconds; `--recordings DIR`
(repeatable) answers the requests recorded in a recording set with their recorded responses.
"""

from __future__ import annotations

import argparse
import email
import json
import math
import random
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from summarizer.providers.bucket import TokenBucket
from summarizer.providers.deferred import message_for
from summarizer.record import load_recordings, request_hash

FAULTS = ("429", "500", "503", "hang", "drop", "truncated", "invalid")
_ARTICLE = re.compile(r"<article>\n(.*)\n</article>", re.DOTALL)


@dataclass
class RateLimits:
    """Requests and tokens per window (0: no limit), OpenAI's per-minute limits over a
    window of `window` seconds."""

    requests: int = 0
    tokens: int = 0
    window: float = 60.0


@dataclass
class StubConfig:
    latency: float = 0.0
    faults: dict[str, float] = field(default_factory=dict)
    retry_after: float = 0.05
    hang: float = 3.0
    seed: int = 0
    script: list[str] = field(default_factory=list)  # forced outcomes of the first requests
    batch: BatchFaults = field(default_factory=lambda: BatchFaults())
    limits: RateLimits | None = None
    # Recorded responses by request hash (the request without its model): the answers to
    # those requests, instead of the draft.
    recorded: dict[str, dict[str, Any]] = field(default_factory=dict)


def recorded_responses(directories: list[Path]) -> dict[str, dict[str, Any]]:
    """The responses of the recording sets in `directories`, by request hash."""
    return {
        key: recording.response
        for directory in directories
        for key, recording in load_recordings(directory).items()
    }


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


def prompt_chars(request: dict[str, Any]) -> int:
    return sum(len(str(m.get("content", ""))) for m in request.get("messages", []))


def reserved_tokens(request: dict[str, Any]) -> int:
    """What a request is charged on arrival: its prompt at four characters a token, plus
    its answer budget."""
    return prompt_chars(request) // 4 + int(request.get("max_tokens") or 0)


def completion(request: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    arguments = json.dumps(draft)
    message = message_for(request, arguments)
    prompt = prompt_chars(request)
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


def duration(seconds: float) -> str:
    """A wait as OpenAI writes its reset headers: `20ms`, `1.5s`, `6m0s`."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    minutes, rest = divmod(seconds, 60)
    text = f"{round(rest, 3):g}s"
    return f"{int(minutes)}m{text}" if minutes else text


class RateLimiter:
    """`RateLimits` enforced: a bucket per limit, charged on arrival, settled on answer."""

    def __init__(self, limits: RateLimits) -> None:
        self.buckets = {
            name: TokenBucket(limit, limits.window)
            for name, limit in (("requests", limits.requests), ("tokens", limits.tokens))
            if limit > 0
        }
        self._lock = threading.Lock()

    def admit(self, request: dict[str, Any]) -> float:
        """Charge the request and answer 0, or the seconds until it would fit."""
        charge = {"requests": 1, "tokens": reserved_tokens(request)}
        with self._lock:
            wait = max(
                (bucket.shortfall(charge[name]) for name, bucket in self.buckets.items()),
                default=0.0,
            )
            if wait == 0:
                for name, bucket in self.buckets.items():
                    bucket.take(charge[name])
            return wait

    def settle(self, request: dict[str, Any], used: int) -> None:
        """The answer's tokens replace the request's reservation."""
        if "tokens" in self.buckets:
            with self._lock:
                self.buckets["tokens"].give(reserved_tokens(request) - used)

    def headers(self) -> dict[str, str]:
        with self._lock:
            headers = {}
            for name, bucket in self.buckets.items():
                headers[f"x-ratelimit-limit-{name}"] = str(int(bucket.capacity))
                headers[f"x-ratelimit-remaining-{name}"] = str(max(0, int(bucket.level())))
                headers[f"x-ratelimit-reset-{name}"] = duration(bucket.full_in())
            return headers


def limited_headers(wait: float) -> dict[str, str]:
    return {"retry-after-ms": str(math.ceil(wait * 1000)), "retry-after": str(math.ceil(wait))}


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
        self.limiter = RateLimiter(self.config.limits) if self.config.limits else None
        # What the answers were worth: tokens (prompt + completion) of every 200, and the
        # first request's arrival and the last answer's time (monotonic).
        self.tokens_served = 0
        self.first_arrival: float | None = None
        self.last_answer = 0.0
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

    def admit(self, request: dict[str, Any]) -> float:
        """0 when the request is within the rate limits (and charged for), else the
        seconds until it would be."""
        with self._lock:
            if self.first_arrival is None:
                self.first_arrival = time.monotonic()
        wait = self.limiter.admit(request) if self.limiter is not None else 0.0
        if wait > 0:
            with self._lock:
                self.served["limited"] += 1
        return wait

    def settle(self, request: dict[str, Any], answered: dict[str, Any] | None) -> None:
        """A request is done: `answered` (a 200's body) is what it was worth; None for
        a fault, which used nothing."""
        usage = answered["usage"] if answered else {}
        used = usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0)
        if answered is not None:
            with self._lock:
                self.tokens_served += used
                self.last_answer = time.monotonic()
        if self.limiter is not None:
            self.limiter.settle(request, used)

    def rate_headers(self) -> dict[str, str]:
        return self.limiter.headers() if self.limiter is not None else {}

    def stats(self) -> dict[str, Any]:
        with self._lock:
            start = self.first_arrival or self.last_answer
            return {
                "served": dict(self.served),
                "tokens_served": self.tokens_served,
                "seconds": max(0.0, self.last_answer - start),
            }

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
                if self.path == "/stub/stats":
                    self._send(200, stub.stats(), {})
                    return
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
                wait = stub.admit(request)
                if wait > 0:
                    headers = {**stub.rate_headers(), **limited_headers(wait)}
                    self._send(429, rate_limit_error(wait), headers)
                    return
                time.sleep(stub.config.latency)
                fault = stub.outcome(request)
                if fault in ("hang", "drop", "429", "500", "503"):
                    stub.settle(request, None)
                    self._fail(fault)
                    return
                recorded = stub.config.recorded.get(
                    request_hash({k: v for k, v in request.items() if k != "model"})
                )
                answered = recorded or answer(request, valid=fault != "invalid")
                stub.settle(request, answered)
                body = json.dumps(answered).encode()
                body = body[: len(body) // 2] if fault == "truncated" else body
                self._send_bytes(200, body, stub.rate_headers())

            def _fail(self, fault: str) -> None:
                if fault in ("hang", "drop"):
                    if fault == "hang":
                        time.sleep(stub.config.hang)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                headers = {"Retry-After": str(stub.config.retry_after)} if fault == "429" else {}
                error = {"error": {"message": f"stub fault {fault}"}}
                self._send(int(fault), error, {**stub.rate_headers(), **headers})

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


def rate_limit_error(wait: float) -> dict[str, Any]:
    """OpenAI's body for a 429 past a rate limit."""
    message = f"Rate limit reached. Please try again in {duration(wait)}."
    return {"error": {"message": message, "type": "requests", "code": "rate_limit_exceeded"}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--rpm", type=int, default=0, help="requests per window (0: none)")
    parser.add_argument("--tpm", type=int, default=0, help="tokens per window (0: none)")
    parser.add_argument(
        "--window-seconds", type=float, default=60.0, help="the limits' window (a minute)"
    )
    parser.add_argument(
        "--recordings",
        type=Path,
        action="append",
        default=[],
        help="a recording set whose requests get their recorded responses (repeatable)",
    )
    args = parser.parse_args()
    limits = RateLimits(args.rpm, args.tpm, args.window_seconds) if args.rpm or args.tpm else None
    recorded = recorded_responses(args.recordings)
    with StubServer(StubConfig(latency=args.latency, limits=limits, recorded=recorded)) as stub:
        print(stub.url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
