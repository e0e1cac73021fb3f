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

from bench.common import RECORDINGS, SEED, report
from summarizer.evals import load_corpus

CONCURRENCY = 16
SECONDS = 3.0
# Servers are loaded in turn, in a rotated order each round, and each server's median over
# the rounds is reported: one 8 s run each swung the ratio from 0.66 to 0.88 on this
# 2-core machine, where the load generator shares the cores with the server it loads.
ROUNDS = 7
BASELINE = "bare FastAPI (def)"


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


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def load(url: str, body: dict[str, Any], pid: int) -> dict[str, float]:
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
        cpu = cpu_seconds(pid)
        await asyncio.gather(*(worker(client) for _ in range(CONCURRENCY)))
        cpu = cpu_seconds(pid) - cpu
    latencies.sort()
    return {
        "req/s": len(latencies) / SECONDS,
        # The server's own CPU per request: what the ratio is about, without the share of
        # the cores the load generator takes.
        "server CPU ms/req": 1000 * cpu / len(latencies),
        "p50 ms": 1000 * statistics.median(latencies),
        "p99 ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
    }


def uvicorn(target: str, port: int) -> list[str]:
    # Every server runs uvicorn at the same log level: no access-log line per request.
    return [sys.executable, "-m", "uvicorn", target, "--port", str(port), "--log-level", "warning"]


def measure(
    servers: dict[str, tuple[str, int]], body: dict[str, Any]
) -> dict[str, dict[str, float]]:
    """Each server's (url, pid) median figures over ROUNDS rounds of loading them in turn."""
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
    names = list(servers)
    for round_ in range(ROUNDS):
        for name in names[round_ % len(names) :] + names[: round_ % len(names)]:
            runs[name].append(asyncio.run(load(servers[name][0], body, servers[name][1])))
    return {
        name: {k: statistics.median(run[k] for run in results) for k in results[0]}
        | {"req/s min": min(run["req/s"] for run in results)}
        | {"req/s max": max(run["req/s"] for run in results)}
        for name, results in runs.items()
    }


def main() -> None:
    article = load_corpus(SEED / "corpus")[0]
    body = {"text": article.text, "published_at": str(article.published_at), "id": article.id}
    servers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory() as scratch:
        try:
            # The limiter would turn part of the load into 503s: this measures cache hits.
            env = {
                "SUMMARIZER_PROVIDER": "replay",
                "SUMMARIZER_RECORDINGS_DIR": str(RECORDINGS),
                "SUMMARIZER_CACHE_DIR": scratch,
                "SUMMARIZER_MAX_INFLIGHT": str(4 * CONCURRENCY),
            }
            serve = ["summarizer", "serve", "--port", "8791", "--log-level", "warning"]
            servers.append(start([sys.executable, "-m", *serve], 8791, env))
            url = "http://127.0.0.1:8791/v1/summaries"
            httpx.post(url, json=body, timeout=60).raise_for_status()  # fills the cache
            hit = httpx.post(url, json=body, timeout=60)
            assert hit.json()["provenance"]["cached"] is True
            body_file = Path(scratch) / "body.json"
            body_file.write_bytes(hit.content)
            bare = {"BENCH_BODY_FILE": str(body_file)}
            servers.append(start(uvicorn("bench.bare_app:app", 8792), 8792, bare))
            servers.append(start(uvicorn("bench.bare_app:async_app", 8793), 8793, bare))
            api, bare_def, bare_async = (server.pid for server in servers)
            measured = measure(
                {
                    BASELINE: ("http://127.0.0.1:8792/v1/summaries", bare_def),
                    "bare FastAPI (async def)": ("http://127.0.0.1:8793/v1/summaries", bare_async),
                    "summarizer (cache hit)": (url, api),
                },
                body,
            )
        finally:
            for server in servers:
                server.terminate()
                server.wait()
    base = measured[BASELINE]
    rows = [
        {
            "endpoint": name,
            **{k: round(v, 2) for k, v in m.items()},
            "req/s ratio": round(m["req/s"] / base["req/s"], 3),
            "p50 ratio": round(m["p50 ms"] / base["p50 ms"], 2),
        }
        for name, m in measured.items()
    ]
    report(
        "api_cache_hits",
        f"API cache hits vs bare FastAPI ({CONCURRENCY} concurrent, median of {ROUNDS} "
        f"rounds of {SECONDS:.0f} s each, {len(hit.content)} byte responses)",
        rows,
        concurrency=CONCURRENCY,
        seconds=SECONDS,
        rounds=ROUNDS,
        response_bytes=len(hit.content),
    )


if __name__ == "__main__":
    main()
