"""Many articles: one JSONL line per input, appended whole, resumable."""

from summarizer.batch.batch_api import run_batch_api, state_path
from summarizer.batch.engine import (
    BatchStats,
    item_for,
    read_inputs,
    run_batch,
)
from summarizer.batch.ray_engine import run_ray

__all__ = [
    "BatchStats",
    "item_for",
    "read_inputs",
    "run_batch",
    "run_batch_api",
    "run_ray",
    "state_path",
]
