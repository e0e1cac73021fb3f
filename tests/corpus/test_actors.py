"""Canonical actors: which mentions are one actor, which stay apart, why, and ids that hold."""

from __future__ import annotations

import random

from summarizer.corpus import CanonicalActor, Corpus, UserAliases, build_corpus
from tests.corpus.records import KH, US, actor, record, threat


def actors_of(corpus: Corpus) -> dict[str, CanonicalActor]:
    return {a.id: a for a in corpus.actors}


def groups(corpus: Corpus) -> list[list[tuple[str, int]]]:
    return sorted([(m.article, m.index) for m in a.mentions] for a in corpus.actors)


def test_spelling_variants_and_aliases_are_one_actor_and_say_why() -> None:
    corpus = build_corpus(
        [
            record("a", [actor("Kataib Hizbollah", country="IQ"), US]),
            record("b", [KH, actor("US", "state", "US")]),
            record("c", [actor("Kata’ib Hezbollah", country="IQ")]),
        ]
    )
    found = actors_of(corpus)
    assert set(found) == {"kataib-hezbollah/armed_group/IQ", "united-states/state/US"}
    kataib = found["kataib-hezbollah/armed_group/IQ"]
    # The display name is the most used spelling; the id is its slug, type and country.
    assert kataib.name == "Kataib Hezbollah" and kataib.country == "IQ"
    assert [(m.article, m.name) for m in kataib.mentions] == [
        ("a", "Kataib Hizbollah"),
        ("b", "Kataib Hezbollah"),
        ("c", "Kata’ib Hezbollah"),
    ]
    how = {(m.a.name, m.b.name, m.rule) for m in kataib.merges}
    assert how == {
        ("Kataib Hezbollah", "Kata’ib Hezbollah", "same name"),
        ("Kataib Hizbollah", "Kataib Hezbollah", "fuzzy 93"),
    }
    us = found["united-states/state/US"]
    # Record a names the United States, record b only "US", an alias of a's.
    assert [(m.a.article, m.a.name, m.b.article, m.b.name, m.rule) for m in us.merges] == [
        ("a", "US", "b", "US", "alias in record")
    ]


def test_a_different_type_or_country_or_the_same_record_keeps_mentions_apart() -> None:
    corpus = build_corpus(
        [
            record(
                "a",
                [
                    actor("Hamas", "armed_group", "PS"),
                    actor("Defence Ministry", "government", "GB"),
                ],
            ),
            record(
                "b",
                [
                    actor("Hamas", "political_group", "PS"),
                    actor("Defence Ministry", "government", "FR"),
                ],
            ),
            record("c", [actor("Defence Ministry", "government")]),
            record("d", [actor("Ali Hassan", "person"), actor("Ali Hasan", "person")]),
        ]
    )
    assert len(corpus.actors) == 6
    ids = set(actors_of(corpus))
    assert {"hamas/armed_group/PS", "hamas/political_group/PS"} <= ids
    # The ministry with no country joins one of the two (the first, in article order); the
    # two with countries never meet, not even through it.
    assert {"defence-ministry/government/GB", "defence-ministry/government/FR"} <= ids
    gb = actors_of(corpus)["defence-ministry/government/GB"]
    assert [m.article for m in gb.mentions] == ["a", "c"]
    # One record's two actors stay two, however alike their names.
    assert [("d", 0)] in groups(corpus) and [("d", 1)] in groups(corpus)


