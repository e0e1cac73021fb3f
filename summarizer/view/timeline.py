"""The threat ledger as a timeline: where each entry goes, not how it is drawn (the
template `ledger.html.j2` draws it as inline SVG). One lane per issuer, the issuers with
most entries first; past `MAX_LANES` the rest share a last lane. x is a percentage of the
drawing's width, so the SVG takes the page's width at any size while its text keeps its
size; y is in pixels. Entries with no date are not placed (the page lists them)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from summarizer.corpus import ActorRef, LedgerEntry

MAX_LANES = 12  # lanes drawn; with more issuers, the last one is "other issuers"
MAX_ROWS = 4  # rows of a lane before its marks may overlap
MAX_TICKS = 7  # date ticks; a narrow screen shows every other label (ledger.css)
MIN_DAYS = 32  # the shortest span drawn: any 32 days hold the first of a month
TICK_MONTHS = (1, 2, 3, 6, 12, 24, 60, 120, 240, 600, 1200)  # steps between ticks
EDGE = 3.0  # % of the width left at either end, so an end's mark is whole
GAP = 2.5  # % of the width between two marks on one row
LABEL_CHARS = 44  # a lane's label is cut to this; its title has the whole name
AXIS = 24  # px: the date axis above the lanes
LABEL = 16  # px: a lane's label above its rows
ROW = 20  # px: one row of marks
PAD = 6  # px below a lane's rows


@dataclass(frozen=True)
class Scale:
    """Dates to x: `start` at EDGE %, `end` at 100 - EDGE %."""

    start: dt.date
    end: dt.date

    def x(self, date: dt.date) -> float:
        share = (date - self.start).days / (self.end - self.start).days
        return round(EDGE + (100 - 2 * EDGE) * share, 2)


def scale_of(dates: Sequence[dt.date]) -> Scale:
    """The span of `dates`, widened about its middle to `MIN_DAYS` when shorter."""
    start, end = min(dates), max(dates)
    short = MIN_DAYS - (end - start).days
    if short > 0:
        start -= dt.timedelta(days=short // 2)
        end += dt.timedelta(days=short - short // 2)
    return Scale(start, end)


@dataclass(frozen=True)
class Tick:
    """A date on the axis: its x, its label, the label's anchor (kept inside the edges),
    and whether it is every other one (`minor`, its label hidden on a narrow screen)."""

    x: float
    label: str
    anchor: str
    minor: bool


def _months(date: dt.date) -> int:
    return date.year * 12 + date.month - 1


def month_starts(scale: Scale, step: int) -> list[dt.date]:
    """The first days of months in the scale's span whose month count is a multiple of
    `step` (every `step` months from January of year 0)."""
    first = _months(scale.start) + (scale.start.day > 1)
    first = -(-first // step) * step
    months = range(first, _months(scale.end) + 1, step)
    return [dt.date(m // 12, m % 12 + 1, 1) for m in months]


def ticks(scale: Scale) -> list[Tick]:
    """Month or year ticks, the shortest step that gives at most `MAX_TICKS`; a month is
    labelled with its year when it is January or the first tick."""
    step = next(
        (s for s in TICK_MONTHS if len(month_starts(scale, s)) <= MAX_TICKS), TICK_MONTHS[-1]
    )
    dates = month_starts(scale, step)
    return [
        _tick(scale.x(date), f"{date:%Y}" if step >= 12 else _month_label(date, i == 0), i)
        for i, date in enumerate(dates)
    ]


def _month_label(date: dt.date, first: bool) -> str:
    return f"{date:%b %Y}" if first or date.month == 1 else f"{date:%b}"


def _tick(x: float, label: str, index: int) -> Tick:
    anchor = "start" if x < 6 else "end" if x > 94 else "middle"
    return Tick(x, label, anchor, minor=index % 2 == 1)


@dataclass(frozen=True)
class Mark:
    """An entry on its lane: a dot at its first report date (`r` grows with its reports), a
    bar on to its last (`end` > `x` when they differ)."""

    entry: LedgerEntry
    x: float
    end: float
    y: float
    r: float

    @property
    def count(self) -> str:
        """The number of reports written in the dot, when more than one."""
        reports = len(self.entry.reports)
        return str(reports) if reports > 1 else ""


def radius(reports: int) -> float:
    """A dot's radius: 5 px for one report, growing with the square root, 9 px at most."""
    return round(min(5 + 2 * math.sqrt(reports - 1), 9.0), 1)


