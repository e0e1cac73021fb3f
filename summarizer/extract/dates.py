"""Date stage: resolve a `when` expression against the article's publication date.

Rules (output contract): relative expressions resolve to the most recent such day on or
before `published_at` unless the item lies ahead (a planned event); with no
`published_at` they stay unresolved. The machine's clock is never consulted: dateparser
always gets an explicit base date.
"""

from __future__ import annotations

import datetime as dt
import re

from dateparser.date import DateDataParser

from summarizer.core import Precision, When

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
# "overnight on Saturday to Sunday", "from October 17 to 30", "between 3 and 5 May"
_INTERVAL = re.compile(r"^(?:from|between)?\s*(.+?)\s+(?:to|until|till|and|through|-|–)\s+(.+)$")
# Qualifiers that say when within a day or period, not which one.
_FILLER = re.compile(
    r"\b(?:overnight|early|late|earlier|later|mid|the|in|on|of|at|by|during|since|"
    r"hours?|morning|afternoon|evening|night|day|around|about)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_BARE_DAY = re.compile(r"^\d{1,2}$")
_PERIODS: dict[str, Precision] = {
    "day": "day",
    "time": "day",
    "week": "week",
    "month": "month",
    "year": "year",
}
# Any fixed base will do where only absolute, year-bearing dates are resolved.
_NO_BASE = dt.datetime(2000, 1, 1)


def resolve_when(
    text: str | None, published_at: dt.date | None, ahead: bool = False
) -> When | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    if published_at is None and not _YEAR.search(text):
        return When(text=text, date=None, end_date=None, precision="unknown")
    base = dt.datetime.combine(published_at, dt.time()) if published_at else _NO_BASE
    interval = _INTERVAL.match(text.lower())
    if interval:
        first, second = interval.groups()
        start = _point(first, base, ahead)
        end = _interval_end(second, start, base, ahead)
        if start and end:
            return When(text=text, date=start[0], end_date=end, precision=start[1])
    point = _point(text, base, ahead)
    if point is None:
        return When(text=text, date=None, end_date=None, precision="unknown")
    return When(text=text, date=point[0], end_date=None, precision=point[1])


def _point(expression: str, base: dt.datetime, ahead: bool) -> tuple[dt.date, Precision] | None:
    core = " ".join(_FILLER.sub(" ", expression).split())
    weekday = _WEEKDAY.fullmatch(core)
    if weekday:
        return _nearest_weekday(base.date(), WEEKDAYS.index(weekday.group(1).lower()), ahead), "day"
    parser = DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "future" if ahead else "past",
            "PREFER_DAY_OF_MONTH": "first",
            "RETURN_TIME_AS_PERIOD": True,
        },
    )
    data = parser.get_date_data(core) if core else None
    if data is None or data.date_obj is None:
        return None
    precision = _PERIODS.get(data.period or "day", "day")
    return _period_start(data.date_obj.date(), precision), precision


def _nearest_weekday(base: dt.date, weekday: int, ahead: bool) -> dt.date:
    """The most recent such day on or before `base`, or the next one on or after it."""
    if ahead:
        return base + dt.timedelta(days=(weekday - base.weekday()) % 7)
    return base - dt.timedelta(days=(base.weekday() - weekday) % 7)


def _period_start(day: dt.date, precision: Precision) -> dt.date:
    if precision == "year":
        return day.replace(month=1, day=1)
    if precision == "month":
        return day.replace(day=1)
    if precision == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def _interval_end(
    expression: str, start: tuple[dt.date, Precision] | None, base: dt.datetime, ahead: bool
) -> dt.date | None:
    if start is None:
        return None
    if _BARE_DAY.match(expression.strip()):  # "October 17 to 30": the month carries over
        try:
            return start[0].replace(day=int(expression))
        except ValueError:
            return None
    end = _point(expression, base, ahead)
    return end[0] if end else None
