"""`summarizer schema`: the JSON Schema of the output record."""

from __future__ import annotations

from summarizer.cli.common import emit


def schema() -> None:
    """Print the JSON Schema of the output record."""
    from summarizer.core import SummaryRecord

    emit(SummaryRecord.model_json_schema())
