"""The corpus page's threat ledger: the timeline's marks and what they link, the
issuer-to-target table, the entries' list, and a corpus with no threats."""

from __future__ import annotations

import re
from pathlib import Path

from summarizer.core import SummaryRecord
from summarizer.corpus import Corpus, LedgerEntry, build_corpus
from summarizer.view import IndexRow, page_name, render_index, write_pages
from summarizer.view.ledger import MANY, EntryItem, ReportLink, pairs
from tests.corpus.records import KH, US, actor, record, threat
from tests.view.ledgers import as_jsonl, entry

MARK = re.compile(
    r'<a class="mark( other-story)?" href="([^"]+)" data-entry="([^"]+)">\s*<title>([^<]*)</title>'
)


def page_of(records: list[SummaryRecord], corpus: Corpus | None = None) -> str:
    rows = [IndexRow(r, f"Title of {r.article.id}") for r in records]
    return render_index(rows, [], "results.jsonl", corpus or build_corpus(records))


def page_of_entries(*entries: LedgerEntry) -> str:
    """The page of invented ledger entries, each report's article a record of its own."""
    articles = sorted({report.article for e in entries for report in e.reports})
    return page_of([record(a, []) for a in articles], Corpus(actors=[], ledger=list(entries)))


def test_a_corpus_without_threats_says_so_and_draws_nothing() -> None:
    page = page_of([record("a", [KH, US]), record("b", [US])])
    assert "No threats in this corpus." in page
    assert "<svg" not in page and 'id="pairs"' not in page and 'id="entries"' not in page
    assert page.index("No threats") < page.index('id="articles"')


def test_each_entry_is_a_mark_linking_its_first_reports_threat_with_a_whole_title() -> None:
    records = [
        record(
            "a",
            [KH, US],
            [threat("Kataib Hezbollah", ["United States"], when="2025-06-15")],
        ),
        record(
            "b",
            [KH, US, actor("Iran", "state", "IR")],
            [
                threat("Kataib Hezbollah", ["United States"], when="2025-06-16"),
                threat("Iran", ["United States"], None, "close the strait", when="2024-01-09"),
            ],
            published_at="2025-06-16",
        ),
    ]
    corpus = build_corpus(records)
    page = page_of(records, corpus)
    marks = {anchor: (href, title) for _, href, anchor, title in MARK.findall(page)}
    assert len(marks) == len(corpus.ledger) >= 2
    for one in corpus.ledger:
        first = one.reports[0]
        href, title = marks["entry-" + one.id.replace("/", "-")]
        assert href == f"{page_name(first.article)}#item-threats-{first.index}"
        assert title.startswith(f"{one.issuer.name}: {one.action}.")
        assert (f"Condition: {one.condition}." in title) is (one.condition is not None)
        n = len(one.reports)
        assert f"{n} report{'s' if n > 1 else ''}: {first.article}" in title
    assert "15 June 2025" in page and "16 June 2025" in page  # reported: the articles' dates
    # Above the articles: the timeline, the issuers and targets, the entries.
    order = [page.index(s) for s in ("<svg", 'id="pairs"', 'id="entries"', 'id="articles"')]
    assert order == sorted(order)


def test_a_mark_spans_its_reports_and_is_numbered_and_follows_is_a_dashed_line() -> None:
    page = page_of_entries(
        entry("Iran", "2025-01-01", "2025-01-09", id="a"),
        entry("Iran", "2025-03-01", id="b", follows="a"),
    )
    assert page.count('<rect class="span"') == 1 and page.count('<line class="follows"') == 1
    assert re.search(r"<circle [^>]*/>\s*<text [^>]*>2</text>", page)  # a's two reports
    assert "1 January 2025 – 9 January 2025" in page
    follows = re.search(r'id="entry-b".*?follows <a href="#entry-a"[^>]*>([^<]*)</a>', page, re.S)
    assert follows and follows.group(1) == "1 January 2025 – 9 January 2025"


def test_entries_from_other_stories_only_are_drawn_hollow_and_marked_in_the_list() -> None:
    page = page_of_entries(
        entry("Iran", "2025-01-01", id="teaser", other_story=True),
        entry("Iran", "2025-02-01", id="own"),
    )
    kinds = {anchor: kind for kind, _, anchor, _ in MARK.findall(page)}
    assert kinds == {"entry-teaser": " other-story", "entry-own": ""}
    assert page.count('<span class="badge other">other stories only</span>') == 1
    assert '<li id="entry-teaser" class="entry other-story">' in page


