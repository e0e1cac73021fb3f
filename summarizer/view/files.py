"""`summarizer view`: a record file or a results file to pages on disk."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import ValidationError

from summarizer.batch import read_inputs
from summarizer.core import InputError, SummaryRecord, first_problem
from summarizer.extract import normalize_text
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


def _record(data: object, source: str) -> SummaryRecord:
    try:
        return SummaryRecord.model_validate(data)
    except ValidationError as exc:
        raise InputError(
            f"{source} is not a summary record: {first_problem(exc, 'record')}"
        ) from None


def _load(path: Path) -> list[IndexEntry]:
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    lines = content.splitlines() if path.suffix == ".jsonl" else [content]
    entries = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        source = f"{path}:{number}" if path.suffix == ".jsonl" else str(path)
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{source} is not JSON: {exc.msg}") from None
        if isinstance(data, dict) and "error" in data:  # a batch's line for a failed input
            message = (data.get("error") or {}).get("message", "failed")
            entries.append(IndexEntry(str(data.get("id")), None, None, str(message)))
            continue
        record = _record(data, source)
        entries.append(IndexEntry(record.article.id, page_name(record.article.id), record))
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
