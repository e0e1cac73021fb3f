"""`summarizer view`: a record file or a results file to pages on disk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import ValidationError

from summarizer.batch import read_inputs
from summarizer.core import InputError, SummaryRecord, first_problem
from summarizer.extract import normalize_text
from summarizer.io import ErrorLine, ResultLine, iter_results
from summarizer.record import write_atomic
from summarizer.view.page import IndexEntry, page_name, render_index, render_record

TextFor = Callable[[str], str | None]


def texts_from_inputs(paths: Iterable[Path]) -> dict[str, str]:
    """Article texts by id from article files, directories or JSONL (as `batch` reads them),
    normalised as the pipeline normalised them, so the records' offsets hold."""
    return {
        item.id: normalize_text(item.request.text)
        for item in read_inputs(paths)
        if item.request is not None and item.request.text is not None
    }


def _record(path: Path) -> SummaryRecord:
    try:
        return SummaryRecord.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    except ValidationError as exc:
        raise InputError(
            f"{path} is not a summary record: {first_problem(exc.errors(), 'record')}"
        ) from None


def _entry(line: ResultLine) -> IndexEntry:
    if isinstance(line, ErrorLine):  # a batch's line for a failed input
        return IndexEntry(line.id, None, None, line.error.message)
    return IndexEntry(line.article.id, page_name(line.article.id), line)


def _load(path: Path) -> list[IndexEntry]:
    if path.suffix != ".jsonl":
        return [_entry(_record(path))]
    if not path.is_file():
        raise InputError(f"cannot read {path}: no such file")
    entries = [_entry(line) for line in iter_results(path)]
    if not entries:
        raise InputError(f"{path} holds no records")
    return entries


def write_pages(source: Path, out: Path, text_for: TextFor) -> list[Path]:
    """A record's page at `out`, or for a results file (.jsonl) a page per record and
    `index.html` in the directory `out`. Returns the pages written, index first."""
    entries = _load(source)
    if source.suffix != ".jsonl":
        record = entries[0].record
        assert record is not None
        write_atomic(out, render_record(record, text_for(record.article.id)))
        return [out]
    written = [out / "index.html"]
    write_atomic(written[0], render_index(entries, source.name))
    for entry in entries:
        if entry.record is not None and entry.page is not None:
            page = out / entry.page
            write_atomic(page, render_record(entry.record, text_for(entry.article_id)))
            written.append(page)
    return written
