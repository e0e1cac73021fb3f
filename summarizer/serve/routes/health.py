"""Probes, open without a key: the process is up (`/healthz`), the configured model can
be used (`/readyz`, else a 503 saying what is missing)."""

from __future__ import annotations

from fastapi import APIRouter

from summarizer.providers import LazyProvider
from summarizer.serve.deps import SummarizerDep
from summarizer.serve.errors import error_responses


def router() -> APIRouter:
    routes = APIRouter()
    routes.add_api_route("/healthz", healthz)
    routes.add_api_route("/readyz", readyz, responses=error_responses(503))
    return routes


def healthz() -> dict[str, str]:
    return {"status": "ok"}


def readyz(summarizer: SummarizerDep) -> dict[str, str]:
    provider = summarizer.provider
    if isinstance(provider, LazyProvider):
        provider.get()  # a ConfigError here is a 503 saying what is missing
    return {"status": "ready", "provider": provider.name, "model": provider.model}
