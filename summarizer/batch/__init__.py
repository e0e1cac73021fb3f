"""Many articles: one JSONL line per input, appended whole, resumable."""

from summarizer.batch.batch_api import run_batch_api, state_path
from summarizer.batch.engine import (
    BatchStats,
    ResultFile,
    item_for,
    public_message,
    read_inputs,
    read_results,
    run_batch,
)
from summarizer.batch.ray_engine import run_ray

__all__ = [
    "BatchStats",
    "ResultFile",
    "item_for",
    "public_message",
    "read_inputs",
    "read_results",
    "run_batch",
    "run_batch_api",
    "run_ray",
    "state_path",
]
