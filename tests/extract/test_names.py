import pytest

from summarizer.extract.names import country_code, normalize_name


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
