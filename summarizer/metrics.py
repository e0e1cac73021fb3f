"""The pipeline's Prometheus metrics, declared once in prometheus_client's default registry.

Each stage counts its own events where they happen (`CACHE_LOOKUPS.labels("hit").inc()`);
whoever serves the registry (the API's `GET /metrics`) shows them. Module-level objects,
so importing this twice or building several apps in one process never registers a metric
twice. Labels are few-valued on purpose: a provider's name, an outcome or a reason, never
an article, a key or a URL.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

CACHE_LOOKUPS = Counter(
    "summarizer_cache_lookups",
    "Record cache look-ups before a model call, by result: hit (a stored record was "
    "served) or miss (the model is asked)",
    ["result"],
)
PROVIDER_CALLS = Counter(
    "summarizer_provider_calls",
    "Calls to a provider's model (re-asks included), by provider and outcome: ok, or the "
    "kind of error the call ended in",
    ["provider", "outcome"],
)
# A model call takes from a fraction of a second (a cached or local answer) to minutes (a
# long article on a slow model): the default buckets stop at 10 s.
PROVIDER_CALL_SECONDS = Histogram(
    "summarizer_provider_call_seconds",
    "Seconds each call to a provider's model took, answered or failed",
    ["provider"],
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320, 640),
)
REASKS = Counter(
    "summarizer_reasks",
    "Calls that asked the model again after an answer that broke the schema",
    ["provider"],
)
RETRIES = Counter(
    "summarizer_provider_retries",
    "Calls sent again after a transient transport failure (rate limit, server error, "
    "timeout, dropped connection)",
    ["provider"],
)
RATE_LIMITED = Counter(
    "summarizer_rate_limited",
    "Answers of HTTP 429 (rate limited) from the provider's endpoint, each attempt counted",
    ["provider"],
)
PACING_WAITS = Counter(
    "summarizer_pacing_waits",
    "Calls the pacer held back before sending, by what they waited for: a slot (the "
    "adaptive concurrency was taken) or budget (the rate-limit window had too few requests "
    "or tokens left)",
    ["provider", "reason"],
)
PACING_WAIT_SECONDS = Counter(
    "summarizer_pacing_wait_seconds",
    "Seconds calls spent held back by the pacer, slots and budget together",
    ["provider"],
)
PACING_CONCURRENCY = Gauge(
    "summarizer_pacing_concurrency",
    "Calls the pacer lets in flight at once now: its adaptive limit (halved on a 429, "
    "grown by one per round of answers while the limits leave room)",
    ["provider"],
)
TOKENS = Counter(
    "summarizer_tokens",
    "Tokens the provider reported, by provider and kind: prompt (sent in) or completion "
    "(answered out)",
    ["provider", "kind"],
)
WORKER_FAILURES = Counter(
    "summarizer_worker_failures",
    "Local model worker processes ended by a failure, by reason: crashed (died during a "
    "call) or timeout (ended because a call or the model's load took too long)",
    ["reason"],
)
WORKER_RESTARTS = Counter(
    "summarizer_worker_restarts",
    "Local model worker processes started after the first one (after one crashed, timed "
    "out or failed to load)",
)