@dataclass(frozen=True)
class Lane:
    """An issuer's row band (`issuers` > 1: the issuers that share the last lane)."""

    name: str
    issuers: int
    top: float
    height: float
    marks: list[Mark]

    @property
    def label(self) -> str:
        return self.name if len(self.name) <= LABEL_CHARS else self.name[: LABEL_CHARS - 1] + "…"


@dataclass(frozen=True)
class Link:
    """`follows` drawn: from the end of the earlier entry's mark to the later one's dot."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Timeline:
    """The dated entries placed: the axis's ticks, the lanes and the `follows` links;
    `height` is the drawing's in px."""

    ticks: list[Tick]
    lanes: list[Lane]
    links: list[Link]
    height: float

    @property
    def shared(self) -> Lane | None:
        """The lane the issuers past the cap share, if there are that many."""
        last = self.lanes[-1]
        return last if last.issuers > 1 else None


Group = tuple[str, list[LedgerEntry]]


def actor_key(actor: ActorRef) -> str:
    """An actor by its canonical id, else (a name no record lists as an actor) its name."""
    return actor.id or f"name:{actor.name.casefold()}"


def issuer_groups(entries: Sequence[LedgerEntry]) -> list[Group]:
    """The entries by issuer (its canonical actor, else its name as written): the issuers
    with most entries first, then most reports, then by name."""
    groups: dict[str, list[LedgerEntry]] = {}
    for entry in entries:
        groups.setdefault(actor_key(entry.issuer), []).append(entry)
    return sorted(
        ((group[0].issuer.name, group) for group in groups.values()),
        key=lambda g: (-len(g[1]), -sum(len(e.reports) for e in g[1]), g[0].casefold()),
    )


def capped(groups: list[Group]) -> list[tuple[Group, int]]:
    """At most `MAX_LANES` lanes, each with the number of issuers on it: past the cap,
    the issuers with fewest entries share the last lane."""
    if len(groups) <= MAX_LANES:
        return [(group, 1) for group in groups]
    rest = groups[MAX_LANES - 1 :]
    shared = (f"other issuers ({len(rest)})", [e for _, entries in rest for e in entries])
    return [*((group, 1) for group in groups[: MAX_LANES - 1]), (shared, len(rest))]


def rows(spans: Sequence[tuple[float, float]]) -> list[int]:
    """The row of each (x, end) span, taken in order: the first row it clears by `GAP`,
    else a new row, else (past `MAX_ROWS`) the row that ends first."""
    ends: list[float] = []
    placed = []
    for x, end in spans:
        row = next((i for i, last in enumerate(ends) if last + GAP <= x), None)
        if row is None and len(ends) < MAX_ROWS:
            ends.append(end)
            row = len(ends) - 1
        elif row is None:
            row = ends.index(min(ends))
        ends[row] = max(ends[row], end)
        placed.append(row)
    return placed


def lane(group: Group, issuers: int, scale: Scale, top: float) -> Lane:
    """A lane at `top`: its entries by first date, each on the first row it fits."""
    name, entries = group
    entries = sorted(entries, key=lambda e: (_first(e), e.id))
    spans = [(scale.x(_first(e)), scale.x(e.last_reported or _first(e))) for e in entries]
    placed = rows(spans)
    marks = [
        Mark(entry, x, end, top + LABEL + ROW * row + ROW / 2, radius(len(entry.reports)))
        for entry, (x, end), row in zip(entries, spans, placed, strict=True)
    ]
    return Lane(name, issuers, top, LABEL + ROW * (max(placed) + 1) + PAD, marks)


def _first(entry: LedgerEntry) -> dt.date:
    assert entry.first_reported is not None, "only dated entries are placed"
    return entry.first_reported


def links(lanes: Sequence[Lane]) -> list[Link]:
    """A link for each entry that follows another, both on lanes of their own issuer (on
    the shared lane, a line between two issuers' marks would read as one issuer's)."""
    marks = {mark.entry.id: mark for each in lanes if each.issuers == 1 for mark in each.marks}
    return [
        Link(marks[mark.entry.follows].end, marks[mark.entry.follows].y, mark.x, mark.y)
        for mark in marks.values()
        if mark.entry.follows in marks
    ]


def timeline(entries: Sequence[LedgerEntry]) -> Timeline | None:
    """The dated entries placed on lanes under a date axis; None when none is dated."""
    dated = [entry for entry in entries if entry.first_reported is not None]
    if not dated:
        return None
    scale = scale_of([d for e in dated for d in (e.first_reported, e.last_reported) if d])
    lanes: list[Lane] = []
    top: float = AXIS
    for group, issuers in capped(issuer_groups(dated)):
        lanes.append(lane(group, issuers, scale, top))
        top += lanes[-1].height
    return Timeline(ticks(scale), lanes, links(lanes), top)
