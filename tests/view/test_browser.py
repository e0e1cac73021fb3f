"""The record page and the index in a real browser: headless Chromium (Debian's `chromium`, which
`.ci/run` installs) renders it, runs its script, and we read the rendered DOM back."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageStat

from summarizer.core import ArticleRequest, RecordingMissing, SummaryRecord
from summarizer.corpus import build_corpus
from summarizer.extract.article import build_article
from summarizer.extract.pipeline import Summarizer
from summarizer.io import error_line
from summarizer.settings import Settings
from summarizer.view import render_record, write_pages
from summarizer.view.timeline import MAX_LANES
from tests.conftest import corpus_article
from tests.view.ledgers import large_ledger
from tests.view.marks import Marks, check_highlights

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs Chromium, so there a missing browser is a failure, not a skip.
needs_browser = pytest.mark.skipif(
    CHROMIUM is None and os.environ.get("CI") != "true",
    reason="no chromium on PATH (apt-get install chromium)",
)


def chromium(*args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None, "chromium is not installed"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    return subprocess.run(
        [CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=True
    )


@pytest.fixture
def page(summarizer: Summarizer, tmp_path: Path) -> tuple[Path, SummaryRecord, str]:
    article = corpus_article("000")
    record = summarizer.summarize(article)
    path = tmp_path / "000.html"
    path.write_text(render_record(record, article.text), encoding="utf-8")
    return path, record, article.text


@needs_browser
def test_the_rendered_page_highlights_every_grounded_quote_once(
    page: tuple[Path, SummaryRecord, str],
) -> None:
    path, record, text = page
    dom = chromium("--dump-dom", path.as_uri()).stdout
    check_highlights(dom, record, text)


@needs_browser
def test_selecting_an_item_marks_its_quotes_in_the_browser(
    page: tuple[Path, SummaryRecord, str],
) -> None:
    path, _, _ = page
    dom = chromium("--dump-dom", path.as_uri() + "#item-threats-0").stdout
    marks = Marks(dom)
    selected = {span for span, classes in marks.classes.items() if "on" in classes}
    quoted = {span for span, items in marks.items.items() if "threats-0" in items}
    assert selected == quoted and selected  # the script ran: exactly the threat's quotes
    assert 'class="threat selected" data-item="threats-0"' in dom


@needs_browser
def test_the_screenshot_is_not_blank(page: tuple[Path, SummaryRecord, str], tmp_path: Path) -> None:
    path, _, _ = page
    shot = tmp_path / "shot.png"
    chromium("--window-size=1280,1600", f"--screenshot={shot}", path.as_uri())
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 1600)
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50  # text, highlights and panels, not one flat colour
    assert max(ImageStat.Stat(image).stddev) > 20


# A headless window is at least 500 px wide and loses height to the window, so the page is
# laid out in a frame of exactly the screen's size, and the frame's parent measures it
# (file pages may read each other only with --allow-file-access-from-files). Each test
# adds the fields it reads: the body of a JavaScript function over the frame's `doc` and
# `view` that returns them, run once the screen's own fields are read.
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" src="%s" width="%d" height="%d" style="border:0"></iframe>
<script>
const frame = document.getElementById("page");
frame.addEventListener("load", () => {
  const doc = frame.contentDocument, view = frame.contentWindow;
  const colour = (selector) => view.getComputedStyle(doc.querySelector(selector)).backgroundColor;
  const lines = (element) =>
    element.getBoundingClientRect().height / parseFloat(view.getComputedStyle(element).lineHeight);
  const screen = {
    scrollWidth: doc.documentElement.scrollWidth, innerWidth: view.innerWidth,
    innerHeight: view.innerHeight,
  };
  const fields = (() => { %s })();
  document.body.dataset.measured = JSON.stringify({...screen, ...fields});
});
</script></body></html>"""


def measure(page: Path, width: int, height: int, fields: str) -> dict[str, Any]:
    """The page's layout on a screen of `width` x `height` CSS pixels, as Chromium lays it
    out, with the fields the caller's script (`fields`) returns."""
    frame = page.with_name(f"frame-{width}x{height}.html")
    frame.write_text(FRAME % (page.name, width, height, fields), encoding="utf-8")
    dom = chromium(
        "--allow-file-access-from-files", "--window-size=1400,1000", "--dump-dom", frame.as_uri()
    ).stdout
    measured = re.search(r'<body[^>]* data-measured="([^"]*)"', dom)
    assert measured, "the frame's script did not run"
    return dict(json.loads(html.unescape(measured.group(1))))


