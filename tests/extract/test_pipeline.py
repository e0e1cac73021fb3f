import datetime as dt

from summarizer.core import SummaryRecord
from summarizer.extract.pipeline import Summarizer
from tests.conftest import corpus_article


def test_record_is_contract_valid_grounded_and_dated(summarizer: Summarizer) -> None:
    article = corpus_article("000")
    record = summarizer.summarize(article)
    assert SummaryRecord.model_validate(record.model_dump(mode="json")) == record
    assert record.article.id == "000" and record.article.published_at == dt.date(2025, 6, 15)
    assert record.provenance.provider == "fake" and record.provenance.prompt_version.startswith(
        "p-"
    )
    evidence = [
        e
        for group in (record.actors, record.locations, record.events, record.threats)
        for item in group
        for e in item.evidence
    ]
    for e in evidence:
        if e.grounded:
            assert article.text[e.start : e.end] == e.quote  # type: ignore[misc]
    assert sum(e.grounded for e in evidence) == len(evidence) - 1
    event, threat = record.events[0], record.threats[0]
    assert (event.when.date, event.when.end_date) == (dt.date(2025, 6, 14), dt.date(2025, 6, 15))  # type: ignore[union-attr]
    assert threat.when.date == dt.date(2025, 6, 15)  # type: ignore[union-attr]
    assert record.actors[0].country == "IQ"  # the model said "Iraq"


def test_warnings_name_what_could_not_be_verified(summarizer: Summarizer) -> None:
    record = summarizer.summarize(corpus_article("000"))
    # The event's actor "US-led coalition" is not among the listed actors.
    assert any("'US-led coalition' matches no listed actor" in w for w in record.warnings)
    # One of the threat's two quotes is invented, but the other grounds: no warning for it.
    assert not any(w.startswith("threats[0]") for w in record.warnings)
    assert not record.threats[0].evidence[1].grounded
