"""`summarizer view`: a record file, a results file or a shard directory to pages on disk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from summarizer.batch import ARTICLE_SUFFIXES, read_inputs
from summarizer.core import InputError, SummaryRecord
from summarizer.corpus import build_corpus
from summarizer.extract import content_id, normalize_text
from summarizer.io import ErrorLine, ResultLine, check_results, iter_results, read_model
from summarizer.record import write_atomic
from summarizer.view.page import IndexRow, heading, render_index, render_record

TextFor = Callable[[SummaryRecord], str | None]


def _file_name(source: str | None) -> str | None:
    """The name without suffix of an article file (not of a JSONL line, `file:line`)."""
    path = Path(source) if source else None
    return path.stem if path is not None and path.suffix in ARTICLE_SUFFIXES else None


@dataclass(frozen=True)
class Texts:
    """The article texts given for the records (files, directories or JSONL, read as
    `batch` reads them), normalised as the pipeline normalised them so the records'
    offsets hold. A record finds its text by content id, by id, or by file name."""

    by_content: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, paths: Iterable[Path]) -> Texts:
        texts = cls()
        for item in read_inputs(paths):
            if item.request is None or item.request.text is None:
                continue
            text = normalize_text(item.request.text)
            texts.by_content.setdefault(content_id(text), text)
            texts.by_id.setdefault(item.id, text)
            name = _file_name(item.source)
            if name is not None:
                texts.by_name.setdefault(name, text)
        return texts

    def find(self, record: SummaryRecord) -> str | None:
        """The record's text: the one it was made from (its content id; an id that is
        one), else the one under its id, else the file of its id's or its source's name."""
        article = record.article
        wanted = (
            (self.by_content, record.provenance.content_id),
            (self.by_content, article.id),
            (self.by_id, article.id),
            (self.by_name, article.id),
            (self.by_name, _file_name(article.source)),
        )
        return next((texts[key] for texts, key in wanted if key and key in texts), None)

    def unmatched(self, entries: list[ResultLine]) -> list[str]:
        """The ids of the records no text was given for; none given for any is an error."""
        records = [entry for entry in entries if isinstance(entry, SummaryRecord)]
        missing = [record.article.id for record in records if self.find(record) is None]
        if records and len(missing) == len(records):
            raise InputError(
                f"no text given matches any of the {len(records)} records "
                "(by id, file name or content id)"
            )
        return missing


def _is_results(source: Path) -> bool:
    """A results file (.jsonl) or a shard directory, not a record."""
    return source.suffix == ".jsonl" or source.is_dir()


def read_entries(source: Path, out: Path) -> list[ResultLine]:
    """What `source` holds, a record or results (a .jsonl file or a shard directory),
    once `out` is known to fit it: a page file for a record, a directory for results."""
    if not _is_results(source):
        if out.is_dir():
            raise InputError(f"{out} is a directory: a record's page needs a file name (.html)")
        return [read_model(source, SummaryRecord, "summary record")]
    if out.suffix or (out.exists() and not out.is_dir()):
        raise InputError(
            f"{out}: the pages of a results file go into a directory (-o site/), not a file"
        )
    check_results(source, "view")
    entries = list(iter_results(source))
    if not entries:
        raise InputError(f"{source} holds no records")
    return entries


def write_pages(
    source: Path, entries: list[ResultLine], out: Path, text_for: TextFor
) -> list[Path]:
    """A record's page at `out`, or for results (a .jsonl file or a shard directory) a
    page per record and `index.html`, the corpus page (the threat ledger of the records,
    then the records), in the directory `out`. Returns the pages written, index first."""
    if not _is_results(source):
        record = entries[0]
        assert isinstance(record, SummaryRecord)
        write_atomic(out, render_record(record, text_for(record)))
        return [out]
    index = out / "index.html"
    records = [entry for entry in entries if isinstance(entry, SummaryRecord)]
    rows = [_write_page(record, text_for(record), out, index.name) for record in records]
    failures = [entry for entry in entries if isinstance(entry, ErrorLine)]
    corpus = build_corpus(_last_of_each_id(records))
    write_atomic(index, render_index(rows, failures, source.name, corpus))
    return [index, *(out / row.page for row in rows)]


def _last_of_each_id(records: list[SummaryRecord]) -> list[SummaryRecord]:
    """One record per article id, as the corpus is keyed: the last, whose page is the one
    written under that id."""
    return list({record.article.id: record for record in records}.values())


def _write_page(record: SummaryRecord, text: str | None, out: Path, index: str) -> IndexRow:
    """A record's page in the directory `out`, linking back to `index`; its index row."""
    row = IndexRow(record, heading(record, text))
    write_atomic(out / row.page, render_record(record, text, index=index))
    return row
