"""The baselines for the API benchmark: bare FastAPI endpoints that return fixed bytes
(the same record bytes the real API serves from its cache) and do nothing else, not even
read the body. `app` is a plain `def` endpoint, FastAPI's common form and the baseline the
issue's target was set against; `async_app` is the same endpoint as `async def`, the
fastest FastAPI answers such a request, shown beside it."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response

BODY = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
app = FastAPI()
async_app = FastAPI()


@app.post("/v1/summaries")
def summaries() -> Response:
    return Response(BODY, media_type="application/json")


@async_app.post("/v1/summaries")
async def async_summaries() -> Response:
    return Response(BODY, media_type="application/json")