def test_the_users_alias_file_forces_and_forbids() -> None:
    records = [
        record("a", [actor("KH", "armed_group", "IQ")]),
        record("b", [actor("Kataib Hezbollah", "political_group", "IQ")]),
        record("c", [actor("Abu Hussein al-Hamidawi", "person", "IQ")]),
        record("d", [actor("Abu Hussein al-Hamadawi", "person", "IQ")]),
    ]
    assert len(build_corpus(records).actors) == 3  # the two spellings of a name are one
    aliases = UserAliases(
        same=[["Kataib Hezbollah", "KH"]],
        different=[["Abu Hussein al-Hamidawi", "Abu Hussein al-Hamadawi"]],
    )
    corpus = build_corpus(records, aliases)
    assert groups(corpus) == [[("a", 0), ("b", 0)], [("c", 0)], [("d", 0)]]
    forced = next(a for a in corpus.actors if len(a.mentions) == 2)
    assert [(m.a.name, m.b.name, m.rule) for m in forced.merges] == [
        ("KH", "Kataib Hezbollah", "user alias")
    ]
    # A forbidden pair wins over a forced group naming both.
    both = UserAliases(same=[["KH", "Kataib Hezbollah"]], different=[["KH", "Kataib Hezbollah"]])
    assert len(build_corpus(records[:2], both).actors) == 2


def test_the_result_does_not_depend_on_the_order_of_the_records() -> None:
    records = [
        record(
            "a", [actor("Kataib Hizbollah", country="IQ"), US], [threat("Kataib Hizbollah", ["US"])]
        ),
        record("b", [KH, actor("US", "state", "US")], [threat("Kataib Hezbollah", ["US"])]),
        record("c", [actor("Defence Ministry", "government", "GB")]),
        record("d", [actor("Defence Ministry", "government")]),
        record("e", [actor("Defence Ministry", "government", "FR")]),
        record("f", [actor("Ali Hassan", "person"), actor("Ali Hasan", "person")]),
    ]
    expected = build_corpus(records)
    for seed in range(5):
        shuffled = random.Random(seed).sample(records, len(records))
        assert build_corpus(shuffled) == expected


def test_ids_hold_when_an_unrelated_article_is_added() -> None:
    records = [
        record("b", [KH, US], [threat("Kataib Hezbollah", ["United States"])]),
        record("c", [actor("Kataib Hizbollah", country="IQ")], [threat("Kataib Hizbollah")]),
    ]
    before = build_corpus(records)
    unrelated = record(
        "a",
        [actor("Houthis", "armed_group", "YE"), actor("Israel", "state", "IL")],
        [threat("Houthis", ["Israel"], None, "strike Eilat")],
        published_at="2025-06-01",
    )
    after = build_corpus([unrelated, *records])
    assert all(actor in after.actors for actor in before.actors)
    assert all(entry in after.ledger for entry in before.ledger)


def test_every_merge_joins_two_of_the_actors_mentions() -> None:
    corpus = build_corpus(
        [
            record("a", [US, actor("Iran", "state", "IR", ["Tehran", ""])]),
            record(
                "b",
                [
                    actor("Washington", "state", "US"),
                    actor("Islamic Republic of Iran", "state", "IR", ["Iran"]),
                ],
            ),
            record(
                "c",
                [
                    actor("U.S.", "state", "US", ["United States"]),
                    actor("Israel", "state", "IL", [""]),
                ],
            ),
        ]
    )
    assert groups(corpus) == [[("a", 0), ("b", 0), ("c", 0)], [("a", 1), ("b", 1)], [("c", 1)]]
    for found in corpus.actors:
        assert len(found.merges) == len(found.mentions) - 1
        keys = {(m.article, m.index) for m in found.mentions}
        assert all(
            {(m.a.article, m.a.index), (m.b.article, m.b.index)} <= keys for m in found.merges
        )


def rules(corpus: Corpus) -> list[tuple[str, str, str]]:
    return sorted((m.a.name, m.b.name, m.rule) for a in corpus.actors for m in a.merges)


