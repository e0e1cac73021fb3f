"""Batch throughput against the HTTP stub at 200 ms latency, for concurrency 1, 8, 32 and
64: articles/s as a ratio of the ideal `concurrency / latency`. The stub runs in its own
process so that the client's work is what is measured.

    python -m bench.batch_throughput          # the in-process engine
    python -m bench.batch_throughput ceiling  # at 64: the engine (paced, unpaced), the SDK
                                              # alone (create; post), httpx alone
    python -m bench.batch_throughput ray      # Ray, 1 and 2 workers, against one process
"""

from __future__ import annotations

import gc
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import median
from typing import Any

import httpx2
import openai

from bench.common import report, stub_process, stub_settings
from summarizer.batch import (
    BatchItem,
    BatchStats,
    Fields,
    item_for,
    list_inputs,
    run_batch,
    run_ray,
)
from summarizer.batch.engine import summarize_item
from summarizer.core import ArticleRequest
from summarizer.extract import Summarizer, load_prompts
from summarizer.io import ResultFile
from summarizer.providers.deferred import Capturing
from summarizer.providers.openai_handler import OpenAIProvider, completion_of, send_chat
from summarizer.settings import Settings

LATENCY = 0.2
LEVELS = (1, 8, 32, 64)
RAY_THREADS = 64
CEILING_ROUNDS = 7
TEXT = "Two armed drones targeted Ain al-Asad air base on Tuesday. Nobody was hurt. " * 20


def articles_for(label: str, count: int, text: str = TEXT) -> list[ArticleRequest]:
    return [ArticleRequest(id=f"{label}-{n}", text=f"{label} {n}. {text}") for n in range(count)]


def items_for(label: str, count: int, text: str = TEXT) -> list[BatchItem]:
    return [item_for(article) for article in articles_for(label, count, text)]


def engines(settings: Settings) -> None:
    """One in-process engine at concurrency 64 against Ray with 1 and 2 workers of 64
    each, the same articles per worker, in turn, twice."""
    summarizer = summarizer_for(settings)
    per_worker = 6 * RAY_THREADS
    sizes = {"in-process, 64": 1, "ray, 1 worker": 1, "ray, 2 workers": 2}

    def plans(round_: int) -> dict[str, Plan]:
        def plan(name: str, workers: int) -> Plan:
            label, count = f"{name}-{round_}", per_worker * workers
            if name.startswith("ray"):
                return ray_plan(settings, articles_for(label, count), workers)
            return engine_plan(summarizer, items_for(label, count), RAY_THREADS)

        return {name: plan(name, workers) for name, workers in sizes.items()}

    best = best_of_rounds(plans)
    base = best["in-process, 64"][0]
    rows = [
        {
            "engine": name,
            "articles": per_worker * sizes[name],
            "articles/s (best of 2)": round(rate, 1),
            "ratio to in-process": round(rate / base, 2),
        }
        for name, (rate, _) in best.items()
    ]
    report("batch_engines", "Ray engine vs one in-process engine, stub at 200 ms", rows)


def requests_for(settings: Settings, items: list[BatchItem]) -> list[dict[str, Any]]:
    """The exact requests the engine sends for `items`, captured through the pipeline."""
    capturing = Capturing(OpenAIProvider(settings))
    summarizer = Summarizer(capturing, load_prompts(), None, settings)
    for item in items:
        summarize_item(summarizer, item, use_cache=False)
    return list(capturing.requests.values())


def ceiling(settings: Settings) -> None:
    """At concurrency 64, the engine (paced, as by default, and with pacing off) against
    the same requests sent by the openai SDK alone (its typed `chat.completions.create`,
    as its users call it; and its generic `post`, as the engine's provider sends them, the
    answer read as `create` reads it) and by httpx alone: what any client built on the SDK
    can reach here. The five run in turn, in a rotated order, for
    CEILING_ROUNDS rounds; each figure is a median, the ratios the median of each round's
    own (this machine drifts between rounds by more than the clients differ)."""
    concurrency, count = 64, 10 * 64
    sdk = openai.OpenAI(api_key="bench", base_url=settings.openai_base_url, max_retries=0)
    http = httpx2.Client(limits=httpx2.Limits(max_connections=1000, max_keepalive_connections=100))
    url = f"{settings.openai_base_url}/chat/completions"
    paced = summarizer_for(settings)
    unpaced = summarizer_for(settings.model_copy(update={"rate_pacing": False}))

    def alone(label: str, count: int, send: Callable[[dict[str, Any]], object]) -> Plan:
        requests = requests_for(settings, items_for(label, count))
        return lambda: pool_run(send, requests, concurrency)

    def plans(round_: int | str, count: int = count) -> dict[str, Plan]:
        return {
            "engine": engine_plan(paced, items_for(f"e{round_}", count), concurrency),
            "engine, pacing off": engine_plan(unpaced, items_for(f"u{round_}", count), concurrency),
            "openai SDK alone": alone(
                f"s{round_}",
                count,
                lambda r: sdk.chat.completions.create(model=settings.model, **r),
            ),
            "openai SDK post alone": alone(
                f"p{round_}",
                count,
                lambda r: completion_of(send_chat(sdk, settings.model, r), url),
            ),
            "httpx alone": alone(
                f"h{round_}",
                count,
                lambda r: http.post(url, json={"model": settings.model, **r}).json(),
            ),
        }

    # Untimed, each client once: the first calls build the SDK's models and connections,
    # which would otherwise count against whichever client runs first.
    for warm in plans("warm", concurrency).values():
        warm()
    runs = timed_rounds(plans, CEILING_ROUNDS)
    sdk_rates, ideal = [rate for rate, _ in runs["openai SDK alone"]], concurrency / LATENCY
    rows = [
        {
            "client": name,
            "articles": count,
            f"articles/s (median of {CEILING_ROUNDS})": round(median(r for r, _ in results), 1),
            "client CPU ms/article": round(median(cpu for _, cpu in results), 2),
            "ratio to ideal": round(median(r for r, _ in results) / ideal, 3),
            "ratio to the SDK alone": round(
                median(r / s for (r, _), s in zip(results, sdk_rates, strict=True)), 3
            ),
        }
        for name, results in runs.items()
    ]
    report(
        "batch_ceiling",
        "At concurrency 64: the engine, the SDK alone, httpx alone",
        rows,
        rounds=runs,
    )


