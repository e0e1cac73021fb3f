import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import Precision, SummaryRecord, When
from summarizer.corpus import build_corpus
from summarizer.extract.grounding import Grounder
from summarizer.extract.pipeline import Summarizer
from summarizer.io import ErrorDetail, ErrorLine
from summarizer.view import IndexRow, render_index, render_record
from summarizer.view.page import at_precision, when_shown
from tests.conftest import corpus_article
from tests.view.marks import Marks, check_highlights

HOSTILE = (
    'Breaking: <script>alert("x")</script> & <b>bold</b> claims.\n'
    "Kataib Hezbollah said it would strike."
)


def record_for(summarizer: Summarizer) -> tuple[SummaryRecord, str]:
    article = corpus_article("000")
    return summarizer.summarize(article), article.text


def test_every_grounded_quote_has_exactly_one_highlight(summarizer: Summarizer) -> None:
    record, text = record_for(summarizer)
    marks = check_highlights(render_record(record, text), record, text)
    assert {"actors", "threats"} <= set().union(*marks.classes.values())


def test_crossing_quotes_are_one_highlight_each_split_where_they_cross(
    summarizer: Summarizer,
) -> None:
    record, text = record_for(summarizer)
    grounder = Grounder(text)
    first, second = text[0:60], text[40:120]
    actor = record.actors[0].model_copy(update={"evidence": [grounder.locate(first)]})
    place = record.locations[0].model_copy(update={"evidence": [grounder.locate(second)]})
    crossing = record.model_copy(update={"actors": [actor], "locations": [place]})
    marks = check_highlights(render_record(crossing, text), crossing, text)
    assert sorted(marks.parts.values())[-1] == 2  # the later quote is two adjacent elements


def test_html_in_the_article_and_the_record_is_shown_as_text(summarizer: Summarizer) -> None:
    record, _ = record_for(summarizer)
    hostile = record.model_copy(update={"summary": "<img src=x onerror=alert(1)>", "actors": []})
    page = render_record(hostile, HOSTILE)
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert Marks(page).article == HOSTILE


def test_the_page_shows_events_by_date_warnings_ungrounded_quotes_and_provenance(
    summarizer: Summarizer,
) -> None:
    record, text = record_for(summarizer)
    early, late = (
        record.events[0],
        record.events[0].model_copy(
            update={
                "description": "A later event.",
                "when": When(
                    text="on 20 June", date=dt.date(2025, 6, 20), end_date=None, precision="day"
                ),
            }
        ),
    )
    undated = early.model_copy(update={"description": "An undated event.", "when": None})
    shown = record.model_copy(update={"events": [late, undated, early]})
    page = render_record(shown, text)
    order = [page.index(s) for s in (early.description, "A later event.", "An undated event.")]
    assert order == sorted(order)
    assert all(w.replace("'", "&#39;") in page for w in record.warnings)
    assert "a sentence the article does not contain at all" in page  # the ungrounded quote
    assert record.provenance.model in page and record.provenance.prompt_version in page
    # Self-contained: no script, style or image is fetched from anywhere.
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", page)


def test_without_the_text_the_page_says_so(summarizer: Summarizer) -> None:
    record, _ = record_for(summarizer)
    page = render_record(record, None)
    assert "article text was not given" in page and "<mark" not in page


def index_of(rows: list[IndexRow], failures: list[ErrorLine]) -> str:
    """The index of `rows`, with the corpus of their records."""
    corpus = build_corpus(row.record for row in rows)
    return render_index(rows, failures, "results.jsonl", corpus)


def articles_of(page: str) -> str:
    """The index's table of articles (the ledger above it has links of its own)."""
    return page[page.index('<table id="articles">') :]


def dated(record: SummaryRecord, article_id: str, published: str | None) -> SummaryRecord:
    article = record.article.model_copy(
        update={"id": article_id, "published_at": published and dt.date.fromisoformat(published)}
    )
    return record.model_copy(update={"article": article})


