"""Evals: gold and corpus loading (`evalset`), the scorer (`scoring`), the run (`evaluation`)."""

from summarizer.evals.evalset import EVALS_DIR, load_corpus
from summarizer.evals.evaluation import (
    RERECORD,
    EvalSet,
    apply_thresholds,
    dump_json,
    read_predictions,
    record,
    render,
    run_pipeline,
    save_predictions,
    score,
)

__all__ = [
    "EVALS_DIR",
    "RERECORD",
    "EvalSet",
    "apply_thresholds",
    "dump_json",
    "load_corpus",
    "read_predictions",
    "record",
    "render",
    "run_pipeline",
    "save_predictions",
    "score",
]
