"""Date stage: resolve a `when` expression against the article's publication date.

Rules (output contract): relative expressions resolve to the most recent such day on or
before `published_at` unless the item lies ahead (a planned event); with no
`published_at` they stay unresolved. The machine's clock is never consulted: dateparser
always gets an explicit base date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from dateparser.date import DateDataParser

from summarizer.core import Precision, When

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = re.compile(r"\b(" + "|".join(WEEKDAYS) + r")\b", re.IGNORECASE)
# "Saturday's strike" names the day as a weekday does.
_POSSESSIVE = re.compile(r"['’]s$")
# "at the weekend", "over the weekend", "last weekend": a Saturday-to-Sunday interval.
_WEEKEND = re.compile(r"(?:over\s+)?(?:(last|past|this|next)\s+)?weekend", re.IGNORECASE)
# "overnight on Saturday to Sunday", "from October 17 to 30", "between 3 and 5 May"
_INTERVAL = re.compile(r"^(?:from|between)?\s*(.+?)\s+(?:to|until|till|and|through|-|–)\s+(.+)$")
# Moments of a day: "before dawn", "shortly after midnight" still name the same day.
_MOMENT = (
    r"(?:(?:shortly|just|soon|right|well)\s+)?(?:(?:before|after)\s+)?"
    r"(?:dawn|daybreak|sunrise|midday|noon|dusk|sunset|nightfall|midnight)"
)
# Qualifiers that say when within a day or period, not which one. "day" stays in "the
# day before yesterday", where it counts days.
_FILLER = re.compile(
    r"\b(?:" + _MOMENT + r"|overnight|early|late|earlier|later|mid|the|in|on|of|at|by|"
    r"during|since|hours?|morning|afternoon|evening|night|around|about|"
    r"day(?!\s+(?:before|after)\b))\b",
    re.IGNORECASE,
)
# A point named within a relative period: "August last year", "Monday last week".
_ANCHORED = re.compile(r"^(.+?)\s+((?:last|this|next|previous)\s+(?:week|month|year)|.+\bago)$")
# A decade ("the 1990s", "the '80s") is coarser than any precision; dateparser would
# read "1990s" as 1990 seconds before the publication date.
_DECADE = re.compile(r"\d0s\b", re.IGNORECASE)
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

Point = tuple[dt.date, Precision]


def resolve_when(
    text: str | None, published_at: dt.date | None, ahead: bool = False
) -> When | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    if published_at is None and not _YEAR.search(text):
        return When(text=text, date=None, end_date=None, precision="unknown")
    base = dt.datetime.combine(published_at, dt.time()) if published_at else _NO_BASE
    weekend = _WEEKEND.fullmatch(_core(text))
    if weekend:
        saturday = _weekend(base.date(), (weekend[1] or "").lower(), ahead)
        return When(
            text=text, date=saturday, end_date=saturday + dt.timedelta(days=1), precision="day"
        )
    interval = _INTERVAL.match(text.lower())
    if interval:
        start, end = _interval(interval[1], interval[2], base, ahead)
        if start and end:
            return When(text=text, date=start[0], end_date=end[0], precision=start[1])
    point = _point(text, base, ahead)
    if point is None:
        return When(text=text, date=None, end_date=None, precision="unknown")
    return When(text=text, date=point[0], end_date=None, precision=point[1])


def _interval(
    first: str, second: str, base: dt.datetime, ahead: bool
) -> tuple[Point | None, Point | None]:
    """A bare day number takes its month from the other end: "October 17 to 30",
    "between 3 and 5 May"."""
    start = None if _BARE_DAY.match(_core(first)) else _point(first, base, ahead)
    end = None if _BARE_DAY.match(_core(second)) else _point(second, base, ahead)
    if start is None and end is not None:
        start = _on_day(end, first)
    if end is None and start is not None:
        end = _on_day(start, second)
    return start, end


def _on_day(point: Point, expression: str) -> Point | None:
    """The day `expression` numbers, in the month of `point`."""
    core = _core(expression)
    if not _BARE_DAY.match(core):
        return None
    try:
        return point[0].replace(day=int(core)), "day"
    except ValueError:
        return None


def _core(expression: str) -> str:
    return _POSSESSIVE.sub("", " ".join(_FILLER.sub(" ", expression).split()))


def _point(expression: str, base: dt.datetime, ahead: bool) -> Point | None:
    core = _core(expression)
    if not core or _DECADE.search(core):
        return None
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
    data = parser.get_date_data(core)
    if data.date_obj is None:
        anchored = _ANCHORED.match(core)
        return _within(anchored[1], anchored[2], base, ahead) if anchored else None
    precision = _PERIODS.get(data.period or "day", "day")
    return _period_start(data.date_obj.date(), precision), precision


def _within(inner: str, period: str, base: dt.datetime, ahead: bool) -> Point | None:
    """`inner` as the last such point on or before the end of `period`: dateparser reads
    "last year" and "August" but not "August last year"."""
    anchor = _point(period, base, ahead)
    if anchor is None or anchor[1] == "day":
        return None
    end = dt.datetime.combine(_period_end(*anchor), dt.time())
    return _point(inner, end, ahead=False)


def _nearest_weekday(base: dt.date, weekday: int, ahead: bool) -> dt.date:
    """The most recent such day on or before `base`, or the next one on or after it."""
    if ahead:
        return base + dt.timedelta(days=(weekday - base.weekday()) % 7)
    return base - dt.timedelta(days=(base.weekday() - weekday) % 7)


def _weekend(base: dt.date, which: str, ahead: bool) -> dt.date:
    """The Saturday of the weekend meant: the latest one begun on or before `base` ("last
    weekend" said at a weekend: the one before); for what lies ahead, the one under way or
    the next ("next weekend": never the one under way)."""
    if which == "next":
        return _nearest_weekday(base + dt.timedelta(days=1), 5, ahead=True)
    if ahead:
        return _nearest_weekday(base - dt.timedelta(days=1), 5, ahead=True)
    saturday = _nearest_weekday(base, 5, ahead=False)
    if which in ("last", "past") and base - saturday < dt.timedelta(days=2):
        return saturday - dt.timedelta(days=7)
    return saturday


def _period_start(day: dt.date, precision: Precision) -> dt.date:
    if precision == "year":
        return day.replace(month=1, day=1)
    if precision == "month":
        return day.replace(day=1)
    if precision == "week":
        return day - dt.timedelta(days=day.weekday())
    return day


def _period_end(start: dt.date, precision: Precision) -> dt.date:
    if precision == "year":
        return start.replace(month=12, day=31)
    if precision == "month":
        return start.replace(day=calendar.monthrange(start.year, start.month)[1])
    if precision == "week":
        return start + dt.timedelta(days=6)
    return start
