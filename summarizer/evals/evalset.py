"""The eval data (a checkout's `evals/`): corpus and manifest (read by `record.corpus`),
gold records, alias table.

Gold records are the output contract without provenance, plus `required` marks
(annotation guide). A gold file whose quotes do not sit at their offsets, or that
breaks the contract, is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from summarizer.core import (
    Actor,
    ArticleMeta,
    ConfigError,
    Event,
    Evidence,
    Grounded,
    Location,
    Threat,
)
from summarizer.record import CorpusArticle as CorpusArticle
from summarizer.record import load_corpus as load_corpus


class GoldActor(Actor):
    required: bool = True


class GoldLocation(Location):
    required: bool = True


class GoldEvent(Event):
    required: bool = True


class GoldThreat(Threat):
    required: bool = True


class GoldRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: str = "1"
    article: ArticleMeta
    summary: str
    actors: list[GoldActor]
    locations: list[GoldLocation]
    events: list[GoldEvent]
    threats: list[GoldThreat]
    warnings: list[str] = Field(default_factory=list)


def load_gold(path: Path, text: str) -> GoldRecord:
    try:
        gold = GoldRecord.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValidationError) as exc:
        raise ConfigError(f"gold file {path} breaks the contract: {exc}") from None
    for label, evidence in _all_evidence(gold):
        if evidence.start is None or evidence.end is None or not evidence.grounded:
            raise ConfigError(f"gold file {path}: {label}: quote {evidence.quote!r} has no span")
        if text[evidence.start : evidence.end] != evidence.quote:
            raise ConfigError(
                f"gold file {path}: {label}: quote {evidence.quote!r} is not at "
                f"{evidence.start}:{evidence.end} (found {text[evidence.start : evidence.end]!r})"
            )
    return gold


def _all_evidence(gold: GoldRecord) -> list[tuple[str, Evidence]]:
    groups: dict[str, list[Grounded]] = {
        "actors": [*gold.actors],
        "locations": [*gold.locations],
        "events": [*gold.events],
        "threats": [*gold.threats],
    }
    return [
        (f"{name}[{i}]", evidence)
        for name, items in groups.items()
        for i, item in enumerate(items)
        for evidence in item.evidence
    ]


def load_aliases(path: Path) -> list[list[str]]:
    """Groups of names that denote the same entity ("US" = "United States" = ...)."""
    groups = json.loads(path.read_text(encoding="utf-8"))["groups"]
    if not all(isinstance(g, list) and all(isinstance(n, str) for n in g) for g in groups):
        raise ConfigError(f"{path}: 'groups' must be a list of lists of names")
    return [list(group) for group in groups]
