"""Evals: gold and corpus (`evalset`), the scorer (`scoring`), intervals and gates
(`intervals`), recording sets (`sets`), and the run (`evaluation`)."""

from summarizer.evals.evalset import load_corpus
from summarizer.evals.evaluation import (
    EvalSet,
    SetResult,
    dump_json,
    eval_sets,
    read_predictions,
    record_set,
    render,
    render_side_by_side,
    replay_set,
    report_json,
    save_predictions,
    score,
)
from summarizer.evals.sets import RecordingSet, choose

__all__ = [
    "EvalSet",
    "RecordingSet",
    "SetResult",
    "choose",
    "dump_json",
    "eval_sets",
    "load_corpus",
    "read_predictions",
    "record_set",
    "render",
    "render_side_by_side",
    "replay_set",
    "report_json",
    "save_predictions",
    "score",
]
