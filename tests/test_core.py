"""The models are the output contract: its example validates, its rules hold."""

import json

import pytest
from pydantic import ValidationError

from summarizer.core import SummaryRecord
from tests.cli.invoke import run

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


def properties(schema: object, where: str) -> dict[str, dict[str, object]]:
    """Every property of a JSON Schema by its path, through `$defs`, `anyOf` and `items`."""
    found: dict[str, dict[str, object]] = {}
    if isinstance(schema, list):
        for part in schema:
            found |= properties(part, where)
    elif isinstance(schema, dict):
        for name, prop in schema.get("properties", {}).items():
            found[f"{where}.{name}"] = prop
            found |= properties(prop, f"{where}.{name}")
        for name, model in schema.get("$defs", {}).items():
            found |= properties(model, name)
        for key, value in schema.items():
            if key not in ("properties", "$defs"):
                found |= properties(value, where)
    return found


def test_every_property_of_the_printed_schema_is_described() -> None:
    code, stdout, _ = run("schema")
    found = properties(json.loads(stdout), "SummaryRecord")
    assert code == 0 and {"SummaryRecord.article", "Evidence.start", "When.precision"} <= set(found)
    undescribed = [path for path, prop in found.items() if not prop.get("description")]
    assert not undescribed, f"properties without a description: {undescribed}"
