"""Rate limits: the batch engine at concurrency 64, paced (the default) and at fixed
concurrency (SUMMARIZER_RATE_PACING=false, retrying each 429 after its Retry-After), in
turn against the stub's rate-limited mode, each run with a stub of its own (so each
starts, as a fresh account does, with its limits unspent).

The stub enforces requests and tokens per window as OpenAI enforces them per minute, over
a window of WINDOW seconds: a "minute" runs in two seconds, and the client is told so
(SUMMARIZER_RATE_WINDOW). Its limits are a low tier's (a few hundred thousand tokens a
"minute") for requests of a few thousand tokens, each reserving its max_tokens on arrival.

Goodput is the tokens (prompt + completion) of the answers served, as a share of what the
limits allowed over the run: a full window at the start plus the refill of every window
since, `TPM * (1 + seconds / WINDOW)`.

    python -m bench.rate_limits
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import httpx2
from prometheus_client import REGISTRY

from bench.batch_throughput import engine_plan, items_for
from bench.common import report, stub_process, stub_settings
from summarizer.extract import Summarizer, load_prompts
from summarizer.providers.openai_handler import OpenAIProvider

LATENCY = 0.2
WINDOW = 2.0
RPM = 500
TPM = 200_000
CONCURRENCY = 64
ARTICLES = 600
# About 7,000 characters: one call per article (the default pieces are 8,000), ~3,400
# prompt tokens with the system prompt, plus 16,384 reserved for the answer.
PARAGRAPH = (
    "Two armed drones targeted Ain al-Asad air base in western Iraq on Tuesday, a "
    "spokesman for the coalition said, adding that nobody was hurt and that the air "
    "defences brought down one of them before it reached the runway. "
)
TEXT = PARAGRAPH * 32
# Each mode's settings: pacing (the default), and fixed concurrency retrying 429s after
# their Retry-After, with the default 4 attempts and with 20 (so that it gives up on none).
MODES: dict[str, dict[str, Any]] = {
    "paced (default)": {},
    f"fixed concurrency {CONCURRENCY}": {"rate_pacing": False},
    f"fixed concurrency {CONCURRENCY}, 20 attempts": {"rate_pacing": False, "max_attempts": 20},
}


@dataclass(frozen=True)
class Counts:
    """The client's pacing counters, read from the process's registry."""

    limited: float
    slot_waits: float
    budget_waits: float

    @classmethod
    def now(cls) -> Counts:
        def value(name: str, **labels: str) -> float:
            return REGISTRY.get_sample_value(name, {"provider": "openai", **labels}) or 0.0

        return cls(
            value("summarizer_rate_limited_total"),
            value("summarizer_pacing_waits_total", reason="slot"),
            value("summarizer_pacing_waits_total", reason="budget"),
        )


def run(mode: str, overrides: dict[str, Any]) -> dict[str, Any]:
    limits = ("--rpm", str(RPM), "--tpm", str(TPM), "--window-seconds", str(WINDOW))
    with stub_process("--latency", str(LATENCY), *limits) as url:
        settings = stub_settings(url, rate_window=WINDOW, **overrides)
        summarizer = Summarizer(OpenAIProvider(settings), load_prompts(), None, settings)
        items = items_for(mode, ARTICLES, TEXT)
        before, started = Counts.now(), time.perf_counter()
        ok = engine_plan(summarizer, items, CONCURRENCY)()
        seconds, after = time.perf_counter() - started, Counts.now()
        stats = httpx2.get(url.removesuffix("/v1") + "/stub/stats").json()
    served, stub_seconds = stats["served"], stats["seconds"]
    requests = sum(served.values())
    return {
        "mode": mode,
        "articles ok": ok,
        "failed": ARTICLES - ok,
        "requests": requests,
        "429s": served.get("limited", 0),
        "429 share": round(served.get("limited", 0) / requests, 3),
        "429s the client counted": int(after.limited - before.limited),
        "waits slot/budget": f"{after.slot_waits - before.slot_waits:.0f}/"
        f"{after.budget_waits - before.budget_waits:.0f}",
        "seconds (stub)": round(stub_seconds, 1),
        "seconds (client)": round(seconds, 1),
        "tokens served": stats["tokens_served"],
        "tokens per window": round(stats["tokens_served"] / (stub_seconds / WINDOW)),
        "goodput share of the limit": round(
            stats["tokens_served"] / (TPM * (1 + stub_seconds / WINDOW)), 3
        ),
    }


def main() -> None:
    rows = [run(mode, overrides) for mode, overrides in MODES.items()]
    report(
        "rate_limits",
        f"Concurrency {CONCURRENCY} against {TPM:,} tokens and {RPM} requests per "
        f"{WINDOW:g} s window, stub at {LATENCY * 1000:.0f} ms",
        rows,
        window_s=WINDOW,
        tpm=TPM,
        rpm=RPM,
        latency_s=LATENCY,
    )


if __name__ == "__main__":
    main()
