"""API latency and throughput for cache hits, as a ratio to a bare FastAPI endpoint that
returns the same bytes, measured by the same load generator on loopback in the same run.

    python -m bench.api_cache_hits
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

from bench.common import report
from summarizer.evalset import EVALS_DIR, load_corpus

CONCURRENCY = 16
SECONDS = 8.0


def start(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"server on port {port} did not start")


async def load(url: str, body: dict[str, Any]) -> dict[str, float]:
    latencies: list[float] = []
    stop = time.perf_counter() + SECONDS

    async def worker(client: httpx.AsyncClient) -> None:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            response = await client.post(url, json=body)
            response.raise_for_status()
            latencies.append(time.perf_counter() - started)

    limits = httpx.Limits(max_connections=CONCURRENCY)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        await client.post(url, json=body)  # warm-up
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
    latencies.sort()
    return {
        "requests": len(latencies),
        "req/s": len(latencies) / SECONDS,
        "p50 ms": 1000 * statistics.median(latencies),
        "p99 ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def main() -> None:
    article = load_corpus(EVALS_DIR / "corpus")[0]
    body = {"text": article.text, "published_at": str(article.published_at), "id": article.id}
    with tempfile.TemporaryDirectory() as scratch:
        # The limiter would turn part of the load into 503s: this measures cache hits.
        env = {
            "SUMMARIZER_PROVIDER": "replay",
            "SUMMARIZER_CACHE_DIR": scratch,
            "SUMMARIZER_MAX_INFLIGHT": str(4 * CONCURRENCY),
        }
        # Both servers run uvicorn with the same log level: no access-log line per request.
        serve = ["summarizer", "serve", "--port", "8791", "--log-level", "warning"]
        api = start([sys.executable, "-m", *serve], 8791, env)
        try:
            url = "http://127.0.0.1:8791/v1/summaries"
            httpx.post(url, json=body, timeout=60).raise_for_status()  # fills the cache
            hit = httpx.post(url, json=body, timeout=60)
            assert hit.json()["provenance"]["cached"] is True
            body_file = Path(scratch) / "body.json"
            body_file.write_bytes(hit.content)
            bare = start(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "bench.bare_app:app",
                    "--port",
                    "8792",
                    "--log-level",
                    "warning",
                ],
                8792,
                {"BENCH_BODY_FILE": str(body_file)},
            )
            try:
                measured = {
                    "bare FastAPI": asyncio.run(load("http://127.0.0.1:8792/v1/summaries", body)),
                    "summarizer (cache hit)": asyncio.run(load(url, body)),
                }
            finally:
                bare.terminate()
                bare.wait()
        finally:
            api.terminate()
            api.wait()
    base = measured["bare FastAPI"]
    rows = [
        {
            "endpoint": name,
            **{k: round(v, 1) for k, v in m.items()},
            "req/s ratio": round(m["req/s"] / base["req/s"], 3),
            "p50 ratio": round(m["p50 ms"] / base["p50 ms"], 2),
        }
        for name, m in measured.items()
    ]
    report(
        "api_cache_hits",
        f"API cache hits vs bare FastAPI ({CONCURRENCY} concurrent, "
        f"{SECONDS:.0f} s each, {len(hit.content)} byte responses)",
        rows,
        concurrency=CONCURRENCY,
        seconds=SECONDS,
        response_bytes=len(hit.content),
    )


if __name__ == "__main__":
    main()