def test_the_index_lists_articles_newest_first_each_linking_its_page(
    summarizer: Summarizer,
) -> None:
    record, _ = record_for(summarizer)
    rows = [
        IndexRow(dated(record, "old", "2024-11-05"), "An old story"),
        IndexRow(dated(record, "undated", None), "A story of no date"),
        IndexRow(dated(record, "new", "2025-06-16"), "A new story"),
    ]
    page = index_of(rows, [])
    links = re.findall(r'<a href="([^"]+)" title="([^"]+)">', articles_of(page))
    assert links == [
        ("new.html", "A new story"),
        ("old.html", "An old story"),
        ("undated.html", "A story of no date"),
    ]
    assert "16 June 2025" in page and "5 November 2024" in page and "date unknown" in page
    counts = re.findall(r'<td class="count (\w+)" data-sort="(\d+)"', page)[:3]
    assert counts == [
        ("actors", str(len(record.actors))),
        ("events", str(len(record.events))),
        ("threats", str(len(record.threats))),
    ]
    assert f"{len(record.warnings)} warnings" in page
    # Self-contained: no script, style or image is fetched from anywhere.
    assert "<script>" in page and not re.search(r"<(script|link|img)[^>]+(src|href)=", page)


def test_the_index_shows_a_summary_on_one_line_with_the_whole_as_its_title(
    summarizer: Summarizer,
) -> None:
    record, _ = record_for(summarizer)
    hostile = record.model_copy(update={"summary": "<b>Strikes</b> & threats."})
    page = index_of([IndexRow(hostile, "Title")], [])
    escaped = "&lt;b&gt;Strikes&lt;/b&gt; &amp; threats."
    assert f'<div class="summary one-line" title="{escaped}">' in page
    assert "<b>Strikes" not in page


@pytest.mark.parametrize(
    ("url", "source", "shown"),
    [
        ("https://news.example.org/world/story", "in/000.txt", "news.example.org"),
        (None, "articles/in/000.txt", "000.txt"),
        (None, "articles/in.jsonl:3", "in.jsonl:3"),
    ],
)
def test_the_index_shows_a_source_as_its_host_or_file_in_short(
    summarizer: Summarizer, url: str | None, source: str, shown: str
) -> None:
    record, _ = record_for(summarizer)
    article = record.article.model_copy(update={"url": url, "source": source})
    row = IndexRow(record.model_copy(update={"article": article}), "Title")
    assert row.source == (shown, url or source)
    nowhere = record.article.model_copy(update={"url": None, "source": None})
    assert IndexRow(record.model_copy(update={"article": nowhere}), "Title").source is None


def test_a_failure_is_one_line_of_its_kind_with_the_message_inside(
    summarizer: Summarizer,
) -> None:
    record, _ = record_for(summarizer)
    message = "no recording of this article: replay answers only ... (`summarizer providers`)"
    failed = ErrorLine(
        id="new", source="in/new.txt", error=ErrorDetail(type="recording_missing", message=message)
    )
    page = articles_of(index_of([IndexRow(record, "Title")], [failed]))
    line = re.search(r"<summary[^>]*>(.*?)</summary>\s*(.*?)</details>", page, re.S)
    assert line, "no <details> for the failure"
    summary, details = line.groups()
    assert "recording_missing" in summary and "new" in summary and "replay" not in summary
    assert "no recording of this article" in details and "in/new.txt" in details
    assert page.index("Title</a>") < page.index("<details>")  # failures follow the records


def test_cli_writes_a_page_and_a_results_index(summarizer: Summarizer, tmp_path: Path) -> None:
    record, text = record_for(summarizer)
    (tmp_path / "000.json").write_text(record.model_dump_json())
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": "000", "text": text}) + "\n")
    runner = CliRunner()
    page = tmp_path / "p.html"
    args = ["view", str(tmp_path / "000.json"), "--text", str(tmp_path / "in.jsonl")]
    one = runner.invoke(app, [*args, "-o", str(page)])
    assert one.exit_code == 0, one.output
    check_highlights(page.read_text(), record, text)  # the text found by the record's id
    failed = {"id": "x", "error": {"type": "invalid_input", "message": "empty"}}
    lines = [record.model_dump_json(), json.dumps(failed)]
    (tmp_path / "results.jsonl").write_text("\n".join(lines) + "\n")
    site = tmp_path / "site"
    many = runner.invoke(app, ["view", str(tmp_path / "results.jsonl"), "-o", str(site)])
    assert many.exit_code == 0, many.output
    index = (site / "index.html").read_text()
    assert "failed: invalid_input" in index and "empty" in index
    # No --text: the cache kept the text when the record was made.
    check_highlights((site / "000.html").read_text(), record, text)


