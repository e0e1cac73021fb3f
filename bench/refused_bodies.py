"""The server's memory while it drains refused bodies: its resident size after one refused
50 MB body (the warm-up) and after several more, sent by urllib with and without
Content-Length, as a ratio. The drain throws each piece away, so the ratio stays near 1
however many megabytes it read.

    python -m bench.refused_bodies
"""

from __future__ import annotations

import socket
import sys
import tempfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from bench.api_cache_hits import start
from bench.common import RECORDINGS, report

MB = 1_000_000
BODIES = 10
BODY = b'{"text": "' + b"x" * (50 * MB) + b'"}'


def resident_mib(pid: int, field: str = "VmRSS") -> float:
    """The process's resident memory (or, with VmHWM, its peak) in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} for process {pid}")


def pieces() -> Iterator[bytes]:
    return (BODY[at : at + 65_536] for at in range(0, len(BODY), 65_536))


def refused(url: str, chunked: bool) -> int:
    """Send the body; the status the client read (a reset would raise)."""
    data = pieces() if chunked else BODY
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def main() -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1/summaries"
    with tempfile.TemporaryDirectory() as scratch:
        env = {
            "SUMMARIZER_PROVIDER": "replay",
            "SUMMARIZER_RECORDINGS_DIR": str(RECORDINGS),
            "SUMMARIZER_CACHE_DIR": scratch,
        }
        serve = ["summarizer", "serve", "--port", str(port), "--log-level", "warning"]
        server = start([sys.executable, "-m", *serve], port, env)
        try:
            assert refused(url, chunked=False) == 413  # warm-up: the first request's imports
            before = resident_mib(server.pid)
            statuses = [refused(url, chunked=n % 2 == 1) for n in range(BODIES)]
            after, peak = resident_mib(server.pid), resident_mib(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait()
    assert statuses == [413] * BODIES, statuses
    row = {
        "bodies": BODIES,
        "MB refused": BODIES * len(BODY) // MB,
        "RSS before MiB": round(before, 1),
        "RSS after MiB": round(after, 1),
        "peak MiB": round(peak, 1),
        "after/before": round(after / before, 3),
    }
    report(
        "refused_bodies",
        f"Server memory while refusing {BODIES} bodies of 50 MB (half chunked) with a 413",
        [row],
        body_bytes=len(BODY),
    )


if __name__ == "__main__":
    main()
