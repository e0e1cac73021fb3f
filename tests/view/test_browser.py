"""The record page in a real browser: headless Chromium (Debian's `chromium`, which
`.ci/run` installs) renders it, runs its script, and we read the rendered DOM back."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from summarizer.core import SummaryRecord
from summarizer.extract.pipeline import Summarizer
from summarizer.settings import Settings
from summarizer.view import render_record
from tests.conftest import corpus_article
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
# (file pages may read each other only with --allow-file-access-from-files).
FRAME = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" src="%s" width="%d" height="%d" style="border:0"></iframe>
<script>
const frame = document.getElementById("page");
frame.addEventListener("load", () => {
  const doc = frame.contentDocument, view = frame.contentWindow;
  const threat = doc.querySelector('[data-item="threats-0"]').getBoundingClientRect();
  const colour = (selector) => view.getComputedStyle(doc.querySelector(selector)).backgroundColor;
  document.body.dataset.measured = JSON.stringify({
    scrollWidth: doc.documentElement.scrollWidth, innerWidth: view.innerWidth,
    innerHeight: view.innerHeight, threatTop: threat.top, threatBottom: threat.bottom,
    eventMark: colour('mark[class="events"]'), threatMark: colour("mark.threats"),
  });
});
</script></body></html>"""


def measure(page: Path, width: int, height: int) -> dict[str, object]:
    """The page's layout on a screen of `width` x `height` CSS pixels, as Chromium lays it out."""
    frame = page.with_name(f"frame-{width}x{height}.html")
    frame.write_text(FRAME % (page.name, width, height), encoding="utf-8")
    dom = chromium(
        "--allow-file-access-from-files", "--window-size=1400,1000", "--dump-dom", frame.as_uri()
    ).stdout
    measured = re.search(r'<body[^>]* data-measured="([^"]*)"', dom)
    assert measured, "the frame's script did not run"
    return dict(json.loads(html.unescape(measured.group(1))))


@pytest.fixture(params=["000", "004"])  # the two longest seed records with threats
def replayed(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """The record of a seed article as the capable model's recording gives it, as a page."""
    summarizer = Summarizer.from_settings(
        Settings(provider="replay", cache_dir=tmp_path / "cache"), use_cache=False
    )
    article = corpus_article(request.param)
    path = tmp_path / f"{request.param}.html"
    path.write_text(render_record(summarizer.summarize(article), article.text), encoding="utf-8")
    return path


@needs_browser
@pytest.mark.parametrize(("width", "height"), [(1280, 800), (390, 844)])
def test_the_page_fits_the_screen_and_leads_with_the_threats(
    replayed: Path, width: int, height: int
) -> None:
    measured = measure(replayed, width, height)
    assert measured["innerWidth"] == width and measured["innerHeight"] == height
    assert measured["scrollWidth"] <= width  # no sideways scrolling
    if width == 1280:  # a desktop's first screen shows the first threat whole
        assert 0 < measured["threatTop"] < measured["threatBottom"] <= height  # type: ignore[operator]
    # Events' highlights are off until switched on; threats' are on.
    assert measured["eventMark"] == "rgba(0, 0, 0, 0)"
    assert measured["threatMark"] not in ("rgba(0, 0, 0, 0)", measured["eventMark"])
