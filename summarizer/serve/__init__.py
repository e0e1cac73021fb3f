"""The HTTP API: thin FastAPI routes over the extractor, the cache and batch jobs."""

from summarizer.serve.app import create_app

__all__ = ["create_app"]
