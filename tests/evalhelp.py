"""Gold records turned into predictions, for scorer tests."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from summarizer.core import SummaryRecord
from summarizer.evals.evalset import GoldRecord
from summarizer.evals.evaluation import EvalSet
from summarizer.evals.scoring import LISTS
from tests.paths import SEED

PROVENANCE = {
    "provider": "gold",
    "model": "none",
    "prompt_version": "none",
    "created_at": "2025-01-01T00:00:00Z",
    "cached": False,
    "usage": {"prompt_tokens": 0, "completion_tokens": 0},
}
EVALSET = EvalSet.load(SEED)
TEXTS = {a.id: a.text for a in EVALSET.corpus}


def as_prediction(
    gold: GoldRecord, keep: Callable[[str, int, dict[str, Any]], bool] = lambda *_: True
) -> SummaryRecord:
    data = gold.model_dump(mode="json")
    for name in LISTS:
        data[name] = [
            {k: v for k, v in item.items() if k != "required"}
            for i, item in enumerate(data[name])
            if keep(name, i, item)
        ]
    data["provenance"] = PROVENANCE
    return SummaryRecord.model_validate(data)


def corpus_jsonl(path: Path, copies: int = 1) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for n in range(copies):
            for article in EVALSET.corpus:
                handle.write(
                    json.dumps(
                        {
                            "id": f"{article.id}-{n}" if copies > 1 else article.id,
                            "text": article.text,
                            "published_at": str(article.published_at),
                        }
                    )
                    + "\n"
                )
    return path


def replay_batch_command(source: Path, out: Path, *options: str) -> list[str]:
    """`summarizer batch` in a fresh Python process, answering from the recordings."""
    return [
        sys.executable,
        "-m",
        "summarizer",
        "batch",
        str(source),
        "--out",
        str(out),
        "--provider",
        "replay",
        *options,
    ]
