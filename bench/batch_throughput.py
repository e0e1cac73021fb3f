"""Batch throughput against the HTTP stub at 200 ms latency, for concurrency 1, 8, 32 and
64: articles/s as a ratio of the ideal `concurrency / latency`. The stub runs in its own
process so that the client's work is what is measured.

    python -m bench.batch_throughput
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from bench.common import report
from summarizer.batch import ResultFile, item_for, run_batch
from summarizer.core import ArticleRequest
from summarizer.extract import Summarizer, load_prompts
from summarizer.providers.openai_handler import OpenAIProvider
from summarizer.settings import Settings

LATENCY = 0.2
LEVELS = (1, 8, 32, 64)
TEXT = "Two armed drones targeted Ain al-Asad air base on Tuesday. Nobody was hurt. " * 20


def main() -> None:
    stub = subprocess.Popen(
        [sys.executable, "-m", "bench.stub_server", "--latency", str(LATENCY)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = stub.stdout.readline().strip() if stub.stdout else ""
        settings = Settings(
            provider="openai",
            openai_api_key=SecretStr("bench"),
            openai_base_url=url,
            model="stub",
            timeout=30,
        )
        summarizer = Summarizer(OpenAIProvider(settings), load_prompts(), None, settings)
        rows = []
        for concurrency in LEVELS:
            count = max(20, 6 * concurrency)
            items = [
                item_for(ArticleRequest(id=f"{concurrency}-{n}", text=f"{n}. {TEXT}"))
                for n in range(count)
            ]
            with tempfile.TemporaryDirectory() as scratch:
                results = ResultFile(Path(scratch) / "out.jsonl")
                started = time.perf_counter()
                stats = run_batch(summarizer, items, results, concurrency, use_cache=False)
                seconds = time.perf_counter() - started
                results.close()
            rate = stats.ok / seconds
            ideal = concurrency / LATENCY
            rows.append(
                {
                    "concurrency": concurrency,
                    "articles": count,
                    "ok": stats.ok,
                    "seconds": round(seconds, 2),
                    "articles/s": round(rate, 1),
                    "ideal/s": ideal,
                    "ratio to ideal": round(rate / ideal, 3),
                }
            )
        report(
            "batch_throughput",
            f"Batch throughput against the stub at {LATENCY * 1000:.0f} ms",
            rows,
            latency_s=LATENCY,
        )
    finally:
        stub.terminate()
        stub.wait()


if __name__ == "__main__":
    main()
