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
