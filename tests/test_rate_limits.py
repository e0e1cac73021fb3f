"""Rate limits through HTTP: the stub enforcing requests and tokens per window as OpenAI
does, and the openai provider pacing to them (no mocks; counts, never timings)."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import httpx2 as httpx
from prometheus_client import REGISTRY

from bench.stub_server import RateLimits, StubConfig, StubServer
from summarizer.batch import BatchStats, item_for, run_batch
from summarizer.core import ArticleRequest
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.io import ResultFile
from summarizer.providers.openai_handler import OpenAIProvider
from tests.test_faults import TEXT, openai_settings

WINDOW = 1.0
RESET = re.compile(r"^(\d+m)?\d+(\.\d+)?m?s$")  # 20ms, 1.5s, 6m0s


def post(stub: StubServer, prompt_chars: int, max_tokens: int) -> httpx.Response:
    article = "<article>\n" + "x" * prompt_chars + "\n</article>"
    request = {"model": "m", "messages": [{"role": "user", "content": article}]}
    return httpx.post(f"{stub.url}/chat/completions", json={**request, "max_tokens": max_tokens})


def test_every_answer_carries_the_limits_and_past_the_requests_limit_comes_a_429() -> None:
    # A window of a day: nothing refills during the test.
    with StubServer(StubConfig(limits=RateLimits(requests=3, tokens=10**6, window=86400))) as stub:
        answers = [post(stub, 400, 100) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    for answer in answers:
        for name in ("requests", "tokens"):
            assert RESET.match(answer.headers[f"x-ratelimit-reset-{name}"])
        assert answer.headers["x-ratelimit-limit-requests"] == "3"
        assert answer.headers["x-ratelimit-limit-tokens"] == str(10**6)
    assert [a.headers["x-ratelimit-remaining-requests"] for a in answers] == ["2", "1", "0", "0"]
    limited = answers[-1]
    assert int(limited.headers["retry-after-ms"]) > 0 and int(limited.headers["retry-after"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limit_exceeded"
    assert stub.served == {"ok": 3, "limited": 1}


def test_a_request_reserves_its_prompt_and_max_tokens_and_its_answer_settles_them() -> None:
    with StubServer(StubConfig(limits=RateLimits(tokens=10_000, window=86400))) as stub:
        first = post(stub, 4000, 8000)  # ~1,000 prompt tokens + 8,000 reserved: fits
        usage = first.json()["usage"]
        used = usage["prompt_tokens"] + usage["completion_tokens"]
        remaining = int(first.headers["x-ratelimit-remaining-tokens"])
        assert remaining in (10_000 - used, 10_000 - used + 1)  # settled at what it used
        assert post(stub, 4000, 8000).status_code == 429  # 9,000 more do not fit
        assert post(stub, 4000, 1000).status_code == 200  # 2,000 do
    assert stub.stats()["tokens_served"] == 2 * used


def run(settings: Any, label: str, count: int, tmp_path: Path) -> BatchStats:
    summarizer = Summarizer(OpenAIProvider(settings), load_prompts(), None, settings)
    items = [item_for(ArticleRequest(id=f"{label}{n}", text=f"{n}. {TEXT}")) for n in range(count)]
    results = ResultFile(tmp_path / f"{label}.jsonl")
    stats = run_batch(summarizer, items, results, concurrency=16, use_cache=False)
    results.close()
    return stats


def limited_stub() -> StubServer:
    """Room for about ten of the pipeline's requests (3,500 tokens reserved each) a
    window of one second; each provider sends bursts of 16."""
    limits = RateLimits(requests=40, tokens=30_000, window=WINDOW)
    return StubServer(StubConfig(latency=0.02, limits=limits))


def rate_settings(stub: StubServer, tmp_path: Path, pacing: bool) -> Any:
    return openai_settings(
        stub, tmp_path, timeout=10, max_tokens=500, rate_window=WINDOW, rate_pacing=pacing
    )


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_paced_calls_from_two_providers_share_the_budget_and_draw_no_429_storm(
    tmp_path: Path,
) -> None:
    """Two pipelines in one process (a batch's and, say, the API's), each with its own
    provider and 16 threads: the one pacer they share keeps both inside the limits."""
    waits = sample("summarizer_pacing_waits_total", provider="openai", reason="budget")
    with limited_stub() as stub:
        settings = rate_settings(stub, tmp_path, pacing=True)
        runs: dict[str, BatchStats] = {}
        threads = [
            threading.Thread(target=lambda n=n: runs.update({n: run(settings, n, 24, tmp_path)}))
            for n in ("batch", "api")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert [(s.ok, s.failed) for s in runs.values()] == [(24, 0), (24, 0)]
    requests = sum(stub.served.values())
    assert stub.served["ok"] == 48 and stub.served["limited"] <= 0.02 * requests, stub.served
    assert sample("summarizer_pacing_waits_total", provider="openai", reason="budget") > waits


def test_fixed_concurrency_storms_the_same_limits_and_every_429_is_counted(
    tmp_path: Path,
) -> None:
    limited = sample("summarizer_rate_limited_total", provider="openai")
    with limited_stub() as stub:
        stats = run(rate_settings(stub, tmp_path, pacing=False), "fixed", 24, tmp_path)
    assert stats.ok + stats.failed == 24
    assert stub.served["limited"] > 0.1 * sum(stub.served.values()), stub.served
    assert (
        sample("summarizer_rate_limited_total", provider="openai") - limited
        == (stub.served["limited"])
    )
