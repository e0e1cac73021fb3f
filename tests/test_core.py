"""The models are the output contract: its example validates, its rules hold."""

import pytest
from pydantic import ValidationError

from summarizer.core import SummaryRecord

EXAMPLE = {
    "schema_version": "1",
    "article": {
        "id": "000",
        "title": None,
        "url": None,
        "published_at": "2025-06-15",
        "language": "en",
    },
    "summary": "Kataib Hezbollah threatened US bases.",
    "actors": [
        {
            "name": "Kataib Hezbollah",
            "aliases": ["Kataib Hizbollah"],
            "type": "armed_group",
            "country": "IQ",
            "title": None,
            "affiliation": None,
            "evidence": [{"quote": "q", "start": 0, "end": 1, "grounded": True}],
        }
    ],
    "locations": [
        {"name": "Ain al-Asad air base", "type": "military_base", "country": "IQ", "evidence": []}
    ],
    "events": [
        {
            "type": "interception",
            "description": "d",
            "actors": ["US-led coalition"],
            "targets": ["Iran"],
            "locations": ["Ain al-Asad air base"],
            "when": {
                "text": "overnight on Saturday to Sunday",
                "date": "2025-06-14",
                "end_date": "2025-06-15",
                "precision": "day",
            },
            "status": "occurred",
            "casualties": None,
            "evidence": [],
        }
    ],
    "threats": [
        {
            "issuer": "Kataib Hezbollah",
            "speaker": "Abu Hussein al-Hamidawi",
            "targets": ["United States"],
            "condition": "the US intervenes",
            "action": "attack US bases",
            "action_type": "violence",
            "conditional": True,
            "when": None,
            "evidence": [{"quote": "q", "start": None, "end": None, "grounded": False}],
        }
    ],
    "provenance": {
        "provider": "local",
        "model": "m",
        "prompt_version": "p",
        "created_at": "2025-06-15T00:00:00Z",
        "cached": False,
        "usage": {"prompt_tokens": 0, "completion_tokens": 0},
    },
    "warnings": [],
}


def test_contract_example_round_trips() -> None:
    record = SummaryRecord.model_validate(EXAMPLE)
    assert SummaryRecord.model_validate_json(record.model_dump_json()) == record
    dumped = record.model_dump(mode="json")
    assert set(dumped) == set(EXAMPLE) and dumped["events"][0]["when"]["date"] == "2025-06-14"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("actors", 0, "type"), "militia"),
        (("actors", 0, "country"), "Iraq"),
        (("events", 0, "status"), "rumoured"),
        (("schema_version",), "2"),
    ],
)
def test_contract_violations_are_rejected(path: tuple[object, ...], value: object) -> None:
    import copy

    data = copy.deepcopy(EXAMPLE)
    target: object = data
    for key in path[:-1]:
        target = target[key]  # type: ignore[index]
    target[path[-1]] = value  # type: ignore[index]
    with pytest.raises(ValidationError):
        SummaryRecord.model_validate(data)


def test_no_field_may_be_omitted() -> None:
    data = {k: v for k, v in EXAMPLE.items() if k != "warnings"}
    with pytest.raises(ValidationError):
        SummaryRecord.model_validate(data)