def replay(tmp_path: Path) -> Summarizer:
    """The capable model, as its recordings of the seed articles give it."""
    settings = Settings(provider="replay", cache_dir=tmp_path / "cache")
    return Summarizer.from_settings(settings, use_cache=False)


@pytest.fixture(params=["000", "004"])  # the two longest seed records with threats
def replayed(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The record of a seed article as the capable model's recording gives it, as a page."""
    article = corpus_article(request.param)
    path = tmp_path / f"{request.param}.html"
    path.write_text(render_record(replay(tmp_path).summarize(article), article.text), "utf-8")
    return path


# The first threat's card, and the colours of an event's and a threat's highlight.
RECORD_FIELDS = """return {
    threat: doc.querySelector('[data-item="threats-0"]').getBoundingClientRect(),
    eventMark: colour('mark[class="events"]'), threatMark: colour("mark.threats"),
  };"""


@needs_browser
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_page_fits_the_screen_and_leads_with_the_threats(
    replayed: Path, width: int, height: int
) -> None:
    measured = measure(replayed, width, height, RECORD_FIELDS)
    assert measured["innerWidth"] == width and measured["innerHeight"] == height
    assert measured["scrollWidth"] <= width  # no sideways scrolling
    if width == 1280:  # a desktop's first screen shows the first threat whole
        assert 0 < measured["threat"]["top"] < measured["threat"]["bottom"] <= height
    # Events' highlights are off until switched on; threats' are on.
    assert measured["eventMark"] == "rgba(0, 0, 0, 0)"
    assert measured["threatMark"] not in ("rgba(0, 0, 0, 0)", measured["eventMark"])


LONG_TITLE = " ".join(
    ["Iraqi factions, the Popular Mobilisation Forces and the government in Baghdad weigh"]
    + ["their answer as Iran and Israel trade strikes over Iraqi airspace"] * 5
    + ["https://example.org/a-very-long-address-that-has-no-space-in-it-at-all-to-break-on"]
)


def with_title(record: SummaryRecord, title: str) -> SummaryRecord:
    return record.model_copy(update={"article": record.article.model_copy(update={"title": title})})


@pytest.fixture
def corpus_index(tmp_path: Path) -> Path:
    """The seed corpus's pages, one record with a long title and one with a long summary,
    and an article the recordings do not answer, whose error line has a long message."""
    summarizer = replay(tmp_path)
    articles = [corpus_article(f"00{n}") for n in range(5)]
    records = [summarizer.summarize(article) for article in articles]
    records[0] = with_title(records[0], LONG_TITLE)
    records[1] = records[1].model_copy(update={"summary": " ".join([records[1].summary] * 4)})
    request = ArticleRequest(text="A story no model answered.")
    with pytest.raises(RecordingMissing) as missing:
        summarizer.summarize(build_article(request, max_chars=1000))
    failure = error_line("unrecorded", missing.value, source="in/unrecorded.txt")
    texts = {r.article.id: a.text for r, a in zip(records, articles, strict=True)}
    site = tmp_path / "site"
    write_pages(Path("results.jsonl"), [*records, failure], site, lambda r: texts[r.article.id])
    return site / "index.html"


# The timeline of the ledger as laid out: the drawing's box, each mark's link and box,
# the boxes of the tick labels shown (a phone hides every other one) and of the lanes'
# labels. Then the width with every list opened (the ledger's and the failures').
TIMELINE_FIELDS = """
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom};
  };
  const svg = doc.querySelector("svg.timeline");
  const shown = (e) => view.getComputedStyle(e).display !== "none";
  const timeline = svg && {
    svg: box(svg),
    marks: Array.from(svg.querySelectorAll("a.mark"),
      (a) => ({href: a.getAttribute("href"), box: box(a)})),
    ticks: Array.from(svg.querySelectorAll(".tick")).filter(shown).map(box),
    lanes: Array.from(svg.querySelectorAll(".lane"),
      (t) => ({...box(t), name: t.lastChild.nodeValue})),
  };
  const opened = () => (doc.querySelectorAll("details").forEach((d) => { d.open = true; }),
    doc.documentElement.scrollWidth);
"""


def check_timeline(measured: dict[str, Any], site: Path, width: int) -> dict[str, Any]:
    """The timeline is drawn within the screen, its labels apart, each mark a link to a
    record page written beside the index; returns it."""
    timeline: dict[str, Any] = measured["timeline"]
    assert timeline, "no timeline drawn"
    svg, marks, ticks = timeline["svg"], timeline["marks"], timeline["ticks"]
    assert 0 <= svg["left"] < svg["right"] <= width
    assert marks and all((site / mark["href"].split("#")[0]).is_file() for mark in marks)
    for mark in marks:
        assert svg["left"] <= mark["box"]["left"] and mark["box"]["right"] <= svg["right"]
    assert ticks and all(tick["left"] >= 0 and tick["right"] <= width for tick in ticks)
    assert all(a["right"] <= b["left"] for a, b in pairwise(ticks))
    assert all(
        svg["left"] <= lane["left"] and lane["right"] <= svg["right"] for lane in timeline["lanes"]
    )
    return timeline


# The long title, summary and failure as the index shows them; the width with every error
# line opened; the articles sorted by actors (most first), then by date twice (its own
# order, newest first, then the other way).
INDEX_FIELDS = (
    TIMELINE_FIELDS
    + """
  const title = doc.querySelector('a[href="000.html"]');
  const summary = doc.querySelector('a[href="001.html"] + .summary');
  const sortBy = (column) => {
    doc.querySelectorAll("#articles th button")[column].click();
    const rows = doc.querySelector("#articles tbody").rows;
    return Array.from(rows, (row) => row.cells[column].dataset.sort);
  };
  return {
    title: lines(title), titleCut: title.scrollHeight > title.clientHeight,
    summary: lines(summary), summaryCut: summary.scrollWidth > summary.clientWidth,
    failure: lines(doc.querySelector(".failures summary")),
    timeline, openedWidth: opened(),
    byActors: sortBy(3), newest: sortBy(1), oldest: sortBy(1),
  };"""
)


@needs_browser
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_index_fits_the_screen_and_sorts_by_a_column(
    corpus_index: Path, width: int, height: int
) -> None:
    measured = measure(corpus_index, width, height, INDEX_FIELDS)
    assert measured["innerWidth"] == width and measured["innerHeight"] == height
    assert measured["scrollWidth"] <= width and measured["openedWidth"] <= width
    assert measured["title"] < 3.5 and measured["titleCut"]  # three lines at most, cut
    assert measured["summary"] < 1.5 and measured["summaryCut"]  # one line, cut
    assert measured["failure"] < 1.5  # one line; the message is inside
    actors = [int(count) for count in measured["byActors"]]
    assert actors == sorted(actors, reverse=True) and len(actors) == 5
    assert measured["newest"] == sorted(measured["newest"], reverse=True)
    assert measured["oldest"] == sorted(measured["oldest"]) != measured["newest"]
    # The seed's ledger: 8 threats of 6 issuers, each dated by its reports' articles.
    timeline = check_timeline(measured, corpus_index.parent, width)
    assert len(timeline["marks"]) == 8 and len(timeline["lanes"]) == 6


@pytest.fixture
def large_index(tmp_path: Path) -> tuple[Path, int]:
    """The pages of records whose ledger has about 200 entries of 60 issuers over four
    years (see `large_ledger`), and how many of its entries have a date."""
    records = large_ledger()
    site = tmp_path / "site"
    write_pages(Path("results.jsonl"), list(records), site, lambda _: None)
    dated = sum(one.first_reported is not None for one in build_corpus(records).ledger)
    return site / "index.html", dated


# Besides the timeline: whether the entries' list starts folded and a link to an entry in
# it unfolds it (the address's #entry-..., as the page's script reads it).
LARGE_FIELDS = (
    TIMELINE_FIELDS
    + """
  const list = doc.querySelector("#entries details"), folded = !list.open;
  view.history.replaceState(null, "", "#" + list.querySelector("li").id);
  view.reveal();
  return {timeline, folded, unfolded: list.open, openedWidth: opened()};"""
)


@needs_browser
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_a_large_ledger_fits_the_screen_on_capped_lanes(
    large_index: tuple[Path, int], width: int, height: int
) -> None:
    index, dated = large_index
    measured = measure(index, width, height, LARGE_FIELDS)
    assert measured["innerWidth"] == width
    assert measured["scrollWidth"] <= width and measured["openedWidth"] <= width
    timeline = check_timeline(measured, index.parent, width)
    assert len(timeline["marks"]) == dated >= 190  # every dated entry, one mark each
    lanes = [lane["name"] for lane in timeline["lanes"]]
    assert len(lanes) == MAX_LANES and lanes[-1] == "other issuers (49)"
    assert measured["folded"] and measured["unfolded"]
