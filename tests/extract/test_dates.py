import datetime as dt

import pytest
from freezegun import freeze_time

from summarizer.extract.dates import resolve_when

SUNDAY = dt.date(2025, 6, 15)


def resolved(text: str, base: dt.date | None, ahead: bool = False) -> tuple[object, ...]:
    when = resolve_when(text, base, ahead)
    assert when is not None and when.text == text
    return when.date, when.end_date, when.precision


def test_overnight_interval_across_two_days() -> None:
    assert resolved("overnight on Saturday to Sunday", SUNDAY) == (
        dt.date(2025, 6, 14),
        dt.date(2025, 6, 15),
        "day",
    )


def test_same_weekday_is_the_publication_day_itself() -> None:
    assert resolved("on Sunday", SUNDAY) == (SUNDAY, None, "day")


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        ("on Friday", SUNDAY, dt.date(2025, 6, 13)),
        ("early Monday", dt.date(2025, 6, 16), dt.date(2025, 6, 16)),
        ("in the early hours of Tuesday", dt.date(2023, 10, 31), dt.date(2023, 10, 31)),
        ("on 6 November", dt.date(2024, 11, 7), dt.date(2024, 11, 6)),
        ("Oct. 26", dt.date(2024, 11, 5), dt.date(2024, 10, 26)),
    ],
)
def test_relative_days_resolve_on_or_before_publication(
    text: str, base: dt.date, expected: dt.date
) -> None:
    assert resolved(text, base) == (expected, None, "day")


def test_planned_events_look_ahead() -> None:
    assert resolved("on Tuesday", dt.date(2025, 6, 16), ahead=True)[0] == dt.date(2025, 6, 17)


def test_interval_with_a_bare_end_day() -> None:
    assert resolved("from October 17 to 30", dt.date(2023, 10, 31)) == (
        dt.date(2023, 10, 17),
        dt.date(2023, 10, 30),
        "day",
    )


def test_coarse_precisions_start_their_period() -> None:
    assert resolved("in 2003", SUNDAY) == (dt.date(2003, 1, 1), None, "year")
    assert resolved("late October", dt.date(2024, 11, 5)) == (dt.date(2024, 10, 1), None, "month")
    assert resolved("last week", SUNDAY) == (dt.date(2025, 6, 2), None, "week")


def test_unresolvable_expression_is_unknown() -> None:
    assert resolved("in recent weeks", SUNDAY) == (None, None, "unknown")


def test_no_publication_date_leaves_relative_dates_unresolved() -> None:
    assert resolved("on Thursday", None) == (None, None, "unknown")
    assert resolved("last week", None) == (None, None, "unknown")
    assert resolved("in 2020", None) == (dt.date(2020, 1, 1), None, "year")


def test_missing_expression_is_null() -> None:
    assert resolve_when(None, SUNDAY) is None
    assert resolve_when("  ", SUNDAY) is None


@pytest.mark.parametrize("text", ["on Sunday", "last week", "yesterday", "in April", "Tuesday"])
def test_machine_clock_is_never_used(text: str) -> None:
    results = []
    for now in ("2001-02-03 04:05:06", "2039-12-31 23:00:00"):
        with freeze_time(now):
            results.append((resolve_when(text, SUNDAY), resolve_when(text, None)))
    assert results[0] == results[1]
    assert results[0][1] is not None and results[0][1].date is None


WEDNESDAY = dt.date(2026, 2, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("before dawn on Monday", dt.date(2026, 2, 16)),
        ("shortly after midnight on Monday", dt.date(2026, 2, 16)),
        ("late on Tuesday", dt.date(2026, 2, 17)),
        ("early Monday", dt.date(2026, 2, 16)),
        ("overnight on Saturday", dt.date(2026, 2, 14)),
        ("the day before yesterday", dt.date(2026, 2, 16)),
    ],
)
def test_a_moment_within_a_day_keeps_the_day(text: str, expected: dt.date) -> None:
    assert resolved(text, WEDNESDAY) == (expected, None, "day")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in August last year", (dt.date(2025, 8, 1), None, "month")),
        ("in March last year", (dt.date(2025, 3, 1), None, "month")),
        ("in December last year", (dt.date(2025, 12, 1), None, "month")),
        ("in August two years ago", (dt.date(2024, 8, 1), None, "month")),
        ("on Monday last week", (dt.date(2026, 2, 9), None, "day")),
    ],
)
def test_a_point_within_a_relative_period(text: str, expected: tuple[object, ...]) -> None:
    assert resolved(text, WEDNESDAY) == expected


def test_a_point_within_a_period_ahead_for_planned_events() -> None:
    assert resolved("in August next year", WEDNESDAY, ahead=True) == (
        dt.date(2027, 8, 1),
        None,
        "month",
    )


@pytest.mark.parametrize(
    "text", ["in the mid-2000s", "in the 1990s", "in the late '80s", "on the same day"]
)
def test_decades_and_other_dates_are_unknown(text: str) -> None:
    assert resolved(text, WEDNESDAY) == (None, None, "unknown")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("between 3 and 5 May", (dt.date(2025, 5, 3), dt.date(2025, 5, 5))),
        ("from 3 to 5 May", (dt.date(2025, 5, 3), dt.date(2025, 5, 5))),
        ("between 12 and 14 June", (dt.date(2025, 6, 12), dt.date(2025, 6, 14))),
        ("from 30 January to 2 February", (dt.date(2026, 1, 30), dt.date(2026, 2, 2))),
    ],
)
def test_interval_with_a_bare_start_day(text: str, expected: tuple[dt.date, dt.date]) -> None:
    assert resolved(text, WEDNESDAY) == (*expected, "day")


TUESDAY = dt.date(2026, 3, 10)


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        ("at the weekend", TUESDAY, (dt.date(2026, 3, 7), dt.date(2026, 3, 8))),
        ("over the weekend", dt.date(2026, 3, 8), (dt.date(2026, 3, 7), dt.date(2026, 3, 8))),
        ("since the weekend", TUESDAY, (dt.date(2026, 3, 7), dt.date(2026, 3, 8))),
        ("last weekend", TUESDAY, (dt.date(2026, 3, 7), dt.date(2026, 3, 8))),
        ("last weekend", dt.date(2026, 3, 8), (dt.date(2026, 2, 28), dt.date(2026, 3, 1))),
    ],
)
def test_a_weekend_is_its_saturday_and_sunday(
    text: str, base: dt.date, expected: tuple[dt.date, dt.date]
) -> None:
    assert resolved(text, base) == (*expected, "day")


def test_a_weekend_ahead_is_the_one_under_way_or_the_next() -> None:
    assert resolved("at the weekend", TUESDAY, ahead=True)[:2] == (
        dt.date(2026, 3, 14),
        dt.date(2026, 3, 15),
    )
    assert resolved("this weekend", dt.date(2026, 3, 8), ahead=True)[0] == dt.date(2026, 3, 7)
    assert resolved("next weekend", dt.date(2026, 3, 8))[0] == dt.date(2026, 3, 14)


def test_a_weekday_in_the_possessive_names_the_day() -> None:
    assert resolved("Saturday's", TUESDAY) == (dt.date(2026, 3, 7), None, "day")
    assert resolved("on Monday’s", TUESDAY) == (dt.date(2026, 3, 9), None, "day")
