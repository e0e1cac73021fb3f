from hypothesis import given
from hypothesis import strategies as st

from summarizer.extract.grounding import Grounder

TEXT = (
    "Iran’s President Masoud Pezeshkian urged Iraq on Sunday.\n"
    "“If America intervenes in the war, we will act directly against its interests\n"
    "and bases spread across the region without hesitation.”\n"
    "The drones were shot down overnight on Saturday to Sunday — he added."
)


def located(quote: str) -> tuple[str, int | None]:
    evidence = Grounder(TEXT).locate(quote)
    if evidence.grounded:
        assert evidence.start is not None and evidence.end is not None
        assert TEXT[evidence.start : evidence.end] == evidence.quote
    return evidence.quote, evidence.start


def test_exact_quote() -> None:
    assert located("urged Iraq on Sunday") == ("urged Iraq on Sunday", TEXT.index("urged"))


def test_straight_quotes_find_curly_ones() -> None:
    quote, start = located("Iran's President Masoud Pezeshkian")
    assert quote == "Iran’s President Masoud Pezeshkian" and start == 0


def test_line_breaks_and_spaces_are_tolerated() -> None:
    quote, start = located("against its interests   and bases spread")
    assert quote == "against its interests\nand bases spread"
    assert start == TEXT.index("against")


def test_dash_and_case_variants() -> None:
    quote, _ = located("Saturday to Sunday - He added")
    assert quote == "Saturday to Sunday — he added"


def test_surrounding_quote_marks_are_ignored() -> None:
    quote, _ = located("“If America intervenes in the war,")
    assert quote == "If America intervenes in the war,"


def test_fuzzy_match_for_a_slightly_misquoted_sentence() -> None:
    quote, start = located("The drone were shot down overnight on Saturday to Sunday")
    assert start is not None
    assert quote.startswith("The drones were shot down overnight")


def test_invented_quote_is_not_grounded() -> None:
    evidence = Grounder(TEXT).locate("Israel announced a ceasefire with Hezbollah")
    assert (evidence.grounded, evidence.start, evidence.end) == (False, None, None)
    assert evidence.quote == "Israel announced a ceasefire with Hezbollah"


def test_empty_quote_is_not_grounded() -> None:
    assert not Grounder(TEXT).locate(" “ ").grounded


@given(st.integers(0, len(TEXT) - 1), st.integers(8, 60))
def test_any_substring_grounds_to_an_exact_span(start: int, length: int) -> None:
    quote = TEXT[start : start + length].strip(" \n\"'“”")
    if len(quote) < 8:
        return
    evidence = Grounder(TEXT).locate(quote)
    assert evidence.grounded
    assert TEXT[evidence.start : evidence.end] == evidence.quote  # type: ignore[misc]
