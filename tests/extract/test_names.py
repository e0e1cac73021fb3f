import pytest

from summarizer.extract.names import (
    NameMatch,
    NameMatcher,
    country_code,
    fuzzy_pairs,
    normalize_name,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Mohammed Shia Al Sudani", "mohammed shia al-sudani"),
        ("Abu Hussein al-Hamidawi", "Abu Hussein Al Hamidawi"),
        ("Kata’ib Hezbollah", "Kataib Hezbollah"),
        ("Al-Sudani", "Sudani"),
        ("The Islamic Resistance in Iraq", "Islamic Resistance in Iraq"),
        ("Muqtada Al-Ṣadr", "Muqtada al Sadr"),
    ],
)
def test_equivalent_names_normalise_alike(a: str, b: str) -> None:
    assert normalize_name(a) == normalize_name(b)


def test_distinct_names_stay_distinct() -> None:
    assert normalize_name("Hezbollah") != normalize_name("Kataib Hezbollah")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("IQ", "IQ"),
        ("Iraq", "IQ"),
        ("United States", "US"),
        ("USA", "US"),
        ("Iran", "IR"),
        ("Gaza", None),
        ("", None),
        (None, None),
    ],
)
def test_country_codes(value: str | None, code: str | None) -> None:
    assert country_code(value) == code


def test_a_match_says_which_rule_matched() -> None:
    names = NameMatcher([["United States", "Washington"]])
    assert names.match("Kata’ib Hezbollah", "Kataib Hezbollah") == NameMatch(1.0, "same name")
    assert names.match("Washington", "United States") == NameMatch(1.0, "alias table")
    found = names.match("Kataib Hizbollah", "Kataib Hezbollah")
    assert found is not None and found.rule == "fuzzy 93" and 0.93 <= found.score < 0.94
    assert names.match("Hezbollah", "Kataib Hezbollah") is None


def test_fuzzy_pairs_are_the_pairs_the_matcher_matches_by_ratio() -> None:
    keys = [
        normalize_name(n)
        for n in ["Kataib Hizbollah", "Kataib Hezbollah", "Hezbollah", "U.S. forces", "US forces"]
    ]
    found = {(keys[i], keys[j]) for i, j, _ in fuzzy_pairs(keys)}
    matcher = NameMatcher()
    expected = {
        (a, b)
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
        if (m := matcher.match_normalized(a, b)) and m.rule.startswith("fuzzy")
    }
    assert (
        found == expected == {("kataib hizbollah", "kataib hezbollah"), ("u s forces", "us forces")}
    )
