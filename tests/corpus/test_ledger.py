"""The threat ledger: one entry per threat with all its reports, a new entry (following
the old) when the threat changes, and threats kept apart that differ."""

from __future__ import annotations

import datetime as dt

from summarizer.corpus import build_corpus
from tests.corpus.records import KH, US, actor, record, threat

KH_IQ = actor("Kataib Hizbollah", country="IQ")
TROOPS = actor("US troops", "military", "US")


def test_two_articles_reporting_one_threat_are_one_entry_with_both_reports() -> None:
    corpus = build_corpus(
        [
            record(
                "b",
                [KH, US],
                [threat("Kataib Hezbollah", ["United States"], when="2025-06-15")],
                published_at="2025-06-16",
            ),
            record(
                "a",
                [KH_IQ, US, TROOPS],
                [
                    threat(
                        "Kataib Hizbollah",
                        ["United States", "US troops"],
                        "If the US intervenes in the war between Israel and Iran",
                        "resume attacks on US troops and bases across the region",
                        when="2025-06-15",
                    )
                ],
            ),
        ]
    )
    [entry] = corpus.ledger
    # Led by its first report (by date, then article id): a's wording, targets of both.
    assert entry.id == "a/threats/0" and entry.follows is None
    # The issuer is its canonical actor (the spellings tie: the earliest mention's leads).
    assert entry.issuer.id == "kataib-hizbollah/armed_group/IQ"
    assert entry.issuer.name == "Kataib Hizbollah"
    assert [t.id for t in entry.targets] == ["united-states/state/US", "us-troops/military/US"]
    assert entry.action == "resume attacks on US troops and bases across the region"
    assert [(r.article, r.published_at) for r in entry.reports] == [
        ("a", dt.date(2025, 6, 15)),
        ("b", dt.date(2025, 6, 16)),
    ]
    assert entry.first_reported == entry.last_reported == dt.date(2025, 6, 15)
    assert entry.reports[0].evidence == ["a quote"]


def test_a_changed_condition_or_a_graver_harm_is_a_new_entry_following_the_old() -> None:
    corpus = build_corpus(
        [
            record("a", [KH, US], [threat("Kataib Hezbollah", ["US"])], "2025-06-01"),
            record(
                "b",
                [KH, US],
                [threat("Kataib Hezbollah", ["US"], "unless US forces leave Iraq by July")],
                "2025-06-05",
            ),
            record(
                "c",
                [KH, US],
                [
                    threat(
                        "Kataib Hezbollah",
                        ["US"],
                        "unless US forces leave Iraq by July",
                        "close Iraqi airspace to all American aircraft",
                        action_type="restrict",
                    )
                ],
                "2025-06-09",
            ),
        ]
    )
    assert [(e.id, e.follows) for e in corpus.ledger] == [
        ("a/threats/0", None),
        ("b/threats/0", "a/threats/0"),
        ("c/threats/0", "b/threats/0"),
    ]


def test_different_threats_of_one_issuer_stay_apart() -> None:
    israel = actor("Israel", "state", "IL")
    corpus = build_corpus(
        [
            record(
                "a",
                [KH, US, israel],
                [
                    threat("Kataib Hezbollah", ["US"]),
                    threat("Kataib Hezbollah", ["US"], action="attack US bases across the region"),
                ],
            ),
            record(
                "b",
                [KH, israel],
                [threat("Kataib Hezbollah", ["Israel"], None, "fire rockets at Haifa")],
            ),
        ]
    )
    # One record's two threats are two, however alike; a threat to Israel follows none
    # of those to the United States.
    assert [(e.id, len(e.reports), e.follows) for e in corpus.ledger] == [
        ("a/threats/0", 1, None),
        ("a/threats/1", 1, None),
        ("b/threats/0", 1, None),
    ]


def test_dates_too_far_apart_are_two_entries_an_unknown_date_joins() -> None:
    same = [KH, US]
    corpus = build_corpus(
        [
            record("a", same, [threat("Kataib Hezbollah", ["US"], when="2025-06-01")]),
            record("b", same, [threat("Kataib Hezbollah", ["US"], when="2025-07-20")]),
            record("c", same, [threat("Kataib Hezbollah", ["US"])], published_at=None),
        ]
    )
    assert [(e.id, [r.article for r in e.reports], e.follows) for e in corpus.ledger] == [
        ("a/threats/0", ["a", "c"], None),
        ("b/threats/0", ["b"], "a/threats/0"),  # the same threat, renewed
    ]
    assert corpus.ledger[0].last_reported == dt.date(2025, 6, 1)  # c has no date


def test_a_threat_from_another_story_is_kept_marked_with_only_its_own_date() -> None:
    corpus = build_corpus(
        [
            record(
                "a",
                [actor("Iran", "state", "IR"), actor("hostile forces", "military")],
                [threat("Iran", ["hostile forces", "Gaza"], other_story=True)],
            )
        ]
    )
    [entry] = corpus.ledger
    assert entry.reports[0].other_story and entry.reports[0].date is None
    assert entry.first_reported is None
    # A target no actor of the record holds (a place) keeps its name and no id.
    assert [(t.id, t.name) for t in entry.targets] == [
        ("hostile-forces/military", "hostile forces"),
        (None, "Gaza"),
    ]
