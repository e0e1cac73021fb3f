"""Many articles: one JSONL line per input, appended whole, resumable. `run` takes the
options and chooses the engine; the engines themselves serve the API's jobs, the
benchmarks and the tests."""

from summarizer.batch.batch_api import run_batch_api, state_path
from summarizer.batch.engine import BatchStats, run_batch, unread_line
from summarizer.batch.fields import Fields
from summarizer.batch.inputs import (
    ARTICLE_SUFFIXES,
    BatchInputs,
    BatchItem,
    Inputs,
    item_for,
    read_inputs,
    unique,
)
from summarizer.batch.ray_engine import run_ray
from summarizer.batch.ray_inputs import InputFiles, list_inputs
from summarizer.batch.runner import BatchOptions, check_runnable, dry_run, open_inputs, run

__all__ = [
    "ARTICLE_SUFFIXES",
    "BatchInputs",
    "BatchItem",
    "BatchOptions",
    "BatchStats",
    "Fields",
    "InputFiles",
    "Inputs",
    "check_runnable",
    "dry_run",
    "item_for",
    "list_inputs",
    "open_inputs",
    "read_inputs",
    "run",
    "run_batch",
    "run_batch_api",
    "run_ray",
    "state_path",
    "unique",
    "unread_line",
]
