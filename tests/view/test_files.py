"""`summarizer view` on files: which text each record is shown with, where pages go, and
the mode they are written with."""

from __future__ import annotations

import os
import re
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summarizer.cli import app
from summarizer.core import SummaryRecord
from summarizer.extract import Summarizer
from tests.cli.invoke import one_line_error
from tests.conftest import CORPUS, corpus_article
from tests.view.marks import check_highlights

FILE = next(CORPUS.glob("000_*.txt"))


@pytest.fixture
def record(summarizer: Summarizer) -> SummaryRecord:
    return summarizer.summarize(corpus_article("000"))


def variant(record: SummaryRecord, article_id: str, **changes: object) -> SummaryRecord:
    """The record as another batch would have written it: another id, and maybe another
    source or no content id (a record made before it was kept)."""
    content_id = changes.pop("content_id", record.provenance.content_id)
    return record.model_copy(
        update={
            "article": record.article.model_copy(update={"id": article_id, **changes}),
            "provenance": record.provenance.model_copy(update={"content_id": content_id}),
        }
    )


def results(path: Path, *records: SummaryRecord) -> Path:
    path.write_text("".join(r.model_dump_json() + "\n" for r in records))
    return path


def view(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["view", *args])
    return result.exit_code, result.stdout, result.stderr


def test_records_find_their_text_by_id_file_name_or_content_id(
    record: SummaryRecord, tmp_path: Path
) -> None:
    """The corpus directory's texts go by the manifest's ids ("000"); records made from a
    copy without it go by file name, or by their text's content id."""
    text = corpus_article("000").text
    records = [
        variant(record, "by-content"),  # its provenance's content id
        variant(record, FILE.stem, content_id=None),  # its id is the file's name
        variant(record, "x", source=f"elsewhere/{FILE.name}", content_id=None),  # its source's
        variant(record, str(record.provenance.content_id), content_id=None),  # an id that is one
    ]
    source = results(tmp_path / "results.jsonl", *records)
    code, _, stderr = view(str(source), "--text", str(CORPUS), "-o", str(tmp_path / "site"))
    assert code == 0 and stderr == "", stderr
    for one in records:
        page = tmp_path / "site" / f"{one.article.id.replace(':', '-')}.html"
        check_highlights(page.read_text(), one, text)


def test_records_without_a_text_are_named_and_none_at_all_is_an_error(
    record: SummaryRecord, tmp_path: Path
) -> None:
    lost = variant(record, "lost", content_id=None)
    found = variant(record, "found")
    site = tmp_path / "site"
    some = results(tmp_path / "some.jsonl", found, lost)
    code, _, stderr = view(str(some), "--text", str(CORPUS), "-o", str(site))
    assert code == 0
    assert stderr.strip() == (
        "summarizer: warning: --text has no text for 1 records (lost); "
        "their pages use the cache's copy, if any"
    )
    assert "article text was not given" in (site / "lost.html").read_text()
    none = results(tmp_path / "none.jsonl", lost)
    code, _, stderr = view(str(none), "--text", str(CORPUS), "-o", str(tmp_path / "other"))
    assert code == 2 and not (tmp_path / "other").exists()
    one_line_error(stderr, "no text given matches any of the 1 records")


def test_a_results_file_needs_a_directory_and_a_record_a_file(
    record: SummaryRecord, tmp_path: Path
) -> None:
    source = results(tmp_path / "results.jsonl", record)
    code, _, stderr = view(str(source), "-o", str(tmp_path / "out.html"))
    assert code == 2 and not (tmp_path / "out.html").exists()
    one_line_error(stderr, "the pages of a results file go into a directory (-o site/)")
    (tmp_path / "record.json").write_text(record.model_dump_json())
    code, _, stderr = view(str(tmp_path / "record.json"), "-o", str(tmp_path))
    assert code == 2
    one_line_error(stderr, "is a directory: a record's page needs a file name (.html)")


@pytest.fixture
def umask() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_pages_get_the_umask_s_mode(record: SummaryRecord, tmp_path: Path, umask: None) -> None:
    source = results(tmp_path / "results.jsonl", record)
    code, _, _ = view(str(source), "-o", str(tmp_path / "site"))
    assert code == 0
    pages = sorted((tmp_path / "site").iterdir())
    assert [p.name for p in pages] == ["000.html", "index.html"]  # no temporary file left
    assert {stat.S_IMODE(p.stat().st_mode) for p in pages} == {0o644}


def test_the_corpus_batch_then_its_pages_from_the_cache(tmp_path: Path) -> None:
    """The first hour: a batch of the corpus directory, then its pages, each with its text."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    out = tmp_path / "results.jsonl"
    batch = ["batch", str(corpus), "--out", str(out), "--provider", "replay"]
    assert CliRunner().invoke(app, batch).exit_code == 0
    code, stdout, stderr = view(str(out), "-o", str(tmp_path / "site"))
    assert code == 0 and stderr == ""
    assert stdout.strip() == f"wrote {tmp_path / 'site' / 'index.html'} and 5 pages"
    for page in (tmp_path / "site").glob("00*.html"):
        assert "article text was not given" not in page.read_text()
    # The index lists each under its page's heading (the corpus has no titles: first lines).
    index = (tmp_path / "site" / "index.html").read_text()
    articles = index[index.index('<table id="articles">') :]
    links = re.findall(r'<a href="([^"]+)" title="([^"]+)">', articles)
    assert len(links) == 5
    for href, title in links:
        assert f"<h1>{title}</h1>" in (tmp_path / "site" / href).read_text()
    # Above them, the ledger: each mark of its timeline opens a threat on a page written.
    marks = re.findall(r'<a class="mark[^"]*" href="([^"#]+)#item-threats-\d+"', index)
    assert marks and all((tmp_path / "site" / page).is_file() for page in marks)
    code, _, stderr = view(str(out), "--text", str(corpus), "-o", str(tmp_path / "again"))
    assert code == 0 and stderr == ""
