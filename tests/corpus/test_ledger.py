"""The threat ledger: one entry per threat with all its reports, a new entry (following
the old) when the threat changes, and threats kept apart that differ."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from summarizer.corpus import Corpus, build_corpus
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
    assert [(r.article, r.date, r.published_at) for r in entry.reports] == [
        ("a", dt.date(2025, 6, 15), dt.date(2025, 6, 15)),
        ("b", dt.date(2025, 6, 15), dt.date(2025, 6, 16)),
    ]
    # Made on the 15th, reported on the 15th and the 16th.
    assert (entry.first_reported, entry.last_reported) == (
        dt.date(2025, 6, 15),
        dt.date(2025, 6, 16),
    )
    assert entry.reports[0].evidence == ["a quote"]


def test_a_changed_condition_or_a_graver_harm_is_a_new_entry_following_the_old() -> None:
    unless = "unless US forces leave Iraq by July"
    records = [
        record("a", [KH, US], [threat("Kataib Hezbollah", ["US"], when="2025-06-01")]),
        record("b", [KH, US], [threat("Kataib Hezbollah", ["US"], unless, when="2025-06-05")]),
        record(
            "c",
            [KH, US],
            [
                threat(
                    "Kataib Hezbollah",
                    ["US"],
                    unless,
                    "close Iraqi airspace to all American aircraft",
                    when="2025-06-09",
                    action_type="restrict",
                )
            ],
        ),
    ]
    corpus = build_corpus(records)
    assert [(e.id, e.follows) for e in corpus.ledger] == [
        ("a/threats/0", None),
        ("b/threats/0", "a/threats/0"),
        ("c/threats/0", "b/threats/0"),
    ]
    # Undated, the same three are still three entries (another condition, another kind of
    # harm), but none is known to come after another: a publication date says when the
    # article appeared, not when the threat was made.
    undated = [
        r.model_copy(update={"threats": [t.model_copy(update={"when": None}) for t in r.threats]})
        for r in records
    ]
    assert [(e.id, e.follows) for e in build_corpus(undated).ledger] == [
        ("a/threats/0", None),
        ("b/threats/0", None),
        ("c/threats/0", None),
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


def test_another_occasion_is_another_entry_an_unknown_date_joins() -> None:
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
    # c has no publication date either: the entry was reported on a's only.
    assert corpus.ledger[0].first_reported == corpus.ledger[0].last_reported == dt.date(2025, 6, 15)


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
    assert entry.first_reported == dt.date(2025, 6, 15)  # the page's publication date
    # A target no actor of the record holds (a place) keeps its name and no id.
    assert [(t.id, t.name) for t in entry.targets] == [
        ("hostile-forces/military", "hostile forces"),
        (None, "Gaza"),
    ]


# An invented story: the Harbour Guard Movement threatens Portugal and its coast guard.
HGM = actor("Harbour Guard Movement", "armed_group", "PT")
PORTUGAL = actor("Portugal", "state", "PT")
COAST_GUARD = actor("Portuguese coast guard", "military", "PT")
SHIPPER = actor("Blue Lagoon Shipping", "other", "PT")
SHELL = "its fighters will shell the coastal radar stations"
PATROLS = "if the patrols enter the harbour again"


def says(
    condition: str | None = PATROLS,
    action: str = SHELL,
    date: str | None = None,
    targets: Sequence[str] = ("Portugal",),
) -> dict[str, Any]:
    """A threat of the Harbour Guard Movement."""
    return threat("Harbour Guard Movement", targets, condition, action, when=date)


def dated(text: str, start: str, end: str | None = None, precision: str = "day") -> Any:
    """`says()` with a `when` of any shape."""
    found = says()
    found["when"] = {"text": text, "date": start, "end_date": end, "precision": precision}
    return found


def hgm(article: str, *threats: dict[str, Any], published_at: str = "2026-02-02") -> Any:
    return record(article, [HGM, PORTUGAL, COAST_GUARD, SHIPPER], threats, published_at)


def reports(corpus: Corpus) -> list[list[tuple[str, int]]]:
    """Each entry's reports, the entries in the order of their first report."""
    return sorted([(r.article, r.index) for r in e.reports] for e in corpus.ledger)