def test_cli_view_of_a_file_that_is_not_a_record_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text('{"summary": 1}')
    result = CliRunner().invoke(
        app, ["view", str(tmp_path / "x.json"), "-o", str(tmp_path / "x.html")]
    )
    assert result.exit_code == 2
    assert "is not a summary record" in result.stderr and "Traceback" not in result.output
    missing = CliRunner().invoke(
        app, ["view", str(tmp_path / "none.json"), "-o", str(tmp_path / "y.html")]
    )
    assert missing.exit_code == 2 and "cannot read" in missing.stderr


@pytest.mark.parametrize(
    ("date", "precision", "shown"),
    [
        (dt.date(2025, 6, 15), "day", "15 June 2025"),
        (dt.date(2025, 6, 16), "week", "week of 16 June 2025"),
        (dt.date(2025, 6, 1), "month", "June 2025"),
        (dt.date(2003, 1, 1), "year", "2003"),
        (None, "unknown", None),
    ],
)
def test_dates_show_at_their_precision(
    date: dt.date | None, precision: Precision, shown: str | None
) -> None:
    assert at_precision(date, precision) == shown


def test_an_interval_shows_both_ends_and_an_unresolved_date_none() -> None:
    interval = When(
        text="in 2003 and 2004",
        date=dt.date(2003, 1, 1),
        end_date=dt.date(2004, 1, 1),
        precision="year",
    )
    assert when_shown(interval) == "2003 to 2004"
    unresolved = When(text="on Thursday", date=None, end_date=None, precision="unknown")
    assert when_shown(unresolved) is None and when_shown(None) is None


def test_the_page_leads_with_title_date_summary_then_threats(summarizer: Summarizer) -> None:
    record, text = record_for(summarizer)
    page = render_record(record, text)
    first_line = text.splitlines()[0]
    title = re.search(r"<h1>(.*)</h1>", page)
    assert title and first_line.startswith(title.group(1).removesuffix(" …").replace("&#39;", "'"))
    order = [
        page.index(s)
        for s in (
            "<h1>",
            "15 June 2025",
            'id="summary"',
            'id="threats"',
            "in date order",
            'id="article"',
        )
    ]
    assert order == sorted(order)
    titled = record.model_copy(
        update={"article": record.article.model_copy(update={"title": "Iraq warned"})}
    )
    assert "<h1>Iraq warned</h1>" in render_record(titled, text)
    assert f"<h1>{record.article.id}</h1>" in render_record(record, None)  # no text, no line


def test_events_highlights_start_switched_off_the_others_on(summarizer: Summarizer) -> None:
    record, text = record_for(summarizer)
    page = render_record(record, text)
    boxes = dict(re.findall(r'<input type="checkbox" id="show-(\w+)"( checked)?>', page))
    assert boxes == {
        "actors": " checked",
        "locations": " checked",
        "events": "",
        "threats": " checked",
    }


def test_threats_from_another_story_are_marked_on_their_card(summarizer: Summarizer) -> None:
    record, text = record_for(summarizer)
    teaser = record.threats[0].model_copy(update={"other_story": True, "action": "a teaser's"})
    page = render_record(record.model_copy(update={"threats": [record.threats[0], teaser]}), text)
    cards = re.findall(r'<div class="threat( other-story)?" data-item="threats-\d">', page)
    assert cards == ["", " other-story"]
    assert page.count("from another story on the page</span>") == 1


def test_pages_of_a_results_file_link_back_to_the_index(
    summarizer: Summarizer, tmp_path: Path
) -> None:
    record, _ = record_for(summarizer)
    (tmp_path / "results.jsonl").write_text(record.model_dump_json() + "\n")
    site = tmp_path / "site"
    assert (
        CliRunner()
        .invoke(app, ["view", str(tmp_path / "results.jsonl"), "-o", str(site)])
        .exit_code
        == 0
    )
    assert '<a id="back" href="index.html">' in (site / "000.html").read_text()
    assert 'id="back"' not in render_record(record, None)  # a lone page has no index
