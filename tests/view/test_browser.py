"""The record page in a real browser: headless Chromium (Debian's `chromium`, which
`.ci/run` installs) renders it, runs its script, and we read the rendered DOM back."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from summarizer.core import SummaryRecord
from summarizer.extract.pipeline import Summarizer
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
    assert 'class="item selected" data-item="threats-0"' in dom


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
