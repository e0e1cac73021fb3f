"""The eval corpus: the articles recording sets are made of, each with the publication
date an eval run gives it (`evals/corpus/manifest.json`)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CorpusArticle:
    id: str
    text: str
    published_at: dt.date | None


def load_corpus(directory: Path) -> list[CorpusArticle]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    return [
        CorpusArticle(
            id=entry["id"],
            text=(directory / entry["file"]).read_text(encoding="utf-8"),
            published_at=dt.date.fromisoformat(entry["published_at"])
            if entry.get("published_at")
            else None,
        )
        for entry in manifest["articles"]
    ]
