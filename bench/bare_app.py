"""The baseline for the API benchmark: a bare FastAPI endpoint that returns fixed bytes
(the same record bytes the real API serves from its cache). Like the real route it is a
plain `def`, so both pay the same thread hand-off."""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response

BODY = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
app = FastAPI()


@app.post("/v1/summaries")
def summaries() -> Response:
    return Response(BODY, media_type="application/json")
