"""Probes, open without a key: the process is up (`/healthz`), the configured model can
be used (`/readyz`, else a 503 saying what is missing)."""

from __future__ import annotations

from fastapi import APIRouter

from summarizer.serve.deps import ServiceDep
from summarizer.serve.errors import error_responses


def router() -> APIRouter:
    routes = APIRouter()
    routes.add_api_route("/healthz", healthz)
    routes.add_api_route("/readyz", readyz, responses=error_responses(503))
    return routes


def healthz() -> dict[str, str]:
    return {"status": "ok"}


def readyz(service: ServiceDep) -> dict[str, str]:
    service.check_provider()  # a ConfigError here is a 503 saying what is missing
    provider = service.summarizer.provider
    return {"status": "ready", "provider": provider.name, "model": provider.model}