def test_outlets_paraphrasing_one_statement_are_one_entry() -> None:
    guard = ("Portuguese coast guard",)
    corpus = build_corpus(
        [
            hgm("a", says(date="2026-02-01", targets=guard)),
            hgm(
                "b",
                says(
                    "should patrol boats keep entering the harbour",
                    "would fire on the radar stations on the coast",
                    "2026-02-01",
                    guard,
                ),
            ),
        ]
    )
    # Other words for the same harm and trigger, on the same day: one entry.
    assert reports(corpus) == [[("a", 0), ("b", 0)]]


def test_a_threat_recalled_without_a_date_keeps_none_and_joins_the_dated_entry() -> None:
    recalled = says(None, "had threatened to shell the radar stations")
    corpus = build_corpus(
        [
            hgm("a", says(date="2026-02-01")),
            # A week later an article recalls the threat ("had threatened ..."), undated
            # and without its condition: the publication date is not the threat's.
            hgm("b", recalled, published_at="2026-02-09"),
        ]
    )
    [entry] = corpus.ledger
    assert [(r.article, r.date, r.published_at) for r in entry.reports] == [
        ("a", dt.date(2026, 2, 1), dt.date(2026, 2, 2)),
        ("b", None, dt.date(2026, 2, 9)),
    ]
    # Made on 1 February; reported on the 2nd and, recalled, on the 9th.
    assert (entry.first_reported, entry.last_reported) == (dt.date(2026, 2, 2), dt.date(2026, 2, 9))
    assert entry.conditional and entry.condition == PATROLS  # the first report's wording


def test_dates_as_intervals_a_day_apart_are_one_occasion_further_apart_two() -> None:
    corpus = build_corpus(
        [
            hgm("a", dated("at the weekend", "2026-01-31", "2026-02-01")),
            hgm("b", says(date="2026-02-02")),  # a day after the weekend
            hgm("c", dated("last week", "2026-01-26", precision="week")),  # to 1 February
            hgm("d", says(date="2026-02-04")),  # two days after b: another occasion
        ]
    )
    assert [(e.id, [r.article for r in e.reports], e.follows) for e in corpus.ledger] == [
        ("c/threats/0", ["c", "a", "b"], None),
        ("d/threats/0", ["d"], "c/threats/0"),
    ]


def test_two_threats_of_one_statement_stay_two_however_many_outlets_report_them() -> None:
    day, again = "2026-02-01", "should the patrols return"
    corpus = build_corpus(
        [
            hgm(
                "a",
                says(action="shell the coastal radar stations", date=day),
                says(action="mine the entrance of the harbour", date=day),
            ),
            hgm(
                "b",
                says(again, "lay mines at the harbour entrance", day),
                says(again, "fire on the radar stations", day),
            ),
        ]
    )
    # The same issuer, targets, day and kind: the words tell the two harms apart.
    assert reports(corpus) == [[("a", 0), ("b", 1)], [("a", 1), ("b", 0)]]


def test_the_same_harm_under_another_condition_is_another_entry() -> None:
    corpus = build_corpus(
        [hgm("a", says()), hgm("b", says("unless the envoy is expelled by Friday"))]
    )
    assert reports(corpus) == [[("a", 0)], [("b", 0)]]


def test_a_state_stands_for_its_own_government_and_forces_as_a_target() -> None:
    day = "2026-02-01"
    spain = actor("Spanish navy", "military", "ES")
    corpus = build_corpus(
        [
            hgm("a", says(date=day, targets=["Portuguese coast guard"])),
            hgm("b", says(date=day, targets=["Portugal"])),  # the state for its coast guard
            hgm("c", says(date=day, targets=["Blue Lagoon Shipping"])),  # not for a company
            record("d", [HGM, spain], [says(date=day, targets=["Spanish navy"])]),
        ]
    )
    assert reports(corpus) == [[("a", 0), ("b", 0)], [("c", 0)], [("d", 0)]]