def test_the_list_links_every_report_and_an_undated_entry_is_listed_not_drawn() -> None:
    page = page_of_entries(
        entry("Iran", "2025-01-01", "2025-01-03", "2025-01-02", id="x"),
        entry("Hamas", None, id="undated"),
    )
    item = re.search(r'<li id="entry-x".*?</li>', page, re.S)
    assert item is not None
    links = re.findall(r'<a href="([^"]+)" title="([^"]+)">', item.group(0))
    assert links == [(f"x-{n}.html#item-threats-0", f"Title of x-{n}") for n in range(3)]
    assert len(MARK.findall(page)) == 1 and 'id="entry-undated"' in page
    assert "1 entry with no date is not drawn" in page
    only = page_of_entries(entry("Hamas", None, id="undated"))
    assert "<svg" not in page_of_entries(entry("Hamas", None)) and "none is drawn" in only


def test_pairs_count_entries_and_reports_most_entries_first() -> None:
    items = [
        EntryItem(one, [ReportLink(r.article, "", "") for r in one.reports])
        for one in (
            entry("Iran", "2025-01-01", targets=["Israel", "United States"], id="1"),
            entry("Iran", "2025-02-01", "2025-02-02", "2025-02-03", targets=["Israel"], id="2"),
            entry("Hamas", "2025-01-01", targets=["Israel"], id="3"),
            entry("Hamas", "2025-03-01", targets=["Israel"], id="4"),
            entry("Amal", "2025-03-01", targets=[], id="5"),
        )
    ]
    counted = [(p.issuer, p.target, len(p.items), p.reports) for p in pairs(items)]
    assert counted == [
        ("Iran", "Israel", 2, 4),
        ("Hamas", "Israel", 2, 2),
        ("Amal", "no target named", 1, 1),
        ("Iran", "United States", 1, 1),
    ]


def test_the_table_lists_each_pair_with_links_to_its_entries() -> None:
    page = page_of_entries(
        entry("Iran", "2025-01-01", targets=["Israel"], id="1"),
        entry("Iran", "2025-02-01", targets=["Israel"], id="2"),
    )
    row = re.search(
        r'<td class="issuer">Iran</td>\s*<td class="target">Israel</td>(.*?)</tr>', page, re.S
    )
    assert row is not None
    cells = re.findall(r'<td class="n" data-label="(\w+)">(\d+)</td>', row.group(1))
    assert cells == [("entries", "2"), ("reports", "2")]
    assert re.findall(r'<a href="#(entry-\d)"', row.group(1)) == ["entry-2", "entry-1"]


def test_many_entries_start_folded_few_open() -> None:
    few = page_of_entries(*(entry("Iran", f"2025-01-{n + 1:02d}", id=f"{n}") for n in range(MANY)))
    many = page_of_entries(
        *(entry(f"Issuer {n}", f"2025-01-{n + 1:02d}", id=f"{n}") for n in range(MANY + 1))
    )
    assert re.findall(r"<details( open)?>\s*<summary><h2>", few) == [" open", " open"]
    assert re.findall(r"<details( open)?>\s*<summary><h2>", many) == ["", ""]


def test_html_in_a_name_or_an_action_is_text_in_the_drawing_and_the_lists() -> None:
    hostile = entry("<script>alert(1)</script>", "2025-01-01", id="h")
    page = page_of_entries(hostile.model_copy(update={"action": "<b>burn</b>"}))
    assert "<script>alert" not in page and "<b>burn" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;: &lt;b&gt;burn&lt;/b&gt;." in page


def test_the_results_file_view_builds_the_corpus_of_its_records(tmp_path: Path) -> None:
    """`write_pages` builds the ledger from the records it was given; a repeated article id
    (two records, one page) is one record of the corpus, its last."""
    first = record(
        "a", [KH, US], [threat("Kataib Hezbollah", ["United States"], when="2025-06-15")]
    )
    again = record(
        "a", [KH, US], [threat("Kataib Hezbollah", ["US"], None, "sanction", when="2025-06-20")]
    )
    source = tmp_path / "results.jsonl"
    source.write_text(as_jsonl([first, again]))
    write_pages(source, [first, again], tmp_path / "site", lambda _: None)
    page = (tmp_path / "site" / "index.html").read_text()
    [(_, href, _, title)] = MARK.findall(page)
    assert href == "a.html#item-threats-0" and "sanction" in title
    assert (tmp_path / "site" / href.split("#")[0]).is_file()
