"""Batch throughput against the HTTP stub at 200 ms latency, for concurrency 1, 8, 32 and
64: articles/s as a ratio of the ideal `concurrency / latency`. The stub runs in its own
process so that the client's work is what is measured.

    python -m bench.batch_throughput          # the in-process engine
    python -m bench.batch_throughput ray      # Ray, 1 and 2 workers, against one process
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pydantic import SecretStr

from bench.common import report
from summarizer.batch import ResultFile, item_for, run_batch, run_ray
from summarizer.batch.engine import BatchItem
from summarizer.core import ArticleRequest
from summarizer.extract import Summarizer, load_prompts
from summarizer.providers.openai_handler import OpenAIProvider
from summarizer.settings import Settings

LATENCY = 0.2
LEVELS = (1, 8, 32, 64)
RAY_THREADS = 64
TEXT = "Two armed drones targeted Ain al-Asad air base on Tuesday. Nobody was hurt. " * 20


def items_for(label: str, count: int) -> list[BatchItem]:
    return [
        item_for(ArticleRequest(id=f"{label}-{n}", text=f"{label} {n}. {TEXT}"))
        for n in range(count)
    ]


def engines(settings: Settings) -> None:
    """One in-process engine at concurrency 64 against Ray with 1 and 2 workers of 64
    each, the same articles per worker, in turn, twice."""
    summarizer = Summarizer(OpenAIProvider(settings), load_prompts(), None, settings)
    per_worker = 6 * RAY_THREADS
    runs: dict[str, list[float]] = {"in-process, 64": [], "ray, 1 worker": [], "ray, 2 workers": []}
    for round_ in range(2):
        for name in runs:
            workers = 2 if name.endswith("2 workers") else 1
            items = items_for(f"{name}-{round_}", per_worker * workers)
            with tempfile.TemporaryDirectory() as scratch:
                results = ResultFile(Path(scratch) / "out.jsonl")
                started = time.perf_counter()
                if name.startswith("ray"):
                    stats = run_ray(settings, items, results, workers, RAY_THREADS, None, False)
                else:
                    stats = run_batch(summarizer, items, results, RAY_THREADS, use_cache=False)
                runs[name].append(stats.ok / (time.perf_counter() - started))
                results.close()
    base = max(runs["in-process, 64"])
    rows = [
        {
            "engine": name,
            "articles": per_worker * (2 if name.endswith("2 workers") else 1),
            "articles/s (best of 2)": round(max(rates), 1),
            "ratio to in-process": round(max(rates) / base, 2),
        }
        for name, rates in runs.items()
    ]
    report("batch_engines", "Ray engine vs one in-process engine, stub at 200 ms", rows)


def levels(settings: Settings) -> None:
    summarizer = Summarizer(OpenAIProvider(settings), load_prompts(), None, settings)
    rows = []
    for concurrency in LEVELS:
        count = max(20, 6 * concurrency)
        items = items_for(str(concurrency), count)
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
        if sys.argv[1:] == ["ray"]:
            engines(settings)
        else:
            levels(settings)
    finally:
        stub.terminate()
        stub.wait()


if __name__ == "__main__":
    main()
