"""The timeline's geometry, with invented ledger entries: dates to x, ticks, lanes, rows,
the cap on lanes, and the links `follows` draws."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest

from summarizer.view.timeline import (
    EDGE,
    LABEL_CHARS,
    MAX_LANES,
    MAX_ROWS,
    MAX_TICKS,
    MIN_DAYS,
    Lane,
    rows,
    scale_of,
    ticks,
    timeline,
)
from tests.view.ledgers import entry

D = dt.date.fromisoformat


def test_dates_map_to_x_from_edge_to_edge() -> None:
    scale = scale_of([D("2024-03-01"), D("2024-01-01"), D("2024-02-01")])
    assert scale.x(D("2024-01-01")) == EDGE and scale.x(D("2024-03-01")) == 100 - EDGE
    assert scale.x(D("2024-01-31")) == 50.0  # 30 of 60 days
    assert scale.x(D("2024-02-01")) > scale.x(D("2024-01-31"))


def test_one_date_is_drawn_in_the_middle_of_a_month_with_its_ticks() -> None:
    scale = scale_of([D("2025-06-15")])
    assert (scale.end - scale.start).days == MIN_DAYS
    assert scale.x(D("2025-06-15")) == 50.0
    assert [(t.label, t.anchor) for t in ticks(scale)] == [("Jun 2025", "middle"), ("Jul", "end")]
    # Any span of MIN_DAYS holds the first of a month: a tick, whatever the date.
    assert all(ticks(scale_of([D("2025-01-01") + dt.timedelta(days=n)])) for n in range(366))


@pytest.mark.parametrize(
    ("start", "end", "labels"),
    [
        ("2025-02-10", "2025-06-20", ["Mar 2025", "Apr", "May", "Jun"]),
        ("2024-10-20", "2025-04-20", ["Nov 2024", "Dec", "Jan 2025", "Feb", "Mar", "Apr"]),
        ("2023-10-31", "2025-06-15", ["Jan 2024", "Apr", "Jul", "Oct", "Jan 2025", "Apr"]),
        ("2021-01-01", "2025-01-01", ["2021", "2022", "2023", "2024", "2025"]),
        ("1990-06-01", "2025-06-01", ["1995", "2000", "2005", "2010", "2015", "2020", "2025"]),
    ],
)
def test_ticks_are_months_or_years_as_the_span_needs(
    start: str, end: str, labels: list[str]
) -> None:
    marks = ticks(scale_of([D(start), D(end)]))
    assert [tick.label for tick in marks] == labels and len(marks) <= MAX_TICKS
    assert [tick.x for tick in marks] == sorted(tick.x for tick in marks)
    assert [tick.minor for tick in marks] == [i % 2 == 1 for i in range(len(marks))]


def test_a_tick_at_an_edge_keeps_its_label_inside() -> None:
    anchors = {t.label: t.anchor for t in ticks(scale_of([D("2021-01-01"), D("2025-01-01")]))}
    assert anchors == {
        "2021": "start",
        "2022": "middle",
        "2023": "middle",
        "2024": "middle",
        "2025": "end",
    }


def test_each_issuer_has_a_lane_most_entries_first_then_most_reports() -> None:
    drawn = timeline(
        [
            entry("Iran", "2025-06-01"),
            entry("Kataib Hezbollah", "2025-06-02", "2025-06-09"),
            entry("Hezbollah", "2025-05-01"),
            entry("Hezbollah", "2025-06-20"),
        ]
    )
    assert drawn is not None
    assert [lane.name for lane in drawn.lanes] == ["Hezbollah", "Kataib Hezbollah", "Iran"]
    assert [len(lane.marks) for lane in drawn.lanes] == [2, 1, 1]
    assert drawn.shared is None
    # Lanes stack under the axis without a gap; the drawing ends with the last.
    tops = [lane.top for lane in drawn.lanes]
    assert tops == sorted(tops) and tops[0] > 0
    for above, below in pairwise(drawn.lanes):
        assert below.top == above.top + above.height
    assert drawn.height == drawn.lanes[-1].top + drawn.lanes[-1].height
    for lane in drawn.lanes:  # every mark is inside its lane
        assert all(lane.top < m.y - m.r and m.y + m.r < lane.top + lane.height for m in lane.marks)


def test_past_the_cap_the_issuers_with_fewest_entries_share_the_last_lane() -> None:
    entries = [
        entry(f"Issuer {n:02d}", f"20{20 + k % 5}-0{1 + k % 9}-1{k % 10}", id=f"{n}/{k}")
        for n in range(30)
        for k in range(30 - n)  # issuer 0 has 30 entries, issuer 29 one
    ]
    drawn = timeline(entries)
    assert drawn is not None and len(drawn.lanes) == MAX_LANES
    own = [lane.name for lane in drawn.lanes[:-1]]
    assert own == [f"Issuer {n:02d}" for n in range(MAX_LANES - 1)]
    shared = drawn.shared
    assert shared is drawn.lanes[-1] and shared.issuers == 30 - (MAX_LANES - 1)
    assert shared.name == f"other issuers ({shared.issuers})"
    assert len(shared.marks) == sum(30 - n for n in range(MAX_LANES - 1, 30))
    assert sum(len(lane.marks) for lane in drawn.lanes) == len(entries)  # every one placed


def test_marks_that_would_touch_take_the_next_row_up_to_the_cap() -> None:
    assert rows([(10, 10), (10, 10), (30, 40), (41, 41), (50, 50)]) == [0, 1, 0, 1, 0]
    crowded = rows([(10.0, 10.0)] * (MAX_ROWS + 2))
    assert crowded[:MAX_ROWS] == list(range(MAX_ROWS)) and max(crowded) == MAX_ROWS - 1
    lane = timeline([entry("Iran", "2025-06-01", id=f"{k}") for k in range(3)])
    assert lane is not None
    assert [m.y for m in lane.lanes[0].marks] == sorted({m.y for m in lane.lanes[0].marks})


def test_a_mark_runs_from_first_to_last_report_and_grows_with_its_reports() -> None:
    drawn = timeline(
        [
            entry("Iran", "2025-01-01"),
            entry("Hamas", "2025-02-01", "2025-03-01", "2025-02-10"),
        ]
    )
    assert drawn is not None
    [[long], [short]] = [lane.marks for lane in drawn.lanes]
    assert long.entry.issuer.name == "Hamas" and long.x < long.end == 100 - EDGE
    assert short.x == short.end == EDGE
    assert short.r < long.r and (short.count, long.count) == ("", "3")


def test_follows_is_a_line_from_the_earlier_mark_on_a_lane_of_its_own() -> None:
    first = entry("Iran", "2025-01-01", "2025-01-10", id="a")
    then = entry("Iran", "2025-03-01", id="b", follows="a")
    drawn = timeline([first, then])
    assert drawn is not None
    [a, b] = drawn.lanes[0].marks
    [link] = drawn.links
    assert (link.x1, link.y1, link.x2, link.y2) == (a.end, a.y, b.x, b.y)
    # On the shared lane, no line: it would join marks of two issuers.
    others = [
        entry(f"Issuer {n:02d}", f"2025-02-0{k + 1}", id=f"o{n}/{k}")
        for n in range(MAX_LANES)
        for k in range(3)
    ]
    crowded = timeline([first, then, entry("Iran", "2025-05-01", id="c"), *others])
    assert crowded is not None and crowded.shared is not None
    assert "b" in {m.entry.id for m in crowded.lanes[0].marks} and len(crowded.links) == 1
    lone = timeline([first, then, *others])  # Iran, with two entries, now has fewest
    assert lone is not None and lone.shared is not None
    assert {"a", "b"} <= {m.entry.id for m in lone.shared.marks} and lone.links == []


def test_undated_entries_are_not_placed_and_none_dated_is_no_timeline() -> None:
    drawn = timeline([entry("Iran", None, id="x"), entry("Iran", "2025-01-01", None)])
    assert drawn is not None and [len(lane.marks) for lane in drawn.lanes] == [1]
    assert timeline([entry("Iran", None)]) is None
    assert timeline([]) is None


def test_a_long_issuer_name_is_cut_on_its_lane() -> None:
    name = "Islamic Resistance in Iraq and the Coordination of its Factions " * 2
    lane = Lane(name, 1, 0.0, 40.0, [])
    assert len(lane.label) == LABEL_CHARS and lane.label.endswith("…")
    assert name.startswith(lane.label[:-1])
    assert Lane("Iran", 1, 0.0, 40.0, []).label == "Iran"