def test_a_name_with_and_without_a_generic_word_is_one_organisation() -> None:
    corpus = build_corpus(
        [
            record("a", [actor("Kataib Sayf al-Jabal", country="SY")]),
            record("b", [actor("Sayf al-Jabal Brigades", country="SY")]),
            record("c", [actor("Sayf al-Jabal", country="SY")]),
            record("d", [actor("Blue Lagoon Shipping Ltd", "other", "PT")]),
            record("e", [actor("Blue Lagoon Shipping Company", "other", "PT")]),
        ]
    )
    assert groups(corpus) == [[("a", 0), ("b", 0), ("c", 0)], [("d", 0), ("e", 0)]]
    assert rules(corpus) == [
        ("Blue Lagoon Shipping Ltd", "Blue Lagoon Shipping Company", "core name"),
        ("Kataib Sayf al-Jabal", "Sayf al-Jabal", "core name"),
        ("Kataib Sayf al-Jabal", "Sayf al-Jabal Brigades", "core name"),
    ]


def test_a_core_name_of_one_word_or_of_another_kind_of_organisation_stays_apart() -> None:
    corpus = build_corpus(
        [
            # One distinctive word is too little: "Jabal" is not "Kataib Jabal".
            record("a", [actor("Jabal", country="SY")]),
            record("b", [actor("Kataib Jabal", country="SY")]),
            # Brigades and a movement of one name are two organisations, even through a
            # third mention that has no generic word.
            record("c", [actor("Sayf al-Jabal Brigades", country="SY")]),
            record("d", [actor("Sayf al-Jabal Movement", country="SY")]),
            record("e", [actor("Sayf al-Jabal", country="SY")]),
        ]
    )
    assert groups(corpus) == [[("a", 0)], [("b", 0)], [("c", 0), ("e", 0)], [("d", 0)]]


def test_a_body_named_with_its_country_in_another_form_is_one_body() -> None:
    myanmar = actor("Myanmar", "state", "MM", ["Burma"])
    corpus = build_corpus(
        [
            record("a", [actor("Portugal's Maritime Audit Office", "government", "PT")]),
            record(
                "b", [actor("Maritime Audit Office of the Portuguese Republic", "government", "PT")]
            ),
            record("c", [actor("Portuguese Maritime Audit Office", "government", "PT")]),
            # Another country's office of the same name stays its own.
            record("d", [actor("Spain's Maritime Audit Office", "government", "ES")]),
            # The record's own state actor names the country too ("Burma" for Myanmar).
            record("e", [myanmar, actor("Burmese navy", "military", "MM")]),
            record("f", [actor("navy of Myanmar", "military", "MM")]),
        ]
    )
    assert groups(corpus) == [
        [("a", 0), ("b", 0), ("c", 0)],
        [("d", 0)],
        [("e", 0)],
        [("e", 1), ("f", 0)],
    ]
    assert ("Burmese navy", "navy of Myanmar", "own country") in rules(corpus)


def test_a_state_its_forces_and_its_ministries_stay_apart() -> None:
    corpus = build_corpus(
        [
            record("a", [actor("Portugal", "state", "PT")]),
            record("b", [actor("Portuguese navy", "military", "PT")]),
            record("c", [actor("Portugal's navy", "military", "PT")]),
            record("d", [actor("Portuguese army", "military", "PT")]),
            record("e", [actor("Ministry of the Sea of Portugal", "government", "PT")]),
            record("f", [actor("Portuguese Ministry of Defence", "government", "PT")]),
        ]
    )
    assert groups(corpus) == [[("a", 0)], [("b", 0), ("c", 0)], [("d", 0)], [("e", 0)], [("f", 0)]]


def test_a_person_with_and_without_a_middle_name_is_one_person_not_two_others() -> None:
    corpus = build_corpus(
        [
            record("a", [actor("Lior Avram Katz", "person", "IL")]),
            record("b", [actor("Lior Katz", "person", "IL")]),
            record("c", [actor("Lior Benjamin Katz", "person", "IL")]),
            record("d", [actor("Dana Katz", "person", "IL")]),
        ]
    )
    # "Lior Katz" joins the first of the two; the other, whose middle name differs, stays
    # apart rather than bridge the two.
    assert groups(corpus) == [[("a", 0), ("b", 0)], [("c", 0)], [("d", 0)]]
    assert rules(corpus) == [("Lior Avram Katz", "Lior Katz", "middle names")]