def levels(settings: Settings) -> None:
    summarizer = summarizer_for(settings)
    rows = []
    for concurrency in LEVELS:
        count = max(20, 6 * concurrency)
        items = items_for(str(concurrency), count)
        run = engine_plan(summarizer, items, concurrency)
        started = time.perf_counter()
        ok = run()
        seconds = time.perf_counter() - started
        rate = ok / seconds
        ideal = concurrency / LATENCY
        rows.append(
            {
                "concurrency": concurrency,
                "articles": count,
                "ok": ok,
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


# --- Running and timing ------------------------------------------------------------------

Plan = Callable[[], int]  # one timed run: returns how many articles it did


def summarizer_for(settings: Settings) -> Summarizer:
    return Summarizer(OpenAIProvider(settings), load_prompts(), None, settings)


def scratch_run(run: Callable[[ResultFile], BatchStats]) -> Plan:
    """`run` into a results file of its own, thrown away after; the records written."""

    def plan() -> int:
        with tempfile.TemporaryDirectory() as scratch:
            results = ResultFile(Path(scratch) / "out.jsonl")
            stats = run(results)
            results.close()
        return stats.ok

    return plan


def ray_plan(settings: Settings, articles: list[ArticleRequest], workers: int) -> Plan:
    """The Ray engine over `articles`, from a JSONL file its workers read into a shard
    directory, both thrown away after; no cache."""

    def plan() -> int:
        with tempfile.TemporaryDirectory() as scratch:
            inputs = Path(scratch) / "articles.jsonl"
            lines = (article.model_dump_json(exclude_none=True) + "\n" for article in articles)
            inputs.write_text("".join(lines))
            listed = list_inputs([inputs], None, Fields())
            stats = run_ray(
                settings,
                listed,
                Path(scratch) / "out",
                workers=workers,
                concurrency=RAY_THREADS,
                use_cache=False,
            )
        return stats.ok

    return plan


def engine_plan(summarizer: Summarizer, items: list[BatchItem], concurrency: int) -> Plan:
    """The in-process engine over `items`, no cache."""
    return scratch_run(
        lambda out: run_batch(summarizer, items, out, concurrency=concurrency, use_cache=False)
    )


def pool_run(
    send: Callable[[dict[str, Any]], object], requests: list[dict[str, Any]], concurrency: int
) -> int:
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return len(list(pool.map(send, requests)))


def timed_rounds(
    plans: Callable[[int], dict[str, Plan]], rounds: int
) -> dict[str, list[tuple[float, float]]]:
    """Each round's plans (new articles each round) run in turn, the order rotated by one
    each round; per plan, each round's articles/s and client CPU ms per article."""
    runs: dict[str, list[tuple[float, float]]] = {}
    for round_ in range(rounds):
        planned = list(plans(round_).items())
        shift = round_ % len(planned)
        for name, plan in planned[shift:] + planned[:shift]:
            # Each run starts with no garbage of another's: the round's set-up (the captured
            # requests) would otherwise set off a full collection in whichever runs first.
            gc.collect()
            started, cpu = time.perf_counter(), time.process_time()
            done = plan()
            rate = done / (time.perf_counter() - started)
            runs.setdefault(name, []).append((rate, 1000 * (time.process_time() - cpu) / done))
    return runs


def best_of_rounds(
    plans: Callable[[int], dict[str, Plan]], rounds: int = 2
) -> dict[str, tuple[float, float]]:
    """Per plan, the best round's articles/s and that round's client CPU ms per article."""
    return {name: max(results) for name, results in timed_rounds(plans, rounds).items()}


def main() -> None:
    with stub_process("--latency", str(LATENCY)) as url:
        settings = stub_settings(url)
        {"ray": engines, "ceiling": ceiling}.get(sys.argv[1] if sys.argv[1:] else "", levels)(
            settings
        )


if __name__ == "__main__":
    main()
