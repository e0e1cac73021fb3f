"""Small records for corpus tests: actors and threats by what the corpus reads of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from summarizer.core import SummaryRecord
from tests.evalhelp import PROVENANCE


def actor(
    name: str, kind: str = "armed_group", country: str | None = None, aliases: Sequence[str] = ()
) -> dict[str, Any]:
    return {
        "name": name,
        "aliases": list(aliases),
        "type": kind,
        "country": country,
        "title": None,
        "affiliation": None,
        "evidence": [],
    }


def threat(
    issuer: str,
    targets: Sequence[str] = (),
    condition: str | None = "if the United States intervenes in the war",
    action: str = "attack US bases across the region",
    when: str | None = None,
    action_type: str = "violence",
    other_story: bool = False,
    quote: str = "a quote",
) -> dict[str, Any]:
    return {
        "issuer": issuer,
        "speaker": None,
        "targets": list(targets),
        "condition": condition,
        "action": action,
        "action_type": action_type,
        "conditional": condition is not None,
        "when": None
        if when is None
        else {"text": "on that day", "date": when, "end_date": None, "precision": "day"},
        "other_story": other_story,
        "evidence": [{"quote": quote, "start": None, "end": None, "grounded": False}],
    }


def record(
    article: str,
    actors: Sequence[dict[str, Any]],
    threats: Sequence[dict[str, Any]] = (),
    published_at: str | None = "2025-06-15",
) -> SummaryRecord:
    return SummaryRecord.model_validate(
        {
            "article": {"id": article, "title": None, "url": None, "published_at": published_at},
            "summary": "",
            "actors": list(actors),
            "locations": [],
            "events": [],
            "threats": list(threats),
            "provenance": PROVENANCE,
            "warnings": [],
        }
    )


US = actor("United States", "state", "US", ["US", "Washington"])
KH = actor("Kataib Hezbollah", "armed_group", "IQ")
