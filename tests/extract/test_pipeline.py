import datetime as dt

import pytest

from summarizer.core import AnswerCutOff, ArticleRequest, DraftRecord, SummaryRecord
from summarizer.extract.article import Article, build_article
from summarizer.extract.chunking import split
from summarizer.extract.pipeline import Summarizer
from summarizer.extract.prompts import load_prompts
from summarizer.settings import Settings
from tests.conftest import corpus_article
from tests.fakes import FakeProvider, ReadingProvider, article_in


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
    assert not any(w.startswith("threat ") for w in record.warnings)
    assert not record.threats[0].evidence[1].grounded


LONG = "\n\n".join(corpus_article(i).text for i in ("000", "001", "002", "003", "004"))


def long_article() -> Article:
    request = ArticleRequest(text=LONG, published_at=dt.date(2025, 6, 15), id="long")
    return build_article(request, max_chars=100_000)


def reader(provider: ReadingProvider, settings: Settings, **changes: object) -> Summarizer:
    return Summarizer(provider, load_prompts(), None, settings.model_copy(update=changes))


def spans(record: SummaryRecord) -> list[tuple[int | None, int | None]]:
    return [(e.start, e.end) for ev in record.events for e in ev.evidence]


def test_a_long_article_in_pieces_is_one_record_with_offsets_in_the_whole_text(
    settings: Settings,
) -> None:
    provider = ReadingProvider()
    article = long_article()
    record = reader(provider, settings, chunk_chars=2000).summarize(article)
    pieces = [article_in(r) for r in provider.requests]
    assert len(pieces) == len(split(article.text, 2000, 300)) > 5
    assert SummaryRecord.model_validate(record.model_dump(mode="json")) == record
    evidence = [e for group in (record.actors, record.events) for i in group for e in i.evidence]
    assert evidence and all(e.grounded for e in evidence)
    assert all(article.text[e.start : e.end] == e.quote for e in evidence)  # type: ignore[misc]
    # Sentences in the overlaps were read twice but are one event each; names once each.
    assert len(spans(record)) == len(set(spans(record)))
    assert len({a.name for a in record.actors}) == len(record.actors) == 5
    assert record.provenance.usage.prompt_tokens == 100 * len(pieces)


def test_a_piece_whose_answer_is_cut_off_is_split_again(settings: Settings) -> None:
    provider = ReadingProvider(fits=1500)
    record = reader(provider, settings, chunk_chars=4000).summarize(long_article())
    lengths = [len(article_in(r)) for r in provider.requests]
    assert max(lengths) > 1500 and any(n <= 1500 for n in lengths)
    assert record.events and all(e.grounded for ev in record.events for e in ev.evidence)


def test_an_answer_cut_off_on_a_small_piece_names_the_setting_to_raise(
    settings: Settings,
) -> None:
    summarizer = reader(ReadingProvider(fits=100), settings, chunk_chars=2000)
    with pytest.raises(AnswerCutOff, match="SUMMARIZER_MAX_TOKENS"):
        summarizer.summarize(long_article())


def test_passes_are_distinct_requests_merged_into_one_record(settings: Settings) -> None:
    once, twice = ReadingProvider(), ReadingProvider()
    one = reader(once, settings, chunk_chars=3000).summarize(long_article())
    two = reader(twice, settings, chunk_chars=3000, passes=2).summarize(long_article())
    assert len(twice.requests) == 2 * len(once.requests)
    assert {r["seed"] for r in twice.requests} == {0, 1}
    assert spans(two) == spans(one) and len(two.actors) == len(one.actors)


def test_chunking_and_passes_are_part_of_prompt_version_and_the_cache_key(
    settings: Settings, article_000: Article
) -> None:
    versions = set()
    for changes in ({}, {"chunk_chars": 3000}, {"chunk_overlap": 100}, {"passes": 2}):
        summarizer = reader(ReadingProvider(), settings, **changes)
        versions.add((summarizer.prompt_version, summarizer._key(article_000)))
    assert len({v for v, _ in versions}) == len({k for _, k in versions}) == 4


def test_items_from_another_story_keep_their_relative_dates_unresolved(
    settings: Settings, draft_000: DraftRecord, article_000: Article
) -> None:
    teaser = draft_000.threats[0].model_copy(update={"other_story": True, "when": "on Thursday"})
    dated = teaser.model_copy(update={"when": "on 26 October 2023"})
    draft = draft_000.model_copy(update={"threats": [teaser, dated]})
    record = Summarizer(FakeProvider(draft), load_prompts(), None, settings).summarize(article_000)
    undated, absolute = record.threats
    assert (undated.when.date, undated.when.precision) == (None, "unknown")  # type: ignore[union-attr]
    assert absolute.when.date == dt.date(2023, 10, 26)  # type: ignore[union-attr]
    assert any("from another story" in w for w in record.warnings)
    assert undated.other_story and absolute.other_story  # the mark is kept for readers
